import { Composer, CST, isMap, isPair, isScalar, isSeq, LineCounter, Node, Parser, visit } from "yaml";
import type { Diagnostic, FieldPath } from "./diagnostics";
import { collectFiles, FileProblem, readDeclarationFile } from "./files";

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
    /** Files and directories that exist but cannot be read: an environment error for the CLI. */
    unreadable: FileProblem[];
}

/** How deeply collections may nest in a declaration (agentid's own fields need 6 levels). */
export const MAX_NESTING_DEPTH = 64;

/** Reads and parses every declaration file under the given paths. */
export function loadDeclarations(paths: readonly string[]): LoadResult {
    const found = collectFiles(paths);
    const sources: { file: string; text: string }[] = [];
    const unreadable = [...found.unreadable];
    for (const file of found.files) {
        const read = readDeclarationFile(file);
        if ("text" in read) sources.push({ file, text: read.text });
        else unreadable.push({ file, reason: read.problem });
    }
    const skipped: Diagnostic[] = found.skipped.map(({ file, reason }) => ({ file, line: 1, column: 1, path: [], rule: "file-unusable", message: reason }));
    const parsed = parseSources(sources);
    return { ...parsed, files: sources.map((s) => s.file), missing: found.missing, unreadable, diagnostics: [...skipped, ...parsed.diagnostics] };
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
    return { files: sources.map((s) => s.file), documents, diagnostics, missing: [], unreadable: [] };
}

/** Parses one file's text (several documents allowed). */
export function parseText(file: string, source: string): { documents: SourceDocument[]; diagnostics: Diagnostic[] } {
    // A byte-order mark is not part of the first line: dropping it keeps columns as editors show them.
    const text = source.startsWith("\uFEFF") ? source.slice(1) : source;
    const lineCounter = new LineCounter();
    const documents: SourceDocument[] = [];
    const diagnostics: Diagnostic[] = [];
    const syntaxError = (offset: number, message: string) => {
        const pos = lineCounter.linePos(offset);
        diagnostics.push({ file, line: pos.line, column: pos.col, path: [], rule: "yaml-syntax", message: `invalid YAML: ${message}` });
    };

    // The concrete syntax tree is built without recursion; nesting and brackets are checked on it
    // before the recursive composer ever sees a document.
    const tokens = Array.from(new Parser(lineCounter.addNewLine).parse(text));
    const structural = new Map<number, { offset: number; message: string }[]>();
    tokens.filter((t): t is CST.Document => t.type === "document").forEach((token, index) => {
        const problems = structuralProblems(token);
        if (problems.length === 0) return;
        structural.set(index, problems);
        token.value = undefined; // never composed: too deep to walk safely, or cut short by a bracket
    });

    const composer = new Composer({ uniqueKeys: true, prettyErrors: false, logLevel: "error" });
    const docs = Array.from(composer.compose(tokens));
    if (docs.length === 0) {
        for (const error of composer.streamInfo().errors) syntaxError(error.pos[0], `${firstLine(error.message)}; fix the syntax at this position`);
    }
    docs.forEach((doc, index) => {
        const own = structural.get(index);
        if (own) {
            for (const problem of own) syntaxError(problem.offset, problem.message);
            return;
        }
        if (doc.errors.length > 0) {
            for (const error of doc.errors) syntaxError(error.pos[0], `${firstLine(error.message)}; fix the syntax at this position`);
            return;
        }
        if (isEmptyDocument(doc.contents)) return; // `---` with nothing after it, or only comments
        const complexKey = firstComplexKey(doc);
        if (complexKey !== undefined) {
            syntaxError(complexKey, "a mapping key must be a plain value, not a list or a mapping (`? [a, b]` keys are not supported); write the key as a string");
            return;
        }
        let value: unknown;
        try {
            value = doc.toJS({ maxAliasCount: 100 });
        } catch (error) {
            syntaxError(doc.contents?.range?.[0] ?? 0, firstLine((error as Error).message));
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

/**
 * What stops a document from being composed: nesting deeper than MAX_NESTING_DEPTH (reported where
 * the limit is crossed), or flow collections (`[`, `{`) that are never closed (reported where they open).
 * Walks the syntax tree with an explicit stack, so no input can exhaust the call stack.
 */
function structuralProblems(document: CST.Document): { offset: number; message: string }[] {
    const problems: { offset: number; message: string }[] = [];
    const stack: { token: CST.Token | undefined; depth: number }[] = [{ token: document.value, depth: 0 }];
    while (stack.length > 0) {
        const { token, depth } = stack.pop()!;
        if (!token || !("items" in token) || !Array.isArray(token.items)) continue;
        const level = depth + 1;
        if (level > MAX_NESTING_DEPTH) {
            return [{ offset: token.offset, message: `collections nest deeper than ${MAX_NESTING_DEPTH} levels here, the limit for agentid declarations (they need 6); flatten the document` }];
        }
        if (token.type === "flow-collection" && !token.end.some((t) => t.type === "flow-map-end" || t.type === "flow-seq-end")) {
            const open = token.start.source;
            const close = open === "[" ? "]" : "}";
            problems.push({ offset: token.offset, message: `this "${open}" is never closed; add the matching "${close}"` });
        }
        for (const item of token.items as { key?: CST.Token | null; value?: CST.Token }[]) {
            if (item.value) stack.push({ token: item.value, depth: level });
            if (item.key) stack.push({ token: item.key, depth: level });
        }
    }
    return problems.sort((a, b) => a.offset - b.offset);
}

/** A document with nothing but a separator or comments composes to a null scalar with an empty range. */
function isEmptyDocument(contents: unknown): boolean {
    if (contents === null || contents === undefined) return true;
    if (!isScalar(contents) || contents.value !== null) return false;
    const range = contents.range;
    return range !== undefined && range !== null && range[0] === range[1];
}

/** Offset of the first key that is a collection or an alias (JavaScript objects cannot hold them faithfully). */
function firstComplexKey(doc: { contents: unknown }): number | undefined {
    let found: number | undefined;
    visit(doc as Parameters<typeof visit>[0], {
        Pair(_, pair) {
            if (pair.key !== null && !isScalar(pair.key)) {
                found = (pair.key as Node).range?.[0] ?? 0;
                return visit.BREAK;
            }
            return undefined;
        },
    });
    return found;
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
