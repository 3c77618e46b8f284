import { diffFleetSettings, diffFleets, renderDiffMarkdown } from "../../review/accessDiff";
import { fleetViews } from "../../review/accessView";
import { validateDeclarations, validateTexts, ValidationReport } from "../../spec/validate";
import { Command, EXIT, printJson, requireFlag, stringFlag, UsageError } from "../command";
import { nowFrom } from "../fleetInput";
import { sourcesAtRevision } from "../gitSource";

export const diffCommand: Command = {
    name: "diff",
    summary: "access changes between two versions of the declarations, for reviewers (no engine)",
    usage: "diff --base PATH|git:REV --head PATH [--format md] [--json]",
    example: "agentid diff --base git:origin/main --head agents/ --format md > access-diff.md",
    flags: {
        base: { type: "string", value: "PATH|git:REV", description: "the declarations before: a path, or git:REV for --head's files at a revision" },
        head: { type: "string", value: "PATH", description: "the declarations after (comma-separate several paths)" },
        format: { type: "string", value: "text|md", description: "md prints a pull-request comment (default text)" },
    },
    takesPaths: false,
    async run(args, io) {
        const now = nowFrom(args);
        const headPaths = requireFlag(args, "head", "the declarations after the change").split(",");
        const base = requireFlag(args, "base", "a path or git:REV for the declarations before the change");
        const format = stringFlag(args, "format") ?? "text";
        if (!["text", "md"].includes(format)) throw new UsageError(`--format must be text or md, not "${format}"`);

        const head = load(validateDeclarations(headPaths, { now }), headPaths);
        const baseReport = base.startsWith("git:")
            ? validateTexts(sourcesAtRevision(base.slice(4), headPaths), { now })
            : load(validateDeclarations(base.split(","), { now }), base.split(","));
        const views = (report: ValidationReport) => fleetViews(report.declarations.map((d) => d.declaration), report.settings, now);
        const fleetChanges = diffFleetSettings(baseReport.settings, head.settings);
        const diffs = [...(fleetChanges ? [fleetChanges] : []), ...diffFleets(views(baseReport), views(head))];
        const changes = diffs.flatMap((d) => d.changes);

        if (head.errors.length > 0) io.err(`note: the head declarations have ${head.errors.length} validation error(s); run agentid validate\n`);
        if (args.flags.json) printJson(io, { changes });
        else if (format === "md") io.out(renderDiffMarkdown(diffs));
        else {
            for (const c of changes) io.out(`${c.agent}  ${c.kind}  [${c.risk}]  ${c.detail}\n`);
            io.out(`${changes.length} access change${changes.length === 1 ? "" : "s"}\n`);
        }
        return EXIT.ok;
    },
};

function load(report: ValidationReport, paths: string[]): ValidationReport {
    if (report.missing.length > 0) throw new UsageError(`no such file or directory: ${report.missing.join(", ")} (from ${paths.join(", ")})`);
    return report;
}
