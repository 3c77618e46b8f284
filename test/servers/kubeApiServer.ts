import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { readKubeconfig, KubernetesApi, KubernetesApiError } from "../../provider/platforms/kubernetes/apiClient";
import { toolchainBin, toolchainRoot } from "../../provider/engine/toolchain";
import { freePort } from "./ports";

/**
 * A throw-away Kubernetes API server: etcd and kube-apiserver from the toolchain on free loopback
 * ports, certificates made with openssl, the RBAC authorizer on, a service-account token issuer, and
 * an admin kubeconfig (client certificate in system:masters) in its temp folder. A controller
 * manager runs the garbage collector (the Kubernetes provider deletes in the foreground, which only
 * the collector completes), the namespace and the service-account controllers. No nodes, no pods run.
 */
export interface KubeApiServer {
    /** https://127.0.0.1:<port> */
    server: string;
    /** The admin kubeconfig (certificates inline). */
    kubeconfig: string;
    dir: string;
    /** A client with the admin's credentials. */
    api: KubernetesApi;
    /** `GET /version`'s gitVersion. */
    version(): Promise<string>;
    /** Every object labelled `app.kubernetes.io/managed-by=agentid`, as `Kind namespace/name`, sorted. */
    managedObjects(): Promise<string[]>;
    /** Creates namespaces that do not exist yet. */
    ensureNamespaces(names: Iterable<string>): Promise<void>;
    /** Creates the CustomResourceDefinitions in a YAML file and waits until they are established. */
    installCrds(file: string): Promise<void>;
    /** Stops the API server and etcd (SIGTERM; `kill`: the API server dies at once, SIGKILL), keeping data, certificates and ports. */
    stop(options?: { kill?: boolean }): Promise<void>;
    /** Starts them again on the same data and ports (nothing when running). */
    start(): Promise<void>;
    /** Stops both and removes the folder. */
    dispose(): Promise<void>;
}

/** The binaries the harness needs from the toolchain. */
export const KUBE_CLUSTER_TOOLS = ["kube-apiserver", "kube-controller-manager", "etcd"];

/** The ClusterSPIFFEID CRD, copied from spire-controller-manager's module by scripts/toolchain. */
export function clusterSpiffeIdCrd(): string {
    return path.join(toolchainRoot(), "crds", "spire.spiffe.io_clusterspiffeids.yaml");
}

/** The kinds agentid creates, and where to list them (ClusterSPIFFEID only once its CRD is installed). */
const MANAGED_KINDS: [string, string][] = [
    ["ServiceAccount", "/api/v1/serviceaccounts"],
    ["Role", "/apis/rbac.authorization.k8s.io/v1/roles"],
    ["RoleBinding", "/apis/rbac.authorization.k8s.io/v1/rolebindings"],
    ["ClusterSPIFFEID", "/apis/spire.spiffe.io/v1alpha1/clusterspiffeids"],
];

const running = new Set<ChildProcess>();
// A run that crashes or is interrupted must not leave servers behind.
const killAll = () => { for (const child of running) child.kill("SIGKILL"); };
process.once("exit", killAll);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
        killAll();
        process.kill(process.pid, signal);
    });
}

/** Starts etcd and kube-apiserver in a fresh temp folder; resolves once `/readyz` answers 200. */
export async function startKubeApiServer(): Promise<KubeApiServer> {
    const bin = toolchainBin();
    for (const tool of KUBE_CLUSTER_TOOLS) {
        if (!fs.existsSync(path.join(bin, tool))) throw new Error(`${tool} is not built: run npm run toolchain (expected ${path.join(bin, tool)})`);
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kube-apiserver-"));
    const [etcdClient, etcdPeer, securePort] = [await freePort(), await freePort(), await freePort()];
    const server = `https://127.0.0.1:${securePort}`;
    const pki = makeCertificates(path.join(dir, "pki"));
    const kubeconfig = path.join(dir, "kubeconfig");
    fs.writeFileSync(kubeconfig, adminKubeconfig(server, pki), { mode: 0o600 });
    const api = new KubernetesApi(readKubeconfig(kubeconfig));

    const etcdArgs = [
        "--name", "agentid", "--data-dir", path.join(dir, "etcd"), "--log-level", "error",
        "--listen-client-urls", `http://127.0.0.1:${etcdClient}`, "--advertise-client-urls", `http://127.0.0.1:${etcdClient}`,
        "--listen-peer-urls", `http://127.0.0.1:${etcdPeer}`, "--initial-advertise-peer-urls", `http://127.0.0.1:${etcdPeer}`,
        "--initial-cluster", `agentid=http://127.0.0.1:${etcdPeer}`,
    ];
    const apiServerArgs = [
        `--etcd-servers=http://127.0.0.1:${etcdClient}`,
        "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", `--secure-port=${securePort}`,
        // Without it the server reconciles its loopback endpoint forever and logs errors.
        "--endpoint-reconciler-type=none",
        "--authorization-mode=RBAC",
        "--service-account-issuer=https://kubernetes.default.svc",
        `--service-account-key-file=${pki.serviceAccountPublicKey}`, `--service-account-signing-key-file=${pki.serviceAccountKey}`,
        `--client-ca-file=${pki.ca}`, `--tls-cert-file=${pki.serverCert}`, `--tls-private-key-file=${pki.serverKey}`,
        "--service-cluster-ip-range=10.0.0.0/24", "--profiling=false",
    ];

    const controllerManagerArgs = [
        `--kubeconfig=${kubeconfig}`, "--leader-elect=false", "--secure-port=0",
        "--controllers=garbage-collector-controller,namespace-controller,serviceaccount-controller",
    ];

    let etcd: ChildProcess | undefined;
    let apiServer: ChildProcess | undefined;
    let controllerManager: ChildProcess | undefined;
    const launch = (tool: string, args: string[]) => {
        const log = fs.openSync(path.join(dir, `${tool}.log`), "a");
        const child = spawn(path.join(bin, tool), args, { stdio: ["ignore", log, log] });
        fs.closeSync(log);
        running.add(child);
        child.once("exit", () => running.delete(child));
        return child;
    };
    const logTail = (tool: string) => fs.readFileSync(path.join(dir, `${tool}.log`), "utf8").trim().split("\n").slice(-5).join("\n");
    const waitFor = async (what: string, child: ChildProcess, probe: () => Promise<boolean>) => {
        const deadline = Date.now() + 60_000;
        while (Date.now() < deadline) {
            if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode}): ${logTail(what)}`);
            if (await probe().catch(() => false)) return;
            await new Promise((r) => setTimeout(r, 200));
        }
        throw new Error(`${what} did not become ready within 60s: ${logTail(what)}`);
    };
    const stopChild = async (child: ChildProcess | undefined, signal: NodeJS.Signals = "SIGTERM") => {
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        await new Promise<void>((resolve) => {
            child.once("exit", () => resolve());
            child.kill(signal);
        });
    };

    const harness: KubeApiServer = {
        server, kubeconfig, dir, api,
        version: () => api.version(),
        async managedObjects() {
            const objects: string[] = [];
            for (const [kind, url] of MANAGED_KINDS) {
                const listed = await api.request<{ items: { metadata: { name: string; namespace?: string } }[] }>("GET", `${url}?labelSelector=${encodeURIComponent("app.kubernetes.io/managed-by=agentid")}`)
                    .catch((error: KubernetesApiError) => { if (error.status === 404) return { items: [] }; throw error; });
                objects.push(...listed.items.map((i) => `${kind} ${i.metadata.namespace ? `${i.metadata.namespace}/` : ""}${i.metadata.name}`));
            }
            return objects.sort();
        },
        async ensureNamespaces(names) {
            for (const name of new Set(names)) {
                await api.request("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } })
                    .catch((error: KubernetesApiError) => { if (error.status !== 409) throw error; });
            }
        },
        async installCrds(file) {
            type Crd = { metadata: { name: string }; spec: { group: string; names: { plural: string }; versions: { name: string; served: boolean }[] } };
            const crds = parseAllDocuments(fs.readFileSync(file, "utf8")).map((d) => d.toJS() as Crd).filter(Boolean);
            for (const crd of crds) {
                await api.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)
                    .catch((error: KubernetesApiError) => { if (error.status !== 409) throw error; });
                const established = async () => {
                    const live = await api.request<{ status?: { conditions?: { type: string; status: string }[] } }>("GET", `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`);
                    return (live.status?.conditions ?? []).some((c) => c.type === "Established" && c.status === "True");
                };
                await waitFor("kube-apiserver", apiServer!, established);
                // Established comes before the storage for its objects is ready (429 until then).
                const version = crd.spec.versions.find((v) => v.served)!.name;
                await waitFor("kube-apiserver", apiServer!, () => api.request("GET", `/apis/${crd.spec.group}/${version}/${crd.spec.names.plural}`).then(() => true));
            }
        },
        async start() {
            if (apiServer && apiServer.exitCode === null && apiServer.signalCode === null) return;
            etcd = launch("etcd", etcdArgs);
            await waitFor("etcd", etcd, () => httpOk(`http://127.0.0.1:${etcdClient}/health`));
            apiServer = launch("kube-apiserver", apiServerArgs);
            await waitFor("kube-apiserver", apiServer, () => api.request("GET", "/readyz").then(() => true));
            controllerManager = launch("kube-controller-manager", controllerManagerArgs);
            // Its service-account controller gives every namespace a `default` account once it runs.
            await waitFor("kube-controller-manager", controllerManager, () => api.request("GET", "/api/v1/namespaces/kube-system/serviceaccounts/default").then(() => true));
        },
        async stop(options) {
            await stopChild(controllerManager);
            await stopChild(apiServer, options?.kill ? "SIGKILL" : "SIGTERM");
            await stopChild(etcd);
        },
        async dispose() {
            await harness.stop();
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
    try {
        await harness.start();
    } catch (error) {
        await harness.stop();
        throw error;
    }
    return harness;
}

interface Pki { ca: string; caKey: string; serverCert: string; serverKey: string; adminCert: string; adminKey: string; serviceAccountKey: string; serviceAccountPublicKey: string }

/** A CA, the serving certificate, an admin client certificate (system:masters) and the service-account key pair. */
function makeCertificates(dir: string): Pki {
    fs.mkdirSync(dir, { recursive: true });
    const file = (name: string) => path.join(dir, name);
    const openssl = (...args: string[]) => {
        try {
            execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new Error("openssl is not installed: the API server's certificates are made with it (apt-get install openssl)");
            throw error;
        }
    };
    const pki: Pki = {
        ca: file("ca.crt"), caKey: file("ca.key"), serverCert: file("server.crt"), serverKey: file("server.key"),
        adminCert: file("admin.crt"), adminKey: file("admin.key"), serviceAccountKey: file("sa.key"), serviceAccountPublicKey: file("sa.pub"),
    };
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", pki.caKey, "-out", pki.ca, "-days", "2", "-subj", "/CN=agentid-test-ca");
    const sign = (key: string, cert: string, subject: string, extensions: string) => {
        const csr = `${cert}.csr`;
        const ext = `${cert}.ext`;
        fs.writeFileSync(ext, extensions);
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", subject);
        openssl("x509", "-req", "-in", csr, "-CA", pki.ca, "-CAkey", pki.caKey, "-CAcreateserial", "-out", cert, "-days", "2", "-extfile", ext);
    };
    sign(pki.serverKey, pki.serverCert, "/CN=kube-apiserver", [
        "keyUsage=critical,digitalSignature,keyEncipherment", "extendedKeyUsage=serverAuth",
        "subjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc", "",
    ].join("\n"));
    sign(pki.adminKey, pki.adminCert, "/O=system:masters/CN=agentid-admin", ["keyUsage=critical,digitalSignature,keyEncipherment", "extendedKeyUsage=clientAuth", ""].join("\n"));
    openssl("genrsa", "-out", pki.serviceAccountKey, "2048");
    openssl("rsa", "-in", pki.serviceAccountKey, "-pubout", "-out", pki.serviceAccountPublicKey);
    return pki;
}

function adminKubeconfig(server: string, pki: Pki): string {
    const b64 = (file: string) => fs.readFileSync(file).toString("base64");
    return [
        "apiVersion: v1", "kind: Config", "current-context: agentid-test",
        "clusters:", "- name: agentid-test", "  cluster:", `    server: ${server}`, `    certificate-authority-data: ${b64(pki.ca)}`,
        "users:", "- name: agentid-admin", "  user:", `    client-certificate-data: ${b64(pki.adminCert)}`, `    client-key-data: ${b64(pki.adminKey)}`,
        "contexts:", "- name: agentid-test", "  context:", "    cluster: agentid-test", "    user: agentid-admin", "",
    ].join("\n");
}

function httpOk(url: string): Promise<boolean> {
    return new Promise((resolve) => {
        http.get(url, (res) => { res.resume(); resolve(res.statusCode === 200); }).on("error", () => resolve(false));
    });
}
