import * as assert from "assert";
import type { AgentDeclaration } from "../../../provider/declarations/types";
import { knownAgentcoreArns, lifetimeWithin, placeholderContext, resolveAgent } from "../../../provider/model/resolvedAgent";
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

    it("copies the declared labels, and has none when none are declared", () => {
        const labelled = { ...decl({}), metadata: { name: "triage", labels: { team: "support", tier: "1" } } } as AgentDeclaration;
        const agent = resolveAgent(labelled, resolveSettings({}), new Date("2026-12-01T00:00:00Z"));
        assert.deepStrictEqual(agent.labels, { team: "support", tier: "1" });
        assert.notStrictEqual(agent.labels, labelled.metadata.labels);
        assert.deepStrictEqual(resolve({}).labels, {});
    });

    it("knows the fleet's AgentCore ARNs only when the fleet names both its account and its region", () => {
        const arns = knownAgentcoreArns(resolveSettings({ awsAccountId: "123456789012", awsRegion: "eu-west-1" }))!;
        assert.deepStrictEqual([arns.oauthProvider("agentid-github"), arns.workloadIdentity("agent-triage")], [
            "arn:aws:bedrock-agentcore:eu-west-1:123456789012:token-vault/default/oauth2credentialprovider/agentid-github",
            "arn:aws:bedrock-agentcore:eu-west-1:123456789012:workload-identity-directory/default/workload-identity/agent-triage",
        ]);
        assert.deepStrictEqual([knownAgentcoreArns(resolveSettings({ awsAccountId: "123456789012" })), knownAgentcoreArns(resolveSettings({ awsRegion: "eu-west-1" })), knownAgentcoreArns(resolveSettings({}))],
            [undefined, undefined, undefined]);
    });

    it("names AgentCore ARNs with <region> and <account> placeholders for what the fleet does not name", () => {
        const arnsOf = (settings: Record<string, string>) => {
            const context = placeholderContext("triage", resolveSettings(settings));
            return [context.workloadIdentityArn, context.oauthProviderArn!("github")];
        };
        assert.deepStrictEqual(arnsOf({}), [
            "arn:aws:bedrock-agentcore:<region>:<account>:workload-identity-directory/default/workload-identity/agent-triage",
            "arn:aws:bedrock-agentcore:<region>:<account>:token-vault/default/oauth2credentialprovider/agentid-github",
        ]);
        assert.deepStrictEqual(arnsOf({ awsRegion: "eu-west-1" }), [
            "arn:aws:bedrock-agentcore:eu-west-1:<account>:workload-identity-directory/default/workload-identity/agent-triage",
            "arn:aws:bedrock-agentcore:eu-west-1:<account>:token-vault/default/oauth2credentialprovider/agentid-github",
        ]);
        assert.deepStrictEqual(arnsOf({ awsAccountId: "123456789012" }), [
            "arn:aws:bedrock-agentcore:<region>:123456789012:workload-identity-directory/default/workload-identity/agent-triage",
            "arn:aws:bedrock-agentcore:<region>:123456789012:token-vault/default/oauth2credentialprovider/agentid-github",
        ]);
    });

    it("keeps an SVID lifetime whole when the expiry is not a real date", () => {
        assert.strictEqual(lifetimeWithin(900, undefined, new Date("2026-12-01T00:00:00Z")), 900);
        assert.deepStrictEqual(resolve({ expiresAt: "2027-02-30T00:00:00Z" }).svid, { x509SvidTtl: 900, jwtSvidTtl: 300 });
    });

    it("keeps a lifetime that ends exactly at expiry as it is, even one below SPIRE's minimum that fleet args may set", () => {
        const now = new Date("2026-12-01T00:00:00Z");
        assert.deepStrictEqual([lifetimeWithin(900, new Date("2026-12-01T00:15:00Z"), now), lifetimeWithin(30, new Date("2026-12-01T00:00:30Z"), now)], [900, 30]);
        const agent = resolveAgent(decl({ expiresAt: "2026-12-01T00:00:30Z" }), resolveSettings({ x509SvidTtl: 30, jwtSvidTtl: 30 }), now);
        assert.deepStrictEqual(agent.svid, { x509SvidTtl: 30, jwtSvidTtl: 30 });
    });
});
