import * as fs from "fs";
import * as path from "path";
import { EngineEvent, LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { driftedFields } from "./driftedFields";
import { engineEnv, toolchainRoot } from "./toolchain";

/** Where the agentid package lives (the root of this repository or of the installed package). */
export const PACKAGE_ROOT = path.resolve(__dirname, "..", "..", "..");

export interface FleetStackOptions {
    /** A scratch folder for the project, its state and rendered manifests. */
    workDir: string;
    stackName: string;
    /** Declaration paths for `agentid:paths`. */
    agentPaths: string[];
    /** Render Kubernetes objects into this folder (GitOps) instead of a cluster. */
    renderYamlTo?: string;
    /** `agentid:kubeconfig`: apply Kubernetes objects to this kubeconfig's cluster. */
    kubeconfig?: string;
    /** `agentid:now`. */
    now?: string;
    /** `agentid:spireSocket`: manage SPIRE entries on this server. */
    spireSocket?: string;
}

/**
 * A throw-away project that runs agentid's root program (the same `dist/provider/program.js` as the
 * repository's Pulumi.yaml) through the real engine with a local file backend.
 */
export async function openFleetStack(options: FleetStackOptions): Promise<Stack> {
    const projectDir = path.join(options.workDir, "project");
    fs.mkdirSync(projectDir, { recursive: true });
    fs.writeFileSync(path.join(projectDir, "Pulumi.yaml"), [
        "name: agentid-fleet",
        "runtime:",
        "  name: nodejs",
        "  options:",
        "    typescript: false",
        "main: index.js",
        "",
    ].join("\n"));
    fs.writeFileSync(path.join(projectDir, "index.js"), `module.exports = require(${JSON.stringify(path.join(PACKAGE_ROOT, "dist", "provider", "program.js"))});\n`);
    fs.writeFileSync(path.join(projectDir, "package.json"), JSON.stringify({ name: "agentid-fleet-stack", private: true }, null, 2));
    const modules = path.join(projectDir, "node_modules");
    if (!fs.existsSync(modules)) fs.symlinkSync(path.join(PACKAGE_ROOT, "node_modules"), modules, "dir");

    const env = engineEnv(path.join(options.workDir, "state"));
    const pulumiCommand = await PulumiCommand.get({ root: toolchainRoot() });
    const stack = await LocalWorkspace.createOrSelectStack({ stackName: options.stackName, workDir: projectDir }, { envVars: env, pulumiCommand });
    await stack.setConfig("agentid:paths", { value: options.agentPaths.join(",") });
    if (options.renderYamlTo) await stack.setConfig("agentid:renderYamlTo", { value: options.renderYamlTo });
    if (options.kubeconfig) await stack.setConfig("agentid:kubeconfig", { value: options.kubeconfig });
    if (options.now) await stack.setConfig("agentid:now", { value: options.now });
    if (options.spireSocket) await stack.setConfig("agentid:spireSocket", { value: options.spireSocket });
    return stack;
}

/** Engine events reduced to what a reviewer reads: operation and resource. */
export interface StepRecord {
    op: string;
    type: string;
    name: string;
    urn: string;
    /** Properties whose change causes the step (updates, replaces). */
    diffs: string[];
    /** For refresh steps: the properties the live resource differs in from the recorded state. */
    drifted?: string[];
}

interface StepState { inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }

/**
 * Collects resource steps from an engine event stream. A refresh announces every resource as
 * `refresh`; its outcome (same, update, delete) arrives with the outputs event, which is recorded.
 */
export function stepRecorder(): { steps: StepRecord[]; onEvent: (event: EngineEvent) => void } {
    const steps: StepRecord[] = [];
    const refreshing = new Set<string>();
    const record = (op: string, metadata: { urn: string; type: string; diffs?: string[] }, drifted?: string[]) => steps.push({
        op, type: metadata.type, name: metadata.urn.split("::").pop()!, urn: metadata.urn, diffs: metadata.diffs ?? [],
        ...(drifted ? { drifted } : {}),
    });
    return {
        steps,
        onEvent(event) {
            const pre = event.resourcePreEvent?.metadata;
            if (pre) {
                if (pre.op === "refresh") refreshing.add(pre.urn);
                else record(pre.op, pre);
                return;
            }
            const post = event.resOutputsEvent?.metadata;
            if (post && refreshing.delete(post.urn)) {
                record(post.op, post, driftedFields(post.type, (post.old ?? {}) as StepState, (post.new ?? {}) as StepState));
            }
        },
    };
}
