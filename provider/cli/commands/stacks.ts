import { Command, EXIT, printJson, printLine } from "../command";
import { loadShards, nowFrom } from "../fleetInput";

export const stacksCommand: Command = {
    name: "stacks",
    summary: "the stacks a sharded fleet (Fleet spec.stacks) is split into, with their agents",
    usage: "stacks PATH… [--json]",
    example: "agentid stacks agents/ --json | jq -c '[.stacks[].name]'",
    flags: {},
    takesPaths: true,
    async run(args, io) {
        const { shards } = loadShards(args.positionals, nowFrom(args), "stacks");
        const stacks = shards.map((s) => ({ name: s.name, agents: s.agents }));
        if (args.flags.json) printJson(io, { stacks });
        else for (const s of stacks) printLine(io, `${s.name}  ${s.agents.join(", ")}`);
        return EXIT.ok;
    },
};
