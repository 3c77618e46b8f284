import { Composer, CST, isMap, isPair, isScalar, isSeq, LineCounter, Node, Parser } from "yaml";
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
    const { docs, structural, complexKeys, lineCounter, errors } = composeText(text);
    const documents: SourceDocument[] = [];
    const diagnostics: Diagnostic[] = [];
    const syntaxError = (offset: number, message: string) => {
        const pos = lineCounter.linePos(offset);
        diagnostics.push({ file, line: pos.line, column: pos.col, path: [], rule: "yaml-syntax", message: `invalid YAML: ${message}` });
    };
    if (docs.length === 0) {
        for (const error of errors) syntaxError(error.pos[0], `${firstLine(error.message)}; fix the syntax at this position`);
    }
    // Positions are wanted only when there is something to report: the syntax trees are not kept for
    // them (at fleet scale they would outlive the program's registrations); the text is composed again
    // the first time a field of one of its documents is located.
    let recomposed: ComposedText | undefined;
    const locateIn = (index: number, fieldPath: FieldPath) => {
        recomposed ??= composeText(text);
        const offset = locateOffset(recomposed.docs[index].contents as Node, fieldPath);
        const pos = recomposed.lineCounter.linePos(offset);
        return { line: pos.line, column: pos.col };
    };
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
        const complexKey = complexKeys.get(index);
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
        // Where the document starts is wanted for every agent (inventories, reports): kept from this pass.
        const startOffset = lineCounter.linePos(doc.contents?.range?.[0] ?? 0);
        const start = { line: startOffset.line, column: startOffset.col };
        documents.push({ file, index, value, locate: (fieldPath) => (fieldPath.length === 0 ? { ...start } : locateIn(index, fieldPath)) });
    });
    return { documents, diagnostics };
}

type ComposedText = ReturnType<typeof composeText>;

/**
 * The documents of a text, composed; documents too deep or with an unclosed bracket are not composed
 * (their problems are returned instead). The same text always gives the same documents.
 */
function composeText(text: string) {
    const lineCounter = new LineCounter();
    const structural = new Map<number, { offset: number; message: string }[]>();
    const complexKeys = new Map<number, number>();
    // The concrete syntax tree is built without recursion; each document's nesting, brackets and keys
    // are checked on it before the recursive composer sees it (token by token: the text's syntax tree
    // is never held whole).
    function* checked(): Generator<CST.Token> {
        let index = 0;
        for (const token of new Parser(lineCounter.addNewLine).parse(text)) {
            if (token.type === "document") {
                const { problems, complexKey } = walkDocument(token);
                if (problems.length > 0) {
                    structural.set(index, problems);
                    token.value = undefined; // never composed: too deep to walk safely, or cut short by a bracket
                } else if (complexKey !== undefined) {
                    complexKeys.set(index, complexKey);
                }
                index++;
            }
            yield token;
        }
    }
    const composer = new Composer({ uniqueKeys: true, prettyErrors: false, logLevel: "error" });
    const docs = Array.from(composer.compose(checked()));
    return { docs, structural, complexKeys, lineCounter, errors: docs.length === 0 ? composer.streamInfo().errors : [] };
}

/**
 * What stops a document from being composed: nesting deeper than MAX_NESTING_DEPTH (reported where
 * the limit is crossed), or flow collections (`[`, `{`) that are never closed (reported where they open);
 * and the first mapping key that is a collection or an alias (JavaScript objects cannot hold them
 * faithfully). Walks the syntax tree with an explicit stack, so no input can exhaust the call stack.
 */
function walkDocument(document: CST.Document): { problems: { offset: number; message: string }[]; complexKey?: number } {
    const problems: { offset: number; message: string }[] = [];
    let complexKey: number | undefined;
    const stack: { token: CST.Token | undefined; depth: number }[] = [{ token: document.value, depth: 0 }];
    while (stack.length > 0) {
        const { token, depth } = stack.pop()!;
        if (!token || !("items" in token) || !Array.isArray(token.items)) continue;
        const level = depth + 1;
        if (level > MAX_NESTING_DEPTH) {
            return { problems: [{ offset: token.offset, message: `collections nest deeper than ${MAX_NESTING_DEPTH} levels here, the limit for agentid declarations (they need 6); flatten the document` }] };
        }
        if (token.type === "flow-collection" && !token.end.some((t) => t.type === "flow-map-end" || t.type === "flow-seq-end")) {
            const open = token.start.source;
            const close = open === "[" ? "]" : "}";
            problems.push({ offset: token.offset, message: `this "${open}" is never closed; add the matching "${close}"` });
        }
        for (const item of token.items as { key?: CST.Token | null; value?: CST.Token }[]) {
            if (item.key && COMPLEX_KEYS.has(item.key.type) && (complexKey === undefined || item.key.offset < complexKey)) complexKey = item.key.offset;
            if (item.value) stack.push({ token: item.value, depth: level });
            if (item.key) stack.push({ token: item.key, depth: level });
        }
    }
    return { problems: problems.sort((a, b) => a.offset - b.offset), complexKey };
}

/** Syntax-tree keys that compose to something other than a scalar. */
const COMPLEX_KEYS = new Set<string>(["block-map", "block-seq", "flow-collection", "alias"]);

/** A document with nothing but a separator or comments composes to a null scalar with an empty range. */
function isEmptyDocument(contents: unknown): boolean {
    if (contents === null || contents === undefined) return true;
    if (!isScalar(contents) || contents.value !== null) return false;
    const range = contents.range;
    return range !== undefined && range !== null && range[0] === range[1];
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
