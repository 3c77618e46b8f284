/**
 * A policy pack run the way the Pulumi engine 3.248 runs one, with this harness playing the engine and
 * the Node.js language host:
 *
 * - the host starts `node <@pulumi/pulumi/cmd/run-policy-pack> <engine address> <pack directory>` in the
 *   pack directory, with the engine's environment plus PULUMI_NODEJS_ORGANIZATION/PROJECT/STACK/DRY_RUN
 *   and PULUMI_CONFIG from the stack (pulumi-language-nodejs RunPlugin, kind "analyzer");
 * - the pack prints its gRPC port on stdout; the engine calls Handshake (Unimplemented is fine),
 *   ConfigureStack, GetAnalyzerInfo, GetPluginInfo, then Configure with the policy config reconciled and
 *   validated against each policy's schema (pkg/engine LoadLocalPolicyPackAnalyzers,
 *   pkg/resource/analyzer ReconcilePolicyPackConfig);
 * - during the deployment Analyze gets each resource's inputs as it registers, and AnalyzeStack gets every
 *   resource's outputs at the end, with parents, dependencies, property dependencies and providers, the
 *   package default providers included (pkg/resource/deploy step_generator analyzeAll, AnalyzeResources).
 *
 * The messages are the ones @pulumi/pulumi ships (proto/analyzer_grpc_pb.js, analyzer_pb.js); the
 * resources come from test/servers/programRecorder.ts.
 */
import { ChildProcess, spawn } from "child_process";
import * as grpc from "@grpc/grpc-js";
import Ajv from "ajv";
import { RecordedResource, ROOT_STACK_TYPE } from "./programRecorder";

const analyzerRpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const analyzerProto = require("@pulumi/pulumi/proto/analyzer_pb");
const engineRpc = require("@pulumi/pulumi/proto/engine_grpc_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");

export type EnforcementLevel = "advisory" | "mandatory" | "disabled" | "remediate";
const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"];
const LEVEL_CODES: Record<EnforcementLevel, number> = { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 };
const levelOf = (code: number): EnforcementLevel => {
    const level = (Object.keys(LEVEL_CODES) as EnforcementLevel[]).find((l) => LEVEL_CODES[l] === code);
    if (!level) throw new Error(`the pack answered an unknown enforcement level ${code}`);
    return level;
};

/** The engine's markers on the wire (sdk/go/common/resource/plugin rpc.go). */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** What the stack is, as ConfigureStack tells the pack. */
export interface StackIdentity {
    organization: string;
    project: string;
    stack: string;
    dryRun: boolean;
    /** Stack configuration, `namespace:key` → value (non-strings JSON-encoded, as the CLI stores them). */
    config: Record<string, unknown>;
    secretKeys?: string[];
    tags?: Record<string, string>;
}

export interface PolicyInfoView {
    name: string;
    description: string;
    enforcementLevel: EnforcementLevel;
    configSchema?: { properties: Record<string, Record<string, unknown>>; required: string[] };
}

export interface AnalyzerInfoView {
    name: string;
    version: string;
    supportsConfig: boolean;
    policies: PolicyInfoView[];
}

/** One policy violation as the engine receives it. */
export interface PolicyDiagnostic {
    policy: string;
    pack: string;
    packVersion: string;
    level: EnforcementLevel;
    urn: string;
    /** `<policy description>\n<violation>`, as @pulumi/policy reports a violation with a message. */
    message: string;
}

/** A policy config file's content (`--policy-pack-config`): policy → level, or { enforcementLevel?, ...properties }. */
export type PolicyConfigFile = Record<string, EnforcementLevel | Record<string, unknown>>;

/** A resource as the engine hands it to analyzers. */
export interface EngineResource {
    urn: string;
    type: string;
    name: string;
    parent: string;
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    provider?: { urn: string; type: string; name: string; inputs: Record<string, unknown> };
    options: { protect: boolean; ignoreChanges: string[]; additionalSecretOutputs: string[]; deleteBeforeReplace?: boolean };
}

export interface DeploymentVerdict {
    /** From Analyze, resource by resource. */
    analyze: PolicyDiagnostic[];
    /** From AnalyzeStack. */
    analyzeStack: PolicyDiagnostic[];
    /** Policies the pack reported as not applicable to the stack. */
    notApplicable: { policy: string; reason: string }[];
    /** The engine fails the operation when any violation is mandatory. */
    failed: boolean;
}

export interface RunningPolicyPack {
    info: AnalyzerInfoView;
    pluginVersion: string;
    /** What the engine configured (after reconciling defaults, the pack's initial config and the file). */
    configured: Record<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }>;
    /** Runs a deployment's analysis: Analyze per resource in registration order, then AnalyzeStack. */
    analyzeDeployment(resources: readonly EngineResource[]): Promise<DeploymentVerdict>;
    /** Messages the pack logged through the engine. */
    engineLogs: { severity: number; message: string; urn: string }[];
    /** The pack process's stderr so far. */
    stderr(): string;
    close(): Promise<void>;
}

export interface StartOptions {
    packDir: string;
    stack: StackIdentity;
    /** Policy config file content; undefined: no `--policy-pack-config`. */
    config?: PolicyConfigFile;
    /** Environment the engine runs with (AGENTID_* are not inherited from the test process). */
    env?: Record<string, string>;
}

/** Starts the pack as the engine does and configures it; rejects with the engine's error when the config is invalid. */
export async function startPolicyPack(options: StartOptions): Promise<RunningPolicyPack> {
    const engine = await startEngineLogSink();
    const runPolicyPack = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [options.packDir] });
    const { stack } = options;
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AGENTID_")));
    const env = {
        ...inherited, ...options.env,
        PULUMI_NODEJS_ORGANIZATION: stack.organization, PULUMI_NODEJS_PROJECT: stack.project, PULUMI_NODEJS_STACK: stack.stack,
        PULUMI_NODEJS_DRY_RUN: String(stack.dryRun), PULUMI_CONFIG: JSON.stringify(configStrings(stack.config)),
    };
    const child = spawn(process.execPath, [runPolicyPack, engine.address, options.packDir], { cwd: options.packDir, env, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => { stderr += chunk.toString(); });
    const stop = async () => {
        await stopProcess(child);
        engine.server.forceShutdown();
    };
    try {
        const port = await portOf(child, () => stderr);
        const client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { "grpc.max_receive_message_length": 400 * 1024 * 1024 });
        const call = <T>(method: string, request: unknown) => new Promise<T>((resolve, reject) => {
            client[method](request, (error: grpc.ServiceError | null, response: T) => (error ? reject(error) : resolve(response)));
        });

        const handshake = new analyzerProto.AnalyzerHandshakeRequest();
        handshake.setEngineAddress(engine.address);
        handshake.setRootDirectory(options.packDir);
        handshake.setProgramDirectory(options.packDir);
        await call("handshake", handshake).catch((error: grpc.ServiceError) => {
            if (error.code !== grpc.status.UNIMPLEMENTED) throw error;
        });

        const configureStack = new analyzerProto.AnalyzerStackConfigureRequest();
        configureStack.setStack(stack.stack);
        configureStack.setProject(stack.project);
        configureStack.setOrganization(stack.organization);
        configureStack.setDryRun(stack.dryRun);
        for (const [k, v] of Object.entries(configStrings(stack.config))) configureStack.getConfigMap().set(k, v);
        configureStack.setConfigSecretKeysList(stack.secretKeys ?? []);
        for (const [k, v] of Object.entries(stack.tags ?? {})) configureStack.getTagsMap().set(k, v);
        await call("configureStack", configureStack);

        const info = analyzerInfoOf(await call<any>("getAnalyzerInfo", new Empty()));
        const pluginVersion = (await call<any>("getPluginInfo", new Empty())).getVersion() as string;
        const configured = reconcilePolicyConfig(info, options.config);
        if (!info.supportsConfig) throw new Error(`policy pack ${info.name} does not support config`);
        const configure = new analyzerProto.ConfigureAnalyzerRequest();
        for (const [policy, c] of Object.entries(configured)) {
            const policyConfig = new analyzerProto.PolicyConfig();
            policyConfig.setEnforcementlevel(LEVEL_CODES[c.enforcementLevel]);
            policyConfig.setProperties(Struct.fromJavaScript(c.properties));
            configure.getPolicyconfigMap().set(policy, policyConfig);
        }
        await call("configure", configure);

        return {
            info, pluginVersion, configured,
            engineLogs: engine.logs,
            stderr: () => stderr,
            close: async () => { client.close(); await stop(); },
            async analyzeDeployment(resources) {
                const analyze: PolicyDiagnostic[] = [];
                const notApplicable: DeploymentVerdict["notApplicable"] = [];
                for (const r of resources) {
                    const request = describeResource(new analyzerProto.AnalyzeRequest(), r, r.inputs);
                    analyze.push(...diagnosticsOf(await call<any>("analyze", request)));
                }
                const request = new analyzerProto.AnalyzeStackRequest();
                request.setResourcesList(resources.map((r) => {
                    const resource = describeResource(new analyzerProto.AnalyzerResource(), r, r.outputs);
                    resource.setParent(r.parent);
                    resource.setDependenciesList(r.dependencies);
                    for (const [key, urns] of Object.entries(r.propertyDependencies)) {
                        if (urns.length === 0) continue;
                        const deps = new analyzerProto.AnalyzerPropertyDependencies();
                        deps.setUrnsList(urns);
                        resource.getPropertydependenciesMap().set(key, deps);
                    }
                    return resource;
                }));
                const response = await call<any>("analyzeStack", request);
                const analyzeStack = diagnosticsOf(response);
                for (const na of response.getNotApplicableList()) notApplicable.push({ policy: na.getPolicyName(), reason: na.getReason() });
                const failed = [...analyze, ...analyzeStack].some((d) => d.level === "mandatory" || d.level === "remediate");
                return { analyze, analyzeStack, notApplicable, failed };
            },
        };
    } catch (error) {
        await stop();
        throw error instanceof Error ? new Error(`${error.message}${stderr ? `\npolicy pack stderr:\n${stderr}` : ""}`) : error;
    }
}

/**
 * The engine's view of a recorded program: resources in registration order, each package's default
 * provider (`pulumi:providers:<pkg>::default_<version>`, its inputs the stack config of that package) placed
 * before the first resource that uses it, the provider of every custom resource attached.
 */
export function engineResources(recorded: readonly RecordedResource[], stack: StackIdentity): EngineResource[] {
    const byUrn = new Map(recorded.map((r) => [r.urn, r]));
    const out: EngineResource[] = [];
    const defaults = new Map<string, EngineResource>();
    const base = (r: RecordedResource): EngineResource => ({
        urn: r.urn, type: r.type, name: r.name, parent: r.parent, inputs: r.inputs, outputs: r.outputs,
        dependencies: r.dependencies, propertyDependencies: r.propertyDependencies,
        options: { protect: r.protect, ignoreChanges: r.ignoreChanges, additionalSecretOutputs: r.additionalSecretOutputs, ...(r.deleteBeforeReplace !== undefined ? { deleteBeforeReplace: r.deleteBeforeReplace } : {}) },
    });
    for (const r of recorded) {
        const resource = base(r);
        if (r.custom && !r.type.startsWith("pulumi:providers:")) {
            if (r.provider) {
                const providerUrn = r.provider.split("::").slice(0, -1).join("::");
                const provider = byUrn.get(providerUrn);
                if (!provider) throw new Error(`${r.urn} names provider ${r.provider}, which the program did not register`);
                resource.provider = { urn: provider.urn, type: provider.type, name: provider.name, inputs: provider.inputs };
            } else {
                const pkg = r.type.split(":")[0];
                const name = `default${r.version ? `_${r.version.replace(/[.-]/g, "_")}` : ""}`;
                const urn = `urn:pulumi:${stack.stack}::${stack.project}::pulumi:providers:${pkg}::${name}`;
                let provider = defaults.get(urn);
                if (!provider) {
                    const inputs = {
                        ...Object.fromEntries(Object.entries(configStrings(stack.config)).filter(([k]) => k.startsWith(`${pkg}:`)).map(([k, v]) => [k.slice(pkg.length + 1), v])),
                        ...(r.version ? { version: r.version } : {}),
                    };
                    provider = {
                        urn, type: `pulumi:providers:${pkg}`, name, parent: "", inputs, outputs: inputs, dependencies: [], propertyDependencies: {},
                        options: { protect: false, ignoreChanges: [], additionalSecretOutputs: [] },
                    };
                    defaults.set(urn, provider);
                    out.push(provider);
                }
                resource.provider = { urn, type: provider.type, name, inputs: provider.inputs };
            }
        }
        out.push(resource);
    }
    return out;
}

/** The root stack's URN, where the engine shows violations whose URN is not a resource of the stack. */
export function rootStackUrn(stack: StackIdentity): string {
    return `urn:pulumi:${stack.stack}::${stack.project}::${ROOT_STACK_TYPE}::${stack.project}-${stack.stack}`;
}

/**
 * The engine's ReconcilePolicyPackConfig: every policy starts at its own level with its schema's defaults,
 * then the pack's initial config, then the file ("all" first); each policy's properties must satisfy its
 * config schema or the engine refuses to run, naming the policy.
 */
export function reconcilePolicyConfig(info: AnalyzerInfoView, file: PolicyConfigFile | undefined): RunningPolicyPack["configured"] {
    const result: RunningPolicyPack["configured"] = {};
    for (const p of info.policies) {
        const defaults = Object.entries(p.configSchema?.properties ?? {}).filter(([, s]) => "default" in s).map(([k, s]) => [k, s.default]);
        result[p.name] = { enforcementLevel: p.enforcementLevel, properties: Object.fromEntries(defaults) };
    }
    const given = Object.entries(file ?? {}).map(([policy, value]) => {
        const { enforcementLevel, ...properties } = typeof value === "string" ? { enforcementLevel: value } : value;
        if (enforcementLevel !== undefined && !LEVELS.includes(enforcementLevel as EnforcementLevel)) {
            throw new Error(`parsing enforcement level for "${policy}": ${JSON.stringify(enforcementLevel)} is not a valid enforcement level`);
        }
        return { policy, level: enforcementLevel as EnforcementLevel | undefined, properties };
    });
    const all = given.find((g) => g.policy === "all");
    if (all?.level) for (const c of Object.values(result)) c.enforcementLevel = all.level;
    for (const g of given) {
        const current = result[g.policy] ?? { enforcementLevel: g.level ?? "advisory", properties: {} };
        result[g.policy] = { enforcementLevel: g.level ?? current.enforcementLevel, properties: { ...current.properties, ...g.properties } };
    }
    const ajv = new Ajv({ allErrors: true, strict: false });
    const errors: string[] = [];
    for (const p of info.policies) {
        if (!p.configSchema) continue;
        const validate = ajv.compile({ type: "object", properties: p.configSchema.properties, ...(p.configSchema.required.length > 0 ? { required: p.configSchema.required } : {}) });
        if (!validate(result[p.name]?.properties ?? {})) {
            for (const e of validate.errors ?? []) errors.push(`${p.name}: ${e.instancePath.replace(/^\//, "") || "(root)"} ${e.message}`);
        }
    }
    if (errors.length > 0) throw new Error(`validating policy config for "${info.name}": ${errors.sort().join("; ")}`);
    return result;
}

function analyzerInfoOf(response: any): AnalyzerInfoView {
    return {
        name: response.getName(), version: response.getVersion(), supportsConfig: response.getSupportsconfig(),
        policies: response.getPoliciesList().map((p: any): PolicyInfoView => {
            const schema = p.getConfigschema();
            return {
                name: p.getName(), description: p.getDescription(), enforcementLevel: levelOf(p.getEnforcementlevel()),
                ...(schema ? { configSchema: { properties: schema.getProperties()?.toJavaScript() ?? {}, required: schema.getRequiredList() } } : {}),
            };
        }),
    };
}

function diagnosticsOf(response: any): PolicyDiagnostic[] {
    return response.getDiagnosticsList().map((d: any): PolicyDiagnostic => ({
        policy: d.getPolicyname(), pack: d.getPolicypackname(), packVersion: d.getPolicypackversion(),
        level: levelOf(d.getEnforcementlevel()), urn: d.getUrn(), message: d.getMessage(),
    }));
}

/**
 * The fields an AnalyzeRequest (one resource at a time: its inputs) and an AnalyzerResource (the whole
 * stack: its outputs) share: urn, type, name, properties, options, provider.
 */
function describeResource<M extends { setUrn(v: string): void; setType(v: string): void; setName(v: string): void; setProperties(v: unknown): void; setOptions(v: any): void; setProvider(v: any): void }>(
    message: M, r: EngineResource, properties: Record<string, unknown>): M {
    message.setUrn(r.urn);
    message.setType(r.type);
    message.setName(r.name);
    message.setProperties(Struct.fromJavaScript(wire(properties)));
    message.setOptions(optionsOf(r));
    if (r.provider) message.setProvider(providerOf(r.provider));
    return message;
}

function optionsOf(r: EngineResource): unknown {
    const options = new analyzerProto.AnalyzerResourceOptions();
    options.setProtect(r.options.protect);
    options.setIgnorechangesList(r.options.ignoreChanges);
    options.setAdditionalsecretoutputsList(r.options.additionalSecretOutputs);
    options.setDeletebeforereplace(r.options.deleteBeforeReplace ?? false);
    options.setDeletebeforereplacedefined(r.options.deleteBeforeReplace !== undefined);
    options.setCustomtimeouts(new analyzerProto.AnalyzerResourceOptions.CustomTimeouts());
    options.setParent(r.parent);
    return options;
}

function providerOf(p: NonNullable<EngineResource["provider"]>): unknown {
    const provider = new analyzerProto.AnalyzerProviderResource();
    provider.setUrn(p.urn);
    provider.setType(p.type);
    provider.setName(p.name);
    provider.setProperties(Struct.fromJavaScript(wire(p.inputs)));
    return provider;
}

/**
 * Values as the engine marshals them for analyzers (KeepUnknowns, KeepSecrets, SkipInternalKeys, no
 * resource references): unknowns stay the unknown sentinel, secrets stay secret objects, `__` keys are
 * dropped, a resource reference becomes its ID (or its URN when it has none).
 */
function wire(value: unknown): any {
    if (Array.isArray(value)) return value.map(wire);
    if (value === null || typeof value !== "object") return value;
    const object = value as Record<string, unknown>;
    if (object[SIG_KEY] === RESOURCE_SIG) return typeof object.id === "string" && object.id !== "" ? object.id : object.urn;
    return Object.fromEntries(Object.entries(object).filter(([k]) => !k.startsWith("__")).map(([k, v]) => [k, wire(v)]));
}

/** Config values as the engine passes them to plugins: strings, objects JSON-encoded. */
function configStrings(config: Record<string, unknown>): Record<string, string> {
    return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

/** The engine's address for the pack: an Engine service that records Log calls. */
async function startEngineLogSink(): Promise<{ address: string; server: grpc.Server; logs: RunningPolicyPack["engineLogs"] }> {
    const logs: RunningPolicyPack["engineLogs"] = [];
    const server = new grpc.Server();
    server.addService(engineRpc.EngineService, {
        log(call: any, callback: grpc.sendUnaryData<unknown>) {
            logs.push({ severity: call.request.getSeverity(), message: call.request.getMessage(), urn: call.request.getUrn() });
            callback(null, new Empty());
        },
    });
    const port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    return { address: `127.0.0.1:${port}`, server, logs };
}

/** The port the pack prints as its first line of stdout (the engine reads it the same way). */
function portOf(child: ChildProcess, stderr: () => string): Promise<number> {
    return new Promise((resolve, reject) => {
        let out = "";
        const onData = (chunk: Buffer) => {
            out += chunk.toString();
            const newline = out.indexOf("\n");
            if (newline < 0) return;
            child.stdout!.off("data", onData);
            const port = Number(out.slice(0, newline).trim());
            if (Number.isInteger(port) && port > 0) resolve(port);
            else reject(new Error(`the policy pack printed ${JSON.stringify(out.slice(0, newline))} instead of its port`));
        };
        child.stdout!.on("data", onData);
        child.once("exit", (code) => reject(new Error(`the policy pack exited (${code}) before printing its port:\n${stderr()}`)));
        child.once("error", reject);
    });
}

async function stopProcess(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    await exited;
}

