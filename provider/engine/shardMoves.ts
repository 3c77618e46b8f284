/**
 * Agents whose shard changed (a new owner team or label value): where their resources are recorded
 * now and where the declarations place them. Pure; the CLI moves them with `pulumi state move`.
 */
import type { Shard } from "../model/shards";
import type { AgentInState } from "./stackState";

/** An agent recorded in one stack that the declarations place in another. */
export interface ShardMove {
    agent: string;
    /** The stack that holds its resources now. */
    from: string;
    /** The stack its shard is now. */
    to: string;
    /** The agent component's URN in `from`; `pulumi state move` takes it with every resource under it. */
    urn: string;
    /** The declaration and settings `from` recorded, for the access diff of the move. */
    source?: AgentInState["source"];
}

/** An agent recorded in more than one stack: agentid cannot tell which copy is live, so it moves neither. */
export interface ShardConflict {
    agent: string;
    stacks: string[];
}

/** A stack named like a shard that no shard uses any more, and the agents still recorded in it. */
export interface StaleStack {
    name: string;
    agents: string[];
}

/** What each existing stack records: its agents' names, component URNs and recorded declarations. */
export interface RecordedStack {
    name: string;
    agents: readonly Pick<AgentInState, "name" | "urn" | "source">[];
}

export interface ShardPlacement {
    moves: ShardMove[];
    conflicts: ShardConflict[];
    stale: StaleStack[];
}

/**
 * Compares the stacks' records with the shards: an agent recorded in exactly one stack other than its
 * shard moves there; one recorded in several stacks is a conflict (none of its stacks may be updated);
 * agents of removed shards that no shard declares stay where they are (reported with their stack).
 */
export function placementOf(shards: readonly Shard[], recorded: readonly RecordedStack[]): ShardPlacement {
    const shardOf = new Map(shards.flatMap((s) => s.agents.map((agent) => [agent, s.name] as const)));
    const where = new Map<string, { stack: string; urn: string; source?: AgentInState["source"] }[]>();
    for (const stack of recorded) {
        for (const agent of stack.agents) where.set(agent.name, [...(where.get(agent.name) ?? []), { stack: stack.name, urn: agent.urn, ...(agent.source ? { source: agent.source } : {}) }]);
    }
    const moves: ShardMove[] = [];
    const conflicts: ShardConflict[] = [];
    for (const [agent, records] of [...where.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const to = shardOf.get(agent);
        if (to === undefined) continue; // no longer declared: its stack's next update deletes it
        if (records.length > 1) {
            conflicts.push({ agent, stacks: records.map((r) => r.stack).sort() });
            continue;
        }
        const [{ stack: from, urn, source }] = records;
        if (from !== to) moves.push({ agent, from, to, urn, ...(source ? { source } : {}) });
    }
    const shardNames = new Set(shards.map((s) => s.name));
    const stale = recorded.filter((s) => !shardNames.has(s.name))
        .map((s) => ({ name: s.name, agents: s.agents.map((a) => a.name).filter((a) => !moves.some((m) => m.agent === a)).sort() }))
        .filter((s) => s.agents.length > 0);
    return { moves, conflicts, stale };
}

/** The stacks an operation must leave alone: both ends of every conflict. */
export function blockedStacks(placement: ShardPlacement): Map<string, string> {
    const blocked = new Map<string, string>();
    for (const c of placement.conflicts) {
        for (const stack of c.stacks) blocked.set(stack, `agent ${c.agent} is recorded in ${c.stacks.join(" and ")}; keep it in one of them (pulumi state delete in the other) before updating either`);
    }
    return blocked;
}
