/**
 * agentid: agent identities as code for Pulumi. What a program uses: the components and their args, the
 * declaration model, validation, and the pure document builder `agentid show` prints. Everything else is
 * internal (marked @internal where a public signature mentions it).
 */
export { Agent, AgentArgs, AgentWiring, ApprovalArgs, GrantArgs, IdentityArgs, OwnerArgs, PlatformSwitches } from "./components/agent";
export { AgentFleet, AgentFleetArgs } from "./components/agentFleet";
export { AgentidError } from "./components/programErrors";
export * from "./declarations/types";
export { validateDeclarations, validateTexts, ValidationReport, FoundAgent, LoadedAgent, ValidateOptions } from "./guardrails/validate";
export type { Diagnostic } from "./declarations/diagnostics";
export { grantsDigest } from "./declarations/digest";
export { resolveSettings, ResolvedSettings } from "./model/settings";
export { resolveAgent, ResolvedAgent } from "./model/resolvedAgent";
export { buildAgentArtefacts, AgentArtefacts } from "./platforms/documents";
export { SpireEntry, SpireEntryArgs } from "./platforms/spire/spireEntry";
