import { resolveNow } from "../declarations/clock";
import { FoundAgent, validateDeclarations, ValidationReport } from "../guardrails/validate";
import type { ClockSource } from "../guardrails/validatedFleet";
import type { StackSharding } from "../declarations/types";
import { isSharded, Shard, shardsOf } from "../model/shards";
import { EnvironmentError, InvalidDeclarationsError, ParsedArgs, stringFlag, UsageError } from "./command";

/** The clock from `--now`, as a usage error when malformed. */
export function nowFrom(args: ParsedArgs): Date {
    try {
        return resolveNow(stringFlag(args, "now"));
    } catch (error) {
        throw new UsageError(`--now: ${(error as Error).message}`);
    }
}

/** Whether the clock of `nowFrom` was given (--now, AGENTID_NOW) or is the system's. */
export function clockSourceOf(args: ParsedArgs): ClockSource {
    return stringFlag(args, "now") !== undefined || (process.env.AGENTID_NOW ?? "") !== "" ? "pinned" : "system";
}

/** Validates the declaration paths a command was given; a missing or unreadable path is an environment error. */
export function loadFleet(paths: string[], now: Date): ValidationReport {
    return requireReadable(validateDeclarations(paths, { now }));
}

/** The report, or an environment error naming every path that does not exist or cannot be read. */
export function requireReadable(report: ValidationReport): ValidationReport {
    if (report.missing.length > 0) {
        throw new EnvironmentError(`no such file or directory: ${report.missing.join(", ")}`, { missing: report.missing });
    }
    if (report.unreadable.length > 0) {
        throw new EnvironmentError(`cannot read ${report.unreadable.map((u) => `${u.file} (${u.reason})`).join(", ")}`, { unreadable: report.unreadable });
    }
    return report;
}

/**
 * The one agent named by `--agent`, valid or not; a usage error listing the names there are when
 * none matches. An agent whose document failed the schema is found, and refused as invalid.
 */
export function findAgent(report: ValidationReport, name: string, command: string): FoundAgent & { declaration: NonNullable<FoundAgent["declaration"]> } {
    const found = report.found.find((f) => f.summary.name === name);
    if (!found) {
        const names = report.found.flatMap((f) => (f.summary.name === undefined ? [] : [f.summary.name]));
        throw new UsageError(`no agent named "${name}" in the given paths${names.length ? `; agents there: ${names.join(", ")}` : ""}`, { agents: names });
    }
    if (!found.declaration) throw invalidAgent(found, name, command);
    return found as FoundAgent & { declaration: NonNullable<FoundAgent["declaration"]> };
}

/** The error for an agent that exists but is invalid: its diagnostics, exit 1. */
export function invalidAgent(found: FoundAgent, name: string, command: string): InvalidDeclarationsError {
    return new InvalidDeclarationsError(
        `agent "${name}" is invalid (${found.errors.length} error${found.errors.length === 1 ? "" : "s"}); fix the errors above (agentid validate) before agentid ${command}`,
        found.errors, { agent: name },
    );
}

/**
 * The stacks of a sharded fleet from its declarations, validated as one fleet: invalid declarations
 * are refused (exit 1, the program would register nothing), a fleet without `spec.stacks` is a usage error.
 */
export function loadShards(paths: string[], now: Date, command: string): { shards: Shard[]; sharding: StackSharding; report: ValidationReport } {
    const report = loadFleet(paths, now);
    if (!report.valid) {
        throw new InvalidDeclarationsError(`the declarations have ${report.errors.length} error${report.errors.length === 1 ? "" : "s"}; fix them (agentid validate) before agentid ${command}`, report.errors);
    }
    if (!isSharded(report.settings)) {
        throw new UsageError(`the fleet in ${paths.join(", ")} is not split into stacks; add spec.stacks: { by: team } (or by: label:<key>) to its kind: Fleet document`);
    }
    return { shards: shardsOf(report.declarations.map((d) => d.declaration), report.settings.stacks), sharding: report.settings.stacks, report };
}
