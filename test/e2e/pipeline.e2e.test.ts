import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { Stack } from "@pulumi/pulumi/automation";
import { startSpireServer, SpireServer } from "../servers/spireServer";
import { engineEnv } from "../../provider/engine/toolchain";
import { openFleetStack } from "../../provider/engine/workspace";
import type { OffboardingRecord } from "../../provider/engine/offboardingRecord";
import { cli } from "../helpers/fixtures";
import { announceEngine, filesUnder, requireEngine, scratch } from "./engine";

const agent = (name: string, expiresAt: string, verbs: string) => `apiVersion: agentid/v1
kind: Agent
metadata: { name: ${name} }
spec:
  description: ${name} for the pipeline tests
  owner: { team: platform, contact: platform@example.com }
  expiresAt: ${expiresAt}
  identity:
    kubernetes: { namespace: agents }
    spire: { parentId: "spiffe://example.org/node/a", selectors: ["k8s:ns:agents", "k8s:sa:${name}"] }
  grants:
    - connector: kubernetes
      namespace: ops
      resources: [pods]
      verbs: [${verbs}]
`;

describe("e2e: plan, drift and reap on the real engine", function () {
    let spire: SpireServer;
    let stack: Stack;
    let work: string;
    let project: string;
    const saved: Record<string, string | undefined> = {};

    const run = (...args: string[]) => cli(...args, "--stack", "pipeline", "--cwd", project, "--json");
    const records = () => path.join(work, "records");
    const roleFile = (name: string) => path.join(work, "manifests", `1-manifest/rbac.authorization.k8s.io_v1-role-ops-agent-${name}.yaml`);

    before(async function () {
        requireEngine(this);
        announceEngine();
        work = scratch("e2e-pipeline");
        project = path.join(work, "project");
        const agents = path.join(work, "agents");
        fs.mkdirSync(agents);
        fs.writeFileSync(path.join(agents, "epsilon.yaml"), agent("epsilon", "2027-01-15T00:00:00Z", "get"));
        fs.writeFileSync(path.join(agents, "zeta.yaml"), agent("zeta", "2026-12-05T00:00:00Z", "get"));
        spire = await startSpireServer();
        stack = await openFleetStack({ workDir: work, stackName: "pipeline", agentPaths: [agents], renderYamlTo: path.join(work, "manifests"), now: "2026-12-01T00:00:00Z", spireSocket: spire.socketPath });
        await stack.up();
        // The CLI reads the backend from the environment, as it would in a pipeline.
        for (const [key, value] of Object.entries(engineEnv(path.join(work, "state")))) {
            saved[key] = process.env[key];
            process.env[key] = value;
        }
        fs.writeFileSync(path.join(agents, "epsilon.yaml"), agent("epsilon", "2027-01-15T00:00:00Z", "get, list"));
    });

    after(async () => {
        for (const [key, value] of Object.entries(saved)) {
            if (value === undefined) delete process.env[key]; else process.env[key] = value;
        }
        await spire?.dispose();
    });

    it("plan groups the preview's steps by agent, with the access diff", async () => {
        const result = await run("plan");
        assert.strictEqual(result.code, 0, result.stderr);
        assert.deepStrictEqual(JSON.parse(result.stdout), { agents: [
            {
                name: "epsilon", ops: { update: 1 }, steps: ["update kubernetes:rbac.authorization.k8s.io/v1:Role epsilon-rbac-ops"],
                changes: [{ kind: "access-widened", risk: "medium", detail: "kubernetes: + list pods in namespace ops" }],
            },
            { name: "zeta", ops: {}, steps: [], changes: [] },
        ] });
        assert.match(result.stderr, /update kubernetes:rbac.authorization.k8s.io\/v1:Role epsilon-rbac-ops/);
    });

    it("drift reports an out-of-band change to an agent's SPIRE entry and exits 1", async () => {
        const shown = JSON.parse(await spire.cli("entry", "show", "-spiffeID", "spiffe://example.org/agents/zeta", "-output", "json")) as { entries: { id: string; expires_at: string }[] };
        const entry = shown.entries[0];
        await spire.cli("entry", "update", "-entryID", entry.id, "-spiffeID", "spiffe://example.org/agents/zeta", "-parentID", "spiffe://example.org/node/a",
            "-selector", "k8s:ns:agents", "-selector", "k8s:sa:zeta", "-x509SVIDTTL", "7200", "-jwtSVIDTTL", "300", "-entryExpiry", entry.expires_at, "-hint", "zeta");
        const result = await run("drift");
        assert.strictEqual(result.code, 1, result.stderr);
        assert.deepStrictEqual(JSON.parse(result.stdout), { drifted: [{
            agent: "zeta",
            resource: "urn:pulumi:pipeline::agentid-fleet::agentid:index:AgentFleet$agentid:index:Agent$agentid:spire:Entry::zeta-spire",
            detail: "changed out of band: revisionNumber, x509SvidTtl",
        }] });
    });

    it("reap removes the expired agent's resources and leaves another agent's pending change unapplied", async () => {
        const dry = await run("reap", "--now", "2026-12-06T00:00:00Z", "--dry-run");
        assert.deepStrictEqual(JSON.parse(dry.stdout), { reaped: ["zeta"], kept: ["epsilon"], alreadyReaped: [] });
        assert.ok(fs.existsSync(roleFile("zeta")), "a dry run changes nothing");

        const manifestsBefore = filesUnder(path.join(work, "manifests")).filter((f) => f.includes("zeta"));
        const zetaEntry = (JSON.parse(await spire.cli("entry", "show", "-spiffeID", "spiffe://example.org/agents/zeta", "-output", "json")) as { entries: { id: string }[] }).entries[0].id;
        const result = await run("reap", "--now", "2026-12-06T00:00:00Z", "--record", records());
        assert.strictEqual(result.code, 0, result.stderr);
        const history = await stack.history(1);
        const checkpoint = ((await stack.exportStack()).deployment as { manifest: { time: string } }).manifest.time;
        // The local file backend does not number updates (version 0): the checkpoint the update wrote names it.
        const recordFile = path.join(records(), `pipeline.zeta.${history[0].version > 0 ? `update-${history[0].version}` : checkpoint.replace(/[^0-9]/g, "")}.json`);
        assert.deepStrictEqual(JSON.parse(result.stdout), { reaped: ["zeta"], kept: ["epsilon"], alreadyReaped: [], records: [recordFile] });
        assert.deepStrictEqual(filesUnder(path.join(work, "manifests")).filter((f) => f.includes("zeta")), []);
        assert.doesNotMatch(fs.readFileSync(roleFile("epsilon"), "utf8"), /- list/, "epsilon's pending grant change must stay unapplied");
        const entries = JSON.parse(await spire.cli("entry", "show", "-output", "json")) as { entries: { spiffe_id: { path: string } }[] };
        assert.deepStrictEqual(entries.entries.map((e) => e.spiffe_id.path), ["/agents/epsilon"]);

        // The record lists exactly what the engine deleted (its own step events), the SPIRE entry now gone
        // from the server, and the Kubernetes objects whose manifests are gone.
        const record = JSON.parse(fs.readFileSync(recordFile, "utf8")) as OffboardingRecord;
        const deleted = [...result.stderr.matchAll(/^ {2}delete (\S+) (\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`).sort();
        assert.ok(deleted.length >= 4, result.stderr);
        assert.deepStrictEqual(record.removed.map((r) => `${r.type} ${r.urn.split("::").pop()}`).sort(), deleted);
        assert.deepStrictEqual(record.spireEntries.map((e) => [e.entryId, e.spiffeId]), [[zetaEntry, "spiffe://example.org/agents/zeta"]]);
        assert.deepStrictEqual(record.kubernetesObjects.map((o) => `${o.kind.toLowerCase()}-${o.namespace ? `${o.namespace}-` : ""}${o.name}`).sort(),
            manifestsBefore.map((f) => path.basename(f, ".yaml").replace(/^[^-]*-/, "")).sort());
        assert.deepStrictEqual([record.name, record.owner, record.expiresAt, record.onExpiry, record.judgedAt, record.stack, record.update.version, record.update.result, record.update.checkpoint],
            ["zeta", { team: "platform", contact: "platform@example.com" }, "2026-12-05T00:00:00Z", "delete", "2026-12-06T00:00:00.000Z", "pipeline", history[0].version, "succeeded", checkpoint]);
        assert.strictEqual(record.reapedAt, new Date(history[0].endTime).toISOString());
        assert.deepStrictEqual(record.remaining.map((r) => r.type), ["agentid:index:Agent"], "only the tombstone remains");

        // The compliance report cites it: NHI1 passes for the expired agent whose access was removed.
        const report = await cli("report", path.join(work, "agents"), "--framework", "owasp-nhi", "--records", records(), "--now", "2026-12-06T00:00:00Z", "--json");
        const nhi1 = (JSON.parse(report.stdout) as { controls: { id: string; agents: { agent: string; status: string; evidence: string }[] }[] }).controls.find((c) => c.id === "NHI1")!;
        const zeta = nhi1.agents.find((a) => a.agent === "zeta")!;
        assert.strictEqual(zeta.status, "pass", zeta.evidence);
        assert.ok(zeta.evidence.includes(`access removed: reaped at ${record.reapedAt} by update ${record.update.id}: ${record.removed.length} resources removed (SPIRE entry spiffe://example.org/agents/zeta, ${record.kubernetesObjects.length} Kubernetes objects) — record ${path.basename(recordFile)}`), zeta.evidence);
    });

    it("a second reap does nothing (and records nothing)", async () => {
        const before = JSON.stringify((await stack.exportStack()).deployment.resources.map((r: { urn: string }) => r.urn));
        const files = filesUnder(records());
        const result = await run("reap", "--now", "2026-12-06T00:00:00Z", "--record", records());
        assert.deepStrictEqual(JSON.parse(result.stdout), { reaped: [], kept: ["epsilon"], alreadyReaped: ["zeta"], records: [] });
        assert.strictEqual(JSON.stringify((await stack.exportStack()).deployment.resources.map((r: { urn: string }) => r.urn)), before);
        assert.deepStrictEqual(filesUnder(records()), files);
    });

    it("exits 2 with the fix when the stack does not exist", async () => {
        const result = await cli("drift", "--stack", "nope", "--cwd", project);
        assert.strictEqual(result.code, 2);
        assert.match(result.stderr, /cannot select stack "nope"/);
    });
});
