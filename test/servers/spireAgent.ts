import { ChildProcess, execFile, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { toolchainBin } from "../../provider/engine/toolchain";
import type { SpireServer } from "./spireServer";

/** A running throw-away SPIRE agent: join-token node attestation, the unix workload attestor with paths. */
export interface SpireAgent {
    /** The Workload API socket. */
    socketPath: string;
    /** The `spire-agent` binary: a process running it is attested with `unix:path:<binary>`. */
    binary: string;
    /** The SPIFFE IDs of every X.509-SVID the Workload API gives the calling process (`spire-agent api fetch x509`). */
    fetchX509Ids(): Promise<string[]>;
    /** Stops the agent and removes its folder. */
    dispose(): Promise<void>;
}

/**
 * Starts a SPIRE agent against `server`, attested with a join token whose node alias is `nodeId`: entries
 * parented to `nodeId` are this agent's workloads' entries. Its unix workload attestor reports uid, gid,
 * user, group and (discover_workload_path) the binary's path and digest.
 */
export async function startSpireAgent(server: SpireServer, nodeId: string): Promise<SpireAgent> {
    const binary = path.join(toolchainBin(), "spire-agent");
    if (!fs.existsSync(binary)) throw new Error(`spire-agent is not built: run npm run toolchain (expected ${binary})`);
    const token = /Token: (\S+)/.exec(await server.cli("token", "generate", "-spiffeID", nodeId, "-ttl", "600"))?.[1];
    if (!token) throw new Error("spire-server token generate printed no token");
    const dir = path.join(server.dir, "agent");
    fs.mkdirSync(path.join(dir, "data"), { recursive: true });
    const socketPath = path.join(dir, "api.sock");
    const config = path.join(dir, "agent.conf");
    fs.writeFileSync(config, [
        "agent {",
        `  data_dir = "${path.join(dir, "data")}"`,
        `  log_level = "WARN"`,
        `  server_address = "127.0.0.1"`,
        `  server_port = "${server.port}"`,
        `  socket_path = "${socketPath}"`,
        `  trust_domain = "${server.trustDomain}"`,
        "  insecure_bootstrap = true",
        "}",
        "plugins {",
        `  NodeAttestor "join_token" { plugin_data {} }`,
        `  KeyManager "memory" { plugin_data {} }`,
        `  WorkloadAttestor "unix" { plugin_data { discover_workload_path = true } }`,
        "}",
        "",
    ].join("\n"));
    const child: ChildProcess = spawn(binary, ["run", "-config", config, "-joinToken", token], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (d) => { stderr += String(d); });
    const run = (...args: string[]) => new Promise<string>((resolve, reject) => {
        execFile(binary, [...args, "-socketPath", socketPath], { encoding: "utf8", timeout: 20_000 }, (error, stdout, err) => {
            if (error) reject(new Error(`spire-agent ${args.join(" ")} failed: ${err.trim() || error.message}`));
            else resolve(stdout);
        });
    });
    const agent: SpireAgent = {
        socketPath, binary,
        async fetchX509Ids() {
            const fetched = JSON.parse(await run("api", "fetch", "x509", "-output", "json")) as { svids?: { spiffe_id: string }[] };
            return (fetched.svids ?? []).map((s) => s.spiffe_id).sort();
        },
        async dispose() {
            if (child.exitCode === null && child.signalCode === null) {
                await new Promise<void>((resolve) => { child.once("exit", () => resolve()); child.kill("SIGTERM"); });
            }
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`spire-agent exited (${child.exitCode}): ${stderr.trim()}`);
        try {
            await run("healthcheck");
            return agent;
        } catch {
            await new Promise((r) => setTimeout(r, 200));
        }
    }
    await agent.dispose();
    throw new Error(`spire-agent did not become healthy within 30s: ${stderr.trim()}`);
}
