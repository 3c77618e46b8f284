import type { StepRecord } from "../../engine/workspace";
import { agentOfStep } from "../../engine/grouping";
import { agentsInState, AgentInState } from "../../engine/stackState";
import { resolveSettings } from "../../model/settings";
import { TYPE_TOKENS } from "../../model/tokens";
import { diffFleets } from "../../review/accessDiff";
import { viewOf } from "../../review/accessView";
import { Command, EXIT, printJson, printLine } from "../command";
import { automation, firstLine, openStack, progress, STACK_FLAGS } from "../engineStack";
import { nowFrom } from "../fleetInput";

export const planCommand: Command = {
    name: "plan",
    summary: "pulumi preview grouped by agent, with each agent's access diff",
    usage: "plan --stack S [--cwd DIR] [--json]",
    example: "agentid plan --stack prod --cwd infra/agents --json",
    flags: STACK_FLAGS,
    takesPaths: false,
    async run(args, io) {
        const now = nowFrom(args);
        const stack = await openStack(args);
        const before = agentsInState(await stack.exportStack());
        const recorder = (await automation()).stepRecorder();
        const outputs = new Map<string, unknown>();
        io.err(`agentid plan: previewing stack ${stack.name}\n`);
        const report = progress(io, recorder);
        await stack.preview({
            onEvent: (event) => {
                report(event);
                const post = event.resOutputsEvent?.metadata;
                if (post?.type === TYPE_TOKENS.agent) outputs.set(post.urn.split("::").pop()!, (post.new as { outputs?: Record<string, unknown> } | undefined)?.outputs?.source);
            },
        }).catch((error) => { throw new Error(`preview failed: ${firstLine(error)}`); });
        const names = [...new Set([...before.map((a) => a.name), ...recorder.steps.filter((s) => s.type === TYPE_TOKENS.agent).map((s) => s.name)])].sort();
        const agents = names.map((name) => {
            const steps = recorder.steps.filter((s) => agentOfStep(s, names) === name && s.op !== "same");
            const ops: Record<string, number> = {};
            for (const s of steps) ops[s.op] = (ops[s.op] ?? 0) + 1;
            const baseSource = before.find((a) => a.name === name)?.source;
            const headText = outputs.get(name);
            const headSource = typeof headText === "string" ? JSON.parse(headText) as AgentInState["source"] : undefined;
            const view = (s?: AgentInState["source"]) => (s?.declaration ? [viewOf(s.declaration, resolveSettings(s.settings), now)] : []);
            const changes = diffFleets(view(baseSource), view(headSource)).flatMap((d) => d.changes).map(({ agent: _a, ...c }) => c);
            return { name, ops, steps: steps.map((s) => `${s.op} ${s.type} ${s.name}`), changes };
        });
        if (args.flags.json) printJson(io, { agents });
        else {
            for (const a of agents) {
                printLine(io, `${a.name}: ${Object.entries(a.ops).map(([op, n]) => `${n} to ${op}`).join(", ") || "no changes"}`);
                for (const s of a.steps) printLine(io, `    ${s}`);
                for (const c of a.changes) printLine(io, `    access: ${c.kind} [${c.risk}] ${c.detail}`);
            }
        }
        return EXIT.ok;
    },
};
