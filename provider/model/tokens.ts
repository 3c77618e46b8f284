/** The type tokens of agentid's resources: one definition for the components, the plugin, the engine commands and the policy pack. */
export const TYPE_TOKENS = {
    agent: "agentid:index:Agent",
    fleet: "agentid:index:AgentFleet",
    spireEntry: "agentid:spire:Entry",
} as const;
