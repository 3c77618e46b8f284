import { grantsDigest } from "../../declarations/digest";
import { Command, EXIT, printJson, requireFlag } from "../command";
import { findAgent, loadFleet, nowFrom } from "../fleetInput";

export const digestCommand: Command = {
    name: "digest",
    summary: "print the grants digest to paste into spec.approval.grantsDigest",
    usage: "digest PATH… --agent NAME [--json]",
    example: "agentid digest agents/ --agent billing-reconciler",
    flags: { agent: { type: "string", value: "NAME", description: "the agent whose grants to digest" } },
    takesPaths: true,
    async run(args, io) {
        const name = requireFlag(args, "agent", "the agent whose grants to digest");
        const found = findAgent(loadFleet(args.positionals, nowFrom(args)), name, "digest");
        const digest = grantsDigest(found.declaration.spec.grants);
        if (args.flags.json) printJson(io, { name, grantsDigest: digest });
        else io.out(`${digest}\n`);
        return EXIT.ok;
    },
};
