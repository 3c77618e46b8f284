import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { engineEnv } from "../../provider/engine/toolchain";
import { openFleetStack, stepRecorder, StepRecord } from "../../provider/engine/workspace";
import { buildAccessMatrix } from "../../provider/platforms/kubernetes/accessMatrix";
import { AccessReview, renderAccessReview, reviewAccess } from "../../provider/platforms/kubernetes/accessReview";
import type { KubernetesApiError } from "../../provider/platforms/kubernetes/apiClient";
import { resolveAgent } from "../../provider/model/resolvedAgent";
import { validateDeclarations } from "../../provider/guardrails/validate";
import { cli } from "../helpers/fixtures";
import { clusterSpiffeIdCrd, KUBE_CLUSTER_TOOLS, KubeApiServer, startKubeApiServer } from "../servers/kubeApiServer";
import { announceEngine, requireEngine, scratch } from "./engine";

const NOW = "2026-12-01T00:00:00Z";
const AFTER_LAMBDA = "2026-12-06T00:00:00Z";

/** kappa's ClusterSPIFFEID has no expiry of its own: the fleet accepts that (reap removes it). */
const fleet = `apiVersion: agentid/v1
kind: Fleet
metadata: { name: e2e-k8s }
spec: { allowClusterSpiffeIds: true }
`;
const kappa = (verbs: string) => `apiVersion: agentid/v1
kind: Agent
metadata: { name: kappa }
spec:
  description: Reads support configuration
  owner: { team: support, contact: support@example.com }
  expiresAt: 2027-01-15T00:00:00Z
  identity: { kubernetes: { namespace: agents, clusterSpiffeId: true } }
  grants:
    - connector: kubernetes
      namespace: support
      resources: [configmaps]
      verbs: [${verbs}]
`;
const lambda = `apiVersion: agentid/v1
kind: Agent
metadata: { name: lambda }
spec:
  description: Restarts deployments during an incident
  owner: { team: sre, contact: sre@example.com }
  expiresAt: 2026-12-05T00:00:00Z
  approval: { ticket: SEC-1, approvers: [sre-lead@example.com] }
  identity: { kubernetes: { namespace: agents } }
  grants:
    - connector: kubernetes
      namespace: ops
      apiGroups: [apps]
      resources: [deployments]
      verbs: [get, patch]
    - connector: kubernetes
      namespace: ops
      resources: [pods/log]
      verbs: [get]
`;
const mu = `apiVersion: agentid/v1
kind: Agent
metadata: { name: mu }
spec:
  description: Lists support pods
  owner: { team: support, contact: support@example.com }
  expiresAt: 2027-01-15T00:00:00Z
  identity: { kubernetes: { namespace: agents } }
  grants:
    - connector: kubernetes
      namespace: support
      resources: [pods]
      verbs: [list]
`;

const RBAC = "/apis/rbac.authorization.k8s.io/v1";

/** The update's own steps on our resources (not its refresh, not unchanged ones), as `op name`. */
const changes = (steps: StepRecord[]) => steps.filter((s) => s.drifted === undefined && s.op !== "same" && !s.type.startsWith("pulumi:")).map((s) => `${s.op} ${s.name}`);

describe("e2e: Kubernetes on a real API server (RBAC, drift, faults, reap)", function () {
    let server: KubeApiServer;
    let stack: Stack;
    let work: string;
    let agentsDir: string;
    const saved: Record<string, string | undefined> = {};

    const run = (...args: string[]) => cli(...args, "--stack", "k8s", "--cwd", path.join(work, "project"), "--json");

    /** What the API server allows each agent, against the matrix built from the declarations at `now`. */
    async function review(now: string, names: string[]): Promise<AccessReview[]> {
        const report = validateDeclarations([agentsDir], { now: new Date(now) });
        assert.deepStrictEqual(report.errors, []);
        const reviews: AccessReview[] = [];
        for (const name of names) {
            const declaration = report.declarations.find((d) => d.declaration.metadata.name === name)!.declaration;
            reviews.push(await reviewAccess(server.api, buildAccessMatrix(resolveAgent(declaration, report.settings, new Date(now)), report.settings)!));
        }
        return reviews;
    }

    const disagreeing = (r: AccessReview) => r.answers.filter((a) => !a.agrees).map((a) => `${a.allowed ? "allowed" : "denied"} ${a.verb} ${a.resource} in ${a.namespace ?? "(cluster)"}`);
    const roleRules = async (ns: string, name: string) => (await server.api.request<{ rules: unknown }>("GET", `${RBAC}/namespaces/${ns}/roles/${name}`)).rules;

    before(async function () {
        requireEngine(this, { tools: KUBE_CLUSTER_TOOLS, files: [clusterSpiffeIdCrd()] });
        announceEngine();
        work = scratch("e2e-k8s");
        agentsDir = path.join(work, "agents");
        fs.mkdirSync(agentsDir);
        fs.writeFileSync(path.join(agentsDir, "fleet.yaml"), fleet);
        fs.writeFileSync(path.join(agentsDir, "kappa.yaml"), kappa("get, list"));
        fs.writeFileSync(path.join(agentsDir, "lambda.yaml"), lambda);
        server = await startKubeApiServer();
        console.log(`  API server: kube-apiserver ${await server.version()} at ${server.server}`);
        // Namespaces and the spire-controller-manager CRD belong to the cluster, not to agentid.
        await server.ensureNamespaces(["agents", "support", "ops"]);
        await server.installCrds(clusterSpiffeIdCrd());
        stack = await openFleetStack({ workDir: work, stackName: "k8s", agentPaths: [agentsDir], kubeconfig: server.kubeconfig, now: NOW });
        // The CLI reads the backend from the environment, as it would in a pipeline.
        for (const [key, value] of Object.entries(engineEnv(path.join(work, "state")))) {
            saved[key] = process.env[key];
            process.env[key] = value;
        }
    });

    after(async () => {
        for (const [key, value] of Object.entries(saved)) {
            if (value === undefined) delete process.env[key]; else process.env[key] = value;
        }
        await server?.dispose();
    });

    it("up creates each agent's ServiceAccount, Role, RoleBinding and ClusterSPIFFEID on the API server", async () => {
        const result = await stack.up();
        assert.strictEqual(result.summary.result, "succeeded");
        assert.deepStrictEqual(await server.managedObjects(), [
            "ClusterSPIFFEID agent-kappa",
            "Role ops/agent-lambda", "Role support/agent-kappa",
            "RoleBinding ops/agent-lambda", "RoleBinding support/agent-kappa",
            "ServiceAccount agents/kappa", "ServiceAccount agents/lambda",
        ]);
        assert.deepStrictEqual(await roleRules("ops", "agent-lambda"), [
            { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "patch"] },
            { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
        ]);
        const spiffe = await server.api.request<{ spec: unknown }>("GET", "/apis/spire.spiffe.io/v1alpha1/clusterspiffeids/agent-kappa");
        assert.deepStrictEqual(spiffe.spec, {
            spiffeIDTemplate: "spiffe://example.org/agents/kappa",
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "agents" } },
            podSelector: {}, workloadSelectorTemplates: ["k8s:sa:kappa"], ttl: "900s", jwtTtl: "300s", hint: "kappa",
        });
    });

    it("the API server's authorizer allows exactly what each agent declares and denies every neighbour", async () => {
        const reviews = await review(NOW, ["kappa", "lambda"]);
        for (const r of reviews) console.log(renderAccessReview(r).replace(/^/gm, "    "));
        assert.deepStrictEqual(reviews.map(disagreeing), [[], []]);
        assert.deepStrictEqual(reviews.map((r) => r.answers.filter((a) => a.allowed).map((a) => `${a.verb} ${a.resource}${a.subresource ? `/${a.subresource}` : ""} ${a.namespace}`)), [
            ["get configmaps support", "list configmaps support"],
            ["get deployments ops", "patch deployments ops", "get pods/log ops"],
        ]);
        assert.strictEqual(reviews[0].answers[0].reason, 'RBAC: allowed by RoleBinding "agent-kappa/support" of Role "agent-kappa" to ServiceAccount "kappa/agents"');

        const shown = await cli("show", agentsDir, "--agent", "kappa", "--now", NOW, "--kubeconfig", server.kubeconfig, "--json");
        assert.strictEqual(shown.code, 0, shown.stderr);
        const apiServer = JSON.parse(shown.stdout).apiServer as AccessReview;
        assert.deepStrictEqual([apiServer.server, apiServer.user, apiServer.disagreements, apiServer.answers.length],
            [server.server, "system:serviceaccount:agents:kappa", 0, reviews[0].answers.length]);
    });

    it("an out-of-band verb on a Role is caught by the authorizer check and by drift (exit 1, naming the field)", async () => {
        await server.api.request("PATCH", `${RBAC}/namespaces/support/roles/agent-kappa`,
            [{ op: "add", path: "/rules/0/verbs/-", value: "delete" }], "application/json-patch+json");
        const [kappaReview] = await review(NOW, ["kappa"]);
        assert.deepStrictEqual(disagreeing(kappaReview), ["allowed delete configmaps in support"]);
        const shown = await cli("show", agentsDir, "--agent", "kappa", "--now", NOW, "--kubeconfig", server.kubeconfig);
        assert.strictEqual(shown.code, 1);
        assert.match(shown.stdout, /\n {2}✗ +deny +allow +delete +configmaps +support +other verb\n/);
        assert.match(shown.stdout, /1 of \d+ checks disagree with the declaration/);

        const drift = await run("drift");
        assert.strictEqual(drift.code, 1, drift.stderr);
        assert.deepStrictEqual(JSON.parse(drift.stdout), { drifted: [{
            agent: "kappa",
            resource: "urn:pulumi:k8s::agentid-fleet::agentid:index:AgentFleet$agentid:index:Agent$kubernetes:rbac.authorization.k8s.io/v1:Role::kappa-rbac-support",
            detail: "changed out of band: rules",
        }] });
    });

    it("a plain up --refresh leaves the added verb (the provider's diff cuts lists to the declared length); drift --fix restores the Role", async () => {
        const up = stepRecorder();
        await stack.up({ refresh: true, onEvent: up.onEvent });
        assert.deepStrictEqual(changes(up.steps), []);
        assert.deepStrictEqual(await roleRules("support", "agent-kappa"), [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "delete"] }]);

        const fix = await run("drift", "--fix");
        assert.strictEqual(fix.code, 1, fix.stderr);
        const role = "urn:pulumi:k8s::agentid-fleet::agentid:index:AgentFleet$agentid:index:Agent$kubernetes:rbac.authorization.k8s.io/v1:Role::kappa-rbac-support";
        assert.deepStrictEqual(JSON.parse(fix.stdout), { drifted: [{ agent: "kappa", resource: role, detail: "changed out of band: rules" }], fixed: [role] });
        assert.deepStrictEqual(await roleRules("support", "agent-kappa"), [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list"] }]);
        assert.deepStrictEqual((await review(NOW, ["kappa"])).map(disagreeing), [[]]);
        const again = await run("drift");
        assert.deepStrictEqual([again.code, JSON.parse(again.stdout)], [0, { drifted: [] }]);
    });

    it("the next up restores a Role whose verb was swapped out of band, taking the field back from the other writer", async () => {
        await server.api.request("PATCH", `${RBAC}/namespaces/support/roles/agent-kappa`,
            [{ op: "replace", path: "/rules/0/verbs/1", value: "delete" }], "application/json-patch+json");
        assert.deepStrictEqual((await review(NOW, ["kappa"])).map(disagreeing), [["denied list configmaps in support", "allowed delete configmaps in support"]]);
        const drift = await run("drift");
        assert.deepStrictEqual([drift.code, JSON.parse(drift.stdout).drifted.map((d: { detail: string }) => d.detail)], [1, ["changed out of band: rules"]]);
        const up = stepRecorder();
        await stack.up({ refresh: true, onEvent: up.onEvent });
        assert.deepStrictEqual(changes(up.steps), ["update kappa-rbac-support"]);
        assert.deepStrictEqual(await roleRules("support", "agent-kappa"), [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list"] }]);
        assert.deepStrictEqual((await review(NOW, ["kappa"])).map(disagreeing), [[]]);
    });

    it("recreates a RoleBinding deleted out of band", async () => {
        await server.api.request("DELETE", `${RBAC}/namespaces/ops/rolebindings/agent-lambda`);
        assert.deepStrictEqual((await review(NOW, ["lambda"])).map(disagreeing), [["denied get deployments in ops", "denied patch deployments in ops", "denied get pods in ops"]]);
        const drift = await run("drift");
        assert.strictEqual(drift.code, 1);
        assert.deepStrictEqual(JSON.parse(drift.stdout).drifted.map((d: { agent: string; detail: string }) => `${d.agent}: ${d.detail}`), ["lambda: deleted out of band"]);
        await stack.up({ refresh: true });
        assert.ok((await server.managedObjects()).includes("RoleBinding ops/agent-lambda"));
        assert.deepStrictEqual((await review(NOW, ["lambda"])).map(disagreeing), [[]]);
    });

    it("fails with one line while the API server is down mid-update, and the next run converges with nothing duplicated or lost", async () => {
        fs.writeFileSync(path.join(agentsDir, "kappa.yaml"), kappa("get, list, watch"));
        fs.writeFileSync(path.join(agentsDir, "mu.yaml"), mu);
        const errors: string[] = [];
        let stopping: Promise<void> | undefined;
        const onEvent = (event: EngineEvent) => {
            const pre = event.resourcePreEvent?.metadata;
            if (!stopping && pre && pre.type.startsWith("kubernetes:") && pre.op !== "same") stopping = server.stop({ kill: true });
            if (event.diagnosticEvent?.severity === "error") errors.push(event.diagnosticEvent.message);
        };
        try {
            const failure = await stack.up({ onEvent }).then(() => undefined, (e: Error) => e);
            assert.ok(failure, "up must fail while the API server is down");
            const host = server.server.replace("https://", "");
            const apiErrors = errors.filter((m) => m.includes(host));
            assert.ok(apiErrors.length > 0, `an error names the API server: ${errors.join(" | ")}`);
            console.log(`    the update's error: ${apiErrors[0]}`);
            for (const message of apiErrors) {
                assert.ok(message.split("\n")[0].includes(host), `the first line names the API server: ${message}`);
                assert.doesNotMatch(message, /goroutine \d+|\.go:\d+/, "no Go stack trace");
            }

            // What an operator runs next while the server is still down: one error line each, exit 2.
            for (const command of [["drift"], ["reap", "--now", AFTER_LAMBDA]]) {
                const result = await run(...command);
                const errorLines = result.stderr.split("\n").filter((l) => l.startsWith(`agentid ${command[0]}: error:`));
                assert.deepStrictEqual([result.code, errorLines.length], [2, 1], result.stderr);
                // With --json the same error is the output's only content.
                const { error } = JSON.parse(result.stdout) as { error: { code: string; message: string } };
                assert.deepStrictEqual([error.code, `agentid ${command[0]}: error: ${error.message}`], ["environment", errorLines[0]]);
                console.log(`    ${errorLines[0]}`);
                assert.match(errorLines[0], /unreachable|connection refused/);
            }
        } finally {
            await stopping;
            await server.start();
        }
        await stack.up({ refresh: true });
        assert.deepStrictEqual(await server.managedObjects(), [
            "ClusterSPIFFEID agent-kappa",
            "Role ops/agent-lambda", "Role support/agent-kappa", "Role support/agent-mu",
            "RoleBinding ops/agent-lambda", "RoleBinding support/agent-kappa", "RoleBinding support/agent-mu",
            "ServiceAccount agents/kappa", "ServiceAccount agents/lambda", "ServiceAccount agents/mu",
        ]);
        assert.deepStrictEqual(await roleRules("support", "agent-kappa"), [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch"] }]);
        const urns = (await stack.exportStack()).deployment.resources.map((r: { urn: string }) => r.urn);
        assert.strictEqual(new Set(urns).size, urns.length, "no resource twice in the state");
        assert.deepStrictEqual((await review(NOW, ["kappa", "lambda", "mu"])).map(disagreeing), [[], [], []]);
        const after = stepRecorder();
        await stack.preview({ refresh: true, onEvent: after.onEvent });
        assert.deepStrictEqual(changes(after.steps), [], "converged: nothing left to do");
    });

    it("reap removes the expired agent's objects, and the authorizer then denies it everything", async () => {
        const result = await run("reap", "--now", AFTER_LAMBDA);
        assert.strictEqual(result.code, 0, result.stderr);
        const reaped = JSON.parse(result.stdout) as { reaped: string[]; kept: string[]; alreadyReaped: string[] };
        assert.deepStrictEqual({ ...reaped, kept: reaped.kept.sort() }, { reaped: ["lambda"], kept: ["kappa", "mu"], alreadyReaped: [] });
        const objects = await server.managedObjects();
        assert.deepStrictEqual(objects.filter((o) => o.includes("lambda")), []);
        assert.strictEqual(objects.length, 7);
        await assert.rejects(server.api.request("GET", "/api/v1/namespaces/agents/serviceaccounts/lambda"), (e: KubernetesApiError) => e.status === 404);
        const [lambdaReview] = await review(AFTER_LAMBDA, ["lambda"]);
        assert.strictEqual(lambdaReview.effect, "expired, onExpiry: delete");
        assert.deepStrictEqual(disagreeing(lambdaReview), []);
        assert.ok(lambdaReview.answers.every((a) => !a.allowed));
    });

    it("removes every object on destroy", async () => {
        await stack.destroy();
        assert.deepStrictEqual(await server.managedObjects(), []);
        await stack.workspace.removeStack("k8s");
    });
});
