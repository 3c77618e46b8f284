import * as fs from "fs";
import * as https from "https";
import * as path from "path";
import { parse } from "yaml";

/** Where and as whom to reach a Kubernetes API server, read from a kubeconfig file. */
export interface ClusterTarget {
    /** The kubeconfig file it was read from. */
    kubeconfig: string;
    context: string;
    server: string;
    ca?: Buffer;
    cert?: Buffer;
    key?: Buffer;
    token?: string;
    insecureSkipTlsVerify: boolean;
}

/** A kubeconfig that cannot be used: names the file and the field, and what to do. */
export class KubeconfigError extends Error {}

interface NamedEntry<T> { name?: string; [key: string]: unknown; cluster?: T; user?: T; context?: T }
interface ClusterEntry { server?: string; "certificate-authority"?: string; "certificate-authority-data"?: string; "insecure-skip-tls-verify"?: boolean }
interface UserEntry { "client-certificate"?: string; "client-certificate-data"?: string; "client-key"?: string; "client-key-data"?: string; token?: string; tokenFile?: string; exec?: unknown; "auth-provider"?: unknown }
interface ContextEntry { cluster?: string; user?: string }

/**
 * Reads the cluster, credentials and CA of one context (default: `current-context`). Client
 * certificates and bearer tokens are supported, inline or as files relative to the kubeconfig;
 * exec and auth-provider plugins are not (agentid runs no external credential programs).
 */
export function readKubeconfig(file: string, context?: string): ClusterTarget {
    const kubeconfig = path.resolve(file);
    let text: string;
    try {
        text = fs.readFileSync(kubeconfig, "utf8");
    } catch (error) {
        throw new KubeconfigError(`kubeconfig ${kubeconfig} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); pass the path of an existing kubeconfig file`);
    }
    let doc: { "current-context"?: string; contexts?: NamedEntry<ContextEntry>[]; clusters?: NamedEntry<ClusterEntry>[]; users?: NamedEntry<UserEntry>[] };
    try {
        doc = parse(text) ?? {};
    } catch (error) {
        throw new KubeconfigError(`kubeconfig ${kubeconfig} is not valid YAML: ${(error as Error).message.split("\n")[0]}`);
    }
    const where = (field: string) => `kubeconfig ${kubeconfig}: ${field}`;
    const contextName = context ?? doc["current-context"];
    if (!contextName) throw new KubeconfigError(where("current-context is not set; set it or pass a context name"));
    const found = (doc.contexts ?? []).find((c) => c.name === contextName)?.context;
    if (!found) throw new KubeconfigError(where(`context "${contextName}" not found (contexts: ${(doc.contexts ?? []).map((c) => c.name).join(", ") || "none"})`));
    const cluster = (doc.clusters ?? []).find((c) => c.name === found.cluster)?.cluster;
    if (!cluster?.server) throw new KubeconfigError(where(`cluster "${found.cluster ?? ""}" of context "${contextName}" has no server`));
    const user: UserEntry = (doc.users ?? []).find((u) => u.name === found.user)?.user ?? {};
    if (user.exec !== undefined || user["auth-provider"] !== undefined) {
        throw new KubeconfigError(where(`user "${found.user}" uses an ${user.exec !== undefined ? "exec" : "auth-provider"} plugin, which agentid does not run; use a kubeconfig with a client certificate or a token`));
    }
    const dir = path.dirname(kubeconfig);
    const material = (inline: string | undefined, file: string | undefined, field: string): Buffer | undefined => {
        if (inline !== undefined) return Buffer.from(inline, "base64");
        if (file === undefined) return undefined;
        try {
            return fs.readFileSync(path.resolve(dir, file));
        } catch {
            throw new KubeconfigError(where(`${field} ${path.resolve(dir, file)} cannot be read`));
        }
    };
    const token = user.token ?? material(undefined, user.tokenFile, "tokenFile")?.toString("utf8").trim();
    return {
        kubeconfig, context: contextName, server: cluster.server.replace(/\/+$/, ""),
        ...optional("ca", material(cluster["certificate-authority-data"], cluster["certificate-authority"], "certificate-authority")),
        ...optional("cert", material(user["client-certificate-data"], user["client-certificate"], "client-certificate")),
        ...optional("key", material(user["client-key-data"], user["client-key"], "client-key")),
        ...optional("token", token),
        insecureSkipTlsVerify: cluster["insecure-skip-tls-verify"] === true,
    };
}

/** The API server cannot be reached or answered with an error status. */
export class KubernetesApiError extends Error {
    constructor(message: string, readonly status?: number) {
        super(message);
    }
}

/** A minimal Kubernetes API client over HTTPS: JSON in, JSON out. */
export class KubernetesApi {
    private readonly agent: https.Agent;

    constructor(readonly target: ClusterTarget) {
        this.agent = new https.Agent({
            keepAlive: false,
            ...(target.ca ? { ca: target.ca } : {}),
            ...(target.cert ? { cert: target.cert } : {}),
            ...(target.key ? { key: target.key } : {}),
            rejectUnauthorized: !target.insecureSkipTlsVerify,
        });
    }

    /** `GET /version`'s gitVersion, e.g. v1.34.4. */
    async version(): Promise<string> {
        return (await this.request<{ gitVersion: string }>("GET", "/version")).gitVersion;
    }

    /** Sends one request; resolves with the parsed body of a 2xx answer (the text, when it is not JSON). */
    request<T>(method: string, apiPath: string, body?: unknown, contentType = "application/json"): Promise<T> {
        const url = new URL(this.target.server + apiPath);
        const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
        return new Promise<T>((resolve, reject) => {
            const req = https.request(url, {
                method, agent: this.agent, timeout: 15_000,
                headers: {
                    Accept: "application/json",
                    ...(payload !== undefined ? { "Content-Type": contentType, "Content-Length": Buffer.byteLength(payload) } : {}),
                    ...(this.target.token ? { Authorization: `Bearer ${this.target.token}` } : {}),
                },
            }, (res) => {
                let text = "";
                res.setEncoding("utf8");
                res.on("data", (chunk) => { text += chunk; });
                res.on("end", () => {
                    const status = res.statusCode ?? 0;
                    if (status >= 200 && status < 300) {
                        // Health endpoints (/readyz, /livez) answer in plain text.
                        if (!/json/.test(String(res.headers["content-type"]))) return resolve(text as T);
                        try {
                            resolve((text ? JSON.parse(text) : {}) as T);
                        } catch {
                            reject(new KubernetesApiError(`${method} ${apiPath} on ${this.target.server}: the answer is not valid JSON`, status));
                        }
                        return;
                    }
                    let message = text.trim();
                    try { message = (JSON.parse(text) as { message?: string }).message ?? message; } catch { /* not a Status object */ }
                    reject(new KubernetesApiError(`${method} ${apiPath} on ${this.target.server}: ${status} ${message}`, status));
                });
            });
            req.on("timeout", () => req.destroy(new Error("no answer within 15s")));
            req.on("error", (error: NodeJS.ErrnoException) => reject(new KubernetesApiError(
                `Kubernetes API server not reachable at ${this.target.server} (${error.code ?? error.message})`)));
            if (payload !== undefined) req.write(payload);
            req.end();
        });
    }
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
    return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
