import * as assert from "assert";
import * as cedar from "@cedar-policy/cedar-wasm/nodejs";
import { buildCedarPolicies, buildCedarSchema, toolActionId } from "../../../provider/platforms/agentcore/cedar";
import { catalog } from "../../../provider/connectors/catalog";
import type { ExpansionContext } from "../../../provider/connectors/contract";

const GATEWAY = "arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/support-tools-a1b2c3";
const OTHER_GATEWAY = "arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/finance-tools-x9y8z7";
const CONTEXT: ExpansionContext = { agent: "support-triage", defaultNamespace: "agents", oauthProviderArn: () => "", workloadIdentityArn: "" };
const TOOLS = ["crm/lookupCustomer", "kb/searchArticles"];

function policiesFor(agent: string, tools: string[]) {
    const expansion = catalog.expand([{ connector: "tool.support-tools", tools }], { ...CONTEXT, agent });
    return buildCedarPolicies(agent, expansion, { gatewayArn: () => GATEWAY });
}

/** One Cedar policy set from our generated statements, keyed by their stable names. */
function policySet(...groups: ReturnType<typeof policiesFor>[]): cedar.PolicySet {
    return { staticPolicies: Object.fromEntries(groups.flat().map((p) => [p.name, p.statement])) };
}

function authorize(policies: cedar.PolicySet, callerArn: string, tool: string, gateway = GATEWAY): cedar.Decision {
    const answer = cedar.isAuthorized({
        principal: { type: "AgentCore::IamEntity", id: callerArn },
        action: { type: "AgentCore::Action", id: toolActionId(tool) },
        resource: { type: "AgentCore::Gateway", id: gateway },
        context: {},
        schema: buildCedarSchema([...TOOLS, "billing/refund"]),
        validateRequest: true,
        policies,
        entities: [{ uid: { type: "AgentCore::IamEntity", id: callerArn }, attrs: { id: callerArn }, parents: [] }],
    });
    if (answer.type !== "success") throw new Error(JSON.stringify(answer.errors));
    assert.deepStrictEqual(answer.response.diagnostics.errors, []);
    return answer.response.decision;
}

const OWN_SESSION = "arn:aws:sts::123456789012:assumed-role/agent-support-triage/session-1";

describe("Cedar tool policies", () => {
    it("parse", () => {
        const answer = cedar.checkParsePolicySet(policySet(policiesFor("support-triage", TOOLS)));
        assert.strictEqual(answer.type, "success", JSON.stringify(answer));
    });

    it("validate strictly against our AgentCore-shaped schema", () => {
        const answer = cedar.validate({ schema: buildCedarSchema(TOOLS), policies: policySet(policiesFor("support-triage", TOOLS)), validationSettings: { mode: "strict" } });
        assert.strictEqual(answer.type, "success", JSON.stringify(answer));
        if (answer.type === "success") assert.deepStrictEqual(answer.validationErrors, []);
    });

    it("fail validation when a tool is not in the schema (a typo cannot slip through)", () => {
        const answer = cedar.validate({ schema: buildCedarSchema(["crm/lookupCustomer"]), policies: policySet(policiesFor("support-triage", TOOLS)), validationSettings: { mode: "strict" } });
        assert.ok(answer.type === "success" && answer.validationErrors.length === 1, JSON.stringify(answer));
    });

    it("allow each declared tool for the agent's own role sessions", () => {
        const policies = policySet(policiesFor("support-triage", TOOLS));
        assert.deepStrictEqual(TOOLS.map((t) => authorize(policies, OWN_SESSION, t)), ["allow", "allow"]);
    });

    it("deny an undeclared tool, another agent, another account and another gateway", () => {
        const policies = policySet(policiesFor("support-triage", TOOLS), policiesFor("billing-bot", ["billing/refund"]));
        assert.deepStrictEqual([
            authorize(policies, OWN_SESSION, "billing/refund"),
            authorize(policies, "arn:aws:sts::123456789012:assumed-role/agent-billing-bot/s", "crm/lookupCustomer"),
            authorize(policies, "arn:aws:sts::999999999999:assumed-role/agent-support-triage/s", "crm/lookupCustomer"),
            authorize(policies, "arn:aws:sts::123456789012:assumed-role/agent-support-triage-admin/s", "crm/lookupCustomer"),
            authorize(policies, OWN_SESSION, "crm/lookupCustomer", OTHER_GATEWAY),
        ], ["deny", "deny", "deny", "deny", "deny"]);
        assert.strictEqual(authorize(policies, "arn:aws:sts::123456789012:assumed-role/agent-billing-bot/s", "billing/refund"), "allow");
    });
});
