import type { Access, Grant } from "../declarations/types";
import type { Violation } from "../declarations/diagnostics";
import { isDns1123Label } from "../declarations/names";
import { hasWildcard } from "./wildcards";
import { OAUTH2_CREDENTIAL_PROVIDER_ARN, WORKLOAD_IDENTITY_ARN } from "./arnGrammar";
import { onlyFields } from "./aws";
import { iamActions } from "./iamData";
import { OAUTH_SCOPES, scopesOf } from "./oauthScopes";
import { Connector, GrantExpansion, Risk } from "./contract";

/** The only action an agent needs to fetch a SaaS token for itself. */
export const OAUTH_TOKEN_ACTION = "bedrock-agentcore:GetResourceOauth2Token";

/**
 * The token statement in the form this connector emits it: only the token action, on exactly one OAuth2
 * credential provider and one workload identity (no patterns). The policy pack accepts the escalation-listed
 * token action in this form only.
 */
export function isScopedOauthTokenStatement(actions: readonly string[], resources: readonly string[]): boolean {
    return actions.length === 1 && actions[0].toLowerCase() === OAUTH_TOKEN_ACTION.toLowerCase() && resources.length === 2
        && resources.filter((r) => OAUTH2_CREDENTIAL_PROVIDER_ARN.test(r)).length === 1 && resources.filter((r) => WORKLOAD_IDENTITY_ARN.test(r)).length === 1;
}
/**
 * `<target>/<tool>`: AgentCore names gateway tools by target and tool, joined as `<target>___<tool>`.
 * A target has no `__` and does not end in `_`, so the first `___` of an action id is always the
 * separator: no two declared tools share an action id.
 */
const TOOL_NAME = /^[A-Za-z](?:[A-Za-z0-9-]|_(?=[A-Za-z0-9-])){0,63}\/[A-Za-z][A-Za-z0-9_.-]{0,127}$/;

/** `oauth.<vendor>`: a SaaS token through an AgentCore OAuth2 credential provider, scoped to the agent. */
export function oauthConnector(): Connector {
    return {
        name: "oauth.",
        platform: "aws",
        reach: "saas",
        needsWorkloadIdentity: true,
        grantKey: (grant) => grant.connector,
        sharedResource: (grant) => ({ kind: "oauthClient", key: grant.connector.slice("oauth.".length) }),
        summary: `SaaS through an AgentCore OAuth2 credential provider: oauth.{${Object.keys(OAUTH_SCOPES).join(",")}} with scopes`,
        validate(grant) {
            const vendor = grant.connector.slice("oauth.".length);
            const known = scopesOf(vendor);
            const violations: Violation[] = [...onlyFields(grant, grant.connector, ["scopes"])];
            if (!known) {
                return [{ path: ["connector"], rule: "unknown-connector", message: `"${grant.connector}" is not a known SaaS vendor; use oauth.${Object.keys(OAUTH_SCOPES).join(", oauth.")}` }];
            }
            if (!grant.scopes) {
                violations.push({ path: [], rule: "connector-field", message: `${grant.connector} grants need \`scopes\`, e.g. [${Object.keys(known)[0]}]` });
            }
            (grant.scopes ?? []).forEach((scope, i) => {
                if (!hasWildcard(scope) && !Object.hasOwn(known, scope)) {
                    violations.push({ path: ["scopes", i], rule: "oauth-scope", message: `"${scope}" is not a known ${vendor} scope; known scopes: ${Object.keys(known).join(", ")}` });
                }
            });
            return violations;
        },
        expand(grant, index, context): GrantExpansion {
            const vendor = grant.connector.slice("oauth.".length);
            const known = scopesOf(vendor)!;
            const declared = [...grant.scopes!];
            // Scopes are chosen when a token is requested (IAM has no condition key for them): an agent can
            // obtain every scope its OAuth client serves, which is at least what its co-users declare.
            const shared = context.sharedOauthScopes?.(vendor);
            const effective = [...declared, ...(shared?.scopes ?? []).filter((s) => !declared.includes(s))];
            const levels = effective.map((s) => known[s]);
            const risk: Risk = levels.includes("admin") ? "high" : levels.includes("write") ? "medium" : "low";
            const declaredLevels = declared.map((s) => known[s]);
            const access: Access = declaredLevels.some((l) => l !== "read") ? (declaredLevels.includes("read") ? "readwrite" : "write") : "read";
            const extra = effective.filter((s) => !declared.includes(s));
            // Token retrieval is scoped to this vendor's provider and this agent's workload identity only.
            const resources = [context.oauthProviderArn(vendor), context.workloadIdentityArn];
            return {
                index, connector: grant.connector, access,
                actions: [{ action: OAUTH_TOKEN_ACTION, accessLevel: iamActions.accessLevel(OAUTH_TOKEN_ACTION)! }],
                statements: [{ Sid: `Grant${index}Oauth${vendor.charAt(0).toUpperCase()}${vendor.slice(1)}`, Effect: "Allow", Action: [OAUTH_TOKEN_ACTION], Resource: resources }],
                oauth: { vendor, scopes: declared, effectiveScopes: effective, sharedWith: [...(shared?.sharedWith ?? [])] },
                // What the agent can obtain decides, not what it declares: a shared client's write scopes are its too.
                risk, needsApproval: levels.some((l) => l !== "read"),
                reach: [
                    `${vendor} scopes ${declared.join(", ")}`,
                    ...(extra.length > 0 ? [`${vendor} scopes ${extra.join(", ")} beyond the declaration, through the OAuth client shared with ${shared!.sharedWith.join(", ")}`] : []),
                ],
            };
        },
    };
}

/** `tool.<gateway>`: named tools behind an AgentCore gateway, permitted by generated Cedar policies. */
export function toolConnector(): Connector {
    return {
        name: "tool.",
        platform: "aws",
        reach: "tools",
        grantKey: (grant) => grant.connector,
        sharedResource: (grant) => ({ kind: "policyEngine", key: grant.connector.slice("tool.".length) }),
        requiredSettings(grant, settings) {
            const gateway = grant.connector.slice("tool.".length);
            if (settings.gateways && Object.hasOwn(settings.gateways, gateway)) return [];
            return [{ path: ["connector"], rule: "missing-setting", message: `gateway "${gateway}" has no ARN: add it to the fleet's gateways (kind: Fleet spec.gateways.${gateway}: arn:aws:bedrock-agentcore:…:gateway/…)` }];
        },
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
                if (!hasWildcard(tool) && !TOOL_NAME.test(tool)) {
                    violations.push({ path: ["tools", i], rule: "connector-field", message: `"${tool}" is not a gateway tool; write <target>/<tool>, e.g. crm/lookupCustomer (a target name has no "__" and does not end in "_")` });
                }
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
