import * as assert from "assert";
import { parseText } from "../../../provider/declarations/load";

// Three documents: a valid one, one cut short by an unclosed bracket (never composed), a valid one.
const TEXT = [
    "kind: Agent",                 // 1
    "metadata:",                   // 2
    "  name: first",               // 3
    "---",                         // 4
    "kind: Agent",                 // 5
    "metadata: { name: [broken",   // 6
    "---",                         // 7
    "# a comment before the third",// 8
    "kind: Agent",                 // 9
    "metadata:",                   // 10
    "  name: third",               // 11
    "spec:",                       // 12
    "  grants:",                   // 13
    "    - connector: aws.s3",     // 14
    "      access: read",          // 15
].join("\n") + "\n";

describe("parseText", () => {
    it("locates fields of every composed document after a document it could not compose", () => {
        const { documents, diagnostics } = parseText("fleet.yaml", TEXT);
        assert.deepStrictEqual(documents.map((d) => [d.index, (d.value as { metadata: { name: string } }).metadata.name]), [[0, "first"], [2, "third"]]);
        assert.deepStrictEqual(diagnostics.map((d) => [d.line, d.rule]), [[6, "yaml-syntax"], [6, "yaml-syntax"]]);
        const [first, third] = documents;
        assert.deepStrictEqual(third.locate(["spec", "grants", 0, "access"]), { line: 15, column: 7 });
        assert.deepStrictEqual(first.locate(["metadata", "name"]), { line: 3, column: 3 });
        assert.deepStrictEqual(third.locate(["metadata", "name"]), { line: 11, column: 3 });
        assert.deepStrictEqual(third.locate([]), { line: 9, column: 1 });
        assert.deepStrictEqual(first.locate([]), { line: 1, column: 1 });
    });

    it("falls back to the deepest existing parent of a missing field", () => {
        const [, third] = parseText("fleet.yaml", TEXT).documents;
        assert.deepStrictEqual(third.locate(["spec", "grants", 0, "resources"]), { line: 14, column: 7 });
        assert.deepStrictEqual(third.locate(["spec", "owner", "team"]), { line: 12, column: 1 });
    });

    it("counts columns after a byte-order mark as editors show them", () => {
        const [doc] = parseText("bom.yaml", "\uFEFFkind: Agent\nmetadata:\n  name: bom\n").documents;
        assert.deepStrictEqual(doc.locate(["metadata", "name"]), { line: 3, column: 3 });
        assert.deepStrictEqual(doc.locate([]), { line: 1, column: 1 });
    });

    it("refuses the first key that is a collection or an alias, where it starts, and composes the rest", () => {
        const cases: [string, number, number][] = [
            ["a: 1\n? [x, y]\n: 2\n", 2, 3],
            ["a: 1\n? { x: 1 }\n: 2\n", 2, 3],
            ["a: 1\n? - x\n: 2\n", 2, 3],
            ["a: &k key\nb:\n  *k : 2\n", 3, 3],
            ["outer:\n  inner:\n    ? [deep]\n    : 1\n? [later]\n: 2\n", 3, 7],
            ["m: { [x]: 1 }\n", 1, 6],
        ];
        for (const [text, line, column] of cases) {
            const { documents, diagnostics } = parseText("keys.yaml", `${text}---\nkind: Agent\n`);
            assert.deepStrictEqual(diagnostics.map((d) => [d.line, d.column, d.rule]), [[line, column, "yaml-syntax"]], text);
            assert.match(diagnostics[0].message, /a mapping key must be a plain value, not a list or a mapping/);
            assert.deepStrictEqual(documents.map((d) => d.value), [{ kind: "Agent" }], text);
        }
    });

    it("accepts scalar keys however they are written", () => {
        const { documents, diagnostics } = parseText("keys.yaml", "? plain\n: 1\n\"quoted\": 2\n&anchored a: 3\n!!str tagged: 4\n? |\n  block\n: 5\n");
        assert.deepStrictEqual(diagnostics, []);
        assert.deepStrictEqual(documents[0].value, { plain: 1, quoted: 2, a: 3, tagged: 4, "block\n": 5 });
    });
});
