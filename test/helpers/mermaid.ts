/**
 * Mermaid's own parser as the judge of generated graphs: the `mermaid` package (a devDependency, MIT)
 * under Node with a jsdom window (its sanitizer needs a DOM). `parseMermaid` fails on any syntax error
 * and returns what Mermaid read: vertices with their decoded labels, edges and subgraphs.
 */

interface Vertex { id: string; text: string; type: string; classes: string[] }
interface Edge { start: string; end: string; text: string; stroke: string }
interface SubGraph { id: string; title: string; nodes: string[] }
interface FlowDb { getVertices(): Map<string, Vertex>; getEdges(): Edge[]; getSubGraphs(): SubGraph[] }
interface Mermaid {
    initialize(config: object): void;
    parse(text: string): Promise<{ diagramType: string }>;
    mermaidAPI: { getDiagramFromText(text: string): Promise<{ db: FlowDb }> };
}

let loaded: Promise<Mermaid> | undefined;

/** Loads mermaid (ESM) once, with a DOM for its sanitizer. */
function mermaid(): Promise<Mermaid> {
    loaded ??= (async () => {
        const { JSDOM } = require("jsdom") as { JSDOM: new (html: string) => { window: { document: unknown } } };
        const dom = new JSDOM("<!doctype html><html><body></body></html>");
        Object.assign(globalThis, { window: dom.window, document: dom.window.document });
        // A real dynamic import: TypeScript would turn `import()` into `require`, which cannot load ESM on Node 20.
        const load = new Function("specifier", "return import(specifier)") as (s: string) => Promise<{ default: Mermaid }>;
        const m = (await load("mermaid")).default;
        m.initialize({ startOnLoad: false, securityLevel: "strict" });
        return m;
    })();
    return loaded;
}

/** Mermaid keeps entities as placeholders until it renders; this is the text a reader will see. */
function decoded(text: string): string {
    return text.replace(/ﬂ°°(\d+)¶ß/g, (_, code: string) => String.fromCodePoint(Number(code)));
}

export interface ParsedFlowchart {
    diagramType: string;
    vertices: { id: string; label: string; shape: string; classes: string[] }[];
    edges: { from: string; to: string; label: string; stroke: string }[];
    subgraphs: { id: string; title: string; nodes: string[] }[];
}

/** Parses a flowchart with Mermaid; throws Mermaid's own error for invalid syntax. */
export async function parseMermaid(text: string): Promise<ParsedFlowchart> {
    const m = await mermaid();
    const { diagramType } = await m.parse(text);
    const { db } = await m.mermaidAPI.getDiagramFromText(text);
    return {
        diagramType,
        vertices: [...db.getVertices().values()].map((v) => ({ id: v.id, label: decoded(v.text), shape: v.type, classes: [...(v.classes ?? [])] })),
        edges: db.getEdges().map((e) => ({ from: e.start, to: e.end, label: decoded(e.text ?? ""), stroke: e.stroke })),
        subgraphs: db.getSubGraphs().map((s) => ({ id: s.id, title: decoded(s.title), nodes: [...s.nodes] })),
    };
}

/** The body of every ```mermaid block of a Markdown text. */
export function mermaidBlocks(markdown: string): string[] {
    return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)\n```$/gm)].map((m) => m[1]);
}
