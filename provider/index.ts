/** agentid: agent identities as code for Pulumi. */
export { Agent, AgentArgs, ApprovalArgs, GrantArgs, IdentityArgs, OwnerArgs, PlatformSwitches } from "./components/agent";
export { AgentidError } from "./components/programErrors";
export { GRANTS_POLICY_NAME } from "./model/names";
export { AgentFleet, AgentFleetArgs, renderReport } from "./components/agentFleet";
export * from "./declarations/types";
export { validateDeclarations, validateTexts, ValidationReport, LoadedAgent, FoundAgent } from "./declarations/validate";
export { checkAgent, RULES } from "./guardrails/agentRules";
export { resolveSettings, DEFAULT_SETTINGS } from "./guardrails/fleetSettings";
export { resolveAgent, ResolvedAgent } from "./model/resolvedAgent";
export { grantsDigest, canonicalJson } from "./declarations/digest";
export { catalog, ConnectorCatalog } from "./connectors/catalog";
export { buildCedarPolicies, buildCedarSchema } from "./platforms/agentcore/cedar";
export { buildTrustPolicy, buildPermissionPolicy, buildDenyAllPolicy, buildAwsTags } from "./platforms/aws/iamDocuments";
export { buildServiceAccount, buildRbac, buildClusterSpiffeId } from "./platforms/kubernetes/manifests";
export { buildSpireEntry } from "./platforms/spire/entry";
export { buildAgentArtefacts, AgentArtefacts } from "./model/documents";
