import * as assert from "assert";
import MarkdownIt from "markdown-it";
import { agentid, agentWith, BASE_AGENT, NOW, writeFixtures } from "../helpers/fixtures";

/** The injection, carried by a SPIRE selector (free text on one line), and a mention in the owner team. */
const INJECTED_SELECTOR = "unix:user:x</details> ## ✅ no access changes @security-team | injected | row |";
const MENTIONING_TEAM = "x @security-team";

/** Every token markdown-it (with HTML on, as GitHub renders comments) produces, block and inline. */
function tokens(markdown: string) {
    return new MarkdownIt({ html: true }).parse(markdown, {}).flatMap((t) => [t, ...(t.children ?? [])]);
}

describe("bad input never changes the answer: output is data, not markup (CLI process)", () => {
    it("keeps an injected heading, HTML, table row and mention out of the diff's pull-request comment", async () => {
        const withSpire = (selector: string, team: string) => agentWith(["    team: platform", `    team: "${team}"`],
            ["      trustAnchorArn: arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/abc", `      trustAnchorArn: arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/abc\n    spire:\n      parentId: spiffe://example.org/node/a\n      selectors: ["${selector}"]`]);
        const base = writeFixtures({ "a.yaml": withSpire("unix:user:x", "platform") });
        const head = writeFixtures({ "a.yaml": withSpire(INJECTED_SELECTOR, MENTIONING_TEAM) });
        const result = await agentid(["diff", "--base", base, "--head", head, "--now", NOW, "--format", "md"]);
        assert.strictEqual(result.code, 0, result.stderr);
        const all = tokens(result.stdout);
        assert.deepStrictEqual(all.filter((t) => t.type === "heading_open").map((t) => t.tag), ["h3"]);
        assert.deepStrictEqual(all.filter((t) => t.type === "tr_open").length, 3); // the header and two changes
        assert.deepStrictEqual(all.filter((t) => t.type.startsWith("html")).map((t) => t.content.trim()), ["<details><summary>Effective permissions before → after</summary>", "</details>"]);
        assert.deepStrictEqual(all.filter((t) => t.type === "text" && t.content.includes("@security-team")), []);
        assert.deepStrictEqual(all.filter((t) => t.type === "code_inline").map((t) => t.content).slice(1), [
            "platform <platform@example.com> → x @security-team <platform@example.com>",
            `SPIRE entry spiffe://example.org/node/a [unix:user:x] x509 900s → spiffe://example.org/node/a [${INJECTED_SELECTOR}] x509 900s`,
        ]);
    });

    it("shows control characters as escapes on the terminal", async () => {
        const dir = writeFixtures({ "a.yaml": agentWith(["    team: platform", `    team: "\\e[2J\\e[31mred\\u202Eevil"`], ["  expiresAt: 2027-01-15T00:00:00Z", "  expiresAt: 2026-11-01T00:00:00Z"]) });
        const [expired, show] = await Promise.all([agentid(["expired", dir, "--now", NOW]), agentid(["show", dir, "--agent", "fixture-agent", "--now", NOW])]);
        for (const out of [expired.stdout, expired.stderr, show.stdout, show.stderr]) assert.doesNotMatch(out, /[\u001b\u202e]/);
        assert.match(expired.stdout, /^expired {3}fixture-agent {2}2026-11-01T00:00:00Z {2}\\x1b\[2J\\x1b\[31mred\\u202eevil <platform@example\.com>/);
        assert.ok((show.stdout + show.stderr).includes("\\x1b[2J\\x1b[31mred\\u202eevil"), show.stdout + show.stderr);
    });

    it("neutralises CSV cells that a spreadsheet would run as formulas", async () => {
        const dir = writeFixtures({ "a.yaml": agentWith(["    team: platform", "    team: '=HYPERLINK(\"http://evil.example\",\"x\")'"], ["    contact: platform@example.com", "    contact: +1@example.com"]) });
        const result = await agentid(["inventory", dir, "--now", NOW, "--format", "csv"]);
        const row = result.stdout.split("\n")[1];
        assert.ok(row.startsWith(`fixture-agent,"'=HYPERLINK(""http://evil.example"",""x"")",'+1@example.com,2027-01-15T00:00:00Z,`), row);
    });

    it("accepts only e-mail addresses as contacts and approvers", async () => {
        const dir = writeFixtures({ "a.yaml": agentWith(
            ["    contact: platform@example.com", "    contact: mailto:platform@example.com"],
            ["  expiresAt: 2027-01-15T00:00:00Z", "  expiresAt: 2027-01-15T00:00:00Z\n  approval:\n    ticket: SEC-1\n    approvers: [\"<script>@x.yz\", \"Security <sec@example.com>\", sec@example.com]"],
        ) });
        const result = await agentid(["validate", dir, "--now", NOW, "--json"]);
        assert.strictEqual(result.code, 1);
        assert.deepStrictEqual(JSON.parse(result.stdout).errors.map((e: { path: string; rule: string; message: string }) => [e.path, e.rule, e.message]), [
            ["spec.owner.contact", "contact-email", "spec.owner.contact must be an e-mail address such as team@example.com"],
            ["spec.approval.approvers[0]", "contact-email", "spec.approval.approvers[0] must be an e-mail address such as team@example.com"],
            ["spec.approval.approvers[1]", "contact-email", "spec.approval.approvers[1] must be an e-mail address such as team@example.com"],
        ]);
    });

    it("refuses whitespace-only descriptions, teams and tickets", async () => {
        const dir = writeFixtures({ "a.yaml": agentWith(
            ["  description: A fixture agent", "  description: \"   \""], ["    team: platform", "    team: \"\\t\""],
            ["  expiresAt: 2027-01-15T00:00:00Z", "  expiresAt: 2027-01-15T00:00:00Z\n  approval:\n    ticket: \" \"\n    approvers: [sec@example.com]"],
        ) });
        const result = await agentid(["validate", dir, "--now", NOW, "--json"]);
        assert.strictEqual(result.code, 1);
        assert.deepStrictEqual(JSON.parse(result.stdout).errors.map((e: { path: string; rule: string; message: string }) => [e.path, e.rule, e.message]), [
            ["spec.description", "invalid-value", "spec.description must not be blank; say it in words"],
            ["spec.owner.team", "invalid-value", "spec.owner.team must not be blank; say it in words"],
            ["spec.approval.ticket", "invalid-value", "spec.approval.ticket must not be blank; say it in words"],
        ]);
    });

    it("refuses an approver who is the owner's contact only when the Fleet requires independent approval", async () => {
        const agent = agentWith(["      access: read", "      access: readwrite"], ["  expiresAt: 2027-01-15T00:00:00Z", "  expiresAt: 2027-01-15T00:00:00Z\n  approval:\n    ticket: SEC-1\n    approvers: [platform@example.com]"]);
        const fleet = (independent: boolean) => `apiVersion: agentid/v1\nkind: Fleet\nmetadata: { name: prod }\nspec: { independentApproval: ${independent} }\n`;
        const [strict, lenient] = await Promise.all([
            agentid(["validate", writeFixtures({ "fleet.yaml": fleet(true), "a.yaml": agent }), "--now", NOW, "--json"]),
            agentid(["validate", writeFixtures({ "fleet.yaml": fleet(false), "a.yaml": agent }), "--now", NOW, "--json"]),
        ]);
        assert.deepStrictEqual([strict.code, JSON.parse(strict.stdout).errors.map((e: { path: string; rule: string; message: string }) => [e.path, e.rule, e.message])], [1, [
            ["spec.approval.approvers[0]", "approver-is-owner", "approver platform@example.com is the owner's contact; this fleet requires independent approval — ask someone outside platform to approve"],
        ]]);
        assert.deepStrictEqual([lenient.code, JSON.parse(lenient.stdout).valid], [0, true]);
    });
});
