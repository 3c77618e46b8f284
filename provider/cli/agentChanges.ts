/**
 * A preview or an update of one stack, read per agent: the resource steps under each agent and the
 * access diff between the declaration the stack recorded and the one the program registers now.
 * `plan` and `up` print it; agents moving between stacks (a team change) are marked.
 */
import type { Deployment, EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { changedStepsByAgent } from "../engine/grouping";
import type { ShardMove } from "../engine/shardMoves";
import { agentsInState, AgentInState } from "../engine/stackState";
import { resolveSettings } from "../model/settings";
import { TYPE_TOKENS } from "../model/tokens";
import { diffFleets } from "../review/accessDiff";
import { viewOf } from "../review/accessView";
import { Io, printLine } from "./command";
import { automation, progress } from "./engineStack";

/** One agent's part of a preview or an update. */
export interface AgentChange {
    name: string;
    ops: Record<string, number>;
    steps: string[];
    changes: { kind: string; risk: string; detail: string }[];
    /** Moving in from this stack: its resources arrive by `pulumi state move`, not by creation. */
    movedFrom?: string;
    /** Moving out to this stack: its resources leave by `pulumi state move`, not by deletion. */
    movedTo?: string;
}

type Source = AgentInState["source"];

/**
 * Runs `operation` (a preview or an update taking an event handler) and groups its steps by agent.
 * Agents in `movesIn` are compared with the declaration their old stack recorded; their creations (and
 * the deletions of `movesOut` agents) are shown as `move` steps, which is what `up --all` does with them.
 */
export async function agentChanges(stack: Stack, io: Io, now: Date, context: { movesIn: readonly ShardMove[]; movesOut: readonly ShardMove[]; recordedState?: Deployment },
    operation: (onEvent: (event: EngineEvent) => void) => Promise<unknown>): Promise<AgentChange[]> {
    const before = agentsInState(context.recordedState ?? await stack.exportStack());
    const recorder = (await automation()).stepRecorder();
    const outputs = new Map<string, unknown>();
    const report = progress(io, recorder);
    await operation((event) => {
        report(event);
        const post = event.resOutputsEvent?.metadata;
        if (post?.type === TYPE_TOKENS.agent) outputs.set(post.urn.split("::").pop()!, (post.new as { outputs?: Record<string, unknown> } | undefined)?.outputs?.source);
    });
    const movedIn = new Map(context.movesIn.map((m) => [m.agent, m]));
    const movedOut = new Map(context.movesOut.map((m) => [m.agent, m]));
    const names = new Set([...before.map((a) => a.name), ...recorder.steps.filter((s) => s.type === TYPE_TOKENS.agent).map((s) => s.name)]);
    const stepsOf = changedStepsByAgent(recorder.steps, names);
    const recorded = new Map(before.map((a) => [a.name, a]));
    return [...names].sort().map((name) => {
        const move = movedIn.get(name) ?? movedOut.get(name);
        const asMove = (op: string) => ((movedIn.has(name) && op === "create") || (movedOut.has(name) && op === "delete") ? "move" : op);
        const steps = (stepsOf.get(name) ?? []).map((s) => ({ ...s, op: asMove(s.op) }));
        const ops: Record<string, number> = {};
        for (const s of steps) ops[s.op] = (ops[s.op] ?? 0) + 1;
        const baseSource = movedIn.get(name)?.source ?? recorded.get(name)?.source;
        const headText = outputs.get(name);
        const headSource = movedOut.has(name) ? baseSource : typeof headText === "string" ? JSON.parse(headText) as Source : undefined;
        const view = (s?: Source) => (s?.declaration ? [viewOf(s.declaration, resolveSettings(s.settings), now)] : []);
        const changes = diffFleets(view(baseSource), view(headSource)).flatMap((d) => d.changes).map(({ agent: _a, ...c }) => c);
        return {
            name, ops, steps: steps.map((s) => `${s.op} ${s.type} ${s.name}`), changes,
            ...(move && movedIn.has(name) ? { movedFrom: move.from } : {}),
            ...(move && movedOut.has(name) ? { movedTo: move.to } : {}),
        };
    });
}

/** One line per agent, its steps and access changes beneath. */
export function printAgentChanges(io: Io, agents: readonly AgentChange[]): void {
    for (const a of agents) {
        const moved = a.movedFrom ? ` (moves in from stack ${a.movedFrom})` : a.movedTo ? ` (moves out to stack ${a.movedTo})` : "";
        printLine(io, `${a.name}${moved}: ${Object.entries(a.ops).map(([op, n]) => `${n} to ${op}`).join(", ") || "no changes"}`);
        for (const s of a.steps) printLine(io, `    ${s}`);
        for (const c of a.changes) printLine(io, `    access: ${c.kind} [${c.risk}] ${c.detail}`);
    }
}
