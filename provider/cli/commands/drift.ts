import type { StepRecord } from "../../engine/workspace";
import { agentOfStep } from "../../engine/grouping";
import { agentsInState, refreshTargets } from "../../engine/stackState";
import { Command, EXIT, printJson, printLine } from "../command";
import { automation, firstLine, openStack, progress, STACK_FLAGS } from "../engineStack";

export const driftCommand: Command = {
    name: "drift",
    summary: "refresh preview-only: which agents drifted from their declared state (exit 1 on drift)",
    usage: "drift --stack S [--cwd DIR] [--json]",
    example: "agentid drift --stack prod --json",
    flags: STACK_FLAGS,
    takesPaths: false,
    async run(args, io) {
        const stack = await openStack(args);
        const state = await stack.exportStack();
        const agents = agentsInState(state).map((a) => a.name);
        const target = refreshTargets(state);
        const recorder = (await automation()).stepRecorder();
        io.err(`agentid drift: refreshing ${target.length} resources of stack ${stack.name} (preview only)\n`);
        if (target.length > 0) {
            await stack.previewRefresh({ target, onEvent: progress(io, recorder) })
                .catch((error) => { throw new Error(`refresh failed: ${firstLine(error)}`); });
        }
        const drifted = recorder.steps.filter((s) => s.op !== "same" && s.drifted !== undefined).map((s: StepRecord) => ({
            agent: agentOfStep(s, agents) ?? null,
            resource: s.urn,
            detail: s.op === "delete" ? "deleted out of band" : `changed out of band: ${s.drifted!.join(", ")}`,
        }));
        if (args.flags.json) printJson(io, { drifted });
        else {
            for (const d of drifted) printLine(io, `${d.agent ?? "(fleet)"}  ${d.resource.split("::").pop()}  ${d.detail}`);
            io.out(drifted.length ? `${drifted.length} resource${drifted.length === 1 ? "" : "s"} drifted\n` : "no drift\n");
        }
        return drifted.length > 0 ? EXIT.findings : EXIT.ok;
    },
};
