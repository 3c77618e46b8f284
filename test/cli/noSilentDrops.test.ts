import * as assert from "assert";
import * as path from "path";
import { agentid, agentWith, BASE_AGENT, NOW, writeFixtures } from "../helpers/fixtures";

/** [rule, line, column] of each error in a JSON document. */
const rules = (errors: { rule: string; line: number; column: number }[]) => errors.map((e) => [e.rule, e.line, e.column]);

const MISSPELLED_AND_EXPIRED = agentWith(["  description: A fixture agent", "  descripton: A fixture agent"], ["  expiresAt: 2027-01-15T00:00:00Z", "  expiresAt: 2026-11-01T00:00:00Z"]);
const IMPOSSIBLE_DATE = agentWith(["  name: fixture-agent", "  name: second-agent"], ["  expiresAt: 2027-01-15T00:00:00Z", "  expiresAt: 2026-02-30"]);

describe("bad input never changes the answer: no silent drops (CLI process)", () => {
    it("diff refuses a broken head instead of reporting the agent as removed", async () => {
        const base = writeFixtures({ "a.yaml": BASE_AGENT });
        const head = writeFixtures({ "a.yaml": agentWith(["      access: read", "      access: readwrite\n      acess: readwrite"]) });
        const [json, text, md] = await Promise.all([
            agentid(["diff", "--base", base, "--head", head, "--now", NOW, "--json"]),
            agentid(["diff", "--base", base, "--head", head, "--now", NOW]),
            agentid(["diff", "--base", base, "--head", head, "--now", NOW, "--format", "md"]),
        ]);
        assert.strictEqual(json.code, 1);
        const document = JSON.parse(json.stdout);
        assert.deepStrictEqual(Object.keys(document), ["error", "invalid", "errors"]);
        assert.deepStrictEqual(document.error, { code: "invalid", message: "the head declarations have 2 errors; nothing was compared — fix them (agentid validate) and run diff again" });
        assert.deepStrictEqual(document.invalid, ["head"]);
        // The misspelled field does not hide the write grant's missing approval.
        assert.deepStrictEqual(rules(document.errors), [["unknown-field", 18, 7], ["approval-required", 16, 7]]);
        assert.deepStrictEqual([text.code, text.stdout], [1, ""]);
        assert.match(text.stderr, /a\.yaml:18:7: error: unknown field "acess" in spec\.grants\[0\].*\nagentid diff: error: the head declarations have 2 errors; nothing was compared/s);
        assert.strictEqual(md.code, 1);
        assert.match(md.stdout, /^\*\*agentid access diff\*\*: not computed — the head declarations have 2 errors\./);
        for (const out of [json.stdout, text.stdout, md.stdout]) assert.doesNotMatch(out, /removed/);
    });

    it("diff refuses a broken base too", async () => {
        const result = await agentid(["diff", "--base", writeFixtures({ "a.yaml": MISSPELLED_AND_EXPIRED }), "--head", writeFixtures({ "a.yaml": BASE_AGENT }), "--now", NOW, "--json"]);
        assert.deepStrictEqual([result.code, JSON.parse(result.stdout).invalid], [1, ["base"]]);
    });

    it("expired counts an expired agent with a schema error, and fails on an expiry it cannot read", async () => {
        const dir = writeFixtures({ "a.yaml": MISSPELLED_AND_EXPIRED, "b.yaml": IMPOSSIBLE_DATE });
        const [json, failing, text] = await Promise.all([
            agentid(["expired", dir, "--now", NOW, "--json"]),
            agentid(["expired", dir, "--now", NOW, "--fail-on-expired"]),
            agentid(["expired", dir, "--now", NOW]),
        ]);
        assert.strictEqual(json.code, 0);
        const report = JSON.parse(json.stdout);
        assert.deepStrictEqual(report.expired, [{ name: "fixture-agent", expiresAt: "2026-11-01T00:00:00Z", owner: { team: "platform", contact: "platform@example.com" }, onExpiry: "delete", valid: false }]);
        assert.deepStrictEqual(report.expiring, []);
        assert.deepStrictEqual(report.invalid.map((i: { name: string; file: string; expiresAt: string; expiryKnown: boolean; errors: { rule: string; line: number; column: number }[] }) =>
            [i.name, path.basename(i.file), i.expiresAt, i.expiryKnown, rules(i.errors)]), [
            ["fixture-agent", "a.yaml", "2026-11-01T00:00:00Z", true, [["required-field", 5, 1], ["unknown-field", 6, 3]]],
            ["second-agent", "b.yaml", "2026-02-30", false, [["date-invalid", 10, 3]]],
        ]);
        assert.strictEqual(failing.code, 1);
        assert.strictEqual(text.stdout,
            "expired   fixture-agent  2026-11-01T00:00:00Z  platform <platform@example.com>  onExpiry=delete  (invalid)\n" +
            `unknown   second-agent  ${path.join(dir, "b.yaml")}:1  expiry cannot be read (1 error)\n` +
            "1 expired, 0 expiring within 14d, 1 with an unreadable expiry\n");
        assert.match(text.stderr, /note: 2 agents have validation errors; run agentid validate/);
    });

    it("fails --fail-on-expired for an agent whose expiry cannot be read, even when nothing else expired", async () => {
        const result = await agentid(["expired", writeFixtures({ "b.yaml": IMPOSSIBLE_DATE }), "--now", NOW, "--fail-on-expired", "--json"]);
        assert.deepStrictEqual([result.code, JSON.parse(result.stdout).expired], [1, []]);
    });

    it("inventory and report list invalid agents, marked, with their errors", async () => {
        const dir = writeFixtures({ "a.yaml": MISSPELLED_AND_EXPIRED, "b.yaml": IMPOSSIBLE_DATE, "c.yaml": agentWith(["  name: fixture-agent", "  name: good-agent"]) });
        const [inventory, csv, report] = await Promise.all([
            agentid(["inventory", dir, "--now", NOW, "--json"]),
            agentid(["inventory", dir, "--now", NOW, "--format", "csv"]),
            agentid(["report", dir, "--now", NOW, "--framework", "owasp-nhi", "--json"]),
        ]);
        const agents = JSON.parse(inventory.stdout).agents as { name: string; status: string; valid: boolean; identities: unknown; reach: unknown; errors: { rule: string }[] }[];
        assert.deepStrictEqual(agents.map((a) => [a.name, a.status, a.valid, a.identities === null, a.reach === null, a.errors.map((e) => e.rule)]), [
            ["fixture-agent", "expired", false, true, true, ["required-field", "unknown-field"]],
            ["second-agent", "unknown", false, false, false, ["date-invalid"]],
            ["good-agent", "active", true, false, false, []],
        ]);
        const rows = csv.stdout.trimEnd().split("\n");
        assert.deepStrictEqual([rows[0].endsWith(",valid,errors"), rows[1].endsWith(',false,"2 errors: required-field, unknown-field"'), rows[2].endsWith(",false,1 error: date-invalid"), rows[3].endsWith(",true,")], [true, true, true, true]);
        const nhi1 = JSON.parse(report.stdout).controls.find((c: { id: string }) => c.id === "NHI1");
        assert.deepStrictEqual(nhi1.agents.map((a: { agent: string; status: string; valid?: boolean }) => [a.agent, a.status, a.valid]), [
            ["fixture-agent", "fail", false], ["second-agent", "fail", false], ["good-agent", "pass", undefined],
        ]);
        assert.match(nhi1.agents[0].evidence, /^invalid declaration at .*a\.yaml:1 \(2 errors: required-field, unknown-field\); fix it \(agentid validate\)$/);
    });

    it("runs the guardrails on a document with schema errors, on the fields that can be read", async () => {
        const dir = writeFixtures({ "a.yaml": agentWith(["  description: A fixture agent", "  descripton: A fixture agent"], ["        - arn:aws:s3:::bucket/prefix/*", "        - \"*\""]) });
        const result = await agentid(["validate", dir, "--now", NOW, "--json"]);
        assert.strictEqual(result.code, 1);
        assert.deepStrictEqual(rules(JSON.parse(result.stdout).errors), [["required-field", 5, 1], ["unknown-field", 6, 3], ["wildcard-resource", 19, 11]]);
    });

    it("lists a document with a mistyped kind as an invalid agent instead of ignoring it", async () => {
        const result = await agentid(["expired", writeFixtures({ "a.yaml": MISSPELLED_AND_EXPIRED.replace("kind: Agent", "kind: agent") }), "--now", NOW, "--fail-on-expired", "--json"]);
        assert.strictEqual(result.code, 1);
        assert.deepStrictEqual(JSON.parse(result.stdout).expired.map((e: { name: string }) => e.name), ["fixture-agent"]);
    });
});
