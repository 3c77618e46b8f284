import { diagnosticRecord, formatDiagnostic } from "../../declarations/diagnostics";
import { Command, EXIT, printJson } from "../command";
import { loadFleet, nowFrom } from "../fleetInput";

export const validateCommand: Command = {
    name: "validate",
    summary: "check declarations against the schema and every guardrail",
    usage: "validate PATH… [--now ISO] [--json]",
    example: "agentid validate agents/ --now 2027-01-01T00:00:00Z",
    flags: {},
    takesPaths: true,
    async run(args, io) {
        const report = loadFleet(args.positionals, nowFrom(args));
        if (args.flags.json) {
            printJson(io, {
                valid: report.valid,
                agents: report.agents,
                errors: report.errors.map(diagnosticRecord),
            });
        } else {
            for (const error of report.errors) io.out(formatDiagnostic(error) + "\n");
            const files = `${report.files.length} file${report.files.length === 1 ? "" : "s"}`;
            io.out(report.valid
                ? `${report.agents} agent${report.agents === 1 ? "" : "s"} in ${files}: all valid\n`
                : `${report.errors.length} error${report.errors.length === 1 ? "" : "s"} in ${report.agents} agent${report.agents === 1 ? "" : "s"} (${files})\n`);
        }
        return report.valid ? EXIT.ok : EXIT.findings;
    },
};
