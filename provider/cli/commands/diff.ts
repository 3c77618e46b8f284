import { markdownCode } from "../../output/markdown";
import { diffFleetSettings, diffFleets, FLEET_CHANGES, renderDiffMarkdown, withDutyConflicts } from "../../review/accessDiff";
import { diffGraph } from "../../review/reachGraph";
import { fleetViews } from "../../review/accessView";
import { diagnosticRecord, formatDiagnostic } from "../../declarations/diagnostics";
import { declarationDutyConflicts, ruleText } from "../../guardrails/separationOfDuties";
import { validateDeclarations, validateTexts, ValidationReport } from "../../guardrails/validate";
import { Command, EXIT, InvalidDeclarationsError, printJson, printLine, requireFlag, stringFlag, UsageError } from "../command";
import { nowFrom, requireReadable } from "../fleetInput";
import { parseGitBase, sourcesAtRevision } from "../gitSource";

export const diffCommand: Command = {
    name: "diff",
    summary: "access changes between two versions of the declarations, for reviewers (no engine); refuses invalid declarations",
    usage: "diff --base PATH|git:REV[:PATH] --head PATH [--format md] [--json]",
    example: "agentid diff --base git:origin/main --head agents/ --format md > access-diff.md",
    flags: {
        base: { type: "string", value: "PATH|git:REV[:PATH]", description: "the declarations before: a path; git:REV for --head's files at a revision; git:REV:PATH for PATH at a revision" },
        head: { type: "string", value: "PATH", description: "the declarations after (comma-separate several paths)" },
        format: { type: "string", value: "text|md", description: "md prints a pull-request comment (default text)", conflictsWith: ["json"] },
    },
    takesPaths: false,
    async run(args, io) {
        const now = nowFrom(args);
        const headPaths = paths(requireFlag(args, "head", "the declarations after the change"), "--head");
        const base = requireFlag(args, "base", "a path or git:REV for the declarations before the change");
        const format = stringFlag(args, "format") ?? "text";
        if (!["text", "md"].includes(format)) throw new UsageError(`--format must be text or md, not "${format}"`);

        const gitBase = parseGitBase(base);
        const head = requireReadable(validateDeclarations(headPaths, { now }));
        const baseReport = gitBase
            ? validateTexts(gitBase.path === undefined ? sourcesAtRevision(gitBase.revision, headPaths) : sourcesAtRevision(gitBase.revision, [gitBase.path], headPaths[0]), { now })
            : requireReadable(validateDeclarations(paths(base, "--base"), { now }));

        // An invalid side is never compared: an agent that failed to load would read as "removed" or "added".
        // Separation-of-duties conflicts leave every agent whole: they are compared, and reported as changes.
        const sides = [{ side: "base", report: baseReport }, { side: "head", report: head }]
            .filter((s) => !s.report.valid && !(s.report.missing.length === 0 && s.report.unreadable.length === 0 && s.report.errors.every((e) => e.rule === "separation-of-duties")));
        if (sides.length > 0) {
            const errors = sides.flatMap((s) => s.report.errors);
            const summary = sides.map((s) => `the ${s.side} declarations have ${s.report.errors.length} error${s.report.errors.length === 1 ? "" : "s"}`).join(" and ");
            if (format === "md" && !args.flags.json) io.out(refusalMarkdown(summary, errors.map(formatDiagnostic)));
            throw new InvalidDeclarationsError(`${summary}; nothing was compared — fix them (agentid validate) and run diff again`, errors, {
                invalid: sides.map((s) => s.side),
            });
        }

        const views = (report: ValidationReport) => fleetViews(report.declarations.map((d) => d.declaration), report.settings, now);
        const fleetChanges = diffFleetSettings(baseReport.settings, head.settings);
        const diffs = withDutyConflicts([...(fleetChanges ? [fleetChanges] : []), ...diffFleets(views(baseReport), views(head))],
            dutyConflictsOf(baseReport, now), dutyConflictsOf(head, now));
        const changes = diffs.flatMap((d) => d.changes);
        const conflicts = head.errors.filter((e) => e.rule === "separation-of-duties");
        if (args.flags.json) printJson(io, { changes, ...(conflicts.length ? { errors: conflicts.map(diagnosticRecord) } : {}) });
        else if (format === "md") {
            const changed = diffs.map((d) => d.agent).filter((a) => a !== FLEET_CHANGES);
            io.out(renderDiffMarkdown(diffs, diffGraph(views(baseReport), views(head), changed, now)));
        }
        else {
            for (const c of changes) printLine(io, `${c.agent}  ${c.kind}  [${c.risk}]  ${c.detail}`);
            printLine(io, `${changes.length} access change${changes.length === 1 ? "" : "s"}`);
        }
        if (conflicts.length > 0) {
            for (const e of conflicts) io.err(`${formatDiagnostic(e)}\n`);
            io.err(`agentid diff: the head declarations break ${conflicts.length} separation-of-duties rule${conflicts.length === 1 ? "" : "s"} (reported above as high risk); they are invalid until fixed\n`);
            return EXIT.findings;
        }
        return EXIT.ok;
    },
};

/** The separation-of-duties conflicts of a side, by agent and rule, with the validator's message for each. */
function dutyConflictsOf(report: ValidationReport, now: Date): { agent: string; rule: string; detail: string }[] {
    const { holders, conflicts } = declarationDutyConflicts(report.declarations.map((d) => d.declaration), report.settings, now);
    return conflicts.flatMap((list, i) => list.map((c) => {
        const agent = holders[i].name;
        const error = report.errors.find((e) => e.agent === agent && e.rule === "separation-of-duties" && e.message.startsWith(`${ruleText(c.rule)}:`));
        return { agent, rule: c.rule.name, detail: error?.message ?? `${ruleText(c.rule)}: this agent holds every duty it forbids` };
    }));
}

/** `a,b` → paths; an empty entry is a usage error. */
function paths(text: string, flag: string): string[] {
    const list = text.split(",");
    if (list.some((p) => p.trim() === "")) throw new UsageError(`${flag} has an empty path in "${text}"; separate paths with single commas`);
    return list;
}

/** The pull-request comment when there is no diff: why, and every error (as code, so nothing in them renders). */
function refusalMarkdown(summary: string, lines: readonly string[]): string {
    return [`**agentid access diff**: not computed — ${summary}. Fix them (\`agentid validate\`) and the diff will follow.`, "",
        ...lines.map((l) => `- ${markdownCode(l)}`), ""].join("\n");
}
