import * as assert from "assert";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { KubernetesApi, readKubeconfig } from "../../../provider/platforms/kubernetes/apiClient";
import { writeFixtures } from "../../helpers/fixtures";

const b64 = (text: string) => Buffer.from(text).toString("base64");

const kubeconfig = (user: string, extra = "") => [
    "apiVersion: v1", "kind: Config", "current-context: dev",
    "clusters:",
    "- name: dev-cluster", "  cluster:", "    server: https://127.0.0.1:6443/", `    certificate-authority-data: ${b64("CA PEM")}`,
    "- name: files-cluster", "  cluster:", "    server: https://10.0.0.1", "    certificate-authority: pki/ca.crt", "    insecure-skip-tls-verify: true",
    "users:", "- name: dev-user", "  user:", ...user.split("\n").map((l) => `    ${l}`),
    "contexts:",
    "- name: dev", "  context: { cluster: dev-cluster, user: dev-user }",
    "- name: files", "  context: { cluster: files-cluster, user: dev-user }",
    extra, "",
].join("\n");

describe("kubeconfig reading", () => {
    it("reads server, CA and client certificate of the current context, inline", () => {
        const dir = writeFixtures({ config: kubeconfig(`client-certificate-data: ${b64("CERT")}\nclient-key-data: ${b64("KEY")}`) });
        const target = readKubeconfig(path.join(dir, "config"));
        assert.deepStrictEqual({ ...target, ca: target.ca?.toString(), cert: target.cert?.toString(), key: target.key?.toString() }, {
            kubeconfig: path.join(dir, "config"), context: "dev", server: "https://127.0.0.1:6443",
            ca: "CA PEM", cert: "CERT", key: "KEY", insecureSkipTlsVerify: false,
        });
    });

    it("reads files relative to the kubeconfig and a token file for a named context", () => {
        const dir = writeFixtures({ "kube/config": kubeconfig("tokenFile: token"), "kube/token": "s3cr3t\n", "kube/pki/ca.crt": "FILE CA" });
        const target = readKubeconfig(path.join(dir, "kube", "config"), "files");
        assert.deepStrictEqual([target.context, target.server, target.ca?.toString(), target.token, target.cert, target.insecureSkipTlsVerify],
            ["files", "https://10.0.0.1", "FILE CA", "s3cr3t", undefined, true]);
    });

    it("names the file and the missing context with the ones there are", () => {
        const dir = writeFixtures({ config: kubeconfig("token: abc") });
        assert.throws(() => readKubeconfig(path.join(dir, "config"), "prod"),
            { message: `kubeconfig ${path.join(dir, "config")}: context "prod" not found (contexts: dev, files)` });
    });

    it("refuses exec credential plugins with what to use instead", () => {
        const dir = writeFixtures({ config: kubeconfig("exec:\n  command: aws\n  apiVersion: client.authentication.k8s.io/v1beta1") });
        assert.throws(() => readKubeconfig(path.join(dir, "config")),
            { message: `kubeconfig ${path.join(dir, "config")}: user "dev-user" uses an exec plugin, which agentid does not run; use a kubeconfig with a client certificate or a token` });
    });

    it("says when the file cannot be read or a referenced file is missing", () => {
        assert.throws(() => readKubeconfig("/nonexistent/kubeconfig"),
            { message: "kubeconfig /nonexistent/kubeconfig cannot be read (ENOENT); pass the path of an existing kubeconfig file" });
        const dir = writeFixtures({ config: kubeconfig("token: abc") });
        assert.throws(() => readKubeconfig(path.join(dir, "config"), "files"),
            { message: `kubeconfig ${path.join(dir, "config")}: certificate-authority ${path.join(dir, "pki", "ca.crt")} cannot be read` });
        fs.writeFileSync(path.join(dir, "broken"), "clusters: [");
        assert.throws(() => readKubeconfig(path.join(dir, "broken")), /^Error: kubeconfig .*broken is not valid YAML: /);
    });
});

describe("Kubernetes API client", () => {
    it("fails with one line naming the server when nothing listens there", async () => {
        const port = await new Promise<number>((resolve) => {
            const probe = net.createServer().listen(0, "127.0.0.1", () => {
                const { port: p } = probe.address() as net.AddressInfo;
                probe.close(() => resolve(p));
            });
        });
        const api = new KubernetesApi({ kubeconfig: "k", context: "c", server: `https://127.0.0.1:${port}`, insecureSkipTlsVerify: false });
        await assert.rejects(api.version(), { message: `Kubernetes API server not reachable at https://127.0.0.1:${port} (ECONNREFUSED)` });
    });
});
