/**
 * Runs a Pulumi program (a module, as a project's `main`) under Pulumi mocks in a child process and
 * records what the program sends the engine: every RegisterResource request exactly as the SDK put it on
 * the wire (type, name, parent, provider reference, inputs with unknowns and secrets, dependencies and
 * property dependencies) with the URN the monitor answered, the outputs the resource ends with, and the
 * component outputs of RegisterResourceOutputs. The root `pulumi:pulumi:Stack` is registered the way the
 * Node.js language host does it (runtime.runInPulumiStack).
 *
 * The mocks play the providers: at preview a custom resource's outputs are its inputs with everything AWS
 * computes unknown (test/helpers/awsComputed.ts); at update they carry the computed values. No AWS or
 * Kubernetes provider runs, so provider-side defaults (Check) and autonaming are not applied: the programs
 * name what the policies read.
 *
 * Used by test/servers/policyAnalyzer.ts; a child process keeps the runtime's global state (mocks,
 * dry-run flag, root stack) out of the test process.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { computedByAws } from "../helpers/awsComputed";

/** One resource as the engine knows it after the program ran: the values are in wire form. */
export interface RecordedResource {
    urn: string;
    type: string;
    name: string;
    custom: boolean;
    /** The parent's URN; "" for the root stack. */
    parent: string;
    /** The provider reference (`<provider urn>::<id>`) the program chose; "" for the package's default provider. */
    provider: string;
    /** The package version the SDK asks for (names the default provider). */
    version: string;
    id: string;
    /** As registered: unknown values are the engine's unknown sentinel, secrets are secret objects. */
    inputs: Record<string, unknown>;
    /** Custom resources: what the provider (the mocks) returned; components: their registered outputs. */
    outputs: Record<string, unknown>;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    protect: boolean;
    ignoreChanges: string[];
    additionalSecretOutputs: string[];
    deleteBeforeReplace?: boolean;
}

export type RunMode = "preview" | "update";

export const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

export interface RecordOptions {
    /** The program module (compiled JavaScript), as a Pulumi.yaml `main`. */
    program: string;
    mode: RunMode;
    project: string;
    stack: string;
    /** Stack configuration (`namespace:key` → value; objects are JSON-encoded like the CLI does). */
    config?: Record<string, unknown>;
    /** Config keys whose values are secret. */
    secretKeys?: string[];
    /** Extra environment for the program. */
    env?: Record<string, string>;
}

/** Runs the program in a child process and returns the stack it registered, in registration order. */
export async function recordProgram(options: RecordOptions): Promise<RecordedResource[]> {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "agentid-record-")), "stack.json");
    const config = Object.fromEntries(Object.entries(options.config ?? {}).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
    const env = {
        ...process.env, ...options.env,
        PULUMI_CONFIG: JSON.stringify(config),
        PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(options.secretKeys ?? []),
    };
    await new Promise<void>((resolve, reject) => {
        execFile(process.execPath, [__filename, options.program, options.mode, options.project, options.stack, out], { env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }, (error, _stdout, stderr) => {
            if (error) reject(new Error(`recording ${options.program} (${options.mode}) failed: ${stderr.trim() || error.message}`));
            else resolve();
        });
    });
    try {
        return JSON.parse(fs.readFileSync(out, "utf8")) as RecordedResource[];
    } finally {
        fs.rmSync(path.dirname(out), { recursive: true, force: true });
    }
}

/** The child: sets the mocks, wraps the mock monitor to record the wire traffic, runs the program. */
async function main(program: string, mode: RunMode, project: string, stack: string, out: string): Promise<void> {
    const pulumi = await import("@pulumi/pulumi");
    const settings = require("@pulumi/pulumi/runtime/settings") as { getMonitor(): any };
    const rpc = require("@pulumi/pulumi/runtime/rpc") as { unknownValue: string };
    const preview = mode === "preview";

    await pulumi.runtime.setMocks({
        newResource(args) {
            const computed = computedByAws(args.type, args.name, args.inputs);
            const state = { ...args.inputs, ...(preview ? Object.fromEntries(Object.keys(computed).map((k) => [k, rpc.unknownValue])) : computed) };
            return { id: preview ? undefined : `${args.name}-id`, state };
        },
        call(args) {
            throw new Error(`the program called ${args.token}; the policy-pack recorder plays no provider functions`);
        },
    }, project, stack, preview);

    const recorded = new Map<string, RecordedResource>();
    const monitor = settings.getMonitor();
    // URNs as the engine makes them (pulumi urn.New): the parent's whole qualified type, except the root stack's.
    monitor.newUrn = (parent: string, type: string, name: string) => {
        const parentType = parent ? parent.split("::")[2] : "";
        const qualified = parentType && parentType !== ROOT_STACK_TYPE ? `${parentType}$${type}` : type;
        return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
    };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: unknown, resp?: any) => void) => register(req, (err: unknown, resp?: any) => {
        if (!err && resp) {
            const dependencies: Record<string, string[]> = {};
            req.getPropertydependenciesMap().forEach((deps: any, key: string) => { dependencies[key] = deps.getUrnsList(); });
            recorded.set(resp.getUrn(), {
                urn: resp.getUrn(), type: req.getType(), name: req.getName(), custom: req.getCustom(),
                parent: req.getParent(), provider: req.getProvider(), version: req.getVersion(), id: resp.getId(),
                inputs: req.getObject()?.toJavaScript() ?? {},
                outputs: req.getCustom() ? resp.getObject()?.toJavaScript() ?? {} : {},
                dependencies: req.getDependenciesList(), propertyDependencies: dependencies,
                protect: req.getProtect() ?? false, ignoreChanges: req.getIgnorechangesList(), additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
                ...(req.getDeletebeforereplacedefined() ? { deleteBeforeReplace: req.getDeletebeforereplace() } : {}),
            });
        }
        callback(err, resp);
    });
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req: any, callback: (err: unknown, resp?: unknown) => void) => {
        const resource = recorded.get(req.getUrn());
        if (resource) resource.outputs = req.getOutputs()?.toJavaScript() ?? {};
        return registerOutputs(req, callback);
    };

    await pulumi.runtime.runInPulumiStack(async () => {
        const exported = require(path.resolve(program));
        return exported instanceof Function ? exported() : exported;
    });
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
    fs.writeFileSync(out, JSON.stringify([...recorded.values()]));
}

if (require.main === module) {
    const [program, mode, project, stack, out] = process.argv.slice(2);
    main(program, mode as RunMode, project, stack, out).catch((error: Error) => {
        console.error(error.stack ?? error.message);
        process.exit(1);
    });
}
