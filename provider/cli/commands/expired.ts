import { daysUntil, isExpired, parseDuration, parseInstant } from "../../spec/clock";
import { Command, EXIT, printJson, stringFlag, UsageError } from "../command";
import { loadFleet, nowFrom } from "../fleetInput";

export interface ExpiryReport {
    expired: { name: string; expiresAt: string; owner: { team: string; contact: string }; onExpiry: string }[];
    expiring: { name: string; expiresAt: string; daysLeft: number }[];
}

export const expiredCommand: Command = {
    name: "expired",
    summary: "list expired agents and agents expiring soon",
    usage: "expired PATH… [--within 14d] [--fail-on-expired] [--now ISO] [--json]",
    example: "agentid expired agents/ --within 14d --fail-on-expired",
    flags: {
        within: { type: "string", value: "DURATION", description: "also list agents expiring within this window (h, d, w; default 14d)" },
        "fail-on-expired": { type: "boolean", description: "exit 1 when any agent has expired" },
    },
    takesPaths: true,
    async run(args, io) {
        const now = nowFrom(args);
        const windowText = stringFlag(args, "within") ?? "14d";
        const window = parseDuration(windowText);
        if (window === undefined) throw new UsageError(`--within must be a duration such as 14d, 36h or 2w; got "${windowText}"`);
        const report = loadFleet(args.positionals, now);
        const result: ExpiryReport = { expired: [], expiring: [] };
        for (const { declaration } of report.declarations) {
            const expiresAt = parseInstant(declaration.spec.expiresAt);
            if (!expiresAt) continue; // reported by validate
            const { name } = declaration.metadata;
            if (isExpired(expiresAt, now)) {
                result.expired.push({ name, expiresAt: declaration.spec.expiresAt, owner: { team: declaration.spec.owner.team, contact: declaration.spec.owner.contact }, onExpiry: declaration.spec.onExpiry ?? "delete" });
            } else if (expiresAt.getTime() - now.getTime() <= window) {
                result.expiring.push({ name, expiresAt: declaration.spec.expiresAt, daysLeft: daysUntil(expiresAt, now) });
            }
        }
        if (args.flags.json) {
            printJson(io, result);
        } else {
            for (const e of result.expired) io.out(`expired   ${e.name}  ${e.expiresAt}  ${e.owner.team} <${e.owner.contact}>  onExpiry=${e.onExpiry}\n`);
            for (const e of result.expiring) io.out(`expiring  ${e.name}  ${e.expiresAt}  ${e.daysLeft} day${e.daysLeft === 1 ? "" : "s"} left\n`);
            io.out(`${result.expired.length} expired, ${result.expiring.length} expiring within ${windowText}\n`);
        }
        if (report.errors.length > 0) io.err(`note: ${report.errors.length} validation error(s) in these declarations; run agentid validate\n`);
        return args.flags["fail-on-expired"] && result.expired.length > 0 ? EXIT.findings : EXIT.ok;
    },
};
