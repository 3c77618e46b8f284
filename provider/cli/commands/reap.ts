import type { LocalWorkspace } from "@pulumi/pulumi/automation";
import { agentsInState } from "../../engine/stackState";
import { formatInstant, isExpired, parseInstant } from "../../declarations/clock";
import { offboardingRecords, prepareRecordDir, writeOffboardingRecords } from "../../engine/offboardingRecord";
import { Command, EnvironmentError, EXIT, printLine, stringFlag } from "../command";
import { automation, engineFailure, progress, STACK_FLAGS, underLock, WAIT_FLAG } from "../engineStack";
import { EngineOperation, runEngineCommand } from "../engineCommand";
import { nowFrom } from "../fleetInput";

type Reaped = { reaped: string[]; kept: string[]; alreadyReaped: string[]; records?: string[] };

export const reapCommand: Command = {
    name: "reap",
    summary: "remove expired agents' resources with a targeted update (nothing else pending is applied; --all: every stack)",
    usage: "reap (--stack S | --all PATH… [--parallel N]) [--cwd DIR] [--now ISO] [--dry-run] [--record DIR] [--wait DURATION] [--json]",
    example: "agentid reap --stack prod --record offboarding/ --json",
    flags: {
        ...STACK_FLAGS, ...WAIT_FLAG, "dry-run": { type: "boolean", description: "list what would be removed, change nothing" },
        record: { type: "string", value: "DIR", description: "write one JSON offboarding record per reaped agent into DIR (what was removed, by which update)", conflictsWith: ["dry-run"] },
    },
    takesPaths: false,
    pathsWith: "all",
    async run(args, io) {
        const now = nowFrom(args);
        const dryRun = args.flags["dry-run"] === true;
        const recordDir = stringFlag(args, "record");
        if (recordDir !== undefined) {
            try {
                prepareRecordDir(recordDir);
            } catch (error) {
                throw new EnvironmentError(`--record ${recordDir}: cannot write offboarding records there (${(error as Error).message}); nothing was reaped`);
            }
        }
        const operation: EngineOperation<Reaped> = {
            createsStacks: false,
            movesAgents: false,
            changesStacks: true,
            async run(stack, stackIo, context) {
                const before = await stack.exportStack();
                const agents = agentsInState(before);
                const expired = agents.filter((a) => {
                    const expiresAt = a.expiresAt ? parseInstant(a.expiresAt) : undefined;
                    return expiresAt !== undefined && isExpired(expiresAt, now);
                });
                const toReap = expired.filter((a) => a.descendants.length > 0);
                const kept = agents.filter((a) => !expired.includes(a)).map((a) => a.name);
                const result: Reaped = { reaped: toReap.map((a) => a.name), kept, alreadyReaped: expired.filter((a) => a.descendants.length === 0).map((a) => a.name) };
                if (toReap.length > 0 && !dryRun) {
                    const target = toReap.flatMap((a) => [a.urn, ...a.descendants]);
                    stackIo.err(`agentid reap: removing ${target.length - toReap.length} resources of ${toReap.map((a) => a.name).join(", ")} (targeted update, now = ${formatInstant(now)})\n`);
                    (stack.workspace as LocalWorkspace).envVars.AGENTID_NOW = formatInstant(now);
                    const recorder = (await automation()).stepRecorder();
                    const { result: update } = await underLock(stack, stackIo, context.waitMs, () => stack.up({ target, onEvent: progress(stackIo, recorder) })
                        .catch((error) => { throw engineFailure("targeted update", error); }));
                    if (recordDir !== undefined) {
                        const records = offboardingRecords(before, await stack.exportStack(), toReap, { stack: stack.name, judgedAt: now, update: update.summary });
                        try {
                            result.records = writeOffboardingRecords(recordDir, records);
                        } catch (error) {
                            throw new EnvironmentError(`the agents were reaped, but their offboarding records could not be written to ${recordDir}: ${(error as Error).message}`, { ...result });
                        }
                    }
                }
                if (recordDir !== undefined) result.records ??= [];
                return { exitCode: EXIT.ok, document: result };
            },
            print(out, result) {
                printLine(out, `${dryRun ? "would reap" : "reaped"}: ${result.reaped.join(", ") || "none"}`);
                if (result.alreadyReaped.length) printLine(out, `already reaped: ${result.alreadyReaped.join(", ")}`);
                printLine(out, `kept: ${result.kept.join(", ") || "none"}`);
                for (const file of result.records ?? []) printLine(out, `record: ${file}`);
            },
        };
        return runEngineCommand("reap", args, io, operation);
    },
};
