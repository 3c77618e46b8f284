import * as assert from "assert";
import { catalog } from "../../../provider/connectors/catalog";
import type { ExpansionContext } from "../../../provider/connectors/contract";
import { isScopedOauthTokenStatement, OAUTH_TOKEN_ACTION } from "../../../provider/connectors/saas";

/** The SaaS and gateway-tool connectors (provider/connectors/saas.ts): whole expansions and the token statement's form. */

const ACCOUNT = "123456789012";
const PROVIDER = (name: string) => `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:token-vault/default/oauth2credentialprovider/${name}`;
const WORKLOAD = `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:workload-identity-directory/default/workload-identity/agent-triage`;
const CONTEXT: ExpansionContext = { agent: "triage", defaultNamespace: "agents", oauthProviderArn: (vendor) => PROVIDER(`agentid-${vendor}`), workloadIdentityArn: WORKLOAD };

describe("SaaS and tool connectors", () => {
    it("knows the token statement it writes: the token action alone (any case), on one credential provider and one workload identity", () => {
        const cases: [string, string[], string[], boolean][] = [
            ["as written", [OAUTH_TOKEN_ACTION], [PROVIDER("agentid-slack"), WORKLOAD], true],
            ["in either order, the action in any case", ["BEDROCK-AGENTCORE:getresourceoauth2token"], [WORKLOAD, PROVIDER("agentid-slack")], true],
            ["with a second action", [OAUTH_TOKEN_ACTION, "s3:GetObject"], [PROVIDER("agentid-slack"), WORKLOAD], false],
            ["with another action", ["bedrock-agentcore:GetWorkloadAccessToken"], [PROVIDER("agentid-slack"), WORKLOAD], false],
            ["with a third resource", [OAUTH_TOKEN_ACTION], [PROVIDER("agentid-slack"), WORKLOAD, "arn:aws:s3:::bucket"], false],
            ["with two workload identities", [OAUTH_TOKEN_ACTION], [WORKLOAD, `${WORKLOAD}-2`], false],
            ["with two credential providers", [OAUTH_TOKEN_ACTION], [PROVIDER("agentid-slack"), PROVIDER("agentid-github")], false],
            ["with a pattern for the provider", [OAUTH_TOKEN_ACTION], [PROVIDER("*"), WORKLOAD], false],
            ["with a pattern for the workload identity", [OAUTH_TOKEN_ACTION], [PROVIDER("agentid-slack"), WORKLOAD.replace("agent-triage", "*")], false],
        ];
        assert.deepStrictEqual(cases.map(([what, actions, resources]) => [what, isScopedOauthTokenStatement(actions, resources)]), cases.map(([what, , , scoped]) => [what, scoped]));
    });

    it("expands an OAuth grant whose client is shared: the declared and the co-users' scopes, each listed, and who shares it", () => {
        const shared: ExpansionContext = { ...CONTEXT, sharedOauthScopes: (vendor) => (vendor === "slack" ? { scopes: ["users:read", "chat:write", "files:write"], sharedWith: ["poster", "uploader"] } : undefined) };
        assert.deepStrictEqual(catalog.expand([{ connector: "oauth.slack", scopes: ["channels:read", "users:read"] }], shared), [{
            index: 0, connector: "oauth.slack", access: "read",
            actions: [{ action: OAUTH_TOKEN_ACTION, accessLevel: "Read" }],
            statements: [{ Sid: "Grant0OauthSlack", Effect: "Allow", Action: [OAUTH_TOKEN_ACTION], Resource: [PROVIDER("agentid-slack"), WORKLOAD] }],
            oauth: { vendor: "slack", scopes: ["channels:read", "users:read"], effectiveScopes: ["channels:read", "users:read", "chat:write", "files:write"], sharedWith: ["poster", "uploader"] },
            risk: "medium", needsApproval: true,
            reach: ["slack scopes channels:read, users:read", "slack scopes chat:write, files:write beyond the declaration, through the OAuth client shared with poster, uploader"],
        }]);
    });

    it("expands a tool grant to its tools on its gateway and nothing in IAM", () => {
        assert.deepStrictEqual(catalog.expand([{ connector: "tool.helpdesk", access: "write", tools: ["crm/lookupCustomer", "crm/issueRefund"] }], CONTEXT), [{
            index: 0, connector: "tool.helpdesk", access: "write", actions: [], statements: [],
            tools: { gateway: "helpdesk", tools: ["crm/lookupCustomer", "crm/issueRefund"] }, risk: "medium", needsApproval: true,
            reach: ["tools crm/lookupCustomer, crm/issueRefund on gateway helpdesk"],
        }]);
    });
});
