import * as assert from "assert";
import { daysUntil, formatInstant, isExpired, parseDuration, parseInstant, resolveNow } from "../../../provider/declarations/clock";

describe("clock", () => {
    it("reads a full date as midnight UTC", () => {
        assert.strictEqual(parseInstant("2027-02-28")!.toISOString(), "2027-02-28T00:00:00.000Z");
    });
    it("honours offsets in date-times", () => {
        assert.strictEqual(parseInstant("2027-02-28T01:30:00+02:00")!.toISOString(), "2027-02-27T23:30:00.000Z");
    });
    for (const bad of ["2027-13-45", "2027-02-30", "2026-02-29", "2027-01-01T24:00:00Z", "2027-1-1", "tomorrow", ""]) {
        it(`rejects ${JSON.stringify(bad)} instead of rolling it over`, () => assert.strictEqual(parseInstant(bad), undefined));
    }
    it("accepts a leap day in a leap year", () => assert.ok(parseInstant("2028-02-29")));
    it("formats without milliseconds", () => assert.strictEqual(formatInstant(new Date("2027-02-28T00:00:00.000Z")), "2027-02-28T00:00:00Z"));
    it("is expired exactly at expiresAt, not a millisecond before", () => {
        const at = new Date("2027-01-01T00:00:00Z");
        assert.strictEqual(isExpired(at, new Date("2027-01-01T00:00:00Z")), true);
        assert.strictEqual(isExpired(at, new Date("2026-12-31T23:59:59.999Z")), false);
    });
    it("counts whole days left, rounding down", () => {
        assert.strictEqual(daysUntil(new Date("2027-01-10T00:00:00Z"), new Date("2027-01-01T12:00:00Z")), 8);
        assert.strictEqual(daysUntil(new Date("2027-01-01T00:00:00Z"), new Date("2027-01-02T00:00:00Z")), -1);
    });
    it("parses durations in hours, days and weeks", () => {
        assert.deepStrictEqual(["36h", "14d", "2w", "90s", "10m", "14", "d", "-1d", "1.5m"].map(parseDuration), [129_600_000, 1_209_600_000, 1_209_600_000, 90_000, 600_000, undefined, undefined, undefined, undefined]);
    });
    it("prefers an explicit now over AGENTID_NOW", () => {
        const saved = process.env.AGENTID_NOW;
        process.env.AGENTID_NOW = "2030-01-01";
        try {
            assert.strictEqual(resolveNow("2027-01-01").toISOString(), "2027-01-01T00:00:00.000Z");
            assert.strictEqual(resolveNow().toISOString(), "2030-01-01T00:00:00.000Z");
            assert.throws(() => resolveNow("soon"), /"now" must be an RFC 3339 date-time/);
        } finally {
            if (saved === undefined) delete process.env.AGENTID_NOW; else process.env.AGENTID_NOW = saved;
        }
    });
});
