import * as assert from "assert";
import { agentSessionPattern, buildCedarSchema, toolActionId } from "../../../provider/platforms/agentcore/cedar";
import { sharedOauthScopesOf } from "../../../provider/model/oauthSharing";
import { sharedIdentityViolations } from "../../../provider/guardrails/identities";
import { resolveSettings } from "../../../provider/model/settings";
import type { AgentDeclaration } from "../../../provider/declarations/types";

const NOW = new Date("2026-12-01T00:00:00Z");
function agent(name: string, spec: Record<string, unknown> = {}): AgentDeclaration {
    return {
        apiVersion: "agentid/v1", kind: "Agent", metadata: { name },
        spec: { description: "d", owner: { team: "t", contact: "t@example.com" }, expiresAt: "2027-01-15T00:00:00Z", grants: [], ...spec },
    } as unknown as AgentDeclaration;
}
const github = (...scopes: string[]) => ({ connector: "oauth.github", scopes });

describe("OAuth clients shared across a fleet", () => {
    const fleet = [
        agent("a1", { grants: [github("read:org")] }),
        agent("b2", { grants: [github("repo", "read:org"), { connector: "oauth.slack", scopes: ["chat:write"] }] }),
        agent("c3", { grants: [github("admin:org")], expiresAt: "2026-12-01T00:00:00Z" }),
        agent("d4", { grants: [{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::bkt"] }] }),
        agent("e5", { grants: [github("user:email")], expiresAt: "not a date" }),
    ];

    it("give each agent what the other active agents of the vendor declare, and who they are", () => {
        const shared = sharedOauthScopesOf(fleet, resolveSettings({}), NOW);
        assert.deepStrictEqual(shared("a1")!("github"), { scopes: ["repo", "read:org"], sharedWith: ["b2"] });
        assert.deepStrictEqual(shared("b2")!("github"), { scopes: ["read:org"], sharedWith: ["a1"] });
        assert.deepStrictEqual([shared("b2")!("slack"), shared("d4")!("github"), shared("a1")!("google")], [undefined, { scopes: ["read:org", "repo"], sharedWith: ["a1", "b2"] }, undefined]);
    });

    it("count a co-user whose grant names no scopes (a declaration not yet valid) as sharing none", () => {
        const shared = sharedOauthScopesOf([agent("a1", { grants: [github("read:org")] }), agent("b2", { grants: [{ connector: "oauth.github" }] })], resolveSettings({}), NOW);
        assert.deepStrictEqual(shared("a1")!("github"), { scopes: [], sharedWith: ["b2"] });
    });

    it("share nothing with per-agent clients", () => {
        const shared = sharedOauthScopesOf(fleet, resolveSettings({ oauthClientSharing: "perAgent" }), NOW);
        assert.deepStrictEqual([shared("a1"), shared("b2")], [undefined, undefined]);
    });
});

describe("one identity, one agent", () => {
    const settings = resolveSettings({});
    const where = (i: number) => `agents/${i}.yaml`;
    const rules = (decls: AgentDeclaration[]) => sharedIdentityViolations(decls, settings, where).map((vs) => vs.map((v) => [v.path.join("."), v.rule]));

    it("reports each identity claimed a second time, at the later agent, naming the first", () => {
        const spire = (selectors: string[]) => ({ parentId: "spiffe://example.org/node/a", selectors });
        const decls = [
            agent("a1", { identity: { kubernetes: { namespace: "agents", serviceAccount: "shared" }, spire: spire(["k8s:ns:agents", "k8s:sa:shared"]) } }),
            agent("b2", { identity: { spiffeId: "spiffe://example.org/agents/a1" } }),
            agent("c3", { identity: { kubernetes: { namespace: "agents", serviceAccount: "shared" } } }),
            agent("d4", { identity: { spire: spire(["k8s:sa:shared", "k8s:ns:agents"]) } }),
            agent("e5", { identity: { kubernetes: { namespace: "other", serviceAccount: "shared" } } }),
        ];
        assert.deepStrictEqual(rules(decls), [
            [],
            [["spec.identity.spiffeId", "identity-shared"]],
            [["spec.identity.kubernetes", "identity-shared"]],
            [["spec.identity.spire.selectors", "identity-shared"], ["spec.identity.spire.selectors", "identity-shared"]],
            [],
        ]);
        assert.deepStrictEqual(sharedIdentityViolations(decls, settings, where)[2][0].message,
            `service account agents/shared already belongs to agent "a1" (agents/0.yaml); one identity, one agent — give this agent its own`);
    });

    it("counts an agent's default service account and SPIFFE ID as claims", () => {
        assert.deepStrictEqual(rules([agent("a1", { identity: { kubernetes: {} } }), agent("b2", { identity: { kubernetes: { serviceAccount: "a1" } } })]), [[], [["spec.identity.kubernetes", "identity-shared"]]]);
        assert.deepStrictEqual(rules([agent("a1"), agent("b2", { identity: { spiffeId: "spiffe://example.org/agents/a1" } })]).map((v) => v.length), [0, 1]);
        assert.deepStrictEqual(rules([agent("a1", { identity: { kubernetes: {} } }), agent("b2", { identity: { kubernetes: {} } })]), [[], []]);
    });
});

describe("Cedar names", () => {
    it("join target and tool with three underscores, and match only the agent's own role sessions", () => {
        assert.deepStrictEqual(["crm/lookupCustomer", "c_rm/look_up"].map(toolActionId), ["crm___lookupCustomer", "c_rm___look_up"]);
        assert.strictEqual(agentSessionPattern("support-triage", "123456789012"), "arn:aws:sts::123456789012:assumed-role/agent-support-triage/*");
    });

    it("build a schema with one action per distinct tool, sorted", () => {
        assert.strictEqual(buildCedarSchema(["kb/search", "crm/lookup", "kb/search"]), [
            "namespace AgentCore {",
            "  entity IamEntity { id: String };",
            "  entity OAuthUser;",
            "  entity Gateway;",
            `  action "crm___lookup" appliesTo { principal: [IamEntity, OAuthUser], resource: [Gateway] };`,
            `  action "kb___search" appliesTo { principal: [IamEntity, OAuthUser], resource: [Gateway] };`,
            "}",
            "",
        ].join("\n"));
    });
});
