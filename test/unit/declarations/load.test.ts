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
});
