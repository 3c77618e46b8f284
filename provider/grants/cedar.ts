import type { GrantExpansion } from "./types";

/** Cedar namespace of the entities agentid's tool policies speak about. */
export const CEDAR_NAMESPACE = "AgentId";

/**
 * Our Cedar schema (human-readable format): agents invoke tools that belong to gateways.
 * Policies are validated against it, so a typo in an entity type or action fails the build.
 */
export const CEDAR_SCHEMA = `namespace ${CEDAR_NAMESPACE} {
  entity Gateway;
  entity Tool in [Gateway] { name: String };
  entity Agent { owner: String };
  action InvokeTool appliesTo { principal: [Agent], resource: [Tool] };
}
`;

/** Entity id of a tool: `<gateway>/<tool>`, unique across gateways. */
export function toolEntityId(gateway: string, tool: string): string {
    return `${gateway}/${tool}`;
}

/**
 * One `permit` per declared tool, for one agent. Cedar denies by default, so every tool not listed
 * here (and every other agent) is refused by the policy engine.
 */
export function buildCedarPolicies(agent: string, grants: readonly GrantExpansion[]): { gateway: string; policy: string }[] {
    const policies: { gateway: string; policy: string }[] = [];
    for (const grant of grants) {
        if (!grant.tools) continue;
        const { gateway, tools } = grant.tools;
        const statements = tools.map((tool) => [
            `@id("${agent}-${gateway}-${tool}")`,
            `permit (`,
            `  principal == ${CEDAR_NAMESPACE}::Agent::${JSON.stringify(agent)},`,
            `  action == ${CEDAR_NAMESPACE}::Action::"InvokeTool",`,
            `  resource == ${CEDAR_NAMESPACE}::Tool::${JSON.stringify(toolEntityId(gateway, tool))}`,
            `);`,
        ].join("\n"));
        policies.push({ gateway, policy: statements.join("\n\n") + "\n" });
    }
    return policies;
}
