import { reviewedAgents } from "../../review/reviewedAgent";
import { inventoryGraph } from "../../review/reachGraph";
import { inventoryOf, renderBackstage, renderInventoryCsv, renderInventoryMarkdown } from "../../review/inventory";
import { Command, EXIT, printJson, stringFlag, UsageError } from "../command";
import { loadFleet, nowFrom } from "../fleetInput";

export const inventoryCommand: Command = {
    name: "inventory",
    summary: "who owns each agent, what it reaches and when it ends (md, csv, Backstage entities); invalid agents marked",
    usage: "inventory PATH… [--format md|csv|backstage] [--now ISO] [--json]",
    example: "agentid inventory agents/ --format backstage > catalog-info.yaml",
    flags: { format: { type: "string", value: "md|csv|backstage", description: "output format (default md)", conflictsWith: ["json"] } },
    takesPaths: true,
    async run(args, io) {
        const now = nowFrom(args);
        const format = stringFlag(args, "format") ?? "md";
        if (!["md", "csv", "backstage"].includes(format)) throw new UsageError(`--format must be md, csv or backstage, not "${format}"`);
        const report = loadFleet(args.positionals, now);
        const reviewed = reviewedAgents(report, now);
        const entries = inventoryOf(reviewed, now);
        if (args.flags.json) printJson(io, { agents: entries });
        else if (format === "csv") io.out(renderInventoryCsv(entries));
        else if (format === "backstage") io.out(renderBackstage(entries));
        else {
            const views = reviewed.flatMap((r) => (r.view ? [r.view] : []));
            const invalid = new Set(reviewed.filter((r) => r.view && r.errors.length > 0).map((r) => r.view!.name));
            io.out(renderInventoryMarkdown(entries, inventoryGraph(views, now, invalid)));
        }
        const invalid = entries.filter((e) => !e.valid).length;
        if (invalid > 0) io.err(`note: ${invalid} agent${invalid === 1 ? " is" : "s are"} invalid and marked so; run agentid validate\n`);
        return EXIT.ok;
    },
};
