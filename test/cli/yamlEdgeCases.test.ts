import * as assert from "assert";
import { agentid, agentWith, BASE_AGENT, NOW, writeFixtures } from "../helpers/fixtures";

type JsonError = { line: number; column: number; path: string; rule: string; message: string };
const errorsOf = (stdout: string): JsonError[] => JSON.parse(stdout).errors;

describe("bad input never changes the answer: YAML edge cases (CLI process)", () => {
    it("accepts a trailing --- and documents that hold only comments", async () => {
        const dir = writeFixtures({ "a.yaml": `${BASE_AGENT}---\n`, "b.yaml": "# agents move here next week\n---\n# nothing yet\n" });
        const result = await agentid(["validate", dir, "--now", NOW]);
        assert.deepStrictEqual(result, { code: 0, stdout: "1 agent in 2 files: all valid\n", stderr: "" });
    });

    it("reports nesting beyond the limit as a yaml-syntax error naming it, where the limit is crossed", async () => {
        // The mapping is level 1, so the 64th "[" (column 67) is the 65th level.
        const dir = writeFixtures({ "deep.yaml": `a: ${"[".repeat(20000)}${"]".repeat(20000)}\n` });
        const result = await agentid(["validate", dir, "--now", NOW, "--json"]);
        assert.strictEqual(result.code, 1);
        assert.deepStrictEqual(errorsOf(result.stdout).map((e) => [e.rule, e.line, e.column, e.message]), [
            ["yaml-syntax", 1, 67, "invalid YAML: collections nest deeper than 64 levels here, the limit for agentid declarations (they need 6); flatten the document"],
        ]);
        assert.strictEqual(result.stderr, "");
    });

    it("refuses complex keys cleanly, with no warning from Node", async () => {
        const dir = writeFixtures({ "a.yaml": BASE_AGENT.replace("metadata:\n", "metadata:\n  ? [a, b]\n  : c\n") });
        const result = await agentid(["validate", dir, "--now", NOW, "--json"]);
        assert.strictEqual(result.code, 1);
        assert.deepStrictEqual(errorsOf(result.stdout).map((e) => [e.rule, e.line, e.column]), [["yaml-syntax", 4, 5]]);
        assert.match(errorsOf(result.stdout)[0].message, /a mapping key must be a plain value, not a list or a mapping/);
        assert.strictEqual(result.stderr, "");
    });

    it("reports the same columns with and without a byte-order mark", async () => {
        const text = agentWith(["apiVersion: agentid/v1", "apiVersion: agentid/v2"]);
        const [plain, bom] = await Promise.all([
            agentid(["validate", writeFixtures({ "a.yaml": text }), "--now", NOW, "--json"]),
            agentid(["validate", writeFixtures({ "a.yaml": `\uFEFF${text}` }), "--now", NOW, "--json"]),
        ]);
        assert.deepStrictEqual(errorsOf(bom.stdout).map((e) => [e.rule, e.line, e.column]), [["invalid-value", 1, 1]]);
        const withoutFile = (errors: JsonError[]) => errors.map(({ line, column, path, rule, message }) => ({ line, column, path, rule, message }));
        assert.deepStrictEqual(withoutFile(errorsOf(bom.stdout)), withoutFile(errorsOf(plain.stdout)));
    });

    it("reports an unclosed bracket where it opens", async () => {
        const dir = writeFixtures({ "a.yaml": agentWith(["      resources:", "      resources: [arn:aws:s3:::bucket/prefix/*,"], ["        - arn:aws:s3:::bucket/prefix/*", null]) + "  onExpiry: delete\n" });
        const result = await agentid(["validate", dir, "--now", NOW, "--json"]);
        assert.deepStrictEqual(errorsOf(result.stdout).map((e) => [e.rule, e.line, e.column, e.message]), [
            ["yaml-syntax", 18, 18, `invalid YAML: this "[" is never closed; add the matching "]"`],
        ]);
    });

    it("hints to quote dates that %YAML 1.1 reads as timestamps", async () => {
        const dir = writeFixtures({ "a.yaml": `%YAML 1.1\n---\n${agentWith(["  expiresAt: 2027-01-15T00:00:00Z", "  expiresAt: 2027-01-15"])}` });
        const result = await agentid(["validate", dir, "--now", NOW, "--json"]);
        assert.deepStrictEqual(errorsOf(result.stdout).map((e) => [e.rule, e.line, e.column, e.message]), [
            ["invalid-type", 12, 3, `spec.expiresAt must be a string, but YAML 1.1 (%YAML 1.1) read this unquoted date as a timestamp; quote the date, e.g. "2027-01-15"`],
        ]);
    });
});
