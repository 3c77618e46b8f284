import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { Stack } from "@pulumi/pulumi/automation";
import { startSpireServer, SpireServer } from "../servers/spireServer";
import { engineEnv } from "../../provider/engine/toolchain";
import { openFleetStack } from "../../provider/engine/workspace";
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

        const result = await run("reap", "--now", "2026-12-06T00:00:00Z");
        assert.strictEqual(result.code, 0, result.stderr);
        assert.deepStrictEqual(JSON.parse(result.stdout), { reaped: ["zeta"], kept: ["epsilon"], alreadyReaped: [] });
        assert.deepStrictEqual(filesUnder(path.join(work, "manifests")).filter((f) => f.includes("zeta")), []);
        assert.doesNotMatch(fs.readFileSync(roleFile("epsilon"), "utf8"), /- list/, "epsilon's pending grant change must stay unapplied");
        const entries = JSON.parse(await spire.cli("entry", "show", "-output", "json")) as { entries: { spiffe_id: { path: string } }[] };
        assert.deepStrictEqual(entries.entries.map((e) => e.spiffe_id.path), ["/agents/epsilon"]);
    });

    it("a second reap does nothing", async () => {
        const before = JSON.stringify((await stack.exportStack()).deployment.resources.map((r: { urn: string }) => r.urn));
        const result = await run("reap", "--now", "2026-12-06T00:00:00Z");
        assert.deepStrictEqual(JSON.parse(result.stdout), { reaped: [], kept: ["epsilon"], alreadyReaped: ["zeta"] });
        assert.strictEqual(JSON.stringify((await stack.exportStack()).deployment.resources.map((r: { urn: string }) => r.urn)), before);
    });

    it("exits 2 with the fix when the stack does not exist", async () => {
        const result = await cli("drift", "--stack", "nope", "--cwd", project);
        assert.strictEqual(result.code, 2);
        assert.match(result.stderr, /cannot select stack "nope"/);
    });
});
