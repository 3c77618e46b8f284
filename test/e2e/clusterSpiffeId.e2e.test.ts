import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { Stack } from "@pulumi/pulumi/automation";
import { openFleetStack } from "../../provider/engine/workspace";
import { KUBE_CLUSTER_TOOLS, KubeApiServer, startKubeApiServer } from "../servers/kubeApiServer";
import { SPIRE_CONTROLLER_MANAGER, SpireControllerManager, spireCrds, startSpireControllerManager } from "../servers/spireControllerManager";
import { SpireServer, startSpireServer } from "../servers/spireServer";
import { announceEngine, requireEngine, scratch } from "./engine";

const NOW = "2026-12-01T00:00:00Z";
const AFTER_EXPIRY = "2027-01-16T00:00:00Z";
const CLUSTER = "agents-test";

const fleet = `apiVersion: agentid/v1
kind: Fleet
metadata: { name: e2e-spiffe }
spec: { allowClusterSpiffeIds: true }
`;
const nu = `apiVersion: agentid/v1
kind: Agent
metadata: { name: nu }
spec:
  description: Reads support configuration with an X.509 SVID
  owner: { team: support, contact: support@example.com }
  expiresAt: 2027-01-15T00:00:00Z
  identity: { kubernetes: { namespace: agents, clusterSpiffeId: true } }
  grants:
    - connector: kubernetes
      namespace: support
      resources: [configmaps]
      verbs: [get]
`;

interface ShownEntry { spiffe_id: { trust_domain: string; path: string }; parent_id: { trust_domain: string; path: string }; selectors: { type: string; value: string }[]; x509_svid_ttl: number; jwt_svid_ttl: number; hint: string }

/**
 * The ClusterSPIFFEID agentid applies, read by spire-controller-manager v0.6.2 (the pinned module
 * whose CRD is installed): a pod of the agent's service account gets exactly the agent's registration
 * entry on the SPIRE server, and the entry goes once the agent expires and the plan removes the CR.
 */
describe("e2e: ClusterSPIFFEID through spire-controller-manager (API server, SPIRE server)", function () {
    let cluster: KubeApiServer;
    let spire: SpireServer;
    let controller: SpireControllerManager;
    let stack: Stack;

    const entries = async (): Promise<ShownEntry[]> => (JSON.parse(await spire.cli("entry", "show", "-output", "json")) as { entries?: ShownEntry[] }).entries ?? [];
    const spiffeId = (id: { trust_domain: string; path: string }) => `spiffe://${id.trust_domain}${id.path}`;

    /** Waits until the entries satisfy `done` (the controller reconciles asynchronously). */
    async function entriesWhen(done: (list: ShownEntry[]) => boolean, what: string): Promise<ShownEntry[]> {
        const deadline = Date.now() + 60_000;
        for (;;) {
            const list = await entries();
            if (done(list)) return list;
            if (Date.now() > deadline) throw new Error(`${what} within 60s; entries: ${JSON.stringify(list)}; controller log:\n${controller.logTail()}`);
            await new Promise((r) => setTimeout(r, 500));
        }
    }

    /** Waits until `probe` succeeds. */
    async function untilAnswered(probe: () => Promise<unknown>): Promise<void> {
        const deadline = Date.now() + 30_000;
        while (!(await probe().then(() => true, () => false))) {
            if (Date.now() > deadline) throw new Error("not ready within 30s");
            await new Promise((r) => setTimeout(r, 200));
        }
    }

    before(async function () {
        requireEngine(this, { tools: [...KUBE_CLUSTER_TOOLS, "spire-server", SPIRE_CONTROLLER_MANAGER], files: spireCrds() });
        announceEngine();
        const work = scratch("e2e-spiffe");
        const agentsDir = path.join(work, "agents");
        fs.mkdirSync(agentsDir);
        fs.writeFileSync(path.join(agentsDir, "fleet.yaml"), fleet);
        fs.writeFileSync(path.join(agentsDir, "nu.yaml"), nu);
        spire = await startSpireServer();
        cluster = await startKubeApiServer();
        console.log(`  API server: kube-apiserver ${await cluster.version()} at ${cluster.server}; SPIRE server with trust domain ${spire.trustDomain}`);
        await cluster.ensureNamespaces(["agents", "support", "other"]);
        for (const crd of spireCrds()) await cluster.installCrds(crd);
        controller = await startSpireControllerManager({ kubeconfig: cluster.kubeconfig, spireSocket: spire.socketPath, trustDomain: spire.trustDomain, clusterName: CLUSTER, dir: cluster.dir });
        stack = await openFleetStack({ workDir: work, stackName: "spiffe", agentPaths: [agentsDir], kubeconfig: cluster.kubeconfig, now: NOW });
    });

    after(async () => {
        await controller?.stop();
        await cluster?.dispose();
        await spire?.dispose();
    });

    it("registers the agent's entry for a pod of its service account, with the agent's SPIFFE ID, lifetimes and the node as parent", async () => {
        assert.strictEqual((await stack.up()).summary.result, "succeeded");
        assert.deepStrictEqual(await entries(), [], "no pod yet: no entry");
        const node = await cluster.api.request<{ metadata: { uid: string } }>("POST", "/api/v1/nodes", { apiVersion: "v1", kind: "Node", metadata: { name: "node-a" } });
        const podOf = (namespace: string, name: string, serviceAccount: string) => cluster.api.request<{ metadata: { uid: string } }>("POST", `/api/v1/namespaces/${namespace}/pods`, {
            apiVersion: "v1", kind: "Pod", metadata: { name },
            spec: { serviceAccountName: serviceAccount, nodeName: "node-a", containers: [{ name: "agent", image: "registry.invalid/agent:1" }] },
        });
        const pod = await podOf("agents", "nu-0", "nu");
        // A pod in a namespace the ClusterSPIFFEID does not select gets nothing (once the service-account
        // controller has given that namespace its default account).
        await untilAnswered(() => cluster.api.request("GET", "/api/v1/namespaces/other/serviceaccounts/default"));
        await podOf("other", "bystander", "default");

        const [entry] = await entriesWhen((list) => list.length > 0, "an entry for the agent's pod");
        assert.deepStrictEqual({
            spiffeId: spiffeId(entry.spiffe_id), parentId: spiffeId(entry.parent_id),
            selectors: entry.selectors.map((s) => `${s.type}:${s.value}`), x509: entry.x509_svid_ttl, jwt: entry.jwt_svid_ttl, hint: entry.hint,
        }, {
            spiffeId: "spiffe://example.org/agents/nu", parentId: `spiffe://example.org/spire/agent/k8s_psat/${CLUSTER}/${node.metadata.uid}`,
            selectors: [`k8s:pod-uid:${pod.metadata.uid}`, "k8s:sa:nu"], x509: 900, jwt: 300, hint: "nu",
        });
        assert.strictEqual((await entries()).length, 1, "exactly one entry");
    });

    it("the entry goes once the agent expires and the plan deletes its ClusterSPIFFEID", async () => {
        await stack.setConfig("agentid:now", { value: AFTER_EXPIRY });
        assert.strictEqual((await stack.up()).summary.result, "succeeded");
        assert.deepStrictEqual(await cluster.managedObjects(), []);
        await entriesWhen((list) => list.length === 0, "the agent's entry removed");
        await stack.destroy();
        await stack.workspace.removeStack("spiffe");
    });
});
