import * as assert from "assert";
import { showControls } from "../../../provider/output/controls";
import { csvCell, csvRow } from "../../../provider/output/csv";
import { markdownCell, markdownCode, markdownCodeBlock } from "../../../provider/output/markdown";
import { terminalText } from "../../../provider/output/terminal";
import { printJson } from "../../../provider/cli/command";

describe("output escaping", () => {
    it("shows control, separator and bidirectional characters as visible escapes", () => {
        assert.strictEqual(showControls("a\nb\r\tc\u001b[31m\u007f\u0085\u2028\u202e\u2066d é ✅"), "a\\nb\\r\\tc\\x1b[31m\\x7f\\x85\\u2028\\u202e\\u2066d é ✅");
        assert.strictEqual(terminalText("line\nbreak"), "line\\nbreak");
    });

    it("renders Markdown user text as code spans no backtick run can close", () => {
        assert.strictEqual(markdownCode("## @team </details>"), "`## @team </details>`");
        assert.strictEqual(markdownCode("a`b``c"), "```a`b``c```");
        assert.strictEqual(markdownCode("`edge`"), "`` `edge` ``");
        assert.strictEqual(markdownCode(""), "` `");
        assert.strictEqual(markdownCell("a|b\nc"), "`a\\|b\\nc`");
        assert.deepStrictEqual(markdownCodeBlock(["+ x", "  ````", "- y\u001b"], "diff"), ["`````diff", "+ x", "  ````", "- y\\x1b", "`````"]);
        assert.deepStrictEqual(markdownCodeBlock(["plain"]), ["```", "plain", "```"]);
    });

    it("neutralises CSV formulas and quotes what needs quoting", () => {
        assert.deepStrictEqual(["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "a,b", 'say "hi"', "two\nlines", "esc\u001b", "plain"].map(csvCell),
            ["'=1+2", "'+1", "'-1", "'@SUM(A1)", "'\\tx", "\"'\nx\"", '"a,b"', '"say ""hi"""', '"two\nlines"', "esc\\x1b", "plain"]);
        assert.strictEqual(csvRow(["a", -5, null, "=x"]), "a,-5,,'=x");
    });

    it("writes JSON whose control and bidirectional characters are \\u escapes, parsing back to the same value", () => {
        let out = "";
        const value = { text: "a\u001b\u0085\u202e\u2028b\n" };
        printJson({ out: (t) => { out += t; }, err: () => undefined }, value);
        assert.strictEqual(out, '{\n  "text": "a\\u001b\\u0085\\u202e\\u2028b\\n"\n}\n');
        assert.deepStrictEqual(JSON.parse(out), value);
    });
});
