import { diagnosticRecord } from "../../declarations/diagnostics";
import { parseReachQuery, QUERY_FORMS, ReachQuery, whoCan } from "../../review/whoCan";
import { Command, EXIT, printJson, printLine, stringFlag, UsageError } from "../command";
import { loadFleet, nowFrom } from "../fleetInput";

export const whoCanCommand: Command = {
    name: "who-can",
    summary: "which agents can reach a resource (ARN, k8s:, oauth:, tool:), with which actions; invalid agents listed",
    usage: "who-can PATH… RESOURCE [--action ACTION] [--now ISO] [--json]",
    example: "agentid who-can agents/ arn:aws:s3:::support-tickets/inbound/t1.json --action s3:GetObject",
    flags: {
        action: { type: "string", value: "ACTION", description: "only this action: an IAM action (* and ? allowed), a Kubernetes verb, an OAuth scope or a <target>/<tool>" },
    },
    takesPaths: true,
    async run(args, io) {
        if (args.positionals.length < 2) throw new UsageError(`give the declaration paths, then the resource: ${QUERY_FORMS}`);
        const paths = args.positionals.slice(0, -1);
        const resource = args.positionals[args.positionals.length - 1];
        let query: ReachQuery;
        try {
            query = parseReachQuery(resource);
        } catch (error) {
            throw new UsageError((error as Error).message);
        }
        const action = stringFlag(args, "action");
        const now = nowFrom(args);
        const report = loadFleet(paths, now);
        const valid = report.found.filter((f) => f.valid && f.declaration).map((f) => f.declaration!);
        const agents = whoCan(query, valid, report.settings, now, action);
        const invalid = report.found.filter((f) => !f.valid).map((f) => ({ name: f.summary.name ?? null, file: f.file, line: f.line, errors: f.errors.map(diagnosticRecord) }));
        if (args.flags.json) {
            printJson(io, { resource, ...(action !== undefined ? { action } : {}), agents, valid: report.valid, invalid, errors: report.errors.map(diagnosticRecord) });
        } else {
            for (const agent of agents) {
                printLine(io, `${agent.name}  ${agent.owner.team} <${agent.owner.contact}>  until ${agent.expiresAt}: ${agent.actions.join(", ")}`);
                for (const p of agent.paths) {
                    const extra = [...(p.conditions ?? []), ...(p.through ? [`through the OAuth client shared with ${p.through.join(", ")}`] : [])];
                    printLine(io, `    ${p.grant !== undefined ? `grant ${p.grant}, ` : ""}${p.via}: ${p.actions.join(", ")} on ${p.on}${extra.length ? ` (${extra.join("; ")})` : ""}`);
                }
            }
            printLine(io, `${agents.length === 0 ? "no agent" : `${agents.length} agent${agents.length === 1 ? "" : "s"}`} can reach ${resource}${action !== undefined ? ` with ${action}` : ""}`);
        }
        if (!report.valid) {
            io.err(`note: the declarations have ${report.errors.length} error${report.errors.length === 1 ? "" : "s"}${invalid.length ? ` (${invalid.length} invalid agent${invalid.length === 1 ? "" : "s"}, not evaluated)` : ""}, so this answer may be incomplete; run agentid validate\n`);
            return EXIT.findings;
        }
        return EXIT.ok;
    },
};
