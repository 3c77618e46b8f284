import type { Stack } from "@pulumi/pulumi/automation";
import type { StepRecord } from "../../engine/workspace";
import { agentOfStep } from "../../engine/grouping";
import { agentsInState, refreshTargets } from "../../engine/stackState";
import { Command, EXIT, Io, printLine } from "../command";
import { automation, engineFailure, firstLine, progress, STACK_FLAGS, underLock, WAIT_FLAG } from "../engineStack";
import { EngineOperation, runEngineCommand } from "../engineCommand";

type Drift = { agent: string | null; resource: string; detail: string };

export const driftCommand: Command = {
    name: "drift",
    summary: "refresh preview-only: which agents drifted from their declared state (exit 1 on drift; --fix restores them; --all: every stack)",
    usage: "drift (--stack S | --all PATH… [--parallel N]) [--cwd DIR] [--fix] [--wait DURATION] [--json]",
    example: "agentid drift --stack prod --json",
    flags: {
        ...STACK_FLAGS,
        ...WAIT_FLAG,
        fix: { type: "boolean", description: "restore what drifted: refresh it, then a targeted update that re-applies exactly those resources (still exit 1: drift was found)" },
    },
    takesPaths: false,
    pathsWith: "all",
    async run(args, io) {
        const fix = args.flags.fix === true;
        const operation: EngineOperation<{ drifted: Drift[]; fixed?: string[] }> = {
            createsStacks: false,
            movesAgents: false,
            changesStacks: fix,
            async run(stack, stackIo, context) {
                const state = context.recordedState ?? await stack.exportStack();
                const agents = new Set(agentsInState(state).map((a) => a.name));
                const target = refreshTargets(state);
                const recorder = (await automation()).stepRecorder();
                stackIo.err(`agentid drift: refreshing ${target.length} resources of stack ${stack.name} (preview only)\n`);
                if (target.length > 0) {
                    await stack.previewRefresh({ target, onEvent: progress(stackIo, recorder) })
                        .catch((error) => { throw new Error(`refresh failed: ${firstLine(error)}`); });
                }
                // Drift is judged on the refreshed properties, not on the refresh's operation: the Kubernetes
                // provider reports "same" for items added to a list out of band. A refresh that only saw server
                // bookkeeping change (resourceVersion, …) has no drifted fields.
                const driftedSteps = recorder.steps.filter((s) => s.drifted !== undefined && (s.op === "delete" || s.drifted.length > 0));
                const drifted = driftedSteps.map((s: StepRecord) => ({
                    agent: agentOfStep(s, agents) ?? null,
                    resource: s.urn,
                    detail: s.op === "delete" ? "deleted out of band" : `changed out of band: ${s.drifted!.join(", ")}`,
                }));
                const fixed = fix && driftedSteps.length > 0
                    ? (await underLock(stack, stackIo, context.waitMs, () => restore(stack, driftedSteps, stackIo))).result
                    : undefined;
                return { exitCode: drifted.length > 0 ? EXIT.findings : EXIT.ok, document: { drifted, ...(fixed ? { fixed } : {}) } };
            },
            print(out, { drifted, fixed }) {
                for (const d of drifted) printLine(out, `${d.agent ?? "(fleet)"}  ${d.resource.split("::").pop()}  ${d.detail}`);
                out.out(drifted.length ? `${drifted.length} resource${drifted.length === 1 ? "" : "s"} drifted\n` : "no drift\n");
                if (fixed) printLine(out, `restored: ${fixed.map((urn) => urn.split("::").pop()).join(", ")}`);
            },
        };
        return runEngineCommand("drift", args, io, operation);
    },
};

/**
 * Re-applies exactly the drifted resources: a refresh records what is live, then a targeted update
 * recreates what was deleted and updates what changed. A Kubernetes object whose change the provider's
 * diff cannot see (it compares the live object cut down to the declared shape, so items added to a
 * list vanish) is replaced instead; agentid's objects are deleted before they are recreated.
 */
async function restore(stack: Stack, drifted: readonly StepRecord[], io: Io): Promise<string[]> {
    const target = drifted.map((s) => s.urn);
    io.err(`agentid drift: restoring ${target.length} resource${target.length === 1 ? "" : "s"}\n`);
    await stack.refresh({ target }).catch((error) => { throw engineFailure("refresh", error); });
    const { stepRecorder } = await automation();
    const planned = stepRecorder();
    await stack.preview({ target, onEvent: planned.onEvent }).catch((error) => { throw engineFailure("preview", error); });
    const seen = new Set(planned.steps.filter((s) => s.op !== "same").map((s) => s.urn));
    const replace = drifted.filter((s) => s.op !== "delete" && !seen.has(s.urn) && s.type.startsWith("kubernetes:")).map((s) => s.urn);
    await stack.up({ target, replace, targetDependents: true, onEvent: progress(io, stepRecorder()) })
        .catch((error) => { throw engineFailure("targeted update", error); });
    return target;
}
