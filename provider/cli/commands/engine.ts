import * as path from "path";
import type { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { agentOfStep } from "../../engine/grouping";
import { agentsInState, AgentInState } from "../../engine/fleetState";
import { refreshTargets } from "../../engine/refresh";
import { engineEnv, toolchainHint, toolchainRoot, toolchainStatus } from "../../engine/toolchain";
import type { stepRecorder, StepRecord } from "../../engine/workspace";
import { diffFleets } from "../../review/accessDiff";
import { viewOf } from "../../review/accessView";
import { formatInstant, isExpired, parseInstant } from "../../declarations/clock";
import { resolveSettings } from "../../guardrails/fleetSettings";
import { Command, EnvironmentError, EXIT, Io, ParsedArgs, printJson, printLine, requireFlag, stringFlag } from "../command";
import { nowFrom } from "../fleetInput";
import { TYPE_TOKENS } from "../../model/tokens";

const STACK_FLAGS = {
    stack: { type: "string" as const, value: "NAME", description: "the stack to operate on" },
    cwd: { type: "string" as const, value: "DIR", description: "the Pulumi project folder (default .)" },
};

/** The Automation API, loaded on first use: it takes most of a second to load, and only these commands need it. */
async function automation() {
    const [api, workspace] = await Promise.all([import("@pulumi/pulumi/automation"), import("../../engine/workspace")]);
    return { LocalWorkspace: api.LocalWorkspace, PulumiCommand: api.PulumiCommand, stepRecorder: workspace.stepRecorder };
}

/** Selects the user's stack with the engine toolchain on PATH; their backend settings are kept. */
async function openStack(args: ParsedArgs): Promise<Stack> {
    const status = toolchainStatus();
    if (!status.ready && !process.env.AGENTID_PULUMI_ON_PATH) throw new EnvironmentError(toolchainHint(status.missing));
    const stackName = requireFlag(args, "stack", "the stack to operate on");
    const workDir = path.resolve(stringFlag(args, "cwd") ?? ".");
    const { PATH } = engineEnv(path.join(toolchainRoot(), "unused-backend"));
    const envVars: Record<string, string> = { PATH, PULUMI_SKIP_UPDATE_CHECK: "true" };
    const { LocalWorkspace, PulumiCommand } = await automation();
    const pulumiCommand = await PulumiCommand.get({ root: toolchainRoot() });
    try {
        return await LocalWorkspace.selectStack({ stackName, workDir }, { envVars, pulumiCommand });
    } catch (error) {
        throw new EnvironmentError(`cannot select stack "${stackName}" in ${workDir}: ${firstLine(error)}`);
    }
}

/** Streams one line per resource step to stderr, so long operations show progress. */
function progress(io: Io, recorder: ReturnType<typeof stepRecorder>) {
    return (event: Parameters<ReturnType<typeof stepRecorder>["onEvent"]>[0]) => {
        const before = recorder.steps.length;
        recorder.onEvent(event);
        for (const step of recorder.steps.slice(before)) if (step.op !== "same") io.err(`  ${step.op} ${step.type} ${step.name}\n`);
    };
}

function firstLine(error: unknown): string {
    const text = String((error as { stderr?: string }).stderr || (error as Error).message || error);
    const lines = text.split("\n").map((l) => l.trim()).filter((l) => /error:/.test(l));
    return (lines[lines.length - 1] ?? text.split("\n")[0]).replace(/^error:\s*/, "");
}

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

export const reapCommand: Command = {
    name: "reap",
    summary: "remove expired agents' resources with a targeted update (nothing else pending is applied)",
    usage: "reap --stack S [--cwd DIR] [--now ISO] [--dry-run] [--json]",
    example: "agentid reap --stack prod --json",
    flags: { ...STACK_FLAGS, "dry-run": { type: "boolean", description: "list what would be removed, change nothing" } },
    takesPaths: false,
    async run(args, io) {
        const now = nowFrom(args);
        const stack = await openStack(args);
        const agents = agentsInState(await stack.exportStack());
        const expired = agents.filter((a) => {
            const expiresAt = a.expiresAt ? parseInstant(a.expiresAt) : undefined;
            return expiresAt !== undefined && isExpired(expiresAt, now);
        });
        const toReap = expired.filter((a) => a.descendants.length > 0);
        const kept = agents.filter((a) => !expired.includes(a)).map((a) => a.name);
        const result = { reaped: toReap.map((a) => a.name), kept, alreadyReaped: expired.filter((a) => a.descendants.length === 0).map((a) => a.name) };
        if (toReap.length > 0 && !args.flags["dry-run"]) {
            const target = toReap.flatMap((a) => [a.urn, ...a.descendants]);
            io.err(`agentid reap: removing ${target.length - toReap.length} resources of ${toReap.map((a) => a.name).join(", ")} (targeted update, now = ${formatInstant(now)})\n`);
            (stack.workspace as LocalWorkspace).envVars.AGENTID_NOW = formatInstant(now);
            const recorder = (await automation()).stepRecorder();
            await stack.up({ target, onEvent: progress(io, recorder) }).catch((error) => { throw new Error(`targeted update failed: ${firstLine(error)}`); });
        }
        if (args.flags.json) printJson(io, result);
        else {
            printLine(io, `${args.flags["dry-run"] ? "would reap" : "reaped"}: ${result.reaped.join(", ") || "none"}`);
            if (result.alreadyReaped.length) printLine(io, `already reaped: ${result.alreadyReaped.join(", ")}`);
            printLine(io, `kept: ${kept.join(", ") || "none"}`);
        }
        return EXIT.ok;
    },
};
