import * as os from "os";
import { Command, EXIT, printJson, printLine, UsageError } from "../command";
import { engineWorkspace, WAIT_FLAG, waitFrom } from "../engineStack";
import { placeAgents } from "../engineCommand";
import { loadShards, nowFrom } from "../fleetInput";

export const stacksCommand: Command = {
    name: "stacks",
    summary: "the stacks a sharded fleet (Fleet spec.stacks) is split into, with their agents; --move first moves agents whose team changed",
    usage: "stacks PATH… [--move [--cwd DIR] [--wait DURATION]] [--json]",
    example: "agentid stacks agents/ --json | jq -c '[.stacks[].name]'",
    flags: {
        move: { type: "boolean", description: "move each agent whose stack changed into it with pulumi state move (engine; the live resources are kept), before the stacks are updated one by one" },
        cwd: { type: "string", value: "DIR", description: "with --move: the Pulumi project folder (default .)" },
        ...WAIT_FLAG,
    },
    takesPaths: true,
    async run(args, io) {
        const { shards, sharding } = loadShards(args.positionals, nowFrom(args), "stacks");
        const stacks = shards.map((s) => ({ name: s.name, agents: s.agents }));
        if (!args.flags.move) {
            const engineOnly = ["cwd", "wait"].find((flag) => args.flags[flag] !== undefined);
            if (engineOnly) throw new UsageError(`--${engineOnly} works with --move; give --move to move agents between stacks`);
            if (args.flags.json) printJson(io, { stacks });
            else for (const s of stacks) printLine(io, `${s.name}  ${s.agents.join(", ")}`);
            return EXIT.ok;
        }
        const { placement, moves } = await placeAgents(await engineWorkspace(args), shards, sharding, io, "stacks", { move: true, waitMs: waitFrom(args), parallel: Math.max(1, os.cpus().length) });
        const failed = moves.filter((m) => m.status === "failed");
        const exitCode = failed.length > 0 ? EXIT.usage : placement.conflicts.length > 0 ? EXIT.findings : EXIT.ok;
        const result = {
            stacks, moves, conflicts: placement.conflicts, staleStacks: placement.stale,
            ...(failed.length > 0 ? { error: { code: "environment", message: failed.map((m) => m.error).join("; ") } } : {}),
        };
        if (args.flags.json) printJson(io, result);
        else {
            for (const s of stacks) printLine(io, `${s.name}  ${s.agents.join(", ")}`);
            for (const m of moves) printLine(io, `moved ${m.agent}: ${m.from} → ${m.to} (${m.status})`);
            for (const c of placement.conflicts) printLine(io, `conflict: agent ${c.agent} is recorded in ${c.stacks.join(" and ")}`);
            for (const s of placement.stale) printLine(io, `stale stack ${s.name} (no shard uses it) still records ${s.agents.join(", ")}`);
        }
        return exitCode;
    },
};
