/** Time for expiry and lifetime rules. "now" is always injectable so plans and tests are deterministic. */

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2}))?$/;
const DAY_MS = 86_400_000;

/**
 * Parses an RFC 3339 date-time or a full date (midnight UTC). Returns undefined for anything that is
 * not a real calendar instant: `2027-13-45` and `2027-02-30` are rejected, not rolled over.
 */
export function parseInstant(text: string): Date | undefined {
    const m = INSTANT.exec(text);
    if (!m) return undefined;
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
    const calendar = new Date(Date.UTC(year, month - 1, day));
    if (calendar.getUTCFullYear() !== year || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) {
        return undefined;
    }
    if (hour > 23 || minute > 59 || second > 59) return undefined;
    if (m[4] === undefined) return calendar;
    const parsed = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[7] ?? ""}${m[8].toUpperCase()}`);
    return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}

/** The canonical form used in tags, trust conditions and outputs: `2027-02-28T00:00:00Z`. */
export function formatInstant(instant: Date): string {
    return instant.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Resolves "now": an explicit ISO value wins, then `AGENTID_NOW`, then the system clock. */
export function resolveNow(explicit?: string): Date {
    const text = explicit ?? process.env.AGENTID_NOW;
    if (text === undefined || text === "") return new Date();
    const parsed = parseInstant(text);
    if (!parsed) {
        throw new Error(`"now" must be an RFC 3339 date-time or a date such as 2027-01-01T00:00:00Z; got "${text}"`);
    }
    return parsed;
}

/** Whole days from `now` until `instant` (negative once past), rounded down. */
export function daysUntil(instant: Date, now: Date): number {
    return Math.floor((instant.getTime() - now.getTime()) / DAY_MS);
}

/** `now` plus a number of days. */
export function addDays(now: Date, days: number): Date {
    return new Date(now.getTime() + days * DAY_MS);
}

/** An agent is expired once `expiresAt <= now`. */
export function isExpired(expiresAt: Date, now: Date): boolean {
    return expiresAt.getTime() <= now.getTime();
}

/** Parses a duration such as `30s`, `10m`, `14d`, `36h` or `2w` into milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
    const m = /^(\d+)([smhdw])$/.exec(text);
    if (!m) return undefined;
    const unit = { s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS }[m[2] as "s" | "m" | "h" | "d" | "w"];
    return Number(m[1]) * unit;
}
