/**
 * Summarises Stryker JSON reports (reports/mutation/slices/*.json by default): per module the killed,
 * survived, no-coverage, timed-out, ignored and compile-error counts and the score, the overall score, and
 * every survivor with its place and replacement — the table test/MUTATION.md records. The score is
 * Stryker's: (killed + timed out) / (killed + timed out + survived + no coverage).
 *   node dist/scripts/mutationSummary.js [report.json ...]
 */
import * as fs from "fs";
import * as path from "path";

interface Mutant { mutatorName: string; replacement?: string; status: string; location: { start: { line: number; column: number } } }
interface Report { files: Record<string, { mutants: Mutant[] }> }

const COLUMNS = ["Killed", "Timeout", "Survived", "NoCoverage", "Ignored", "CompileError", "RuntimeError"] as const;

function reportsFrom(args: string[]): string[] {
    if (args.length > 0) return args;
    const dir = path.join("reports", "mutation", "slices");
    const finished = fs.readdirSync(dir).filter((f) => f.endsWith(".json") && !f.endsWith(".stryker.json"));
    // A slice still running (or stopped) has only its event record: summarised as far as it got.
    const unfinished = fs.readdirSync(dir).filter((f) => f.endsWith(".events") && !finished.includes(f.replace(/\.events$/, ".json")));
    return [...finished, ...unfinished].sort().map((f) => path.join(dir, f));
}

/** A report, or for an unfinished slice the mutants its event record holds, with how many were planned. */
function read(file: string): Report & { planned?: number } {
    if (!file.endsWith(".events")) return JSON.parse(fs.readFileSync(file, "utf8")) as Report;
    const events = fs.readdirSync(file).sort();
    const plan = events.find((e) => e.includes("onMutationTestingPlanReady"));
    const planned = plan ? (JSON.parse(fs.readFileSync(path.join(file, plan), "utf8")) as { mutantPlans: unknown[] }).mutantPlans.length : undefined;
    const tested = events.filter((e) => e.includes("onMutantTested")).map((e) => JSON.parse(fs.readFileSync(path.join(file, e), "utf8")) as Mutant & { fileName: string });
    const files: Report["files"] = {};
    for (const m of tested) (files[path.relative(process.cwd(), m.fileName)] ??= { mutants: [] }).mutants.push(m);
    return { files, planned };
}

/** A slice's name for a module, as scripts/mutationSlices.sh writes it: provider/a/b.ts → a-b. */
const sliceName = (module: string) => module.replace(/^provider\//, "").replace(/\//g, "-").replace(/\.ts$/, "");

/** Seconds each slice took, from times.txt (the last run of each slice). */
function sliceTimes(): Map<string, string> {
    const file = path.join("reports", "mutation", "slices", "times.txt");
    const lines = fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n") : [];
    return new Map(lines.map((l) => l.match(/^(\S+): (\d+)s/)).filter((m) => m !== null).map((m) => [m[1], `${Math.round(Number(m[2]) / 60)} min`]));
}
const times = sliceTimes();

const percent = (detected: number, valid: number) => (valid === 0 ? "–" : `${((100 * detected) / valid).toFixed(1)}%`);

const totals: Record<string, number> = Object.fromEntries(COLUMNS.map((c) => [c, 0]));
const rows: string[] = [];
const survivors: string[] = [];
for (const file of reportsFrom(process.argv.slice(2))) {
    const report = read(file);
    const label = path.basename(file).replace(/\.(json|events)$/, "");
    for (const [module, { mutants }] of Object.entries(report.files)) {
        const counts: Record<string, number> = Object.fromEntries(COLUMNS.map((c) => [c, 0]));
        for (const m of mutants) {
            counts[m.status] = (counts[m.status] ?? 0) + 1;
            totals[m.status] = (totals[m.status] ?? 0) + 1;
            if (m.status === "Survived" || m.status === "NoCoverage") {
                survivors.push(`${module}:${m.location.start.line}:${m.location.start.column} ${m.status} ${m.mutatorName} → ${m.replacement ?? ""}`);
            }
        }
        const detected = counts.Killed + counts.Timeout;
        const partial = report.planned !== undefined ? ` (stopped after ${mutants.length} of ${report.planned} mutants)` : "";
        rows.push(`| ${module}${label === sliceName(module) ? "" : ` (${label})`}${partial} | ${COLUMNS.map((c) => counts[c]).join(" | ")} | ${percent(detected, detected + counts.Survived + counts.NoCoverage)} | ${times.get(label) ?? times.get(module) ?? "–"} |`);
    }
}
const detected = totals.Killed + totals.Timeout;
console.log(`| module | ${COLUMNS.join(" | ")} | score | time |`);
console.log(`|---|${COLUMNS.map(() => "---").join("|")}|---|---|`);
for (const row of rows) console.log(row);
console.log(`| **all** | ${COLUMNS.map((c) => `**${totals[c]}**`).join(" | ")} | **${percent(detected, detected + totals.Survived + totals.NoCoverage)}** | |`);
if (survivors.length > 0) console.log(`\nSurvivors and mutants without coverage:\n${survivors.join("\n")}`);
