/** agentid: agent identities as code for Pulumi. */
export { Agent, AgentArgs, AgentidError, ApprovalArgs, GrantArgs, IdentityArgs, OwnerArgs, PlatformSwitches } from "./agent";
export { GRANTS_POLICY_NAME } from "./spec/names";
export { AgentFleet, AgentFleetArgs, renderReport } from "./fleet";
export * from "./spec/types";
export { validateDeclarations, validateTexts, ValidationReport, LoadedAgent, FoundAgent } from "./spec/validate";
export { checkAgent, RULES } from "./spec/guardrails";
export { resolveSettings, DEFAULT_SETTINGS } from "./spec/settings";
export { resolveAgent, expandGrants, ResolvedAgent } from "./spec/resolve";
export { grantsDigest, canonicalJson } from "./spec/digest";
export { catalog, ConnectorCatalog } from "./grants/catalog";
export { buildCedarPolicies, buildCedarSchema } from "./grants/cedar";
export { buildTrustPolicy, buildPermissionPolicy, buildDenyAllPolicy, buildAwsTags } from "./platforms/aws/policies";
export { buildServiceAccount, buildRbac, buildClusterSpiffeId } from "./platforms/kubernetes/manifests";
export { buildSpireEntry } from "./platforms/spire/entry";
export { buildAgentArtefacts, AgentArtefacts } from "./review/artefacts";
