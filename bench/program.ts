/**
 * One program run under Pulumi mocks, in its own process so timings and peak memory are its own.
 *
 *   node program.js ours <fleet-dir> <expected>        AgentFleet over the declarations
 *   node program.js record <fleet-dir> <graph.json>     same, and write every registered resource
 *   node program.js baseline <graph.jsonl>              the same graph written out directly, read a line at a time
 *
 * Prints one JSON line: {ms, cpuMs, maxRssKb, resources} (cpuMs: user + system CPU over the same span as ms).
 */
import * as fs from "fs";
import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

interface Recorded { type: string; name: string; custom: boolean; parent?: string; inputs: Record<string, unknown> }

let registered = 0;
const recorded: Recorded[] = [];
const mode = process.argv[2];

pulumi.runtime.setMocks({
    newResource(args) {
        registered++;
        if (mode === "record") recorded.push({ type: args.type, name: args.name, custom: args.custom ?? true, inputs: args.inputs });
        const arn = args.type === "aws:iam/role:Role" ? { arn: `arn:aws:iam::123456789012:role/agents/${args.inputs.name}` } : {};
        return { id: `${args.name}-id`, state: { ...args.inputs, ...arn } };
    },
    call: (args) => args.inputs,
}, "bench", "bench", true);

/** Resolves when `count` registrations have reached the mocks. */
function registrations(count: number): Promise<void> {
    return new Promise((resolve) => {
        const poll = () => (registered >= count ? resolve() : setImmediate(poll));
        poll();
    });
}

async function settle(): Promise<void> {
    let last = -1;
    while (last !== registered) {
        last = registered;
        await new Promise((r) => setTimeout(r, 100));
    }
}

/** CPU time (user + system) since `from`, ms. */
const cpuSince = (from: NodeJS.CpuUsage) => { const used = process.cpuUsage(from); return (used.user + used.system) / 1000; };
let cpuStart: NodeJS.CpuUsage = process.cpuUsage();

async function ours(dir: string, expected: number): Promise<number> {
    process.env.AGENTID_NOW = "2026-12-01T00:00:00Z";
    const { AgentFleet } = await import("../provider/components/agentFleet");
    // The provider SDKs load their resource modules on first use: loaded before the span, as the baseline's are.
    await sdkConstructors();
    const started = process.hrtime.bigint();
    cpuStart = process.cpuUsage();
    new AgentFleet("bench", { paths: [dir], platforms: { spire: false } });
    if (expected > 0) await registrations(expected); else await settle();
    return Number(process.hrtime.bigint() - started) / 1e6;
}

/**
 * The recorded graph, one resource per line, read in small chunks: the baseline program holds no more
 * of the graph than a hand-written program holds of its own source (issue 18: a fair RSS baseline).
 */
function* graphLines(graphFile: string): Generator<Recorded> {
    const fd = fs.openSync(graphFile, "r");
    const chunk = Buffer.alloc(64 * 1024);
    let pending = "";
    try {
        for (;;) {
            const read = fs.readSync(fd, chunk, 0, chunk.length, null);
            if (read === 0) break;
            pending += chunk.toString("utf8", 0, read);
            let newline: number;
            while ((newline = pending.indexOf("\n")) >= 0) {
                const line = pending.slice(0, newline);
                pending = pending.slice(newline + 1);
                if (line) yield JSON.parse(line) as Recorded;
            }
        }
        if (pending.trim()) yield JSON.parse(pending) as Recorded;
    } finally {
        fs.closeSync(fd);
    }
}

/** The resource classes the fleet's graph uses, by type token; reading them loads their SDK modules. */
async function sdkConstructors(): Promise<Record<string, new (name: string, args: never, opts: pulumi.CustomResourceOptions) => pulumi.Resource>> {
    const aws = await import("@pulumi/aws");
    const k8s = await import("@pulumi/kubernetes");
    return {
        "aws:iam/role:Role": aws.iam.Role as never,
        "aws:iam/rolePolicy:RolePolicy": aws.iam.RolePolicy as never,
        "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive": aws.iam.RolePoliciesExclusive as never,
        "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive": aws.iam.RolePolicyAttachmentsExclusive as never,
        "aws:eks/podIdentityAssociation:PodIdentityAssociation": aws.eks.PodIdentityAssociation as never,
        "kubernetes:core/v1:ServiceAccount": k8s.core.v1.ServiceAccount as never,
        "kubernetes:rbac.authorization.k8s.io/v1:Role": k8s.rbac.v1.Role as never,
        "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": k8s.rbac.v1.RoleBinding as never,
    };
}

async function baseline(graphFile: string): Promise<number> {
    const constructors = await sdkConstructors();
    const started = process.hrtime.bigint();
    cpuStart = process.cpuUsage();
    const fleet = new pulumi.ComponentResource("agentid:index:AgentFleet", "bench", {}, {});
    let parent: pulumi.ComponentResource = fleet;
    // A hand-written program wires the same references the component does: the role's name and ARN
    // into its policies and associations, the IRSA annotation, the binding after its service account.
    let role: InstanceType<typeof aws.iam.Role> | undefined;
    let policy: InstanceType<typeof aws.iam.RolePolicy> | undefined;
    let serviceAccount: pulumi.Resource | undefined;
    let count = 0;
    for (const r of graphLines(graphFile)) {
        count++;
        if (r.type === "agentid:index:AgentFleet") continue;
        if (!r.custom) {
            parent = new pulumi.ComponentResource(r.type, r.name, {}, { parent: fleet });
            role = policy = serviceAccount = undefined;
            continue;
        }
        const Ctor = constructors[r.type];
        if (!Ctor) throw new Error(`baseline has no constructor for ${r.type}`);
        const inputs: Record<string, unknown> = { ...r.inputs };
        if (role && r.type === "aws:iam/rolePolicy:RolePolicy") inputs.role = role.name;
        if (role && r.type.includes("rolePoliciesExclusive")) { inputs.roleName = role.name; inputs.policyNames = policy ? [policy.name] : []; }
        if (role && r.type.includes("rolePolicyAttachmentsExclusive")) inputs.roleName = role.name;
        if (role && r.type === "aws:eks/podIdentityAssociation:PodIdentityAssociation") inputs.roleArn = role.arn;
        const metadata = inputs.metadata as { annotations?: Record<string, unknown> } | undefined;
        if (role && r.type === "kubernetes:core/v1:ServiceAccount" && metadata?.annotations?.["eks.amazonaws.com/role-arn"]) {
            inputs.metadata = { ...metadata, annotations: { ...metadata.annotations, "eks.amazonaws.com/role-arn": role.arn } };
        }
        const dependsOn = r.type.endsWith("RoleBinding") && serviceAccount ? [serviceAccount] : undefined;
        const created = new Ctor(r.name, inputs as never, { parent, ...(dependsOn ? { dependsOn } : {}) });
        if (r.type === "aws:iam/role:Role") role = created as InstanceType<typeof aws.iam.Role>;
        if (r.type === "aws:iam/rolePolicy:RolePolicy") policy = created as InstanceType<typeof aws.iam.RolePolicy>;
        if (r.type === "kubernetes:core/v1:ServiceAccount") serviceAccount = created;
    }
    await registrations(count);
    return Number(process.hrtime.bigint() - started) / 1e6;
}

async function main() {
    let ms: number;
    if (mode === "ours") ms = await ours(process.argv[3], Number(process.argv[4] ?? 0));
    else if (mode === "record") {
        ms = await ours(process.argv[3], 0);
        // Children of each agent follow their Agent, in registration order, so the baseline can parent them.
        const ordered: Recorded[] = [];
        const agents = recorded.filter((r) => r.type === "agentid:index:Agent");
        ordered.push(...recorded.filter((r) => r.type === "agentid:index:AgentFleet"));
        for (const agent of agents) {
            ordered.push(agent);
            ordered.push(...recorded.filter((r) => r.custom && r.name.startsWith(`${agent.name}-`)));
        }
        fs.writeFileSync(process.argv[4], ordered.map((r) => JSON.stringify(r)).join("\n") + "\n");
    } else if (mode === "baseline") ms = await baseline(process.argv[3]);
    else throw new Error(`unknown mode ${mode}`);
    const cpuMs = cpuSince(cpuStart);
    process.stdout.write(JSON.stringify({ ms, cpuMs, maxRssKb: process.resourceUsage().maxRSS, resources: registered }) + "\n");
    process.exit(0);
}

main().catch((error) => {
    process.stderr.write(`bench program failed: ${(error as Error).message}\n`);
    process.exit(1);
});
