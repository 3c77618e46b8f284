import * as assert from "assert";
import * as path from "path";
import { BASE_AGENT, cli, NOW, replaceLine, writeFixtures } from "../helpers/fixtures";

const AGENTS = path.join(__dirname, "../../../agents");

describe("agentid show", () => {
    it("prints the resolved agent, the catalog expansion and every artefact as JSON", async () => {
        const result = await cli("show", AGENTS, "--agent", "support-triage", "--now", NOW, "--json");
        assert.strictEqual(result.code, 0);
        const shown = JSON.parse(result.stdout);
        assert.deepStrictEqual(Object.keys(shown), ["name", "status", "effect", "expiresAt", "owner", "spiffeId", "grantsDigest", "grants", "aws", "kubernetes", "spire", "cedar"]);
        assert.deepStrictEqual([shown.name, shown.status, shown.expiresAt], ["support-triage", "active", "2027-02-15T00:00:00Z"]);
        assert.deepStrictEqual(shown.grants[0], {
            index: 0, connector: "aws.s3", access: "read", risk: "low", needsApproval: false,
            actions: [{ action: "s3:GetObject", accessLevel: "Read" }, { action: "s3:ListBucket", accessLevel: "List" }],
            reach: ["s3:GetObject on arn:aws:s3:::support-tickets/inbound/*", "s3:ListBucket on arn:aws:s3:::support-tickets (prefix-scoped)"],
        });
        assert.strictEqual(shown.aws.roleName, "agent-support-triage");
        assert.deepStrictEqual(shown.kubernetes.manifests.map((m: { kind: string }) => m.kind), ["ServiceAccount", "Role", "RoleBinding"]);
        // The entry stops one SVID lifetime and one SPIRE pruning period early: no SVID outlives the agent.
        assert.deepStrictEqual(shown.spire.entry.expiresAt, Date.parse("2027-02-15T00:00:00Z") / 1000 - 900 - 300);
        assert.deepStrictEqual(shown.cedar.map((c: { name: string }) => c.name), ["support_triage_crm_lookupCustomer_fbd62f43", "support_triage_kb_searchArticles_87a7ccb6"]);
    });

    it("shows an expired agent with onExpiry: delete as having no artefacts", async () => {
        const shown = JSON.parse((await cli("show", AGENTS, "--agent", "ops-responder", "--now", "2026-12-10T00:00:00Z", "--json")).stdout);
        assert.deepStrictEqual([shown.status, shown.effect, shown.aws, shown.kubernetes], ["expired", "deleted", undefined, undefined]);
    });

    it("refuses an invalid agent with its errors on stderr and exit 1", async () => {
        const dir = writeFixtures({ "a.yaml": replaceLine(BASE_AGENT, "      access: read", "      access: readwrite") });
        const result = await cli("show", dir, "--agent", "fixture-agent", "--now", NOW, "--json");
        assert.strictEqual(result.code, 1);
        const shown = JSON.parse(result.stdout);
        assert.deepStrictEqual([shown.error.code, shown.agent, shown.errors.map((e: { rule: string }) => e.rule)], ["invalid", "fixture-agent", ["approval-required"]]);
        assert.match(result.stderr, /\(approval-required\)\nagentid show: error: agent "fixture-agent" is invalid \(1 error\)/);
    });
});
