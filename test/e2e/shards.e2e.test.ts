import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { engineEnv, toolchainRoot } from "../../provider/engine/toolchain";
import { openFleetStack } from "../../provider/engine/workspace";
import { startPostgres, PostgresServer } from "../servers/postgresServer";
import { startSpireServer, SpireServer } from "../servers/spireServer";
import { announceEngine, filesUnder, requireEngine, requirePostgres, scratch } from "./engine";
import { AgentidProcess, startAgentid } from "./processes";

const NOW = "2026-12-01T00:00:00Z";
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const agentYaml = (name: string, team: string, verbs: string) => `apiVersion: agentid/v1
kind: Agent
metadata: { name: ${name} }
spec:
  description: ${name} for the shard tests
  owner: { team: ${team}, contact: ${team}@example.com }
  expiresAt: 2027-01-15T00:00:00Z
  identity:
    kubernetes: { namespace: agents }
    spire: { parentId: "spiffe://example.org/node/a", selectors: ["k8s:ns:agents", "k8s:sa:${name}"] }
  grants:
    - connector: kubernetes
      namespace: apps
      resources: [configmaps]
      verbs: [${verbs}]
`;

interface StateResource { urn: string; type: string; id?: string; outputs?: Record<string, unknown> }
type Document = Record<string, any>;

describe("e2e: a fleet sharded into stacks on a PostgreSQL backend", function () {
    let pg: PostgresServer;
    let spire: SpireServer;
    let work: string;
    let agents: string;
    let project: string;
    let manifests: string;
    let support: Stack;
    let env: Record<string, string>;
    const stopped: AgentidProcess[] = [];

    const write = (name: string, team: string, verbs = "get") => fs.writeFileSync(path.join(agents, `${name}.yaml`), agentYaml(name, team, verbs));
    const agentid = (...args: string[]) => startAgentid([...args, "--cwd", project, "--json"], env);
    const run = async (...args: string[]) => {
        const result = await agentid(...args).exited;
        return { ...result, document: JSON.parse(result.stdout) as Document };
    };
    /** The resources a stack records, read with the Automation API from the PostgreSQL backend. */
    const resources = async (stack: string): Promise<StateResource[]> => {
        const pulumiCommand = await PulumiCommand.get({ root: toolchainRoot() });
        const selected = await LocalWorkspace.selectStack({ stackName: stack, workDir: project }, { envVars: env, pulumiCommand });
        return (await selected.exportStack()).deployment.resources as StateResource[];
    };
    /** Lock rows of a stack in PostgreSQL (the DIY backend keeps `.pulumi/locks/…` in table pulumi_state). */
    const locks = async (stack: string) => Number(await pg.query(`SELECT count(*) FROM pulumi_state WHERE key LIKE '%/.pulumi/locks/%/agentid-fleet/${stack}/%'`));
    const spireEntries = async () => (JSON.parse(await spire.cli("entry", "show", "-output", "json")) as { entries?: { id: string; spiffe_id: { path: string } }[] }).entries ?? [];
    /**
     * Holds a stack's lock: an update started, its lock in PostgreSQL, and its program frozen (SIGSTOP) as soon as
     * it runs, so the engine (`pid`, the lock's holder) waits for it. Freezing the engine itself would break it: it
     * gives a plugin it is starting 10 s to answer, and a frozen engine's clock runs on.
     */
    const holdLock = async (stack: string) => {
        const holder = agentid("up", "--stack", stack);
        let held: { pid: number; program: number } | undefined;
        for (const deadline = Date.now() + 120_000; held === undefined; await new Promise((r) => setTimeout(r, 50))) {
            if (Date.now() > deadline || holder.child.exitCode !== null) throw new Error(`the update of ${stack} took no lock:\n${holder.stderr()}`);
            const [engine, program] = [holder.enginePid(), holder.programPid()];
            if (engine !== undefined && program !== undefined && await locks(stack) > 0) held = { pid: engine, program };
        }
        process.kill(held.program, "SIGSTOP");
        stopped.push(holder);
        assert.strictEqual(await locks(stack), 1, "the frozen update still holds the lock");
        const release = () => {
            if (!stopped.includes(holder)) return;
            process.kill(held!.program, "SIGCONT");
            stopped.splice(stopped.indexOf(holder), 1);
        };
        return { holder, pid: held.pid, release };
    };

    before(async function () {
        requireEngine(this);
        requirePostgres(this);
        announceEngine();
        pg = await startPostgres();
        console.log(`  postgres: PostgreSQL ${pg.version} (${pg.url})`);
        spire = await startSpireServer();
        work = scratch("e2e-shards");
        agents = path.join(work, "agents");
        manifests = path.join(work, "manifests");
        project = path.join(work, "project");
        fs.mkdirSync(agents);
        fs.writeFileSync(path.join(agents, "fleet.yaml"), "apiVersion: agentid/v1\nkind: Fleet\nmetadata: { name: e2e-fleet }\nspec:\n  stacks: { by: team, prefix: e2e }\n");
        write("alpha", "support");
        write("beta", "support");
        write("gamma", "billing");
        support = await openFleetStack({ workDir: work, stackName: "e2e-support", agentPaths: [agents], renderYamlTo: manifests, now: NOW, spireSocket: spire.socketPath, backendUrl: pg.url });
        // Settings every shard's stack shares live in the project, so stacks that `up --all` creates get them too.
        fs.appendFileSync(path.join(project, "Pulumi.yaml"), [
            "config:",
            `  agentid:paths: { value: ${JSON.stringify(agents)} }`,
            `  agentid:renderYamlTo: { value: ${JSON.stringify(manifests)} }`,
            `  agentid:now: { value: "${NOW}" }`,
            `  agentid:spireSocket: { value: ${JSON.stringify(spire.socketPath)} }`,
            "",
        ].join("\n"));
        env = { ...engineEnv(path.join(work, "state"), { PULUMI_BACKEND_URL: pg.url }), AGENTID_NOW: NOW };
    });

    after(async () => {
        for (const holder of stopped) holder.signalTree("SIGKILL");
        await spire?.dispose();
        await pg?.dispose();
    });

    it("lists the shards: one stack per team", async () => {
        const result = await startAgentid(["stacks", agents, "--json"], env).exited.then((r) => ({ ...r, document: JSON.parse(r.stdout) as Document }));
        assert.deepStrictEqual([result.code, result.document], [0, { stacks: [{ name: "e2e-billing", agents: ["gamma"] }, { name: "e2e-support", agents: ["alpha", "beta"] }] }]);
    });

    it("up --all creates every shard's stack in PostgreSQL, each with only its agents, in one aggregated result", async () => {
        const result = await run("up", "--all", agents, "--parallel", "2");
        assert.strictEqual(result.code, 0, result.stderr);
        const summary = result.document.stacks.map((s: Document) => [s.name, s.exitCode, s.agents.map((a: Document) => `${a.name} ${JSON.stringify(a.ops)}`)]);
        assert.deepStrictEqual(summary, [
            ["e2e-billing", 0, ['gamma {"create":5}']],
            ["e2e-support", 0, ['alpha {"create":5}', 'beta {"create":5}']],
        ]);
        assert.deepStrictEqual([result.document.moves, result.document.conflicts, result.document.staleStacks, result.document.exitCode, result.document.error], [[], [], [], 0, undefined]);
        assert.match(result.stderr, /^\[e2e-billing\] {3}create agentid:spire:Entry gamma-spire$/m, "progress is per stack, on stderr");
        const stored = (await pg.query("SELECT key FROM pulumi_state WHERE key LIKE 'pulumi/.pulumi/stacks/%' ORDER BY key")).split("\n");
        assert.deepStrictEqual(stored.filter((k) => k.endsWith(".json")), ["pulumi/.pulumi/stacks/agentid-fleet/e2e-billing.json", "pulumi/.pulumi/stacks/agentid-fleet/e2e-support.json"]);
        assert.deepStrictEqual((await spireEntries()).map((e) => e.spiffe_id.path).sort(), ["/agents/alpha", "/agents/beta", "/agents/gamma"]);
    });

    it("runs updates of two shards at once: one holds its lock while the other completes", async () => {
        write("alpha", "support", "get, list");
        write("gamma", "billing", "get, list");
        const held = await holdLock("e2e-support");
        try {
            const billing = await run("up", "--stack", "e2e-billing");
            assert.strictEqual(billing.code, 0, billing.stderr);
            assert.deepStrictEqual(billing.document.agents.map((a: Document) => [a.name, a.ops]), [["gamma", { update: 1 }]]);
        } finally {
            held.release();
        }
        const first = await held.holder.exited;
        assert.strictEqual(first.code, 0, first.stderr);
        assert.deepStrictEqual(JSON.parse(first.stdout).agents.map((a: Document) => [a.name, a.ops]), [["alpha", { update: 1 }], ["beta", {}]]);
    });

    it("refuses a second update of the same shard at once, naming the lock's holder, and waits when asked; nothing is lost", async () => {
        write("alpha", "support", "get, list, watch");
        write("delta", "support");
        const held = await holdLock("e2e-support");
        let waiting: AgentidProcess;
        try {
            const refused = await run("up", "--stack", "e2e-support");
            assert.strictEqual(refused.code, 2, refused.stderr);
            assert.match(refused.document.error.message, new RegExp(`^stack e2e-support is locked by another update \\(${escape(os.userInfo().username)}@${escape(os.hostname())}, pid ${held.pid}, since \\S+\\); nothing was changed\\. Wait for it to finish \\(--wait 10m waits for you\\)`));
            assert.strictEqual(refused.document.error.code, "environment");

            waiting = agentid("up", "--stack", "e2e-support", "--wait", "5m");
            await waiting.waitForStderr(/stack e2e-support is locked by another update .*; waiting up to 300s/);
        } finally {
            held.release();
        }
        const [first, second] = await Promise.all([held.holder.exited, waiting.exited]);
        assert.deepStrictEqual([first.code, second.code], [0, 0], `${first.stderr}\n${second.stderr}`);
        const names = (await resources("e2e-support")).filter((r) => r.type === "agentid:index:Agent").map((r) => r.urn.split("::").pop()).sort();
        assert.deepStrictEqual(names, ["alpha", "beta", "delta"]);
        assert.match(fs.readFileSync(path.join(manifests, "1-manifest/rbac.authorization.k8s.io_v1-role-apps-agent-alpha.yaml"), "utf8"), /- watch/);
        assert.ok(fs.existsSync(path.join(manifests, "1-manifest/v1-serviceaccount-agents-delta.yaml")));
    });

    it("reports an update killed with SIGKILL as interrupted on the next run, which recovers to a state matching reality", async () => {
        write("zeta", "support");
        spire.freeze(); // zeta's entry creation hangs: the engine records it as pending
        const doomed = agentid("up", "--stack", "e2e-support");
        let enginePid: number | undefined;
        try {
            let pending: { type: string; resource: { urn: string } }[] = [];
            for (const deadline = Date.now() + 120_000; pending.length === 0; await new Promise((r) => setTimeout(r, 300))) {
                if (Date.now() > deadline || doomed.child.exitCode !== null) throw new Error(`no pending operation appeared:\n${doomed.stderr()}`);
                pending = (await support.exportStack()).deployment.pending_operations ?? [];
            }
            enginePid = doomed.enginePid();
        } finally {
            doomed.signalTree("SIGKILL"); // the engine, its language host and plugins: a crashed runner leaves nothing behind
            await doomed.exited;
            await spire.kill(); // the frozen server never carries out the request it held
            await spire.start();
        }

        const next = await run("up", "--stack", "e2e-support");
        assert.strictEqual(next.code, 0, next.stderr);
        assert.deepStrictEqual({ ...next.document.interrupted, lock: { ...next.document.interrupted.lock, at: "(time)" } }, {
            lock: { user: os.userInfo().username, host: os.hostname(), pid: enginePid, at: "(time)" },
            pendingOperations: [{ op: "creating", type: "agentid:spire:Entry", name: "zeta-spire" }],
            refreshed: 3, // the SPIRE entries of alpha, beta and delta; rendered manifests are never read back
        });
        assert.match(next.stderr, /the last update \(pid \d+ on .*\) was interrupted: that process no longer runs; releasing its lock/);

        const state = await resources("e2e-support");
        const recorded = state.filter((r) => r.type === "agentid:spire:Entry").map((r) => `${r.id} ${String(r.outputs?.spiffeId)}`).sort();
        const billingEntries = (await resources("e2e-billing")).filter((r) => r.type === "agentid:spire:Entry").map((r) => `${r.id} ${String(r.outputs?.spiffeId)}`);
        assert.deepStrictEqual((await spireEntries()).map((e) => `${e.id} spiffe://example.org${e.spiffe_id.path}`).sort(), [...recorded, ...billingEntries].sort(), "every entry on the server is recorded, with its ID");
        assert.deepStrictEqual(recorded.map((r) => r.split(" ")[1]).sort(), ["alpha", "beta", "delta", "zeta"].map((a) => `spiffe://example.org/agents/${a}`));
        const drift = await run("drift", "--stack", "e2e-support");
        assert.deepStrictEqual([drift.code, drift.document], [0, { drifted: [] }]);
        const plan = await run("plan", "--stack", "e2e-support");
        assert.deepStrictEqual(plan.document.agents.map((a: Document) => [a.name, a.ops]), [["alpha", {}], ["beta", {}], ["delta", {}], ["zeta", {}]]);
        assert.ok(filesUnder(manifests).includes("1-manifest/v1-serviceaccount-agents-zeta.yaml"));
    });

    it("moves an agent whose team changed into its new shard: plan --all shows the move, up --all keeps its live identity", async () => {
        const entryBefore = (await spireEntries()).find((e) => e.spiffe_id.path === "/agents/beta")!.id;
        write("beta", "billing");
        const plan = await run("plan", "--all", agents);
        assert.strictEqual(plan.code, 0, plan.stderr);
        assert.deepStrictEqual(plan.document.moves, [{ agent: "beta", from: "e2e-support", to: "e2e-billing", status: "pending" }]);
        const planned = (stack: string) => plan.document.stacks.find((s: Document) => s.name === stack).agents.find((a: Document) => a.name === "beta");
        assert.deepStrictEqual({ ...planned("e2e-billing"), steps: [...planned("e2e-billing").steps].sort() }, {
            name: "beta", ops: { move: 5 },
            steps: ["agentid:index:Agent beta", "agentid:spire:Entry beta-spire", "kubernetes:core/v1:ServiceAccount beta-sa", "kubernetes:rbac.authorization.k8s.io/v1:Role beta-rbac-apps",
                "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding beta-rbac-binding-apps"].map((s) => `move ${s}`),
            changes: [{ kind: "owner-changed", risk: "medium", detail: "support <support@example.com> → billing <billing@example.com>" }],
            movedFrom: "e2e-support",
        });
        assert.deepStrictEqual([planned("e2e-support").movedTo, planned("e2e-support").ops], ["e2e-billing", { move: 5 }]);

        const up = await run("up", "--all", agents);
        assert.strictEqual(up.code, 0, up.stderr);
        assert.deepStrictEqual(up.document.moves, [{ agent: "beta", from: "e2e-support", to: "e2e-billing", status: "moved" }]);
        const applied = up.document.stacks.find((s: Document) => s.name === "e2e-billing").agents.find((a: Document) => a.name === "beta");
        assert.deepStrictEqual([applied.movedFrom, Object.keys(applied.ops).filter((op) => op === "create" || op === "delete" || op === "replace")], ["e2e-support", []],
            "the moved agent's resources are updated in place, never deleted and created again");
        assert.strictEqual((await spireEntries()).find((e) => e.spiffe_id.path === "/agents/beta")!.id, entryBefore, "the SPIRE entry is the same one");
        const inSupport = (await resources("e2e-support")).filter((r) => r.urn.endsWith("::beta") || r.urn.includes("::beta-"));
        const inBilling = (await resources("e2e-billing")).filter((r) => r.urn.endsWith("::beta") || r.urn.includes("::beta-")).map((r) => r.urn.split("::").pop()).sort();
        assert.deepStrictEqual([inSupport, inBilling], [[], ["beta", "beta-rbac-apps", "beta-rbac-binding-apps", "beta-sa", "beta-spire"]]);
        assert.match(fs.readFileSync(path.join(manifests, "1-manifest/v1-serviceaccount-agents-beta.yaml"), "utf8"), /agentid.dev\/owner-team: billing/);
    });

    it("aggregates --all: a shard that fails does not stop the others; the worst exit code, the failed shard named", async () => {
        write("alpha", "support", "get");
        write("gamma", "billing", "get");
        const held = await holdLock("e2e-billing");
        let all: Awaited<ReturnType<typeof run>>;
        try {
            all = await run("up", "--all", agents, "--parallel", "2");
        } finally {
            held.release();
        }
        assert.strictEqual((await held.holder.exited).code, 0);
        assert.strictEqual(all.code, 2, all.stderr);
        const billing = all.document.stacks.find((s: Document) => s.name === "e2e-billing");
        const supportShard = all.document.stacks.find((s: Document) => s.name === "e2e-support");
        assert.deepStrictEqual([billing.exitCode, billing.error.code], [2, "environment"]);
        assert.match(billing.error.message, /^stack e2e-billing is locked by another update/);
        assert.deepStrictEqual([supportShard.exitCode, supportShard.agents.find((a: Document) => a.name === "alpha").ops], [0, { update: 1 }]);
        assert.deepStrictEqual([all.document.exitCode, all.document.error.code], [2, "environment"]);
        assert.match(all.document.error.message, /^1 of 2 stacks failed: e2e-billing \(stack e2e-billing is locked/);
        assert.match(all.stderr, /^\[e2e-billing\] error: stack e2e-billing is locked/m);

        const gamma = (await spireEntries()).find((e) => e.spiffe_id.path === "/agents/gamma")!;
        const shown = JSON.parse(await spire.cli("entry", "show", "-entryID", gamma.id, "-output", "json")) as { entries: { expires_at: string }[] };
        await spire.cli("entry", "update", "-entryID", gamma.id, "-spiffeID", "spiffe://example.org/agents/gamma", "-parentID", "spiffe://example.org/node/a",
            "-selector", "k8s:ns:agents", "-selector", "k8s:sa:gamma", "-x509SVIDTTL", "7200", "-jwtSVIDTTL", "300", "-entryExpiry", shown.entries[0].expires_at, "-hint", "gamma");
        const drift = await run("drift", "--all", agents);
        assert.strictEqual(drift.code, 1, drift.stderr);
        assert.deepStrictEqual(drift.document.stacks.map((s: Document) => [s.name, s.exitCode, s.drifted.map((d: Document) => `${d.agent} ${d.detail}`)]), [
            ["e2e-billing", 1, ["gamma changed out of band: revisionNumber, x509SvidTtl"]],
            ["e2e-support", 0, []],
        ]);
    });
});
