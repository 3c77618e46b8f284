import { reviewedAgents } from "../../review/reviewedAgent";
import { complianceReport, Framework, FRAMEWORKS } from "../../review/compliance";
import { Command, EXIT, printJson, printLine, requireFlag, UsageError } from "../command";
import { loadFleet, nowFrom } from "../fleetInput";

export const reportCommand: Command = {
    name: "report",
    summary: "control-by-control compliance evidence per agent (OWASP NHI/ASI, MAESTRO, NIST AI RMF)",
    usage: `report PATH… --framework ${FRAMEWORKS.join("|")} [--now ISO] [--json]`,
    example: "agentid report agents/ --framework owasp-nhi --json > evidence.json",
    flags: { framework: { type: "string", value: "NAME", description: FRAMEWORKS.join(", ") } },
    takesPaths: true,
    async run(args, io) {
        const framework = requireFlag(args, "framework", FRAMEWORKS.join(", ")) as Framework;
        if (!FRAMEWORKS.includes(framework)) throw new UsageError(`--framework must be one of ${FRAMEWORKS.join(", ")}, not "${framework}"`);
        const now = nowFrom(args);
        const fleet = loadFleet(args.positionals, now);
        const result = complianceReport(framework, reviewedAgents(fleet, now), now);
        if (args.flags.json) {
            printJson(io, result);
        } else {
            for (const control of result.controls) {
                printLine(io, `${control.status === "pass" ? "PASS" : "FAIL"}  ${control.id} ${control.title}`);
                for (const a of control.agents) printLine(io, `        ${a.status === "pass" ? "✓" : "✗"} ${a.agent ?? "(no readable name)"}: ${a.evidence}`);
            }
            const failed = result.controls.filter((c) => c.status === "fail").length;
            printLine(io, `${result.controls.length - failed}/${result.controls.length} ${framework} controls pass`);
        }
        const invalid = fleet.found.filter((f) => !f.valid).length;
        if (invalid > 0) io.err(`note: ${invalid} agent${invalid === 1 ? " is" : "s are"} invalid and fail every control; run agentid validate\n`);
        return EXIT.ok;
    },
};
