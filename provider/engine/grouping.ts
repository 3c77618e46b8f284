import type { StepRecord } from "./workspace";
import { TYPE_TOKENS } from "../model/tokens";

/**
 * The agent a step belongs to: the Agent component itself, or a child named `<agent>-<role>`
 * whose URN has the Agent type in its parent chain. Fleet-shared resources belong to no agent.
 */
export function agentOfStep(step: Pick<StepRecord, "urn" | "type" | "name">, agents: readonly string[]): string | undefined {
    if (step.type === TYPE_TOKENS.agent) return step.name;
    const typeChain = step.urn.split("::")[2] ?? "";
    if (!typeChain.split("$").includes(TYPE_TOKENS.agent)) return undefined;
    return [...agents].sort((a, b) => b.length - a.length).find((agent) => step.name.startsWith(`${agent}-`));
}

/** Steps grouped by agent, in the agents' order; unchanged steps are left out. */
export function groupStepsByAgent(steps: readonly StepRecord[], agents: readonly string[]): { agent: string; steps: StepRecord[] }[] {
    return agents.map((agent) => ({
        agent,
        steps: steps.filter((s) => s.op !== "same" && agentOfStep(s, agents) === agent),
    }));
}
