import * as assert from "assert";
import * as path from "path";
import { cli, NOW, writeFixtures } from "../helpers/fixtures";

const AGENTS = path.join(__dirname, "../../../agents");

/** A kubeconfig whose server is a closed loopback port (port 1 needs root to listen on). */
const UNREACHABLE = [
    "apiVersion: v1", "kind: Config", "current-context: c",
    "clusters: [{ name: k, cluster: { server: \"https://127.0.0.1:1\" } }]",
    "users: [{ name: u, user: { token: abc } }]",
    "contexts: [{ name: c, context: { cluster: k, user: u } }]", "",
].join("\n");

describe("agentid show --kubeconfig (errors; the API server's answers are in test/e2e/kubernetes.e2e.test.ts)", () => {
    it("exits 2 with one line naming the server when the API server cannot be reached", async () => {
        const dir = writeFixtures({ kubeconfig: UNREACHABLE });
        const result = await cli("show", AGENTS, "--agent", "support-triage", "--now", NOW, "--kubeconfig", path.join(dir, "kubeconfig"), "--json");
        assert.strictEqual(result.code, 2);
        assert.deepStrictEqual(JSON.parse(result.stdout), { error: { code: "environment", message: "Kubernetes API server not reachable at https://127.0.0.1:1 (ECONNREFUSED)" } });
        assert.strictEqual(result.stderr, "agentid show: error: Kubernetes API server not reachable at https://127.0.0.1:1 (ECONNREFUSED)\n");
    });

    it("exits 2 naming the kubeconfig when it cannot be read", async () => {
        const result = await cli("show", AGENTS, "--agent", "support-triage", "--now", NOW, "--kubeconfig", "/nonexistent/kubeconfig");
        assert.strictEqual(result.code, 2);
        assert.strictEqual(result.stderr, "agentid show: error: kubeconfig /nonexistent/kubeconfig cannot be read (ENOENT); pass the path of an existing kubeconfig file\n");
    });

    it("asks nothing for an agent without a Kubernetes identity and says so", async () => {
        const dir = writeFixtures({ kubeconfig: UNREACHABLE });
        const result = await cli("show", AGENTS, "--agent", "research-assistant", "--now", NOW, "--kubeconfig", path.join(dir, "kubeconfig"), "--json");
        assert.strictEqual(result.code, 0);
        assert.strictEqual(JSON.parse(result.stdout).apiServer, undefined);
        assert.strictEqual(result.stderr, `agentid show: agent "research-assistant" has no Kubernetes identity: nothing to ask the API server\n`);
    });

    it("refuses --context without --kubeconfig as a usage error", async () => {
        const result = await cli("show", AGENTS, "--agent", "support-triage", "--context", "prod");
        assert.strictEqual(result.code, 2);
        assert.match(result.stderr, /^agentid show: --context needs --kubeconfig FILE\n/);
    });
});
