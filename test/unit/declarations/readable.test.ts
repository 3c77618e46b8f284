import * as assert from "assert";
import { summaryOf } from "../../../provider/declarations/readable";
import { validateTexts } from "../../../provider/guardrails/validate";
import { agentWith, NOW_DATE } from "../../helpers/fixtures";

const errorsOf = (text: string) => validateTexts([{ file: "a.yaml", text }], { now: NOW_DATE }).errors.map((e) => [e.rule, e.line, e.column]);

describe("partial agents", () => {
    it("reads each summary field only when it has the right type", () => {
        assert.deepStrictEqual(summaryOf({ metadata: { name: 42, labels: { a: "b", c: 1 } }, spec: { owner: { team: ["x"], contact: "c@example.com" }, expiresAt: "2027-02-30", onExpiry: "never" } }), {
            owner: { contact: "c@example.com" }, expiresAt: "2027-02-30", labels: { a: "b" },
        });
        assert.deepStrictEqual(summaryOf("not a document"), { owner: {}, labels: {} });
        assert.deepStrictEqual(summaryOf({ metadata: { name: "n" }, spec: { expiresAt: "2027-01-15", onExpiry: "disable" } }).expires, new Date("2027-01-15T00:00:00Z"));
    });

    it("runs the guardrails around a missing required field, never quoting a stand-in", () => {
        const text = agentWith(["    contact: platform@example.com", null], ["      access: read", "      access: readwrite"]);
        const report = validateTexts([{ file: "a.yaml", text }], { now: NOW_DATE });
        assert.deepStrictEqual(report.errors.map((e) => [e.rule, e.line, e.column]), [["required-field", 7, 3], ["approval-required", 15, 7]]);
        assert.doesNotMatch(JSON.stringify(report.errors), /unreadable/);
        assert.deepStrictEqual([report.found.length, report.found[0].declaration, report.declarations.length], [1, undefined, 0]);
    });

    it("drops a guardrail that reads an unreadable field (review date against an expiry of the wrong type)", () => {
        assert.deepStrictEqual(errorsOf(agentWith(["  expiresAt: 2027-01-15T00:00:00Z", "  expiresAt: [2027]\n  reviewBy: 2099-01-01"])), [["invalid-type", 10, 3]]);
    });

    it("keeps one error per field: the schema's", () => {
        assert.deepStrictEqual(errorsOf(agentWith(["    contact: platform@example.com", "    contact: nobody"], ["  description: A fixture agent", "  descripton: x"])),
            [["required-field", 5, 1], ["unknown-field", 6, 3], ["contact-email", 9, 5]]);
    });

    it("runs no guardrail when the agent has no readable name", () => {
        assert.deepStrictEqual(errorsOf(agentWith(["  name: fixture-agent", "  name: [x]"], ["      access: read", "      access: readwrite"])), [["invalid-type", 4, 3]]);
    });
});
