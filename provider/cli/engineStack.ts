/**
 * What the engine-backed commands (plan, drift, reap) share: selecting the user's stack with the engine
 * toolchain, loading the Automation API only when one of them runs, and progress on stderr.
 */
import * as path from "path";
import type { Stack } from "@pulumi/pulumi/automation";
import { engineEnv, toolchainHint, toolchainRoot, toolchainStatus } from "../engine/toolchain";
import type { stepRecorder } from "../engine/workspace";
import { EnvironmentError, Io, ParsedArgs, requireFlag, stringFlag } from "./command";
export const STACK_FLAGS = {
    stack: { type: "string" as const, value: "NAME", description: "the stack to operate on" },
    cwd: { type: "string" as const, value: "DIR", description: "the Pulumi project folder (default .)" },
};

/** The Automation API, loaded on first use: it takes most of a second to load, and only these commands need it. */
export async function automation() {
    const [api, workspace] = await Promise.all([import("@pulumi/pulumi/automation"), import("../engine/workspace")]);
    return { LocalWorkspace: api.LocalWorkspace, PulumiCommand: api.PulumiCommand, stepRecorder: workspace.stepRecorder };
}

/** Selects the user's stack with the engine toolchain on PATH; their backend settings are kept. */
export async function openStack(args: ParsedArgs): Promise<Stack> {
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
export function progress(io: Io, recorder: ReturnType<typeof stepRecorder>) {
    return (event: Parameters<ReturnType<typeof stepRecorder>["onEvent"]>[0]) => {
        const before = recorder.steps.length;
        recorder.onEvent(event);
        for (const step of recorder.steps.slice(before)) if (step.op !== "same") io.err(`  ${step.op} ${step.type} ${step.name}\n`);
    };
}

export function firstLine(error: unknown): string {
    const text = String((error as { stderr?: string }).stderr || (error as Error).message || error);
    // The engine's closing "error: update failed" says less than the resource's own error line.
    const lines = text.split("\n").map((l) => l.trim()).filter((l) => /error:/.test(l) && !/^error: (update|preview|refresh|destroy) failed$/.test(l));
    return (lines[lines.length - 1] ?? text.split("\n")[0]).replace(/^error:\s*/, "");
}

