/**
 * `npm run bench`: every benchmark, each as a ratio against a baseline measured in the same run
 * (median of ≥5 runs after a warm-up, ours and baseline alternating in order). `-- --json` prints only
 * {"benchmarks":[{name,n,baseline,ours,ratio,unit}]}. `-- --scale` adds the growth runs. `-- --shards` runs
 * only the sharded-fleet benchmarks on the real engine (with `--scale`, also at twice the fleet size).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import Ajv2020 from "ajv/dist/2020";
import { parseAllDocuments } from "yaml";
import { runCli } from "../provider/cli/main";
import { collectFiles } from "../provider/declarations/files";
import { BENCH_NOW, writeFleet } from "./generate";
import { prepareEngineFloor, prepareShardBench, TreeRun } from "./shards";
import agentSchema = require("../schema/agent.schema.json");

interface Result {
    name: string; n: number; baseline: number | null; ours: number; ratio: number | null; unit: string; goal?: string;
    /** Paired benchmarks: the ratio of the two medians, beside `ratio` (the median of each pair's own ratio). */
    ratioOfMedians?: number;
}

const json = process.argv.includes("--json");
const scale = process.argv.includes("--scale");
/** `--shards`: the fleet previewed on the real engine as one stack and as one stack per team (slow; `--only shards` runs just these). */
const shards = process.argv.includes("--shards");
/** `--only program` (or validate, diff) runs one group while iterating on a fix. */
const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : undefined;
const wanted = (group: string) => (only === undefined && !shards) || only === group;
const RUNS = Number(process.env.AGENTID_BENCH_RUNS ?? 5);
/** The programs' pairs: their ratios move with this shared machine's speed, so more of them (each pair is adjacent in time). */
const PROGRAM_RUNS = Number(process.env.AGENTID_BENCH_RUNS ?? 7);
const say = (text: string) => { if (!json) process.stderr.write(`${text}\n`); };

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
    const started = process.hrtime.bigint();
    await fn();
    return Number(process.hrtime.bigint() - started) / 1e6;
}

/** Wall time and CPU time (user + system) of one in-process run, ms. */
async function timeWithCpu(fn: () => Promise<unknown> | unknown): Promise<Sample> {
    const cpu = process.cpuUsage();
    const ms = await time(fn);
    const used = process.cpuUsage(cpu);
    return { ms, cpuMs: (used.user + used.system) / 1000 };
}

/**
 * One measured run. CPU time is reported beside wall time because the machine is shared (CI, helpers'
 * builds): another process's load stretches wall time, barely CPU time.
 */
interface Sample { ms: number; cpuMs: number }

/** Warm-up once each, then `runs` pairs in alternating order (so garbage left by one is not always paid by the other). */
async function pairs<T>(ours: () => Promise<T> | T, baseline: () => Promise<T> | T, runs: number, each?: (i: number, o: T, b: T) => void): Promise<{ ours: T[]; baseline: T[] }> {
    await ours();
    await baseline();
    const o: T[] = [];
    const b: T[] = [];
    for (let i = 0; i < runs; i++) {
        if (i % 2 === 0) {
            o.push(await ours());
            b.push(await baseline());
        } else {
            b.push(await baseline());
            o.push(await ours());
        }
        each?.(i, o[i], b[i]);
    }
    return { ours: o, baseline: b };
}

/** Medians of alternating pairs (wall time). */
async function compare(ours: () => Promise<number>, baseline: () => Promise<number>, runs = RUNS): Promise<{ ours: number; baseline: number }> {
    const p = await pairs(ours, baseline, runs);
    return { ours: median(p.ours), baseline: median(p.baseline) };
}

/** Medians of one field of alternating samples. */
function medians<T>(p: { ours: T[]; baseline: T[] }, field: (sample: T) => number): { ours: number; baseline: number } {
    return { ours: median(p.ours.map(field)), baseline: median(p.baseline.map(field)) };
}

/**
 * One field of alternating pairs compared pair by pair: the median of ours ÷ baseline within each pair (run
 * back to back, so a slow minute of the machine slows both), and the ratio of the two medians beside it.
 */
function paired<T>(p: { ours: T[]; baseline: T[] }, field: (sample: T) => number): { ours: number; baseline: number; ratio: number; ratioOfMedians: number } {
    const m = medians(p, field);
    return { ...m, ratio: median(p.ours.map((o, i) => field(o) / field(p.baseline[i]))), ratioOfMedians: m.ours / m.baseline };
}

/** Wall time of a fresh Node.js process running the arguments (ms). */
function processMs(args: string[]): number {
    const started = process.hrtime.bigint();
    execFileSync(process.execPath, args, { stdio: "ignore" });
    return Number(process.hrtime.bigint() - started) / 1e6;
}

const CLI = path.join(__dirname, "..", "provider", "cli", "main.js");
const SAMPLE = path.join(__dirname, "..", "..", "agents");

/**
 * `agentid validate agents/ --json` as a fresh process, against a process that loads only `yaml` and the
 * precompiled schema validator and validates the same files; plus the cold times of show, diff, inventory.
 */
async function coldBenchmarks(runs: number): Promise<Result[]> {
    const baseline = () => Promise.resolve(processMs([path.join(__dirname, "coldBaseline.js"), SAMPLE]));
    const command = (...args: string[]) => () => Promise.resolve(processMs([CLI, ...args, "--now", BENCH_NOW]));
    const v = await compare(command("validate", SAMPLE, "--json"), baseline, runs);
    const results: Result[] = [{ name: "validate-cold", n: 5, ...v, ratio: v.ours / v.baseline, unit: "ms", goal: "≤ 1.5" }];
    for (const [name, args] of [
        ["show-cold", ["show", SAMPLE, "--agent", "support-triage", "--json"]],
        ["diff-cold", ["diff", "--base", SAMPLE, "--head", SAMPLE, "--json"]],
        ["inventory-cold", ["inventory", SAMPLE, "--json"]],
    ] as [string, string[]][]) {
        const c = await compare(command(...args), baseline, runs);
        results.push({ name, n: 5, ...c, ratio: c.ours / c.baseline, unit: "ms" });
    }
    return results;
}

const silent = { out: () => undefined, err: () => undefined };

/** The validate command's whole job, in-process. */
const validateOurs = (dir: string) => () => timeWithCpu(() => runCli(["validate", dir, "--now", BENCH_NOW, "--json"], silent));

/** The unavoidable part: read the same files with yaml and validate them with a compiled ajv schema. */
function validateBaseline(dir: string): () => Promise<Sample> {
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(agentSchema);
    return () => timeWithCpu(() => {
        for (const file of collectFiles([dir]).files) {
            for (const doc of parseAllDocuments(fs.readFileSync(file, "utf8")) as unknown as { toJS(): unknown }[]) validate(doc.toJS());
        }
    });
}

/** Runs bench/program.js in a fresh process; returns its time and peak memory. */
function program(...args: string[]): ProgramRun {
    const out = execFileSync(process.execPath, [path.join(__dirname, "program.js"), ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    return JSON.parse(out.trim().split("\n").pop()!) as ProgramRun;
}

interface ProgramRun extends Sample { maxRssKb: number }

async function programBenchmarks(agents: number, runs: number): Promise<Result[]> {
    const dir = writeFleet(agents);
    const graph = path.join(os.tmpdir(), `agentid-bench-graph-${agents}.jsonl`);
    program("record", dir, graph);
    const expected = String(fs.readFileSync(graph, "utf8").trim().split("\n").length);
    const runsOf = await pairs(() => program("ours", dir, expected), () => program("baseline", graph), runs, (i, o, b) =>
        say(`  program ${agents} agents run ${i + 1}/${runs}: ours ${o.ms.toFixed(0)} ms (cpu ${o.cpuMs.toFixed(0)}) ${(o.maxRssKb / 1024).toFixed(0)} MiB, baseline ${b.ms.toFixed(0)} ms (cpu ${b.cpuMs.toFixed(0)}) ${(b.maxRssKb / 1024).toFixed(0)} MiB`));
    const ms = paired(runsOf, (r) => r.ms);
    const cpu = paired(runsOf, (r) => r.cpuMs);
    const rss = paired(runsOf, (r) => r.maxRssKb / 1024);
    const suffix = agents === 1000 ? "1k" : `${agents}`;
    return [
        { name: `program-${suffix}-agents`, n: agents, ...ms, unit: "ms", goal: "≤ 1.10" },
        { name: `program-${suffix}-agents-cpu`, n: agents, ...cpu, unit: "cpu ms" },
        { name: `program-${suffix}-agents-rss`, n: agents, ...rss, unit: "MiB", goal: "≤ 1.10" },
    ];
}

/**
 * 2,000 agents of 8 teams previewed on the real engine as one stack, then as 8 stacks (one per team) with
 * 1 and with `cores` at a time; with `--scale`, also 4,000 agents of 16 teams (shards of the same size, once) to show that the
 * largest process stays the size of a shard while the single stack's grows with the fleet.
 */
async function shardBenchmarks(): Promise<Result[]> {
    const cores = os.cpus().length;
    const results: Result[] = [];
    const mib = (kb: number) => kb / 1024;
    // AGENTID_BENCH_SHARD_AGENTS shrinks the fleet for a quick check of the harness (the figures need ≥ 2,000).
    const fleetSize = Number(process.env.AGENTID_BENCH_SHARD_AGENTS ?? 2000);
    const sizes = [{ agents: fleetSize, teams: 8 }, ...(scale ? [{ agents: fleetSize * 2, teams: 16 }] : [])];
    const peaks: { agents: number; single: number; sharded: number }[] = [];
    for (const { agents, teams } of sizes) {
        // Medians of 3 at the fleet size. The doubled fleet (--scale) is there for the growth of peak RSS: one run of
        // one stack and of the shards `cores` at a time (each of its runs takes minutes).
        const full = agents === fleetSize;
        const runs = full ? Math.min(RUNS, 3) : 1;
        say(`shards: ${agents} agents of ${teams} teams on the real engine (Kubernetes rendered, local backend)…`);
        const bench = await prepareShardBench(agents, teams);
        const engineFloor = full ? await prepareEngineFloor() : undefined;
        await bench.sharded(cores); // warm-up; creates the shards' stacks
        if (full) await bench.single();
        if (engineFloor) await engineFloor();
        const single: TreeRun[] = [];
        const serial: TreeRun[] = [];
        const parallel: TreeRun[] = [];
        const floor: TreeRun[] = [];
        for (let i = 0; i < runs; i++) {
            single.push(await bench.single());
            if (engineFloor) floor.push(await engineFloor());
            if (full) serial.push(await bench.sharded(1));
            parallel.push(await bench.sharded(cores));
            const shown = (r: TreeRun) => `${r.ms.toFixed(0)} ms, cpu ${r.cpuMs.toFixed(0)} ms, load ${r.load.toFixed(1)} (peak ${mib(r.peakKb).toFixed(0)} MiB ${r.peakBy})`;
            say(`  run ${i + 1}/${runs}: one stack ${shown(single[i])}; ` +
                (full ? `${bench.shards} stacks ×1 ${shown(serial[i])}; ` : `${bench.shards} stacks `) + `×${cores} ${shown(parallel[i])}`);
        }
        const ms = (r: TreeRun[]) => median(r.map((x) => x.ms));
        const cpu = (r: TreeRun[]) => median(r.map((x) => x.cpuMs));
        const peak = (r: TreeRun[]) => median(r.map((x) => mib(x.peakKb)));
        const name = `shards-${agents >= 1000 ? `${agents / 1000}k` : agents}-${bench.shards}x`;
        if (full) results.push({ name: `${name}-p1`, n: agents, baseline: ms(single), ours: ms(serial), ratio: ms(serial) / ms(single), unit: "ms", goal: "≤ 1.2" });
        // CPU time of every process, which a shared machine's load stretches far less than wall time: what the shards cost.
        if (full) results.push({ name: `${name}-p1-cpu`, n: agents, baseline: cpu(single), ours: cpu(serial), ratio: cpu(serial) / cpu(single), unit: "cpu ms" });
        results.push(
            { name: `${name}-p${cores}`, n: agents, baseline: ms(single), ours: ms(parallel), ratio: ms(parallel) / ms(single), unit: "ms", goal: `≤ ${(1.2 / cores).toFixed(2)} (1.2 ÷ min(p, cores))` },
            { name: `${name}-p${cores}-cpu`, n: agents, baseline: cpu(single), ours: cpu(parallel), ratio: cpu(parallel) / cpu(single), unit: "cpu ms" },
            { name: `${name}-peak-rss`, n: agents, baseline: peak(single), ours: peak(parallel), ratio: peak(parallel) / peak(single), unit: "MiB", goal: "bounded by shard size" },
        );
        if (full) {
            // Pulumi's own cost of one stack (a program registering one component, no agentid): every shard pays it, the
            // single stack once. Had each shard done its agents' work at the single stack's cost, a run could not beat:
            // one at a time, the single stack's wall time plus k − 1 floors; p at a time, its CPU time plus k − 1
            // floors' CPU, spread over min(p, cores) cores.
            const k = bench.shards;
            const p1Bound = ms(single) + (k - 1) * ms(floor);
            const pBound = (cpu(single) + (k - 1) * cpu(floor)) / Math.min(cores, k);
            results.push(
                { name: "shards-engine-floor", n: 1, baseline: null, ours: ms(floor), ratio: null, unit: "ms" },
                { name: "shards-engine-floor-cpu", n: 1, baseline: null, ours: cpu(floor), ratio: null, unit: "cpu ms" },
                { name: `${name}-p1-bound`, n: agents, baseline: ms(single), ours: p1Bound, ratio: p1Bound / ms(single), unit: "ms", goal: "lowest p1 ratio the floor allows" },
                { name: `${name}-p${cores}-bound`, n: agents, baseline: ms(single), ours: pBound, ratio: pBound / ms(single), unit: "ms", goal: `lowest p${cores} ratio the floor allows` },
            );
        }
        peaks.push({ agents, single: peak(single), sharded: peak(parallel) });
    }
    if (peaks.length === 2) {
        const [small, large] = peaks;
        results.push(
            { name: "shards-peak-rss-growth", n: large.agents, baseline: small.sharded, ours: large.sharded, ratio: large.sharded / small.sharded, unit: "MiB", goal: "≈ 1 (flat: same shard size)" },
            { name: "single-stack-peak-rss-growth", n: large.agents, baseline: small.single, ours: large.single, ratio: large.single / small.single, unit: "MiB" },
        );
    }
    return results;
}

async function main() {
    const results: Result[] = [];

    if (wanted("cold")) {
        say("validate-cold: a fresh agentid process on agents/ vs. yaml + the precompiled schema…");
        results.push(...await coldBenchmarks(Math.max(RUNS, 9)));
    }

    const dir10k = wanted("validate") || wanted("diff") ? writeFleet(10_000) : "";
    if (wanted("validate")) {
        say("validate-10k: 10,000 agents…");
        const p = await pairs(validateOurs(dir10k), validateBaseline(dir10k), RUNS);
        const v = medians(p, (r) => r.ms);
        const c = medians(p, (r) => r.cpuMs);
        results.push({ name: "validate-10k", n: 10_000, ...v, ratio: v.ours / v.baseline, unit: "ms", goal: "≤ 1.5" });
        results.push({ name: "validate-10k-cpu", n: 10_000, ...c, ratio: c.ours / c.baseline, unit: "cpu ms" });
    }
    if (wanted("program")) {
        say("program-1k-agents: 1,000 agents under Pulumi mocks, ours vs. the same graph written out…");
        results.push(...await programBenchmarks(1000, PROGRAM_RUNS));
    }

    if (wanted("diff")) {
    say("diff-10k and expired-10k…");
    const changed = writeFleet(10_000);
    for (const file of fs.readdirSync(changed).filter((f) => f.startsWith("agents-0000"))) {
        const p = path.join(changed, file);
        fs.writeFileSync(p, fs.readFileSync(p, "utf8").replace(/access: read\n/g, "access: readwrite\n"));
    }
    const diffTimes: number[] = [];
    const expiredTimes: number[] = [];
    for (let i = 0; i <= RUNS; i++) {
        const d = await time(() => runCli(["diff", "--base", dir10k, "--head", changed, "--json", "--now", BENCH_NOW], silent));
        const e = await time(() => runCli(["expired", dir10k, "--json", "--now", "2027-01-15T00:00:00Z"], silent));
        if (i > 0) { diffTimes.push(d); expiredTimes.push(e); }
    }
    const diffMs = median(diffTimes);
    const expiredMs = median(expiredTimes);
    results.push({ name: "diff-10k", n: 10_000, baseline: null, ours: diffMs, ratio: null, unit: "ms" });
    results.push({ name: "diff-10k-throughput", n: 10_000, baseline: null, ours: 10_000 / (diffMs / 1000), ratio: null, unit: "agents/s" });
    results.push({ name: "expired-10k", n: 10_000, baseline: null, ours: expiredMs, ratio: null, unit: "ms" });
    results.push({ name: "expired-10k-throughput", n: 10_000, baseline: null, ours: 10_000 / (expiredMs / 1000), ratio: null, unit: "agents/s" });
    }

    if (scale && (wanted("validate") || wanted("program"))) {
        for (const n of [1_000, 50_000]) {
            say(`scale: validate ${n}…`);
            const dir = writeFleet(n);
            const s = medians(await pairs(validateOurs(dir), validateBaseline(dir), 3), (r) => r.ms);
            results.push({ name: `validate-${n}`, n, ...s, ratio: s.ours / s.baseline, unit: "ms" });
        }
        for (const n of [250, 2000]) {
            say(`scale: program ${n}…`);
            results.push(...await programBenchmarks(n, 3));
        }
    }

    if (shards || only === "shards") results.push(...await shardBenchmarks());

    if (json) {
        process.stdout.write(JSON.stringify({ benchmarks: results.map(({ goal: _g, ...r }) => r) }) + "\n");
        return;
    }
    const rows = results.map((r) => [r.name, String(r.n), r.baseline === null ? "—" : r.baseline.toFixed(1), r.ours.toFixed(1), r.unit, r.ratio === null ? "—" : r.ratio.toFixed(3),
        r.ratioOfMedians === undefined ? "" : r.ratioOfMedians.toFixed(3), r.goal ?? ""]);
    const header = ["benchmark", "n", "baseline", "ours", "unit", "ratio", "of medians", "goal"];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
    process.stdout.write([line(header), ...rows.map(line)].join("\n") + "\n");
}

main().catch((error: Error) => {
    process.stderr.write(`bench failed: ${error.message}\n`);
    process.exitCode = 1;
});
