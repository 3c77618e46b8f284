import type { LocalWorkspace } from "@pulumi/pulumi/automation";
import { agentsInState } from "../../engine/stackState";
import { formatInstant, isExpired, parseInstant } from "../../declarations/clock";
import { Command, EXIT, printLine } from "../command";
import { automation, errorText, firstLine, progress, STACK_FLAGS, underLock, WAIT_FLAG } from "../engineStack";
import { EngineOperation, runEngineCommand } from "../engineCommand";
import { nowFrom } from "../fleetInput";

type Reaped = { reaped: string[]; kept: string[]; alreadyReaped: string[] };

export const reapCommand: Command = {
    name: "reap",
    summary: "remove expired agents' resources with a targeted update (nothing else pending is applied; --all: every stack)",
    usage: "reap (--stack S | --all PATH… [--parallel N]) [--cwd DIR] [--now ISO] [--dry-run] [--wait DURATION] [--json]",
    example: "agentid reap --stack prod --json",
    flags: { ...STACK_FLAGS, ...WAIT_FLAG, "dry-run": { type: "boolean", description: "list what would be removed, change nothing" } },
    takesPaths: false,
    pathsWith: "all",
    async run(args, io) {
        const now = nowFrom(args);
        const dryRun = args.flags["dry-run"] === true;
        const operation: EngineOperation<Reaped> = {
            createsStacks: false,
            movesAgents: false,
            changesStacks: true,
            async run(stack, stackIo, context) {
                const agents = agentsInState(await stack.exportStack());
                const expired = agents.filter((a) => {
                    const expiresAt = a.expiresAt ? parseInstant(a.expiresAt) : undefined;
                    return expiresAt !== undefined && isExpired(expiresAt, now);
                });
                const toReap = expired.filter((a) => a.descendants.length > 0);
                const kept = agents.filter((a) => !expired.includes(a)).map((a) => a.name);
                const result = { reaped: toReap.map((a) => a.name), kept, alreadyReaped: expired.filter((a) => a.descendants.length === 0).map((a) => a.name) };
                if (toReap.length > 0 && !dryRun) {
                    const target = toReap.flatMap((a) => [a.urn, ...a.descendants]);
                    stackIo.err(`agentid reap: removing ${target.length - toReap.length} resources of ${toReap.map((a) => a.name).join(", ")} (targeted update, now = ${formatInstant(now)})\n`);
                    (stack.workspace as LocalWorkspace).envVars.AGENTID_NOW = formatInstant(now);
                    const recorder = (await automation()).stepRecorder();
                    await underLock(stack, stackIo, context.waitMs, () => stack.up({ target, onEvent: progress(stackIo, recorder) })
                        .catch((error) => { throw Object.assign(new Error(`targeted update failed: ${firstLine(error)}`), { stderr: errorText(error) }); }));
                }
                return { exitCode: EXIT.ok, document: result };
            },
            print(out, result) {
                printLine(out, `${dryRun ? "would reap" : "reaped"}: ${result.reaped.join(", ") || "none"}`);
                if (result.alreadyReaped.length) printLine(out, `already reaped: ${result.alreadyReaped.join(", ")}`);
                printLine(out, `kept: ${result.kept.join(", ") || "none"}`);
            },
        };
        return runEngineCommand("reap", args, io, operation);
    },
};
