import type { StepRecord } from "./workspace";
import { TYPE_TOKENS } from "../model/tokens";

/**
 * The agent a step belongs to: the Agent component itself, or a child named `<agent>-<role>`
 * whose URN has the Agent type in its parent chain (the longest such agent name, so that `a-b-sa` is
 * agent `a-b`'s when both `a` and `a-b` exist). Fleet-shared resources belong to no agent.
 */
export function agentOfStep(step: Pick<StepRecord, "urn" | "type" | "name">, agents: ReadonlySet<string>): string | undefined {
    if (step.type === TYPE_TOKENS.agent) return step.name;
    const typeChain = step.urn.split("::")[2] ?? "";
    if (!typeChain.split("$").includes(TYPE_TOKENS.agent)) return undefined;
    // An agent's child is named `<agent>-…`: the candidates are the name cut at each "-", longest first.
    for (let cut = step.name.lastIndexOf("-"); cut > 0; cut = step.name.lastIndexOf("-", cut - 1)) {
        const candidate = step.name.slice(0, cut);
        if (agents.has(candidate)) return candidate;
    }
    return undefined;
}

/** The steps that change something, by agent (each step looked at once), in the order they came. */
export function changedStepsByAgent(steps: readonly StepRecord[], agents: ReadonlySet<string>): Map<string, StepRecord[]> {
    const byAgent = new Map<string, StepRecord[]>();
    for (const step of steps) {
        if (step.op === "same") continue;
        const agent = agentOfStep(step, agents);
        if (agent === undefined) continue;
        const list = byAgent.get(agent);
        if (list) list.push(step);
        else byAgent.set(agent, [step]);
    }
    return byAgent;
}

/** Steps grouped by agent, in the agents' order; unchanged steps are left out. */
export function groupStepsByAgent(steps: readonly StepRecord[], agents: readonly string[]): { agent: string; steps: StepRecord[] }[] {
    const byAgent = changedStepsByAgent(steps, new Set(agents));
    return agents.map((agent) => ({ agent, steps: byAgent.get(agent) ?? [] }));
}
