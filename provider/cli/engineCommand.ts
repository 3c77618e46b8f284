/**
 * How an engine command runs: on one stack (`--stack`), or on every stack of a sharded fleet (`--all
 * PATH…`) with bounded concurrency, per-stack progress on stderr and one aggregated result. A stack
 * that fails does not stop the others; the exit code is the worst of them.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Deployment, Stack } from "@pulumi/pulumi/automation";
import { agentsInState } from "../engine/stackState";
import { blockedStacks, placementOf, RecordedStack, ShardMove, ShardPlacement } from "../engine/shardMoves";
import type { StackSharding } from "../declarations/types";
import { DEFAULT_STACK_PREFIX, Shard } from "../model/shards";
import { terminalText } from "../output/terminal";
import { CliError, EnvironmentError, EXIT, Io, ParsedArgs, printJson, printLine, stringFlag, UsageError } from "./command";
import { engineWorkspace, EngineWorkspace, firstLine, openStack, underLock, waitFrom } from "./engineStack";
import { clockSourceOf, loadShards, nowFrom } from "./fleetInput";
import { fleetDigest, sealValidatedFleet } from "../guardrails/validatedFleet";

/** What one stack's run produced: its document (the command's single-stack JSON) and exit code. */
export interface StackRun<T> {
    exitCode: number;
    document: T;
}

/** What a run on one stack knows about the rest of the fleet. */
export interface StackContext {
    /** Agents whose shard changed: moving into this stack (shown by plan, done by up before it runs). */
    movesIn: readonly ShardMove[];
    /** Agents moving out of this stack. */
    movesOut: readonly ShardMove[];
    /** `--wait`: how long an update waits for another one's lock (ms). */
    waitMs: number;
    /** The stack's state as --all read it to find moves (no move has touched the stack since): spares reading it again. */
    recordedState?: Deployment;
}

/** An engine command's work on one stack, and how people read its result. */
export interface EngineOperation<T extends object> {
    run(stack: Stack, io: Io, context: StackContext): Promise<StackRun<T>>;
    print(io: Io, document: T): void;
    /** With --all: stacks of shards that do not exist yet are created (plan, up) or skipped (drift, reap: nothing is deployed there). */
    createsStacks: boolean;
    /** With --all: agents whose shard changed are moved first (up), or only reported (the others). */
    movesAgents: boolean;
    /** Whether it changes stacks (up, reap): then stacks recording an agent that another stack records too are left alone. */
    changesStacks: boolean;
}

/** Runs the command on `--stack`, or on every shard with `--all`. */
export async function runEngineCommand<T extends object>(command: string, args: ParsedArgs, io: Io, operation: EngineOperation<T>): Promise<number> {
    if (args.flags.all) return runAllStacks(command, args, io, operation);
    if (stringFlag(args, "parallel") !== undefined) throw new UsageError("--parallel works with --all; give --all and the fleet's declaration paths");
    const context: StackContext = { movesIn: [], movesOut: [], waitMs: waitFrom(args) };
    const stack = await openStack(args);
    const run = await operation.run(stack, io, context);
    if (args.flags.json) printJson(io, run.document);
    else operation.print(io, run.document);
    return run.exitCode;
}

/** One stack in the aggregated result: its document, or the error that stopped it. */
type StackOutcome = { name: string; exitCode: number } & Record<string, unknown>;

async function runAllStacks<T extends object>(command: string, args: ParsedArgs, io: Io, operation: EngineOperation<T>): Promise<number> {
    const parallel = parallelFrom(args);
    const waitMs = waitFrom(args);
    const now = nowFrom(args);
    const digestBefore = fleetDigest(args.positionals, now);
    const { shards, sharding, report } = loadShards(args.positionals, now, command);
    // The fleet is validated once here and handed to every shard's program (which re-validates unless the files and clock match).
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), "agentid-run-"));
    try {
        const handoff = sealValidatedFleet(runDir, args.positionals, report, now, clockSourceOf(args), digestBefore);
        return await runShards(command, args, io, operation, { shards, sharding, parallel, waitMs, workspace: await engineWorkspace(args, handoff) });
    } finally {
        fs.rmSync(runDir, { recursive: true, force: true });
    }
}

async function runShards<T extends object>(command: string, args: ParsedArgs, io: Io, operation: EngineOperation<T>,
    { shards, sharding, parallel, waitMs, workspace }: { shards: Shard[]; sharding: StackSharding; parallel: number; waitMs: number; workspace: EngineWorkspace }): Promise<number> {
    const { placement, blocked, moves, existing, states } = await placeAgents(workspace, shards, sharding, io, command, { move: operation.movesAgents, waitMs, parallel });

    io.err(`agentid ${command}: ${shards.length} stack${shards.length === 1 ? "" : "s"}, ${Math.min(parallel, shards.length)} at a time\n`);
    const outcomes = await boundedMap(shards, parallel, async (shard): Promise<StackOutcome> => {
        const shardIo = prefixedIo(io, shard.name);
        const reason = operation.changesStacks ? blocked.get(shard.name) : undefined;
        if (reason) {
            shardIo.err(`error: ${reason}\n`);
            return { name: shard.name, exitCode: EXIT.usage, error: { code: "environment", message: reason } };
        }
        if (!operation.createsStacks && !existing.has(shard.name)) {
            shardIo.err("skipped: the stack does not exist yet (agentid up --all creates it)\n");
            return { name: shard.name, exitCode: EXIT.ok, skipped: "the stack does not exist yet" };
        }
        try {
            const stack = await workspace.stack(shard.name, operation.createsStacks);
            const recordedState = states.get(shard.name);
            const context: StackContext = {
                movesIn: placement.moves.filter((m) => m.to === shard.name),
                movesOut: placement.moves.filter((m) => m.from === shard.name),
                waitMs,
                ...(recordedState ? { recordedState } : {}),
            };
            const run = await operation.run(stack, shardIo, context);
            return { name: shard.name, exitCode: run.exitCode, ...(run.document as Record<string, unknown>) };
        } catch (error) {
            const failure = error instanceof CliError ? error : new EnvironmentError((error as Error)?.message ?? String(error));
            shardIo.err(`error: ${terminalText(failure.message)}\n`);
            return { name: shard.name, exitCode: failure.exitCode, error: { code: failure.code, message: failure.message } };
        }
    });

    const exitCode = Math.max(EXIT.ok, ...outcomes.map((o) => o.exitCode), placement.conflicts.length > 0 ? EXIT.findings : EXIT.ok,
        moves.some((m) => m.status === "failed") ? EXIT.usage : EXIT.ok);
    const failed = outcomes.filter((o) => o.error !== undefined);
    const result = {
        stacks: outcomes,
        moves,
        conflicts: placement.conflicts,
        staleStacks: placement.stale,
        exitCode,
        ...(failed.length > 0 ? { error: { code: "environment", message: `${failed.length} of ${outcomes.length} stacks failed: ${failed.map((o) => `${o.name} (${(o.error as { message: string }).message})`).join("; ")}` } } : {}),
    };
    if (args.flags.json) printJson(io, result);
    else printAll(io, result, operation);
    if (failed.length > 0) io.err(`agentid ${command}: error: ${terminalText(result.error!.message)}\n`);
    return exitCode;
}

/** `--parallel N`: a whole number from 1; default the number of cores. */
function parallelFrom(args: ParsedArgs): number {
    const text = stringFlag(args, "parallel");
    if (text === undefined) return Math.max(1, os.cpus().length);
    if (!/^[1-9]\d*$/.test(text)) throw new UsageError(`--parallel must be a whole number of stacks from 1; got "${text}"`);
    return Number(text);
}

/** Where the fleet's agents are recorded, which stacks must be left alone, and the moves done (or pending). */
export interface AgentPlacement {
    placement: ShardPlacement;
    /** Stacks no operation may touch, with the reason (an agent recorded twice, a move that failed). */
    blocked: Map<string, string>;
    moves: MoveOutcome[];
    /** Stacks that exist in the backend (including those the moves created). */
    existing: Set<string>;
    /** The states read, by stack, of stacks no move has changed since. */
    states: Map<string, Deployment>;
}

/**
 * Reads every stack named like a shard (`<prefix>-…`) and compares their agents with the shards; with
 * `move`, moves each agent whose shard changed into its stack, else lists the moves as pending.
 */
export async function placeAgents(workspace: EngineWorkspace, shards: readonly Shard[], sharding: StackSharding, io: Io, command: string,
    options: { move: boolean; waitMs: number; parallel: number }): Promise<AgentPlacement> {
    const prefix = `${sharding.prefix ?? DEFAULT_STACK_PREFIX}-`;
    const existing = new Set(await workspace.stackNames());
    const states = new Map<string, Deployment>();
    const recorded = await boundedMap([...existing].filter((name) => name.startsWith(prefix)).sort(), options.parallel, async (name): Promise<RecordedStack> => {
        try {
            const state = await (await workspace.stack(name)).exportStack();
            states.set(name, state);
            return { name, agents: agentsInState(state).map(({ name: agent, urn, source }) => ({ name: agent, urn, ...(source ? { source } : {}) })) };
        } catch (error) {
            io.err(`agentid ${command}: [${name}] cannot read its state (${firstLine(error)}); its agents are not considered for moves\n`);
            return { name, agents: [] };
        }
    });
    const placement = placementOf(shards, recorded);
    const blocked = blockedStacks(placement);
    const moves = options.move
        ? await applyMoves(workspace, placement.moves, existing, blocked, options.waitMs, io, command)
        : placement.moves.map((m): MoveOutcome => ({ agent: m.agent, from: m.from, to: m.to, status: "pending" }));
    for (const m of moves.filter((x) => x.status !== "pending")) {
        states.delete(m.from);
        states.delete(m.to);
    }
    return { placement, blocked, moves, existing, states };
}

/** A move between stacks: planned (`pending`), done, or failed with the reason. */
export type MoveOutcome = { agent: string; from: string; to: string; status: "pending" | "moved" | "failed"; error?: string };

/**
 * Moves each agent whose shard changed into its new stack with `pulumi state move` (its component and
 * every resource under it; the live resources are not touched), one at a time, before any stack is
 * updated. When a move fails, both its stacks are blocked: updating either would delete or re-create
 * the agent's live identity.
 */
async function applyMoves(workspace: EngineWorkspace, moves: readonly ShardMove[], existing: Set<string>,
    blocked: Map<string, string>, waitMs: number, io: Io, command: string): Promise<MoveOutcome[]> {
    const outcomes: MoveOutcome[] = [];
    for (const move of moves) {
        if (blocked.has(move.from) || blocked.has(move.to)) {
            outcomes.push({ agent: move.agent, from: move.from, to: move.to, status: "failed", error: "one of its stacks is blocked" });
            continue;
        }
        try {
            // The destination is a shard: created when it is new. Both stacks' locks are taken by the move.
            const destination = await workspace.stack(move.to, true);
            existing.add(move.to);
            await underLock(destination, io, waitMs, () => workspace.pulumi(["state", "move", "--source", move.from, "--dest", move.to, "--yes", move.urn]), { recover: false });
            io.err(`agentid ${command}: moved agent ${move.agent} from stack ${move.from} to ${move.to} (pulumi state move; its live resources are kept)\n`);
            outcomes.push({ agent: move.agent, from: move.from, to: move.to, status: "moved" });
        } catch (error) {
            const message = `moving agent ${move.agent} from ${move.from} to ${move.to} failed: ${firstLine(error)}; neither stack is updated, so the agent's live identity is neither deleted nor created twice — fix the cause and run again`;
            io.err(`agentid ${command}: error: ${terminalText(message)}\n`);
            blocked.set(move.from, message);
            blocked.set(move.to, message);
            outcomes.push({ agent: move.agent, from: move.from, to: move.to, status: "failed", error: message });
        }
    }
    return outcomes;
}

/** Runs `work` over `items`, at most `limit` at a time; results in the items' order. */
export async function boundedMap<I, O>(items: readonly I[], limit: number, work: (item: I) => Promise<O>): Promise<O[]> {
    const results = new Array<O>(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const index = next++;
            results[index] = await work(items[index]);
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return results;
}

/** Progress of one stack on stderr, each line prefixed with its name; its stdout is not used (results are aggregated). */
function prefixedIo(io: Io, name: string): Io {
    let partial = "";
    return {
        out: () => undefined,
        err(text) {
            const lines = (partial + text).split("\n");
            partial = lines.pop() ?? "";
            for (const line of lines) io.err(`[${name}] ${line}\n`);
        },
    };
}

function printAll<T extends object>(io: Io, result: { stacks: StackOutcome[]; moves: MoveOutcome[]; conflicts: ShardPlacement["conflicts"]; staleStacks: ShardPlacement["stale"] }, operation: EngineOperation<T>): void {
    for (const m of result.moves) printLine(io, `move ${m.agent}: ${m.from} → ${m.to} (${m.status})`);
    for (const c of result.conflicts) printLine(io, `conflict: agent ${c.agent} is recorded in ${c.stacks.join(" and ")}`);
    for (const s of result.staleStacks) printLine(io, `stale stack ${s.name} (no shard uses it) still records ${s.agents.join(", ")}`);
    for (const outcome of result.stacks) {
        const { name, exitCode: _exitCode, error, skipped, ...document } = outcome;
        printLine(io, `== ${name}${error ? `: error: ${(error as { message: string }).message}` : skipped ? `: skipped (${String(skipped)})` : ""}`);
        if (!error && !skipped) operation.print(io, document as unknown as T);
    }
}
