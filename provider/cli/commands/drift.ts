import type { StepRecord } from "../../engine/workspace";
import { agentOfStep } from "../../engine/grouping";
import { agentsInState, refreshTargets } from "../../engine/stackState";
import { Command, EXIT, printLine } from "../command";
import { automation, firstLine, progress, STACK_FLAGS } from "../engineStack";
import { EngineOperation, runEngineCommand } from "../engineCommand";

type Drift = { agent: string | null; resource: string; detail: string };

export const driftCommand: Command = {
    name: "drift",
    summary: "refresh preview-only: which agents drifted from their declared state (exit 1 on drift; --all: every stack)",
    usage: "drift (--stack S | --all PATH… [--parallel N]) [--cwd DIR] [--json]",
    example: "agentid drift --stack prod --json",
    flags: STACK_FLAGS,
    takesPaths: false,
    pathsWith: "all",
    async run(args, io) {
        const operation: EngineOperation<{ drifted: Drift[] }> = {
            createsStacks: false,
            movesAgents: false,
            changesStacks: false,
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
                const drifted = recorder.steps.filter((s) => s.op !== "same" && s.drifted !== undefined).map((s: StepRecord) => ({
                    agent: agentOfStep(s, agents) ?? null,
                    resource: s.urn,
                    detail: s.op === "delete" ? "deleted out of band" : `changed out of band: ${s.drifted!.join(", ")}`,
                }));
                return { exitCode: drifted.length > 0 ? EXIT.findings : EXIT.ok, document: { drifted } };
            },
            print(out, { drifted }) {
                for (const d of drifted) printLine(out, `${d.agent ?? "(fleet)"}  ${d.resource.split("::").pop()}  ${d.detail}`);
                out.out(drifted.length ? `${drifted.length} resource${drifted.length === 1 ? "" : "s"} drifted\n` : "no drift\n");
            },
        };
        return runEngineCommand("drift", args, io, operation);
    },
};
