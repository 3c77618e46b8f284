import * as assert from "assert";
import * as path from "path";
import { cli } from "../helpers/fixtures";

const AGENTS = path.join(__dirname, "../../../agents");

describe("agentid expired", () => {
    it("lists an agent expiring within the window with its days left", async () => {
        const result = await cli("expired", AGENTS, "--now", "2026-12-01T00:00:00Z", "--json");
        assert.strictEqual(result.code, 0);
        assert.deepStrictEqual(JSON.parse(result.stdout), { expired: [], expiring: [{ name: "ops-responder", expiresAt: "2026-12-10T00:00:00Z", daysLeft: 9, valid: true }], invalid: [] });
    });

    it("treats an agent as expired exactly at expiresAt", async () => {
        const result = await cli("expired", AGENTS, "--now", "2026-12-10T00:00:00Z", "--within", "1d", "--json");
        assert.deepStrictEqual(JSON.parse(result.stdout).expired, [
            { name: "ops-responder", expiresAt: "2026-12-10T00:00:00Z", owner: { team: "sre", contact: "sre@example.com" }, onExpiry: "delete", valid: true },
        ]);
    });

    it("includes an agent expiring exactly at the window's edge, not one a second later", async () => {
        const edge = await cli("expired", AGENTS, "--now", "2027-01-01T00:00:00Z", "--within", "14d", "--json");
        assert.deepStrictEqual(JSON.parse(edge.stdout).expiring.map((e: { name: string }) => e.name), ["billing-reporter"]);
        const past = await cli("expired", AGENTS, "--now", "2026-12-31T23:59:59Z", "--within", "14d", "--json");
        assert.deepStrictEqual(JSON.parse(past.stdout).expiring.map((e: { name: string }) => e.name), []);
    });

    it("exits 1 with --fail-on-expired only when something expired", async () => {
        assert.strictEqual((await cli("expired", AGENTS, "--now", "2026-12-01T00:00:00Z", "--fail-on-expired")).code, 0);
        assert.strictEqual((await cli("expired", AGENTS, "--now", "2026-12-11T00:00:00Z", "--fail-on-expired")).code, 1);
        assert.strictEqual((await cli("expired", AGENTS, "--within", "soon")).code, 2);
    });
});
