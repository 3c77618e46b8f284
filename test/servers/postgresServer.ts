import { ChildProcess, execFile, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { freePort } from "./ports";

/** A running throw-away PostgreSQL server: a fresh cluster in a temp folder, trust auth, loopback only. */
export interface PostgresServer {
    /** A backend URL for `pulumi login` / PULUMI_BACKEND_URL (Pulumi's PostgreSQL DIY backend). */
    url: string;
    /** `SHOW server_version` of the running server. */
    version: string;
    dir: string;
    /** Runs one SQL statement with psql and returns its unaligned output. */
    query(sql: string): Promise<string>;
    /** Stops the server and removes its folder. */
    dispose(): Promise<void>;
}

/**
 * Where the PostgreSQL server binaries are: AGENTID_PG_BIN, else `pg_config --bindir`, else the newest
 * /usr/lib/postgresql/<version>/bin (Debian's `postgresql` package); undefined when none has initdb.
 */
export function postgresBinDir(): string | undefined {
    const candidates = [process.env.AGENTID_PG_BIN];
    try {
        candidates.push(execFileSync("pg_config", ["--bindir"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
    } catch {
        // no pg_config on PATH
    }
    const debian = "/usr/lib/postgresql";
    if (fs.existsSync(debian)) {
        candidates.push(...fs.readdirSync(debian).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)).map((v) => path.join(debian, v, "bin")));
    }
    return candidates.find((dir): dir is string => dir !== undefined && fs.existsSync(path.join(dir, "initdb")) && fs.existsSync(path.join(dir, "postgres")));
}

/** What to run when PostgreSQL is missing. */
export const POSTGRES_HINT = "PostgreSQL is not installed here: install Debian's server package (apt-get install -y postgresql) or set AGENTID_PG_BIN to a folder holding initdb and postgres";

/**
 * Starts PostgreSQL in a fresh temp folder on a free loopback port. `initdb` refuses to run as root,
 * so as root the cluster is made and served by `nobody`; otherwise by the current user.
 */
export async function startPostgres(): Promise<PostgresServer> {
    const bin = postgresBinDir();
    if (!bin) throw new Error(POSTGRES_HINT);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "agentid-pg-"));
    const user = process.getuid?.() === 0 ? unprivileged() : {};
    if (user.uid !== undefined) fs.chownSync(dir, user.uid, user.gid!);
    const data = path.join(dir, "data");
    const as = { ...user, cwd: dir, env: { ...process.env, LC_ALL: "C" } };
    execFileSync(path.join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"], { ...as, stdio: "pipe" });
    const port = await freePort();
    const server: ChildProcess = spawn(path.join(bin, "postgres"), ["-D", data, "-c", "listen_addresses=127.0.0.1", "-p", String(port), "-k", dir], { ...as, stdio: ["ignore", "ignore", "pipe"] });
    let log = "";
    server.stderr?.on("data", (d) => { log += String(d); });

    const psql = (database: string, sql: string) => new Promise<string>((resolve, reject) => {
        execFile(path.join(bin, "psql"), ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", database, "-At", "-v", "ON_ERROR_STOP=1", "-c", sql], { timeout: 20_000 }, (error, stdout, stderr) => {
            if (error) reject(new Error(`psql failed: ${stderr.trim() || error.message}`));
            else resolve(stdout.trim());
        });
    });
    const deadline = Date.now() + 30_000;
    for (;;) {
        if (server.exitCode !== null) throw new Error(`postgres exited (${server.exitCode}): ${log.trim()}`);
        try {
            await psql("postgres", "SELECT 1");
            break;
        } catch (error) {
            if (Date.now() > deadline) throw new Error(`postgres did not accept connections within 30s: ${(error as Error).message}\n${log.trim()}`);
            await new Promise((r) => setTimeout(r, 200));
        }
    }
    await psql("postgres", "CREATE DATABASE pulumi");
    const version = await psql("postgres", "SHOW server_version");
    return {
        url: `postgres://postgres@127.0.0.1:${port}/pulumi?sslmode=disable`,
        version, dir,
        query: (sql) => psql("pulumi", sql),
        async dispose() {
            if (server.exitCode === null && server.signalCode === null) {
                // SIGINT: PostgreSQL's fast shutdown (clients disconnected, no waiting for them).
                await new Promise<void>((resolve) => { server.once("exit", () => resolve()); server.kill("SIGINT"); });
            }
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}

/** The `nobody` user and its group, for running PostgreSQL when we are root. */
function unprivileged(): { uid?: number; gid?: number } {
    const id = (flag: string) => Number(execFileSync("id", [flag, "nobody"], { encoding: "utf8" }).trim());
    return { uid: id("-u"), gid: id("-g") };
}
