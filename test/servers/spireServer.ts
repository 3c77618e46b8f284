import { ChildProcess, execFile, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { toolchainBin } from "../../provider/engine/toolchain";
import { freePort } from "./ports";

/** A running throw-away SPIRE server: sqlite datastore, memory key manager, join-token attestor. */
export interface SpireServer {
    socketPath: string;
    /** The loopback port node agents dial. */
    port: number;
    trustDomain: string;
    dir: string;
    /** Runs `spire-server <args> -socketPath <socket>` and returns stdout. */
    cli(...args: string[]): Promise<string>;
    /** Stops the server (SIGTERM), keeping its data so it can be started again. */
    stop(signal?: NodeJS.Signals): Promise<void>;
    /** Starts it again on the same data and socket. */
    start(): Promise<void>;
    /** Stops it and removes its folder. */
    dispose(): Promise<void>;
    /** Freezes the server (SIGSTOP): every call hangs until it is killed. */
    freeze(): void;
    /** Kills it at once (SIGKILL, as a crash would): requests it has not answered are never carried out. */
    kill(): Promise<void>;
}

/** Starts a SPIRE server in a fresh temp folder with a short socket path, on a free loopback port. */
export async function startSpireServer(trustDomain = "example.org"): Promise<SpireServer> {
    const binary = path.join(toolchainBin(), "spire-server");
    if (!fs.existsSync(binary)) throw new Error(`spire-server is not built: run npm run toolchain (expected ${binary})`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spire-"));
    const socketPath = path.join(dir, "api.sock");
    const port = await freePort();
    const config = path.join(dir, "server.conf");
    fs.mkdirSync(path.join(dir, "data"));
    fs.writeFileSync(config, [
        "server {",
        `  bind_address = "127.0.0.1"`,
        `  bind_port = "${port}"`,
        `  socket_path = "${socketPath}"`,
        `  trust_domain = "${trustDomain}"`,
        `  data_dir = "${path.join(dir, "data")}"`,
        `  log_level = "WARN"`,
        "}",
        "plugins {",
        `  DataStore "sql" { plugin_data { database_type = "sqlite3" connection_string = "${path.join(dir, "data", "datastore.sqlite3")}" } }`,
        `  KeyManager "memory" { plugin_data {} }`,
        `  NodeAttestor "join_token" { plugin_data {} }`,
        "}",
        "",
    ].join("\n"));

    let child: ChildProcess | undefined;
    const run = (...args: string[]) => new Promise<string>((resolve, reject) => {
        execFile(binary, [...args, "-socketPath", socketPath], { encoding: "utf8", timeout: 20_000 }, (error, stdout, stderr) => {
            if (error) reject(new Error(`spire-server ${args.join(" ")} failed: ${stderr.trim() || error.message}`));
            else resolve(stdout);
        });
    });
    const server: SpireServer = {
        socketPath, port, trustDomain, dir,
        cli: run,
        async start() {
            child = spawn(binary, ["run", "-config", config], { stdio: ["ignore", "ignore", "pipe"] });
            let stderr = "";
            child.stderr?.on("data", (d) => { stderr += String(d); });
            const deadline = Date.now() + 30_000;
            while (Date.now() < deadline) {
                if (child.exitCode !== null) throw new Error(`spire-server exited (${child.exitCode}): ${stderr.trim()}`);
                try {
                    await run("healthcheck");
                    return;
                } catch {
                    await new Promise((r) => setTimeout(r, 200));
                }
            }
            throw new Error(`spire-server did not become healthy within 30s: ${stderr.trim()}`);
        },
        async stop(signal: NodeJS.Signals = "SIGTERM") {
            const running = child;
            if (!running || running.exitCode !== null || running.signalCode !== null) return;
            await new Promise<void>((resolve) => {
                running.once("exit", () => resolve());
                running.kill(signal);
                running.kill("SIGCONT"); // a frozen server acts on the signal only once it runs again
            });
        },
        freeze() {
            child?.kill("SIGSTOP");
        },
        async kill() {
            await server.stop("SIGKILL");
        },
        async dispose() {
            await server.stop();
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
    await server.start();
    return server;
}
