import * as assert from "assert";
import { BENCH_NOW, writeFleet } from "../../bench/generate";
import { validateDeclarations } from "../../provider/guardrails/validate";

describe("benchmark fleet", () => {
    it("is valid, so the benchmarks measure a fleet a team could apply", () => {
        const report = validateDeclarations([writeFleet(120)], { now: new Date(BENCH_NOW) });
        assert.deepStrictEqual(report.errors.map((e) => `${e.rule}: ${e.message}`), []);
        assert.strictEqual(report.agents, 120);
    });
});
