import { reviewedAgents } from "../../review/reviewedAgent";
import * as path from "path";
import { readOffboardingRecords, RecordError } from "../../engine/offboardingRecord";
import { complianceReport, Framework, FRAMEWORKS, OffboardingEvidence } from "../../review/compliance";
import { Command, EnvironmentError, EXIT, printJson, printLine, requireFlag, stringFlag, UsageError } from "../command";
import { loadFleet, nowFrom } from "../fleetInput";

export const reportCommand: Command = {
    name: "report",
    summary: "control-by-control compliance evidence per agent (OWASP NHI/ASI, MAESTRO, NIST AI RMF)",
    usage: `report PATH… --framework ${FRAMEWORKS.join("|")} [--records DIR] [--now ISO] [--json]`,
    example: "agentid report agents/ --framework owasp-nhi --records offboarding/ --json > evidence.json",
    flags: {
        framework: { type: "string", value: "NAME", description: FRAMEWORKS.join(", ") },
        records: { type: "string", value: "DIR", description: "offboarding records written by agentid reap --record, cited as evidence that access was removed" },
    },
    takesPaths: true,
    async run(args, io) {
        const framework = requireFlag(args, "framework", FRAMEWORKS.join(", ")) as Framework;
        if (!FRAMEWORKS.includes(framework)) throw new UsageError(`--framework must be one of ${FRAMEWORKS.join(", ")}, not "${framework}"`);
        const now = nowFrom(args);
        const recordsDir = stringFlag(args, "records");
        const records = recordsDir === undefined ? undefined : offboardingEvidence(recordsDir);
        const fleet = loadFleet(args.positionals, now);
        const result = complianceReport(framework, reviewedAgents(fleet, now), now, records);
        if (args.flags.json) {
            printJson(io, result);
        } else {
            for (const control of result.controls) {
                printLine(io, `${control.status === "pass" ? "PASS" : "FAIL"}  ${control.id} ${control.title}`);
                for (const a of control.agents) printLine(io, `        ${a.status === "pass" ? "✓" : "✗"} ${a.agent ?? "(no readable name)"}: ${a.evidence}`);
                for (const r of control.records ?? []) printLine(io, `        record ${r.agent}: ${r.text}`);
            }
            const failed = result.controls.filter((c) => c.status === "fail").length;
            printLine(io, `${result.controls.length - failed}/${result.controls.length} ${framework} controls pass`);
        }
        const invalid = fleet.found.filter((f) => !f.valid).length;
        if (invalid > 0) io.err(`note: ${invalid} agent${invalid === 1 ? " is" : "s are"} invalid and fail every control; run agentid validate\n`);
        return EXIT.ok;
    },
};

/** The offboarding records under DIR as compliance evidence; a missing folder or a file that is no record is an environment error. */
function offboardingEvidence(dir: string): OffboardingEvidence[] {
    let read: ReturnType<typeof readOffboardingRecords>;
    try {
        read = readOffboardingRecords(dir);
    } catch (error) {
        if (error instanceof RecordError) throw new EnvironmentError(error.message, { unreadable: [{ file: error.file, reason: error.message }] });
        throw new EnvironmentError(`--records ${dir}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such directory" : (error as Error).message}`, { missing: [dir] });
    }
    return read.map(({ file, record: r }) => {
        const removedParts = [
            ...(r.spireEntries.length ? [`SPIRE entr${r.spireEntries.length === 1 ? "y" : "ies"} ${r.spireEntries.map((e) => e.spiffeId ?? e.urn).join(", ")}`] : []),
            `${r.kubernetesObjects.length} Kubernetes object${r.kubernetesObjects.length === 1 ? "" : "s"}`,
        ];
        return {
            agent: r.name, expiresAt: r.expiresAt, reapedAt: r.reapedAt, file,
            text: `reaped at ${r.reapedAt} by update ${r.update.id}: ${r.removed.length} resource${r.removed.length === 1 ? "" : "s"} removed (${removedParts.join(", ")})`
                + `${r.changed.length ? `, ${r.changed.length} changed in place` : ""} — record ${path.basename(file)}`,
        };
    });
}
