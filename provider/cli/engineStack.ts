/**
 * What the engine-backed commands (plan, up, drift, reap) share: selecting the user's stack with the
 * engine toolchain, loading the Automation API only when one of them runs, progress on stderr, and
 * updates under the stack's lock (waiting for another update when asked, recovering an interrupted one).
 */
import { execFile } from "child_process";
import * as path from "path";
import type { Stack } from "@pulumi/pulumi/automation";
import { parseDuration } from "../declarations/clock";
import { isLockedError, isStaleLock, lockHolderOf, PendingOperation, pendingOperationsOf, StackLock } from "../engine/interruptions";
import { refreshTargets, unreadableResources } from "../engine/stackState";
import { engineEnv, toolchainHint, toolchainRoot, toolchainStatus } from "../engine/toolchain";
import type { stepRecorder } from "../engine/workspace";
import { EnvironmentError, FlagSpec, Io, ParsedArgs, requireFlag, stringFlag, UsageError } from "./command";

export const STACK_FLAGS: Record<string, FlagSpec> = {
    stack: { type: "string", value: "NAME", description: "the stack to operate on", conflictsWith: ["all"] },
    cwd: { type: "string", value: "DIR", description: "the Pulumi project folder (default .)" },
    all: { type: "boolean", description: "every stack of a sharded fleet (Fleet spec.stacks), whose declaration PATHs follow: one aggregated result, the worst exit code" },
    parallel: { type: "string", value: "N", description: "with --all: how many stacks run at once (default: the number of cores)" },
};

/** For commands that update a stack (and so take its lock). */
export const WAIT_FLAG: Record<string, FlagSpec> = {
    wait: { type: "string", value: "DURATION", description: "when another update holds the stack's lock, wait up to this long (30s, 10m) instead of failing at once" },
};

/** The Automation API, loaded on first use: it takes most of a second to load, and only these commands need it. */
export async function automation() {
    const [api, workspace] = await Promise.all([import("@pulumi/pulumi/automation"), import("../engine/workspace")]);
    return { LocalWorkspace: api.LocalWorkspace, PulumiCommand: api.PulumiCommand, stepRecorder: workspace.stepRecorder };
}

/** The project folder and how to run the engine there; the user's backend settings are kept. `env` reaches the engine and the programs it runs. */
export async function engineWorkspace(args: ParsedArgs, env: Record<string, string> = {}) {
    const status = toolchainStatus();
    if (!status.ready && !process.env.AGENTID_PULUMI_ON_PATH) throw new EnvironmentError(toolchainHint(status.missing));
    const workDir = path.resolve(stringFlag(args, "cwd") ?? ".");
    const { PATH } = engineEnv(path.join(toolchainRoot(), "unused-backend"));
    const envVars: Record<string, string> = { ...env, PATH, PULUMI_SKIP_UPDATE_CHECK: "true" };
    const { LocalWorkspace, PulumiCommand } = await automation();
    const pulumiCommand = await PulumiCommand.get({ root: toolchainRoot() });
    // Each selection runs the `pulumi` CLI; --all selects a stack to read its state, then again to run it.
    const selected = new Map<string, Stack>();
    return {
        workDir,
        /** Selects an existing stack (once per workspace), or creates it when `create` is set. */
        async stack(stackName: string, create = false): Promise<Stack> {
            const known = selected.get(stackName);
            if (known) return known;
            try {
                const options = { stackName, workDir };
                const stack = await (create ? LocalWorkspace.createOrSelectStack(options, { envVars, pulumiCommand }) : LocalWorkspace.selectStack(options, { envVars, pulumiCommand }));
                selected.set(stackName, stack);
                return stack;
            } catch (error) {
                throw new EnvironmentError(`cannot ${create ? "create or select" : "select"} stack "${stackName}" in ${workDir}: ${firstLine(error)}`);
            }
        },
        /** Names of the project's stacks in the backend. */
        async stackNames(): Promise<string[]> {
            try {
                const workspace = await LocalWorkspace.create({ workDir, envVars, pulumiCommand });
                return (await workspace.listStacks()).map((s) => s.name);
            } catch (error) {
                throw new EnvironmentError(`cannot list the stacks of the project in ${workDir}: ${firstLine(error)}`);
            }
        },
        /** Runs the `pulumi` CLI in the project (for what the Automation API does not offer, such as `state move`). */
        pulumi(argv: string[]): Promise<string> {
            return new Promise((resolve, reject) => {
                execFile(pulumiCommand.command, [...argv, "--non-interactive"], { cwd: workDir, env: { ...process.env, ...envVars }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
                    if (error) reject(Object.assign(error, { stderr }));
                    else resolve(stdout);
                });
            });
        },
    };
}

export type EngineWorkspace = Awaited<ReturnType<typeof engineWorkspace>>;

/** Selects the user's stack (`--stack`) with the engine toolchain on PATH; their backend settings are kept. */
export async function openStack(args: ParsedArgs): Promise<Stack> {
    const stackName = requireFlag(args, "stack", "the stack to operate on; or --all with the fleet's declaration paths for every stack of a sharded fleet");
    return (await engineWorkspace(args)).stack(stackName);
}

/** `--wait` in milliseconds (0 when not given). */
export function waitFrom(args: ParsedArgs): number {
    const text = stringFlag(args, "wait");
    if (text === undefined) return 0;
    const ms = parseDuration(text);
    if (ms === undefined) throw new UsageError(`--wait must be a duration such as 30s, 10m or 1h; got "${text}"`);
    return ms;
}

/** Streams one line per resource step to stderr, so long operations show progress. */
export function progress(io: Io, recorder: ReturnType<typeof stepRecorder>) {
    return (event: Parameters<ReturnType<typeof stepRecorder>["onEvent"]>[0]) => {
        const before = recorder.steps.length;
        recorder.onEvent(event);
        for (const step of recorder.steps.slice(before)) if (step.op !== "same") io.err(`  ${step.op} ${step.type} ${step.name}\n`);
    };
}

/** The engine's own words for a failure: its stderr (an Automation API CommandError keeps it in commandResult), then the message. */
export function errorText(error: unknown): string {
    const failure = error as { commandResult?: { stderr?: string }; stderr?: string; message?: string };
    return String(failure?.commandResult?.stderr || failure?.stderr || failure?.message || error);
}

/**
 * An engine operation's failure as the CLI reports it: "<what> failed: <the engine's error line>", keeping
 * the engine's stderr so a caller (underLock) can still tell a lock held by another update.
 */
export function engineFailure(what: string, error: unknown): Error {
    return Object.assign(new Error(`${what} failed: ${firstLine(error)}`), { stderr: errorText(error) });
}

export function firstLine(error: unknown): string {
    const text = errorText(error);
    // The engine's closing "error: update failed" says less than the resource's own error line.
    const lines = text.split("\n").map((l) => l.trim()).filter((l) => /error:/.test(l) && !/^error: (update|preview|refresh|destroy) failed$/.test(l));
    return (lines[lines.length - 1] ?? text.split("\n")[0]).replace(/^error:\s*/, "");
}

/** What an interrupted update had left and what was done about it. */
export interface Interruption {
    /** The lock of the update that was killed; released. */
    lock?: StackLock;
    /** Operations it began and never finished; cleared from the checkpoint. */
    pendingOperations: Pick<PendingOperation, "op" | "type" | "name">[];
    /** Resources refreshed afterwards so the state matches what exists. */
    refreshed: number;
}

/**
 * Runs an update under the stack's lock. An update that was interrupted before (its process killed,
 * its lock left behind on this host, operations pending in the checkpoint) is recovered first: the
 * lock released, then a refresh clears the pending operations and reads what exists (unless
 * `recover` is off: a command whose lock error may come from another stack only waits). When another
 * update holds the lock, waits up to `waitMs`, then fails naming the holder.
 */
export async function underLock<R>(stack: Stack, io: Io, waitMs: number, update: () => Promise<R>, options: { recover: boolean } = { recover: true }): Promise<{ result: R; interrupted?: Interruption }> {
    const deadline = Date.now() + waitMs;
    let interrupted: Interruption | undefined;
    let waiting = false;
    for (;;) {
        try {
            const state = options.recover ? await stack.exportStack() : undefined;
            const pending = state ? pendingOperationsOf(state) : [];
            if (state && pending.length > 0) {
                // A refresh under the engine's own lock: while another update runs (its operations pending), it fails as
                // locked; never an import of what was read before, which could overwrite what that update recorded since.
                const target = refreshTargets(state);
                try {
                    await stack.refresh({ clearPendingCreates: true, exclude: unreadableResources(state) });
                } catch (error) {
                    // The update whose operations were pending may have finished between the export and the refresh
                    // (its lock gone, the state it left complete): the refresh then read what was excluded by the
                    // state read before. Nothing is pending any more: start over from the state as it is now.
                    if (isLockedError(errorText(error)) || pendingOperationsOf(await stack.exportStack()).length > 0) throw error;
                    continue;
                }
                const left = pendingOperationsOf(await stack.exportStack());
                if (left.length > 0) throw new EnvironmentError(`stack ${stack.name}: a refresh left ${left.length} pending operation${left.length === 1 ? "" : "s"} (${describe(left)}); resolve them with pulumi refresh --stack ${stack.name}`);
                io.err(`stack ${stack.name}: the last update was interrupted with ${pending.length} operation${pending.length === 1 ? "" : "s"} unfinished (${describe(pending)}); cleared them and refreshed ${target.length} resource${target.length === 1 ? "" : "s"}\n`);
                interrupted = { ...(interrupted?.lock ? { lock: interrupted.lock } : {}), pendingOperations: pending.map(({ op, type, name }) => ({ op, type, name })), refreshed: target.length };
            }
            return { result: await update(), ...(interrupted ? { interrupted } : {}) };
        } catch (error) {
            const text = errorText(error);
            if (!isLockedError(text)) throw error;
            const lock = lockHolderOf(text);
            if (options.recover && lock && isStaleLock(lock) && !interrupted?.lock) {
                io.err(`stack ${stack.name}: the last update (pid ${lock.pid} on ${lock.host}, started ${lock.at}) was interrupted: that process no longer runs; releasing its lock\n`);
                await stack.cancel();
                interrupted = { lock, pendingOperations: [], refreshed: 0 };
                continue;
            }
            const left = deadline - Date.now();
            if (left <= 0) throw new EnvironmentError(lockedMessage(stack.name, lock, waitMs));
            if (!waiting) io.err(`stack ${stack.name} is locked by another update${holder(lock)}; waiting up to ${Math.ceil(waitMs / 1000)}s\n`);
            waiting = true;
            await new Promise((resolve) => setTimeout(resolve, Math.min(2000, left)));
        }
    }
}

function describe(operations: readonly PendingOperation[]): string {
    return operations.map((p) => `${p.op} ${p.type} ${p.name}`).join("; ");
}

function holder(lock: StackLock | undefined): string {
    return lock ? ` (${lock.user}@${lock.host}, pid ${lock.pid}, since ${lock.at})` : "";
}

function lockedMessage(stack: string, lock: StackLock | undefined, waitMs: number): string {
    return `stack ${stack} is locked by another update${holder(lock)}${waitMs > 0 ? ` and still was after waiting ${Math.ceil(waitMs / 1000)}s` : ""}; ` +
        `nothing was changed. Wait for it to finish (--wait 10m waits for you); if that update was killed on another machine, release its lock with \`pulumi cancel --stack ${stack} --yes\` and run again`;
}
