import * as assert from "assert";
import * as cedar from "@cedar-policy/cedar-wasm/nodejs";
import { buildCedarPolicies, buildCedarSchema } from "../../../provider/platforms/agentcore/cedar";
import { catalog } from "../../../provider/connectors/catalog";
import type { ExpansionContext } from "../../../provider/connectors/contract";

/**
 * Cedar tool policies judged by cedar-wasm against a schema written here from AgentCore's documentation
 * (Policy in AgentCore: "Schema constraints" and "Policy scope") — not from provider/platforms/agentcore/cedar.ts:
 *
 * - principals: `AgentCore::OAuthUser` (OAuth gateways; an `id` from the JWT `sub`, claims as tags) and
 *   `AgentCore::IamEntity` (AWS_IAM gateways; `id` is the caller's IAM ARN, no tags);
 * - resource: `AgentCore::Gateway`, by ARN;
 * - actions: each MCP tool of the gateway's manifest is `AgentCore::Action::"<Target>___<tool>"`, a
 *   `CallTool` inside `Mcp`;
 * - context: only `context.input`, the tool's input parameters typed from its JSON Schema
 *   (string → String, integer → Long, boolean → Bool).
 */

/** The gateway's MCP tool manifest, as AgentCore generates the schema from it. */
interface ManifestTool {
    target: string;
    tool: string;
    input: Record<string, "string" | "integer" | "boolean">;
    required: string[];
}

const MANIFEST: ManifestTool[] = [
    { target: "crm", tool: "lookupCustomer", input: { customerId: "string", includeHistory: "boolean" }, required: ["customerId"] },
    { target: "kb", tool: "searchArticles", input: { query: "string", limit: "integer" }, required: ["query"] },
    { target: "billing", tool: "refund", input: { orderId: "string", amount: "integer" }, required: ["orderId", "amount"] },
];

const CEDAR_TYPES = { string: "String", integer: "Long", boolean: "Bool" } as const;
const actionOf = (t: ManifestTool) => `${t.target}___${t.tool}`;

/** The documented schema for a gateway with these tools. */
function agentCoreSchema(manifest: readonly ManifestTool[]): string {
    const lines = [
        "namespace AgentCore {",
        "  entity OAuthUser = { \"id\": String } tags String;",
        "  entity IamEntity = { \"id\": String };",
        "  entity Gateway;",
        "  action \"Mcp\";",
        "  action \"CallTool\" in [\"Mcp\"];",
    ];
    for (const t of manifest) {
        const fields = Object.entries(t.input).map(([name, type]) => `"${name}"${t.required.includes(name) ? "" : "?"}: ${CEDAR_TYPES[type]}`);
        lines.push(`  type ${actionOf(t)}Input = { ${fields.join(", ")} };`);
        lines.push(`  action "${actionOf(t)}" in ["CallTool"] appliesTo { principal: [OAuthUser, IamEntity], resource: [Gateway], context: { "input": ${actionOf(t)}Input } };`);
    }
    lines.push("}");
    return lines.join("\n");
}

const ACCOUNT = "123456789012";
const GATEWAY = `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:gateway/support-tools-a1b2c3`;
const OTHER_GATEWAY = `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:gateway/finance-tools-x9y8z7`;
const CONTEXT: ExpansionContext = { agent: "support-triage", defaultNamespace: "agents", oauthProviderArn: () => "", workloadIdentityArn: "" };
const SCHEMA = agentCoreSchema(MANIFEST);
const OWN_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/agent-support-triage/session-1`;
const INPUTS: Record<string, Record<string, cedar.CedarValueJson>> = {
    crm___lookupCustomer: { customerId: "c-1" }, kb___searchArticles: { query: "refund", limit: 5 }, billing___refund: { orderId: "o-1", amount: 20 },
};

function policiesFor(agent: string, tools: string[], gateway = GATEWAY) {
    const expansion = catalog.expand([{ connector: "tool.support-tools", tools }], { ...CONTEXT, agent });
    return buildCedarPolicies(agent, expansion, { gatewayArn: () => gateway });
}

function policySet(...groups: ReturnType<typeof policiesFor>[]): cedar.PolicySet {
    return { staticPolicies: Object.fromEntries(groups.flat().map((p) => [p.name, p.statement])) };
}

/** AgentCore's decision for a caller invoking a tool (action id written as the documentation names it). */
function authorize(policies: cedar.PolicySet, caller: { type: "IamEntity" | "OAuthUser"; id: string }, action: string, gateway = GATEWAY): cedar.Decision {
    const principal = { type: `AgentCore::${caller.type}`, id: caller.id };
    const answer = cedar.isAuthorized({
        principal, action: { type: "AgentCore::Action", id: action }, resource: { type: "AgentCore::Gateway", id: gateway },
        context: { input: INPUTS[action] }, schema: SCHEMA, validateRequest: true, policies,
        entities: [{ uid: principal, attrs: { id: caller.id }, parents: [] }],
    });
    if (answer.type !== "success") throw new Error(JSON.stringify(answer.errors));
    assert.deepStrictEqual(answer.response.diagnostics.errors, []);
    return answer.response.decision;
}

const iam = (id: string) => ({ type: "IamEntity" as const, id });

describe("Cedar tool policies against AgentCore's documented schema", () => {
    it("the documented schema itself parses (the oracle is well-formed)", () => {
        assert.strictEqual(cedar.checkParseSchema(SCHEMA).type, "success", SCHEMA);
    });

    it("validate strictly, with no warnings, for every tool of the manifest", () => {
        const policies = policySet(policiesFor("support-triage", ["crm/lookupCustomer", "kb/searchArticles", "billing/refund"]));
        const answer = cedar.validate({ schema: SCHEMA, policies, validationSettings: { mode: "strict" } });
        assert.strictEqual(answer.type, "success", JSON.stringify(answer));
        if (answer.type === "success") assert.deepStrictEqual([answer.validationErrors, answer.validationWarnings], [[], []]);
    });

    it("fail validation for a tool the gateway does not have: AgentCore would refuse the policy", () => {
        const answer = cedar.validate({ schema: SCHEMA, policies: policySet(policiesFor("support-triage", ["crm/deleteCustomer"])), validationSettings: { mode: "strict" } });
        assert.ok(answer.type === "success" && answer.validationErrors.length === 1, JSON.stringify(answer));
    });

    it("allow each declared tool for the agent's own role sessions", () => {
        const policies = policySet(policiesFor("support-triage", ["crm/lookupCustomer", "kb/searchArticles"]));
        assert.deepStrictEqual(["crm___lookupCustomer", "kb___searchArticles"].map((a) => authorize(policies, iam(OWN_SESSION), a)), ["allow", "allow"]);
    });

    it("deny an undeclared tool, another agent, another account, a longer role name, an OAuth user with the same id and another gateway", () => {
        const policies = policySet(policiesFor("support-triage", ["crm/lookupCustomer", "kb/searchArticles"]), policiesFor("billing-bot", ["billing/refund"]));
        assert.deepStrictEqual([
            authorize(policies, iam(OWN_SESSION), "billing___refund"),
            authorize(policies, iam(`arn:aws:sts::${ACCOUNT}:assumed-role/agent-billing-bot/s`), "crm___lookupCustomer"),
            authorize(policies, iam("arn:aws:sts::999999999999:assumed-role/agent-support-triage/s"), "crm___lookupCustomer"),
            authorize(policies, iam(`arn:aws:sts::${ACCOUNT}:assumed-role/agent-support-triage-admin/s`), "crm___lookupCustomer"),
            authorize(policies, iam(`arn:aws:iam::${ACCOUNT}:role/agents/agent-support-triage`), "crm___lookupCustomer"),
            authorize(policies, { type: "OAuthUser", id: OWN_SESSION }, "crm___lookupCustomer"),
            authorize(policies, iam(OWN_SESSION), "crm___lookupCustomer", OTHER_GATEWAY),
        ], ["deny", "deny", "deny", "deny", "deny", "deny", "deny"]);
        assert.strictEqual(authorize(policies, iam(`arn:aws:sts::${ACCOUNT}:assumed-role/agent-billing-bot/s`), "billing___refund"), "allow");
    });

    it("write a permit per tool grant only: the agent's other grants (S3 here) add none", () => {
        const expansion = catalog.expand([
            { connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::tickets/inbound/*"] },
            { connector: "tool.support-tools", tools: ["crm/lookupCustomer"] },
        ], CONTEXT);
        const policies = buildCedarPolicies("support-triage", expansion, { gatewayArn: () => GATEWAY });
        assert.deepStrictEqual(policies.map((p) => [p.gateway, p.tool]), [["support-tools", "crm/lookupCustomer"]]);
        assert.strictEqual(authorize(policySet(policies), iam(OWN_SESSION), "crm___lookupCustomer"), "allow");
    });

    it("agree with agentid's own schema builder (exported for users): it accepts the same policies and refuses unknown tools", () => {
        const tools = ["crm/lookupCustomer", "kb/searchArticles"];
        const own = cedar.validate({ schema: buildCedarSchema(tools), policies: policySet(policiesFor("support-triage", tools)), validationSettings: { mode: "strict" } });
        assert.ok(own.type === "success" && own.validationErrors.length === 0, JSON.stringify(own));
        const missing = cedar.validate({ schema: buildCedarSchema(["crm/lookupCustomer"]), policies: policySet(policiesFor("support-triage", tools)), validationSettings: { mode: "strict" } });
        assert.ok(missing.type === "success" && missing.validationErrors.length === 1, JSON.stringify(missing));
    });
});
