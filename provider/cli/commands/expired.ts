import { daysUntil, isExpired, parseDuration } from "../../declarations/clock";
import { diagnosticRecord } from "../../declarations/diagnostics";
import { Command, EXIT, printJson, printLine, stringFlag, UsageError } from "../command";
import { loadFleet, nowFrom } from "../fleetInput";

export interface ExpiryReport {
    expired: { name: string; expiresAt: string; owner: { team: string | null; contact: string | null }; onExpiry: string; valid: boolean }[];
    expiring: { name: string; expiresAt: string; daysLeft: number; valid: boolean }[];
    /** Every agent with errors, counted above when its name and expiry could still be read. */
    invalid: { name: string | null; file: string; line: number; expiresAt: string | null; expiryKnown: boolean; errors: ReturnType<typeof diagnosticRecord>[] }[];
}

export const expiredCommand: Command = {
    name: "expired",
    summary: "list expired agents and agents expiring soon (invalid agents too, with their errors)",
    usage: "expired PATH… [--within 14d] [--fail-on-expired] [--now ISO] [--json]",
    example: "agentid expired agents/ --within 14d --fail-on-expired",
    flags: {
        within: { type: "string", value: "DURATION", description: "also list agents expiring within this window (h, d, w; default 14d)" },
        "fail-on-expired": { type: "boolean", description: "exit 1 when any agent has expired, or when an agent's name or expiry cannot be read" },
    },
    takesPaths: true,
    async run(args, io) {
        const now = nowFrom(args);
        const windowText = stringFlag(args, "within") ?? "14d";
        const window = parseDuration(windowText);
        if (window === undefined) throw new UsageError(`--within must be a duration such as 14d, 36h or 2w; got "${windowText}"`);
        const report = loadFleet(args.positionals, now);
        const result: ExpiryReport = { expired: [], expiring: [], invalid: [] };
        for (const { summary, file, line, errors, valid } of report.found) {
            const { name, expires, expiresAt } = summary;
            const known = name !== undefined && expires !== undefined && expiresAt !== undefined;
            if (!valid) {
                result.invalid.push({ name: name ?? null, file, line, expiresAt: expiresAt ?? null, expiryKnown: known, errors: errors.map(diagnosticRecord) });
            }
            if (!known) continue;
            if (isExpired(expires, now)) {
                result.expired.push({ name, expiresAt, owner: { team: summary.owner.team ?? null, contact: summary.owner.contact ?? null }, onExpiry: summary.onExpiry ?? "delete", valid });
            } else if (expires.getTime() - now.getTime() <= window) {
                result.expiring.push({ name, expiresAt, daysLeft: daysUntil(expires, now), valid });
            }
        }
        const unknown = result.invalid.filter((i) => !i.expiryKnown);
        if (args.flags.json) {
            printJson(io, result);
        } else {
            const mark = (valid: boolean) => (valid ? "" : "  (invalid)");
            for (const e of result.expired) printLine(io, `expired   ${e.name}  ${e.expiresAt}  ${e.owner.team ?? "?"} <${e.owner.contact ?? "?"}>  onExpiry=${e.onExpiry}${mark(e.valid)}`);
            for (const e of result.expiring) printLine(io, `expiring  ${e.name}  ${e.expiresAt}  ${e.daysLeft} day${e.daysLeft === 1 ? "" : "s"} left${mark(e.valid)}`);
            for (const e of unknown) printLine(io, `unknown   ${e.name ?? "(no readable name)"}  ${e.file}:${e.line}  expiry cannot be read (${e.errors.length} error${e.errors.length === 1 ? "" : "s"})`);
            printLine(io, `${result.expired.length} expired, ${result.expiring.length} expiring within ${windowText}${unknown.length ? `, ${unknown.length} with an unreadable expiry` : ""}`);
        }
        if (result.invalid.length > 0) io.err(`note: ${result.invalid.length} agent${result.invalid.length === 1 ? " has" : "s have"} validation errors; run agentid validate\n`);
        const failed = result.expired.length > 0 || unknown.length > 0;
        return args.flags["fail-on-expired"] && failed ? EXIT.findings : EXIT.ok;
    },
};
