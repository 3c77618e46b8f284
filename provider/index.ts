/** agentid: agent identities as code for Pulumi. */
export { Agent, AgentArgs, AgentidError, ApprovalArgs, GrantArgs, IdentityArgs, OwnerArgs, PlatformSwitches, GRANTS_POLICY_NAME } from "./agent";
export { AgentFleet, AgentFleetArgs, renderReport } from "./fleet";
export * from "./spec/types";
export { validateDeclarations, validateTexts, ValidationReport, LoadedAgent, FoundAgent } from "./spec/validate";
export { checkAgent, resolveSettings, DEFAULT_SETTINGS, RULES } from "./spec/guardrails";
export { resolveAgent, expandGrants, ResolvedAgent } from "./spec/resolve";
export { grantsDigest, canonicalJson } from "./spec/digest";
export { catalog, ConnectorCatalog } from "./grants/catalog";
export { buildCedarPolicies, buildCedarSchema } from "./grants/cedar";
export { buildTrustPolicy, buildPermissionPolicy, buildDenyAllPolicy, buildAwsTags } from "./platforms/aws/policies";
export { buildServiceAccount, buildRbac, buildClusterSpiffeId } from "./platforms/kubernetes/manifests";
export { buildSpireEntry } from "./platforms/spire/entry";
export { buildAgentArtefacts, AgentArtefacts } from "./review/artefacts";
