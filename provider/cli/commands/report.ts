import { fleetViews } from "../../review/accessView";
import { complianceReport, Framework, FRAMEWORKS } from "../../review/compliance";
import { Command, EXIT, printJson, requireFlag, UsageError } from "../command";
import { loadFleet, nowFrom } from "../fleetInput";

export const reportCommand: Command = {
    name: "report",
    summary: "control-by-control compliance evidence per agent (OWASP NHI/ASI, MAESTRO, NIST AI RMF)",
    usage: "report PATH… --framework owasp-asi|owasp-nhi|maestro|nist-ai-rmf [--now ISO] [--json]",
    example: "agentid report agents/ --framework owasp-nhi --json > evidence.json",
    flags: { framework: { type: "string", value: "NAME", description: FRAMEWORKS.join(", ") } },
    takesPaths: true,
    async run(args, io) {
        const framework = requireFlag(args, "framework", FRAMEWORKS.join(", ")) as Framework;
        if (!FRAMEWORKS.includes(framework)) throw new UsageError(`--framework must be one of ${FRAMEWORKS.join(", ")}, not "${framework}"`);
        const now = nowFrom(args);
        const fleet = loadFleet(args.positionals, now);
        const result = complianceReport(framework, fleetViews(fleet.declarations.map((d) => d.declaration), fleet.settings, now), now);
        if (args.flags.json) {
            printJson(io, result);
        } else {
            for (const control of result.controls) {
                io.out(`${control.status === "pass" ? "PASS" : "FAIL"}  ${control.id} ${control.title}\n`);
                for (const a of control.agents) io.out(`        ${a.status === "pass" ? "✓" : "✗"} ${a.agent}: ${a.evidence}\n`);
            }
            const failed = result.controls.filter((c) => c.status === "fail").length;
            io.out(`${result.controls.length - failed}/${result.controls.length} ${framework} controls pass\n`);
        }
        return EXIT.ok;
    },
};
