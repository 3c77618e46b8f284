import * as assert from "assert";
import type { AgentDeclaration } from "../../../provider/declarations/types";
import { resolveAgent } from "../../../provider/model/resolvedAgent";
import { resolveSettings } from "../../../provider/model/settings";

/** What an agent resolves to (provider/model/resolvedAgent.ts), field by field where tests elsewhere read only some. */

describe("resolved agent", () => {
    const decl = (spec: Record<string, unknown>): AgentDeclaration => ({
        apiVersion: "agentid/v1", kind: "Agent", metadata: { name: "triage" },
        spec: { description: "d", owner: { team: "t", contact: "t@example.com" }, expiresAt: "2027-01-15T00:00:00Z", grants: [], ...spec },
    } as unknown as AgentDeclaration);
    const resolve = (spec: Record<string, unknown>) => resolveAgent(decl(spec), resolveSettings({}), new Date("2026-12-01T00:00:00Z"));

    it("keeps the review date, and the SPIRE entry's selectors and DNS names (none when none are declared)", () => {
        const spire = { parentId: "spiffe://example.org/node/a", selectors: ["k8s:ns:agents", "k8s:sa:triage"] };
        const agent = resolve({ reviewBy: "2026-12-15", identity: { spire } });
        assert.deepStrictEqual([agent.reviewBy, agent.spire], ["2026-12-15", { parentId: "spiffe://example.org/node/a", selectors: ["k8s:ns:agents", "k8s:sa:triage"], dnsNames: [] }]);
        assert.deepStrictEqual(resolve({ identity: { spire: { ...spire, dnsNames: ["triage.agents.svc"] } } }).spire!.dnsNames, ["triage.agents.svc"]);
        assert.strictEqual("reviewBy" in resolve({}), false);
    });
});
