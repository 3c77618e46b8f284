import { markdownCode } from "../../output/markdown";
import { diffFleetSettings, diffFleets, renderDiffMarkdown } from "../../review/accessDiff";
import { fleetViews } from "../../review/accessView";
import { formatDiagnostic } from "../../declarations/diagnostics";
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
        const sides = [{ side: "base", report: baseReport }, { side: "head", report: head }].filter((s) => !s.report.valid);
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
        const diffs = [...(fleetChanges ? [fleetChanges] : []), ...diffFleets(views(baseReport), views(head))];
        const changes = diffs.flatMap((d) => d.changes);
        if (args.flags.json) printJson(io, { changes });
        else if (format === "md") io.out(renderDiffMarkdown(diffs));
        else {
            for (const c of changes) printLine(io, `${c.agent}  ${c.kind}  [${c.risk}]  ${c.detail}`);
            printLine(io, `${changes.length} access change${changes.length === 1 ? "" : "s"}`);
        }
        return EXIT.ok;
    },
};

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
