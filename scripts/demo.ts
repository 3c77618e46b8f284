/**
 * `npm run demo`: the sample fleet in ./agents, end to end. Engine-free first (validate, show,
 * expired), then through the real Pulumi engine on a throw-away local stack with Kubernetes
 * rendered to ./out/manifests, then expiry at work: a later "now" removes the expired agent.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { runCli } from "../provider/cli/main";
import { groupStepsByAgent } from "../provider/engine/grouping";
import { toolchainHint, toolchainStatus, pulumiVersion } from "../provider/engine/toolchain";
import { startSpireServer, SpireServer } from "../test/servers/spireServer";
import { openFleetStack, stepRecorder, PACKAGE_ROOT } from "../provider/engine/workspace";
import { validateDeclarations } from "../provider/guardrails/validate";

const AGENTS = path.join(PACKAGE_ROOT, "agents");
const OUT = path.join(PACKAGE_ROOT, "out");
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
    const manifests = path.join(OUT, "manifests");
    const spire = await startSpireServer();
    console.log(`SPIRE server ${await spireVersion()} running with its admin socket at ${spire.socketPath}`);
    try {
        return await runFleet(spire, manifests);
    } finally {
        await spire.dispose();
    }
}

async function runFleet(spire: SpireServer, manifests: string): Promise<number> {
    const stack = await openFleetStack({ workDir: path.join(OUT, "stack"), stackName: "demo", agentPaths: [AGENTS], renderYamlTo: manifests, now: NOW, spireSocket: spire.socketPath });
    const agents = validateDeclarations([AGENTS], { now: new Date(NOW) }).declarations.map((d) => d.declaration.metadata.name);

    const preview = stepRecorder();
    await stack.preview({ onEvent: preview.onEvent });
    console.log(`preview: ${preview.steps.filter((s) => s.op === "create").length} resources to create`);
    const up = stepRecorder();
    const result = await stack.up({ onEvent: up.onEvent });
    console.log(`up: ${result.summary.result}`);
    for (const group of groupStepsByAgent(up.steps, agents)) {
        console.log(`  ${group.agent}: ${group.steps.map((s) => `${s.op} ${s.type.split(":").pop()} ${s.name}`).join(", ") || "nothing (its identity is AWS-only)"}`);
    }
    console.log(`manifests written to ${path.relative(process.cwd(), manifests) || manifests}:`);
    for (const file of listFiles(manifests)) console.log(`  ${file}`);
    console.log("SPIRE registration entries (spire-server entry show):");
    await printEntries(spire);

    heading(`5. Expiry at work: now = ${LATER}, after ops-responder's expiry (2026-12-10)`);
    await stack.setConfig("agentid:now", { value: LATER });
    const reap = stepRecorder();
    const after = await stack.up({ onEvent: reap.onEvent });
    for (const group of groupStepsByAgent(reap.steps, agents).filter((g) => g.steps.length > 0)) {
        console.log(`  ${group.agent}: ${group.steps.map((s) => `${s.op} ${s.name}`).join(", ")}`);
    }
    console.log(`expired agents: ${JSON.stringify(after.outputs.expired.value)}`);
    console.log(`ops-responder manifests left: ${listFiles(manifests).filter((f) => f.includes("ops-responder")).length}`);
    console.log("SPIRE entries left:");
    await printEntries(spire);
    console.log(`\nThe stack state is in ${path.join(OUT, "stack")}; rerun npm run demo to start over.`);
    return 0;
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
    let status = toolchainStatus();
    if (status.ready) return true;
    const hasGo = spawnSync("go", ["version"], { encoding: "utf8" }).status === 0;
    if (!hasGo) {
        console.log(`Skipping the engine part: ${toolchainHint(status.missing)}\nInstall Go (>= 1.25) and run npm run demo again.`);
        return false;
    }
    console.log("Building the Pulumi engine from the Go module proxy (once per machine; progress below)...");
    const build = spawnSync("bash", [path.join(PACKAGE_ROOT, "scripts", "toolchain")], { stdio: ["ignore", "ignore", "inherit"] });
    status = toolchainStatus();
    if (build.status !== 0 || !status.ready) {
        console.log(`The toolchain build failed (see its messages above); the engine part is skipped. ${toolchainHint(status.missing)}`);
        return false;
    }
    return true;
}

function listFiles(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => path.relative(dir, path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name)))
        .sort();
}

main().then((code) => { process.exitCode = code; }, (error: Error) => {
    console.error(`demo failed: ${error.message}`);
    process.exitCode = 1;
});
