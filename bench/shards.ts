/**
 * `npm run bench -- --shards`: one fleet previewed on the real engine (Kubernetes rendered to files,
 * local file backend, no cloud) as one stack (`agentid plan --stack`) and as one stack per team
 * (`agentid plan --all --parallel p`): wall time, and the peak RSS of the largest process of each
 * preview (the Node.js program, the engine, the CLI), as ratios to the single stack.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { engineEnv, toolchainBin } from "../provider/engine/toolchain";
import { openFleetStack, PACKAGE_ROOT } from "../provider/engine/workspace";
import { BENCH_NOW, writeFleet } from "./generate";

const CLI = path.join(__dirname, "..", "provider", "cli", "main.js");

/**
 * One measured run: wall time; per process of its tree, the peak RSS (VmHWM) seen; the CPU time (user +
 * system) of every process of the tree, as last seen (a process living less than a sample is missed);
 * and the machine's 1-minute load average, sampled each second (the machine is shared).
 */
export interface TreeRun { ms: number; code: number | null; peakKb: number; peakBy: string; cpuMs: number; load: number; stdout: string; stderr: string }

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ: 100 on Linux). */
const USER_HZ = 100;

/** A fleet set up twice on the engine: unsharded in one project, sharded by team in another. */
export interface ShardBench { agents: number; teams: number; single: () => Promise<TreeRun>; sharded: (parallel: number) => Promise<TreeRun>; shards: number }

/**
 * Runs a command (Node.js with `args`, or `executable` with them) and samples /proc every 100 ms for the peak
 * RSS of every process below it.
 */
export function measureTree(args: string[], env: Record<string, string>, cwd: string, executable = process.execPath): Promise<TreeRun> {
    return new Promise((resolve, reject) => {
        const started = process.hrtime.bigint();
        const child = spawn(executable, args, { env: { ...process.env, ...env }, cwd, stdio: ["ignore", "pipe", "pipe"] });
        const peaks = new Map<number, { comm: string; kb: number }>();
        const cpu = new Map<number, number>();
        const loads: number[] = [];
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => { stdout += String(d); });
        child.stderr.on("data", (d) => { stderr += String(d); });
        const sample = () => {
            for (const pid of [child.pid!, ...descendants(child.pid!)]) {
                const status = readStatus(pid);
                if (!status) continue;
                const before = peaks.get(pid);
                if (!before || status.kb > before.kb) peaks.set(pid, status);
                const ms = cpuMsOf(pid);
                if (ms !== undefined) cpu.set(pid, ms);
            }
        };
        const timer = setInterval(sample, 100);
        const loadTimer = setInterval(() => loads.push(os.loadavg()[0]), 1000);
        child.on("error", reject);
        child.on("close", (code) => {
            clearInterval(timer);
            clearInterval(loadTimer);
            const ms = Number(process.hrtime.bigint() - started) / 1e6;
            const top = [...peaks.values()].sort((a, b) => b.kb - a.kb)[0] ?? { comm: "?", kb: 0 };
            const cpuMs = [...cpu.values()].reduce((sum, x) => sum + x, 0);
            const load = loads.length ? loads.reduce((sum, x) => sum + x, 0) / loads.length : os.loadavg()[0];
            resolve({ ms, code, peakKb: top.kb, peakBy: top.comm, cpuMs, load, stdout, stderr });
        });
    });
}

function readStatus(pid: number): { comm: string; kb: number } | undefined {
    try {
        const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
        const kb = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
        const comm = /^Name:\s+(.*)$/m.exec(status)?.[1] ?? "?";
        const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
        // Node processes are told apart by what they run: the CLI or the Pulumi program.
        const what = comm === "node" ? (cmdline.includes("cmd/run") ? "node (program)" : "node (agentid CLI)") : comm;
        return { comm: what, kb };
    } catch {
        return undefined;
    }
}

/** User + system CPU time of a process so far (ms), or undefined once it is gone. */
function cpuMsOf(pid: number): number | undefined {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        // Fields 14 and 15 of stat (utime, stime), counted from the state field, the third.
        return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
    } catch {
        return undefined;
    }
}

function descendants(pid: number): number[] {
    const parents = new Map<number, number[]>();
    for (const entry of fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
        try {
            const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
            const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
            parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
        } catch {
            // gone
        }
    }
    const out: number[] = [];
    const visit = (p: number) => { for (const c of parents.get(p) ?? []) { out.push(c); visit(c); } };
    visit(pid);
    return out;
}

/**
 * Writes `agents` generated agents over `teams` teams twice (without and with `spec.stacks: { by: team }`)
 * and prepares a project for each on a local file backend; the single stack exists, the shards are
 * created by the first `plan --all`.
 */
export async function prepareShardBench(agents: number, teams: number): Promise<ShardBench> {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), `agentid-bench-shards-${agents}-`));
    const single = writeFleet(agents, 10, fs.mkdtempSync(path.join(work, "single-")), teams);
    const sharded = writeFleet(agents, 10, fs.mkdtempSync(path.join(work, "sharded-")), teams);
    const fleet = path.join(sharded, "fleet.yaml");
    fs.writeFileSync(fleet, `${fs.readFileSync(fleet, "utf8").trimEnd()}\n  stacks:\n    by: team\n    prefix: bench\n`);

    const project = async (name: string, fleetDir: string, stackName: string) => {
        const dir = path.join(work, name);
        await openFleetStack({ workDir: dir, stackName, agentPaths: [fleetDir], renderYamlTo: path.join(dir, "manifests"), now: BENCH_NOW });
        // Project-wide settings, so that stacks `plan --all` creates have them too.
        fs.appendFileSync(path.join(dir, "project", "Pulumi.yaml"), [
            "config:",
            `  agentid:paths: { value: ${JSON.stringify(fleetDir)} }`,
            `  agentid:renderYamlTo: { value: ${JSON.stringify(path.join(dir, "manifests"))} }`,
            `  agentid:now: { value: "${BENCH_NOW}" }`,
            "",
        ].join("\n"));
        return { project: path.join(dir, "project"), env: { ...engineEnv(path.join(dir, "state")), AGENTID_NOW: BENCH_NOW } };
    };
    const one = await project("single", single, "bench-all");
    // Making the project creates one (empty) stack: that of the first team's shard; `plan --all` creates the others.
    const many = await project("sharded", sharded, "bench-support");
    const shardCount = JSON.parse((await measureTree([CLI, "stacks", sharded, "--json"], many.env, many.project)).stdout).stacks.length as number;

    const check = (run: TreeRun, what: string) => {
        if (run.code !== 0) throw new Error(`${what} failed (exit ${run.code}): ${run.stderr.split("\n").filter((l) => /error/.test(l)).slice(-3).join(" | ")}`);
        return run;
    };
    return {
        agents, teams, shards: shardCount,
        single: async () => check(await measureTree([CLI, "plan", "--stack", "bench-all", "--json"], one.env, one.project), "plan --stack bench-all"),
        sharded: async (parallel) => check(await measureTree([CLI, "plan", "--all", sharded, "--parallel", String(parallel), "--json"], many.env, many.project), `plan --all --parallel ${parallel}`),
    };
}

/**
 * What the engine costs a stack before any agent: `pulumi preview` (same toolchain, local file backend) of a
 * Node.js program that loads `@pulumi/pulumi` and registers one component — no agentid, no CLI. Every shard of
 * a sharded run pays at least this once, so it bounds the best ratio sharding can reach on this machine.
 */
export async function prepareEngineFloor(): Promise<() => Promise<TreeRun>> {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "agentid-bench-floor-"));
    const project = path.join(work, "project");
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: engine-floor\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n");
    fs.writeFileSync(path.join(project, "index.js"), 'const pulumi = require("@pulumi/pulumi");\nnew pulumi.ComponentResource("floor:index:Empty", "one", {}, {});\n');
    fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "engine-floor", private: true }));
    fs.symlinkSync(path.join(PACKAGE_ROOT, "node_modules"), path.join(project, "node_modules"), "dir");
    const env = engineEnv(path.join(work, "state"));
    const pulumi = path.join(toolchainBin(), "pulumi");
    const run = async (args: string[]) => {
        const result = await measureTree(args, env, project, pulumi);
        if (result.code !== 0) throw new Error(`pulumi ${args[0]} of the engine-floor project failed (exit ${result.code}): ${result.stderr.trim().split("\n").slice(-3).join(" | ")}`);
        return result;
    };
    await run(["stack", "init", "floor", "--non-interactive"]);
    return () => run(["preview", "--non-interactive"]);
}
