import type { Access, Grant } from "../spec/types";
import type { Violation } from "../spec/diagnostics";
import { isDns1123Label } from "../spec/names";
import { onlyFields } from "./awsConnectors";
import { iamActions } from "./iamActions";
import { OAUTH_SCOPES } from "./oauthScopes";
import { Connector, GrantExpansion, Risk } from "./types";

/** The only action an agent needs to fetch a SaaS token for itself. */
export const OAUTH_TOKEN_ACTION = "bedrock-agentcore:GetResourceOauth2Token";
/** `<target>/<tool>`: AgentCore names gateway tools by target and tool. */
const TOOL_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}\/[A-Za-z][A-Za-z0-9_.-]{0,127}$/;

/** `oauth.<vendor>`: a SaaS token through an AgentCore OAuth2 credential provider, scoped to the agent. */
export function oauthConnector(): Connector {
    return {
        name: "oauth.",
        summary: `SaaS through an AgentCore OAuth2 credential provider: oauth.{${Object.keys(OAUTH_SCOPES).join(",")}} with scopes`,
        validate(grant) {
            const vendor = grant.connector.slice("oauth.".length);
            const known = OAUTH_SCOPES[vendor];
            const violations: Violation[] = [...onlyFields(grant, grant.connector, ["scopes"])];
            if (!known) {
                return [{ path: ["connector"], rule: "unknown-connector", message: `"${grant.connector}" is not a known SaaS vendor; use oauth.${Object.keys(OAUTH_SCOPES).join(", oauth.")}` }];
            }
            if (!grant.scopes) {
                violations.push({ path: [], rule: "connector-field", message: `${grant.connector} grants need \`scopes\`, e.g. [${Object.keys(known)[0]}]` });
            }
            (grant.scopes ?? []).forEach((scope, i) => {
                if (!(scope in known)) {
                    violations.push({ path: ["scopes", i], rule: "oauth-scope", message: `"${scope}" is not a known ${vendor} scope; known scopes: ${Object.keys(known).join(", ")}` });
                }
            });
            return violations;
        },
        expand(grant, index, context): GrantExpansion {
            const vendor = grant.connector.slice("oauth.".length);
            const levels = grant.scopes!.map((s) => OAUTH_SCOPES[vendor][s]);
            const risk: Risk = levels.includes("admin") ? "high" : levels.includes("write") ? "medium" : "low";
            const access: Access = levels.some((l) => l !== "read") ? (levels.includes("read") ? "readwrite" : "write") : "read";
            // Token retrieval is scoped to this vendor's provider and this agent's workload identity only.
            const resources = [context.oauthProviderArn(vendor), context.workloadIdentityArn];
            return {
                index, connector: grant.connector, access,
                actions: [{ action: OAUTH_TOKEN_ACTION, accessLevel: iamActions.accessLevel(OAUTH_TOKEN_ACTION)! }],
                statements: [{ Sid: `Grant${index}Oauth${vendor.charAt(0).toUpperCase()}${vendor.slice(1)}`, Effect: "Allow", Action: [OAUTH_TOKEN_ACTION], Resource: resources }],
                oauth: { vendor, scopes: [...grant.scopes!] }, risk, needsApproval: risk !== "low",
                reach: [`${vendor} scopes ${grant.scopes!.join(", ")}`],
            };
        },
    };
}

/** `tool.<gateway>`: named tools behind an AgentCore gateway, permitted by generated Cedar policies. */
export function toolConnector(): Connector {
    return {
        name: "tool.",
        summary: "tools behind an AgentCore gateway: tool.<gateway> with tools (access read by default; write needs approval)",
        validate(grant) {
            const gateway = grant.connector.slice("tool.".length);
            const violations: Violation[] = [...onlyFields(grant, grant.connector, ["tools", "access"])];
            if (!isDns1123Label(gateway)) {
                violations.push({ path: ["connector"], rule: "unknown-connector", message: `"${grant.connector}": the gateway name after "tool." must be a DNS-1123 label, e.g. tool.support-tools` });
            }
            if (!grant.tools) {
                violations.push({ path: [], rule: "connector-field", message: `${grant.connector} grants need \`tools\`: the tool names the agent may call` });
            }
            (grant.tools ?? []).forEach((tool, i) => {
                if (tool === "*") violations.push({ path: ["tools", i], rule: "wildcard-action", message: `"*" permits every tool of the gateway; list the tools` });
                else if (!TOOL_NAME.test(tool)) violations.push({ path: ["tools", i], rule: "connector-field", message: `"${tool}" is not a gateway tool; write <target>/<tool>, e.g. crm/lookupCustomer` });
            });
            return violations;
        },
        expand(grant, index): GrantExpansion {
            const gateway = grant.connector.slice("tool.".length);
            const access: Access = grant.access ?? "read";
            return {
                index, connector: grant.connector, access, actions: [], statements: [],
                tools: { gateway, tools: [...grant.tools!] }, risk: access === "read" ? "low" : "medium",
                needsApproval: access !== "read",
                reach: [`tools ${grant.tools!.join(", ")} on gateway ${gateway}`],
            };
        },
    };
}
