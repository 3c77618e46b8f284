import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { Stack } from "@pulumi/pulumi/automation";
import { openFleetStack, stepRecorder } from "../../provider/engine/workspace";
import { announceEngine, filesUnder, requireEngine, scratch } from "./engine";

const alpha = (verbs: string) => `apiVersion: agentid/v1
kind: Agent
metadata: { name: alpha }
spec:
  description: Reads support configuration
  owner: { team: support, contact: support@example.com }
  expiresAt: 2027-01-15T00:00:00Z
  identity: { kubernetes: { namespace: agents } }
  grants:
    - connector: kubernetes
      namespace: support
      resources: [configmaps]
      verbs: [${verbs}]
`;
const beta = `apiVersion: agentid/v1
kind: Agent
metadata: { name: beta }
spec:
  description: Watches pods during an incident
  owner: { team: sre, contact: sre@example.com }
  expiresAt: 2026-12-05T00:00:00Z
  identity: { kubernetes: { namespace: agents } }
  grants:
    - connector: kubernetes
      namespace: ops
      resources: [pods]
      verbs: [get, list]
`;

/** Our resources only: engine-internal stack and provider steps are left out. */
const ours = (steps: { op: string; type: string; name: string }[]) =>
    steps.filter((s) => !s.type.startsWith("pulumi:")).map((s) => `${s.op} ${s.name}`).sort();

describe("e2e: a fleet on the real engine (Kubernetes rendered to YAML)", function () {
    let work: string;
    let agentsDir: string;
    let manifests: string;
    let stack: Stack;

    before(async function () {
        requireEngine(this);
        announceEngine();
        work = scratch("e2e-fleet");
        agentsDir = path.join(work, "agents");
        manifests = path.join(work, "manifests");
        fs.mkdirSync(agentsDir);
        fs.writeFileSync(path.join(agentsDir, "alpha.yaml"), alpha("get, list"));
        fs.writeFileSync(path.join(agentsDir, "beta.yaml"), beta);
        stack = await openFleetStack({ workDir: work, stackName: "e2e", agentPaths: [agentsDir], renderYamlTo: manifests, now: "2026-12-01T00:00:00Z" });
    });

    it("previews every agent's resources", async () => {
        const recorder = stepRecorder();
        await stack.preview({ onEvent: recorder.onEvent });
        assert.deepStrictEqual(ours(recorder.steps), [
            "create agents", "create alpha", "create alpha-rbac-binding-support", "create alpha-rbac-support", "create alpha-sa",
            "create beta", "create beta-rbac-binding-ops", "create beta-rbac-ops", "create beta-sa",
        ]);
    });

    it("writes the manifests on up", async () => {
        const result = await stack.up();
        assert.strictEqual(result.summary.result, "succeeded");
        assert.deepStrictEqual(filesUnder(manifests), [
            "1-manifest/rbac.authorization.k8s.io_v1-role-ops-agent-beta.yaml",
            "1-manifest/rbac.authorization.k8s.io_v1-role-support-agent-alpha.yaml",
            "1-manifest/rbac.authorization.k8s.io_v1-rolebinding-ops-agent-beta.yaml",
            "1-manifest/rbac.authorization.k8s.io_v1-rolebinding-support-agent-alpha.yaml",
            "1-manifest/v1-serviceaccount-agents-alpha.yaml",
            "1-manifest/v1-serviceaccount-agents-beta.yaml",
        ]);
        const sa = fs.readFileSync(path.join(manifests, "1-manifest/v1-serviceaccount-agents-alpha.yaml"), "utf8");
        assert.match(sa, /agentid.dev\/expires-at: "2027-01-15T00:00:00Z"/);
        assert.match(sa, /automountServiceAccountToken: false/);
        assert.deepStrictEqual(result.outputs.expired.value, []);
    });

    it("plans a grant change as an update of the Role, not a replacement", async () => {
        fs.writeFileSync(path.join(agentsDir, "alpha.yaml"), alpha("get, list, watch"));
        const recorder = stepRecorder();
        await stack.preview({ onEvent: recorder.onEvent });
        const changed = recorder.steps.filter((s) => s.op !== "same" && !s.type.startsWith("pulumi:"));
        // The render-mode provider reports no property-level diffs; the operation is what matters.
        assert.deepStrictEqual(changed.map((s) => [s.op, s.name]), [["update", "alpha-rbac-support"]]);
        await stack.up();
        assert.match(fs.readFileSync(path.join(manifests, "1-manifest/rbac.authorization.k8s.io_v1-role-support-agent-alpha.yaml"), "utf8"), /- watch/);
    });

    it("deletes exactly the expired agent's resources once now passes its expiry", async () => {
        await stack.setConfig("agentid:now", { value: "2026-12-06T00:00:00Z" });
        const recorder = stepRecorder();
        const result = await stack.up({ onEvent: recorder.onEvent });
        assert.deepStrictEqual(ours(recorder.steps).filter((s) => !s.startsWith("same ")), [
            "delete beta-rbac-binding-ops", "delete beta-rbac-ops", "delete beta-sa",
        ]);
        assert.deepStrictEqual(result.outputs.expired.value, ["beta"]);
        assert.deepStrictEqual(filesUnder(manifests).filter((f) => f.includes("beta")), []);
        assert.strictEqual(filesUnder(manifests).filter((f) => f.includes("alpha")).length, 3);
    });

    it("leaves nothing behind on destroy", async () => {
        await stack.destroy();
        const state = await stack.exportStack();
        assert.deepStrictEqual(state.deployment.resources ?? [], []);
        assert.deepStrictEqual(filesUnder(manifests), []);
        await stack.workspace.removeStack("e2e");
    });
});
