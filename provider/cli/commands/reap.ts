import type { LocalWorkspace } from "@pulumi/pulumi/automation";
import { agentsInState } from "../../engine/stackState";
import { formatInstant, isExpired, parseInstant } from "../../declarations/clock";
import { offboardingRecords, prepareRecordDir, writeOffboardingRecords } from "../../engine/offboardingRecord";
import { Command, EnvironmentError, EXIT, printJson, printLine, stringFlag } from "../command";
import { automation, firstLine, openStack, progress, STACK_FLAGS } from "../engineStack";
import { nowFrom } from "../fleetInput";

export const reapCommand: Command = {
    name: "reap",
    summary: "remove expired agents' resources with a targeted update (nothing else pending is applied)",
    usage: "reap --stack S [--cwd DIR] [--now ISO] [--dry-run] [--record DIR] [--json]",
    example: "agentid reap --stack prod --record offboarding/ --json",
    flags: {
        ...STACK_FLAGS, "dry-run": { type: "boolean", description: "list what would be removed, change nothing" },
        record: { type: "string", value: "DIR", description: "write one JSON offboarding record per reaped agent into DIR (what was removed, by which update)", conflictsWith: ["dry-run"] },
    },
    takesPaths: false,
    async run(args, io) {
        const now = nowFrom(args);
        const recordDir = stringFlag(args, "record");
        if (recordDir !== undefined) {
            try {
                prepareRecordDir(recordDir);
            } catch (error) {
                throw new EnvironmentError(`--record ${recordDir}: cannot write offboarding records there (${(error as Error).message}); nothing was reaped`);
            }
        }
        const stack = await openStack(args);
        const before = await stack.exportStack();
        const agents = agentsInState(before);
        const expired = agents.filter((a) => {
            const expiresAt = a.expiresAt ? parseInstant(a.expiresAt) : undefined;
            return expiresAt !== undefined && isExpired(expiresAt, now);
        });
        const toReap = expired.filter((a) => a.descendants.length > 0);
        const kept = agents.filter((a) => !expired.includes(a)).map((a) => a.name);
        const result: { reaped: string[]; kept: string[]; alreadyReaped: string[]; records?: string[] } = { reaped: toReap.map((a) => a.name), kept, alreadyReaped: expired.filter((a) => a.descendants.length === 0).map((a) => a.name) };
        if (toReap.length > 0 && !args.flags["dry-run"]) {
            const target = toReap.flatMap((a) => [a.urn, ...a.descendants]);
            io.err(`agentid reap: removing ${target.length - toReap.length} resources of ${toReap.map((a) => a.name).join(", ")} (targeted update, now = ${formatInstant(now)})\n`);
            (stack.workspace as LocalWorkspace).envVars.AGENTID_NOW = formatInstant(now);
            const recorder = (await automation()).stepRecorder();
            const update = await stack.up({ target, onEvent: progress(io, recorder) }).catch((error) => { throw new Error(`targeted update failed: ${firstLine(error)}`); });
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
        if (args.flags.json) printJson(io, result);
        else {
            printLine(io, `${args.flags["dry-run"] ? "would reap" : "reaped"}: ${result.reaped.join(", ") || "none"}`);
            if (result.alreadyReaped.length) printLine(io, `already reaped: ${result.alreadyReaped.join(", ")}`);
            printLine(io, `kept: ${kept.join(", ") || "none"}`);
            for (const file of result.records ?? []) printLine(io, `record: ${file}`);
        }
        return EXIT.ok;
    },
};
