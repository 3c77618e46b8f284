import * as fs from "fs";
import * as path from "path";
import { isMap, isPair, isScalar, isSeq, LineCounter, Node, parseAllDocuments } from "yaml";
import type { Diagnostic, FieldPath } from "./diagnostics";

/** A 1-based position in a file. */
export interface Position {
    line: number;
    column: number;
}

/** One parsed YAML document, with a way back from a field path to its place in the file. */
export interface SourceDocument {
    file: string;
    /** 0-based index of the document in its file. */
    index: number;
    /** The document as plain data. */
    value: unknown;
    /**
     * Where a field is: the key of a mapping field, the item of a list. For a field that does not
     * exist (a missing required field), the deepest parent that does.
     */
    locate(fieldPath: FieldPath): Position;
}

/** Files found and documents parsed; YAML syntax errors are diagnostics, never exceptions. */
export interface LoadResult {
    files: string[];
    documents: SourceDocument[];
    diagnostics: Diagnostic[];
    /** Paths given that do not exist: a usage error for the CLI. */
    missing: string[];
}

const DECLARATION_FILE = /\.ya?ml$/i;

/** Expands files and directories (recursively) into sorted `*.yaml` / `*.yml` files. */
export function collectFiles(paths: readonly string[]): { files: string[]; missing: string[] } {
    const files = new Set<string>();
    const missing: string[] = [];
    const walk = (entry: string) => {
        const stat = fs.statSync(entry);
        if (stat.isDirectory()) {
            for (const child of fs.readdirSync(entry).sort()) {
                if (!child.startsWith(".") && child !== "node_modules") walk(path.join(entry, child));
            }
        } else if (stat.isFile() && DECLARATION_FILE.test(entry)) {
            files.add(entry);
        }
    };
    for (const given of paths) {
        if (!fs.existsSync(given)) missing.push(given);
        else if (fs.statSync(given).isFile()) files.add(given);
        else walk(given);
    }
    return { files: [...files], missing };
}

/** Reads and parses every declaration file under the given paths. */
export function loadDeclarations(paths: readonly string[]): LoadResult {
    const { files, missing } = collectFiles(paths);
    const sources: { file: string; text: string }[] = [];
    const unreadable: Diagnostic[] = [];
    for (const file of files) {
        try {
            sources.push({ file, text: fs.readFileSync(file, "utf8") });
        } catch (error) {
            unreadable.push({ file, line: 1, column: 1, path: [], rule: "yaml-syntax", message: `cannot read file: ${(error as Error).message}` });
        }
    }
    const parsed = parseSources(sources);
    return { ...parsed, files, missing, diagnostics: [...unreadable, ...parsed.diagnostics] };
}

/** Parses in-memory sources, as if they were files. */
export function parseSources(sources: readonly { file: string; text: string }[]): LoadResult {
    const documents: SourceDocument[] = [];
    const diagnostics: Diagnostic[] = [];
    for (const { file, text } of sources) {
        const parsed = parseText(file, text);
        documents.push(...parsed.documents);
        diagnostics.push(...parsed.diagnostics);
    }
    return { files: sources.map((s) => s.file), documents, diagnostics, missing: [] };
}

/** Parses one file's text (several documents allowed). */
export function parseText(file: string, text: string): { documents: SourceDocument[]; diagnostics: Diagnostic[] } {
    const lineCounter = new LineCounter();
    const documents: SourceDocument[] = [];
    const diagnostics: Diagnostic[] = [];
    const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
    // An empty file parses to an empty stream: nothing declared, nothing wrong.
    const list = Array.isArray(docs) ? docs : [];
    list.forEach((doc, index) => {
        if (doc.errors.length > 0) {
            for (const error of doc.errors) {
                const pos = lineCounter.linePos(error.pos[0]);
                diagnostics.push({ file, line: pos.line, column: pos.col, path: [], rule: "yaml-syntax", message: `invalid YAML: ${firstLine(error.message)}; fix the syntax at this position` });
            }
            return;
        }
        if (doc.contents === null) return; // an empty document between `---` separators
        let value: unknown;
        try {
            value = doc.toJS({ maxAliasCount: 100 });
        } catch (error) {
            const pos = lineCounter.linePos(doc.contents.range?.[0] ?? 0);
            diagnostics.push({ file, line: pos.line, column: pos.col, path: [], rule: "yaml-syntax", message: `invalid YAML: ${firstLine((error as Error).message)}` });
            return;
        }
        const root = doc.contents as Node;
        documents.push({
            file, index, value,
            locate(fieldPath) {
                const offset = locateOffset(root, fieldPath);
                const pos = lineCounter.linePos(offset);
                return { line: pos.line, column: pos.col };
            },
        });
    });
    return { documents, diagnostics };
}

/** Offset of the field's key (mappings) or item (lists); the deepest existing parent otherwise. */
function locateOffset(root: Node, fieldPath: FieldPath): number {
    let node: unknown = root;
    let offset = root.range?.[0] ?? 0;
    for (const segment of fieldPath) {
        if (isMap(node)) {
            const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
            if (!pair) break;
            offset = (pair.key as Node).range?.[0] ?? offset;
            node = pair.value;
        } else if (isSeq(node) && typeof segment === "number" && segment < node.items.length) {
            const item = node.items[segment] as Node;
            offset = item?.range?.[0] ?? offset;
            node = item;
        } else {
            break;
        }
    }
    return offset;
}

function firstLine(message: string): string {
    return message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
}
