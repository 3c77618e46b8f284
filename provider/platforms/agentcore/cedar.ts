import { cedarPolicyNameOf, roleNameOf } from "../../model/names";
import { accountOfArn } from "../../connectors/arnGrammar";
import type { GrantExpansion } from "../../connectors/contract";

/**
 * Cedar for AgentCore gateways. AgentCore evaluates tool calls with entities in the `AgentCore`
 * namespace: with AWS_IAM gateway authorization the principal is an `AgentCore::IamEntity` whose
 * `id` is the caller's IAM ARN, each tool is an action `"<Target>___<tool>"`, and the resource is
 * the `AgentCore::Gateway` by ARN. Cedar denies by default, so only the declared tools are allowed.
 */

/**
 * A declared tool `crm/lookupCustomer` as AgentCore's action id `crm___lookupCustomer`. Target names
 * have no `__` and do not end in `_` (the tool connector's rule), so distinct tools get distinct ids.
 */
export function toolActionId(tool: string): string {
    const [target, name] = tool.split("/");
    return `${target}___${name}`;
}

/** The IAM ARN pattern of the agent's role sessions: only this agent matches. */
export function agentSessionPattern(agent: string, account: string): string {
    return `arn:aws:sts::${account}:assumed-role/${roleNameOf(agent)}/*`;
}

/** Agent roles are expected in the gateway's account (else Cedar denies). */
export interface CedarInputs {
    /** Gateway name (from `tool.<gateway>`) → gateway ARN. */
    gatewayArn(gateway: string): string;
}


/** One Cedar `permit` for one tool of one agent (an `aws.bedrock.AgentcorePolicy` holds one). */
export interface CedarPolicy {
    gateway: string;
    tool: string;
    /** Stable policy name, unique in the account and within AgentCore's 48 characters (`cedarPolicyNameOf`). */
    name: string;
    statement: string;
}

/** A `permit` per declared tool, for every gateway the agent uses. */
export function buildCedarPolicies(agent: string, grants: readonly GrantExpansion[], inputs: CedarInputs): CedarPolicy[] {
    const policies: CedarPolicy[] = [];
    for (const grant of grants) {
        if (!grant.tools) continue;
        const { gateway, tools } = grant.tools;
        const gatewayArn = inputs.gatewayArn(gateway);
        for (const tool of tools) {
            policies.push({
                gateway, tool,
                name: cedarPolicyNameOf(agent, gateway, tool),
                statement: [
                    `permit (`,
                    `  principal is AgentCore::IamEntity,`,
                    `  action == AgentCore::Action::${JSON.stringify(toolActionId(tool))},`,
                    `  resource == AgentCore::Gateway::${JSON.stringify(gatewayArn)}`,
                    `) when { principal.id like ${JSON.stringify(agentSessionPattern(agent, accountOfArn(gatewayArn)))} };`,
                ].join("\n"),
            });
        }
    }
    return policies;
}

/**
 * A Cedar schema mirroring AgentCore's entity types with the given tools as actions, so generated
 * policies can be validated (entity types, action names, attribute use) before AWS ever sees them.
 */
export function buildCedarSchema(tools: readonly string[]): string {
    const actions = [...new Set(tools.map(toolActionId))].sort()
        .map((id) => `  action ${JSON.stringify(id)} appliesTo { principal: [IamEntity, OAuthUser], resource: [Gateway] };`);
    return [
        "namespace AgentCore {",
        "  entity IamEntity { id: String };",
        "  entity OAuthUser;",
        "  entity Gateway;",
        ...actions,
        "}",
        "",
    ].join("\n");
}
