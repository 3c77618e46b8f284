/**
 * `npm run demo`: the sample fleet in ./agents, end to end. Engine-free first (validate, show,
 * expired), then through the real Pulumi engine on a throw-away local stack applied to a throw-away
 * Kubernetes API server and SPIRE server, with what each agent may do as the API server's authorizer
 * answers it, then expiry at work: a later "now" removes the expired agent's objects.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { runCli } from "../provider/cli/main";
import { groupStepsByAgent } from "../provider/engine/grouping";
import { ENGINE_TOOLS, toolchainHint, toolchainStatus, pulumiVersion } from "../provider/engine/toolchain";
import { openFleetStack, stepRecorder, PACKAGE_ROOT } from "../provider/engine/workspace";
import { validateDeclarations } from "../provider/guardrails/validate";
import { resolveAgent } from "../provider/model/resolvedAgent";
import { buildAgentArtefacts } from "../provider/platforms/documents";
import { buildAccessMatrix, describeResource } from "../provider/platforms/kubernetes/accessMatrix";
import { renderAccessReview, reviewAccess } from "../provider/platforms/kubernetes/accessReview";
import { KUBE_CLUSTER_TOOLS, KubeApiServer, startKubeApiServer } from "../test/servers/kubeApiServer";
import { startSpireServer, SpireServer } from "../test/servers/spireServer";

const AGENTS = path.join(PACKAGE_ROOT, "agents");
const OUT = path.join(PACKAGE_ROOT, "out");
/** Everything the engine part needs from the toolchain. */
const DEMO_TOOLS = [...ENGINE_TOOLS, ...KUBE_CLUSTER_TOOLS];
/** The sample fleet is written against this date; set AGENTID_NOW to use another. */
const NOW = process.env.AGENTID_NOW ?? "2026-12-01T00:00:00Z";
const LATER = "2026-12-11T00:00:00Z";

const io = { out: (t: string) => process.stdout.write(t), err: (t: string) => process.stderr.write(t) };
const heading = (text: string) => console.log(`\n━━ ${text}`);

async function main(): Promise<number> {
    heading(`1. Validate the declarations in agents/ (now = ${NOW})`);
    if (await runCli(["validate", AGENTS, "--now", NOW], io) !== 0) return 1;

    heading("2. What support-triage would get (agentid show, no engine)");
    await runCli(["show", AGENTS, "--agent", "support-triage", "--now", NOW], io);

    heading("3. Expiring soon (agentid expired --within 14d)");
    await runCli(["expired", AGENTS, "--now", NOW, "--within", "14d"], io);

    heading("4. The real engine");
    if (!ensureToolchain()) return 0;
    console.log(`pulumi ${pulumiVersion()}`);
    console.log("AWS is not configured here, so AWS identities are not provisioned (run the root project with aws:region set to preview them).");

    fs.rmSync(OUT, { recursive: true, force: true });
    const spire = await startSpireServer();
    console.log(`SPIRE server ${await spireVersion()} running with its admin socket at ${spire.socketPath}`);
    let cluster: KubeApiServer | undefined;
    try {
        cluster = await startKubeApiServer();
        console.log(`Kubernetes API server ${await cluster.version()} (kube-apiserver, kube-controller-manager, etcd; RBAC on) at ${cluster.server}; kubeconfig ${cluster.kubeconfig}`);
        return await runFleet(spire, cluster);
    } finally {
        await cluster?.dispose();
        await spire.dispose();
    }
}

async function runFleet(spire: SpireServer, cluster: KubeApiServer): Promise<number> {
    const report = validateDeclarations([AGENTS], { now: new Date(NOW) });
    const agents = report.declarations.map((d) => d.declaration.metadata.name);
    // Namespaces belong to the cluster's owners, not to agentid: the demo creates the ones the fleet uses.
    const namespaces = report.declarations.flatMap((d) => buildAgentArtefacts(resolveAgent(d.declaration, report.settings, new Date(NOW)), report.settings).kubernetes?.manifests ?? [])
        .map((m) => (m as { metadata: { namespace?: string } }).metadata.namespace).filter((ns): ns is string => ns !== undefined);
    const unique = [...new Set(namespaces)].sort();
    await cluster.ensureNamespaces(unique);
    console.log(`namespaces created for the fleet: ${unique.join(", ")}`);
    const stack = await openFleetStack({ workDir: path.join(OUT, "stack"), stackName: "demo", agentPaths: [AGENTS], kubeconfig: cluster.kubeconfig, now: NOW, spireSocket: spire.socketPath });

    const preview = stepRecorder();
    await stack.preview({ onEvent: preview.onEvent });
    console.log(`preview: ${preview.steps.filter((s) => s.op === "create").length} resources to create`);
    const up = stepRecorder();
    const result = await stack.up({ onEvent: up.onEvent });
    console.log(`up: ${result.summary.result}`);
    for (const group of groupStepsByAgent(up.steps, agents)) {
        console.log(`  ${group.agent}: ${group.steps.map((s) => `${s.op} ${s.type.split(":").pop()} ${s.name}`).join(", ") || "nothing (its identity is AWS-only)"}`);
    }
    console.log("Kubernetes objects on the API server (labelled app.kubernetes.io/managed-by=agentid; for GitOps, agentid:renderYamlTo writes them to a folder instead):");
    for (const object of await cluster.managedObjects()) console.log(`  ${object}`);
    console.log("SPIRE registration entries (spire-server entry show):");
    await printEntries(spire);

    heading("5. What each agent may do, as the API server's authorizer answers it (SubjectAccessReview)");
    console.log("Expected answers come from the declarations alone; the same check: agentid show agents --agent NAME --kubeconfig FILE");
    await printAccess(cluster, NOW, agents, "support-triage");

    heading(`6. Expiry at work: now = ${LATER}, after ops-responder's expiry (2026-12-10)`);
    await stack.setConfig("agentid:now", { value: LATER });
    const reap = stepRecorder();
    const after = await stack.up({ onEvent: reap.onEvent });
    for (const group of groupStepsByAgent(reap.steps, agents).filter((g) => g.steps.length > 0)) {
        console.log(`  ${group.agent}: ${group.steps.map((s) => `${s.op} ${s.name}`).join(", ")}`);
    }
    console.log(`expired agents: ${JSON.stringify(after.outputs.expired.value)}`);
    const left = (await cluster.managedObjects()).filter((o) => o.includes("ops-responder"));
    console.log(`ops-responder's objects left on the API server: ${left.join(", ") || "none"}`);
    await printAccess(cluster, LATER, ["ops-responder"]);
    console.log("SPIRE entries left:");
    await printEntries(spire);
    console.log(`\nThe stack state is in ${path.join(OUT, "stack")}; rerun npm run demo to start over.`);
    return 0;
}

/**
 * What the API server allows each named agent, asked with the matrix built from its declaration:
 * `inFull` row by row, the others in one line each.
 */
async function printAccess(cluster: KubeApiServer, now: string, names: string[], inFull?: string): Promise<void> {
    const report = validateDeclarations([AGENTS], { now: new Date(now) });
    for (const { declaration } of report.declarations.filter((d) => names.includes(d.declaration.metadata.name))) {
        const matrix = buildAccessMatrix(resolveAgent(declaration, report.settings, new Date(now)), report.settings);
        if (!matrix) continue;
        const review = await reviewAccess(cluster.api, matrix);
        if (review.agent === inFull) {
            process.stdout.write(renderAccessReview(review));
            continue;
        }
        const allowed = review.answers.filter((a) => a.allowed).map((a) => `${a.verb} ${describeResource(a)} in ${a.namespace ?? "the cluster"}`);
        const denied = review.answers.filter((a) => !a.allowed).length;
        console.log(`${review.agent} (${review.user}, ${review.effect}): allowed ${allowed.join(", ") || "nothing"}; ${denied} other requests denied; ` +
            (review.disagreements === 0 ? "the authorizer agrees with the declaration" : `${review.disagreements} answers DISAGREE with the declaration`));
    }
}

async function printEntries(spire: SpireServer): Promise<void> {
    const shown = JSON.parse(await spire.cli("entry", "show", "-output", "json")) as { entries?: { spiffe_id: { trust_domain: string; path: string }; x509_svid_ttl: number; jwt_svid_ttl: number; expires_at: string; selectors: { type: string; value: string }[] }[] };
    for (const e of shown.entries ?? []) {
        const expires = new Date(Number(e.expires_at) * 1000).toISOString().replace(/\.000Z$/, "Z");
        console.log(`  spiffe://${e.spiffe_id.trust_domain}${e.spiffe_id.path}  x509 ${e.x509_svid_ttl}s  jwt ${e.jwt_svid_ttl}s  expires ${expires}  selectors ${e.selectors.map((x) => `${x.type}:${x.value}`).join(",")}`);
    }
}

/** `spire-server --version` prints on stderr. */
async function spireVersion(): Promise<string> {
    const result = spawnSync(path.join(toolchainStatus().bin, "spire-server"), ["--version"], { encoding: "utf8" });
    return `v${(result.stdout || result.stderr).trim()}`;
}

/** Builds the engine when it is missing and Go is here; otherwise says what to install. */
function ensureToolchain(): boolean {
    let status = toolchainStatus(DEMO_TOOLS);
    if (status.ready) return true;
    const hasGo = spawnSync("go", ["version"], { encoding: "utf8" }).status === 0;
    if (!hasGo) {
        console.log(`Skipping the engine part: ${toolchainHint(status.missing)}\nInstall Go (>= 1.25) and run npm run demo again.`);
        return false;
    }
    console.log("Building the Pulumi engine from the Go module proxy (once per machine; progress below)...");
    const build = spawnSync("bash", [path.join(PACKAGE_ROOT, "scripts", "toolchain")], { stdio: ["ignore", "ignore", "inherit"] });
    status = toolchainStatus(DEMO_TOOLS);
    if (build.status !== 0 || !status.ready) {
        console.log(`The toolchain build failed (see its messages above); the engine part is skipped. ${toolchainHint(status.missing)}`);
        return false;
    }
    return true;
}

main().then((code) => { process.exitCode = code; }, (error: Error) => {
    console.error(`demo failed: ${error.message}`);
    process.exitCode = 1;
});
