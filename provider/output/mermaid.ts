/**
 * Mermaid flowcharts in Markdown (GitHub renders ```mermaid blocks in pull-request comments). User text
 * only ever appears inside a quoted label, and there every character but letters, digits, spaces and
 * `. , : / _ = + @ -` is written as Mermaid's numeric entity `#<code>;` — quotes, brackets, `#`, `;`,
 * `<`, `&`, backticks, pipes, line breaks and controls included — so no text can end a label, start a
 * statement, add a link or markup, or close the fence (and Mermaid's own rewriting of `style`/`classDef`
 * lines never touches a label). Node ids, shapes and styles are agentid's own.
 */

/** Shapes agentid draws with: each is `open` + `"label"` + `close`. */
const SHAPES = {
    box: ["[", "]"],
    round: ["(", ")"],
    stadium: ["([", "])"],
    hexagon: ["{{", "}}"],
    subroutine: ["[[", "]]"],
    cylinder: ["[(", ")]"],
} as const;

export interface MermaidNode {
    /** agentid's own id: a lowercase letter, then letters and digits. */
    id: string;
    /** User text, escaped here. */
    label: string;
    shape: keyof typeof SHAPES;
    /** A class of the graph's `classes`. */
    className?: string;
}

export interface MermaidEdge {
    from: string;
    to: string;
    /** User text allowed, escaped here. */
    label?: string;
    /** Dotted: something that goes away. */
    dotted?: boolean;
    /** A style of the graph's `edgeStyles`. */
    style?: string;
}

/** A left-to-right flowchart: groups (subgraphs) of nodes, free nodes, edges, and agentid's own styles. */
export interface MermaidGraph {
    groups: { id: string; label: string; nodes: MermaidNode[] }[];
    nodes: MermaidNode[];
    edges: MermaidEdge[];
    /** Node class name → CSS (agentid's constants only). */
    classes?: Record<string, string>;
    /** Edge style name → CSS (agentid's constants only). */
    edgeStyles?: Record<string, string>;
}

/** The longest label drawn; longer text is cut with "…" (the tables beside the graph hold it whole). */
export const MERMAID_LABEL_LIMIT = 120;

const SAFE = /^[A-Za-z0-9 .,:/_=+@-]$/;

/**
 * Words Mermaid rewrites anywhere on a line before parsing (it drops the last `;` after `style …:…#` and
 * `classDef …:…#`, which would break an entity): their first letter is escaped too, so they never appear.
 */
const REWRITTEN = /style|classDef/g;

/** User text as the inside of a quoted Mermaid label: safe characters as they are, every other as `#<code>;`. */
export function mermaidLabel(text: string): string {
    const chars = [...text];
    const cut = chars.length > MERMAID_LABEL_LIMIT ? [...chars.slice(0, MERMAID_LABEL_LIMIT - 1), "…"] : chars;
    const flat = cut.join("");
    const starts = new Set([...flat.matchAll(REWRITTEN)].map((m) => [...flat.slice(0, m.index)].length));
    // Mermaid trims labels: spaces at either end are written as entities so they stay.
    const edge = (i: number) => cut[i] === " " && (cut.slice(0, i).every((c) => c === " ") || cut.slice(i).every((c) => c === " "));
    return cut.map((c, i) => (SAFE.test(c) && !starts.has(i) && !edge(i) ? c : `#${c.codePointAt(0)};`)).join("");
}

const ID = /^[a-z][a-z0-9]*$/;
const CSS = /^[a-z-]+:[#a-z0-9 .%-]+(,[a-z-]+:[#a-z0-9 .%-]+)*$/;

function checkId(id: string): string {
    if (!ID.test(id)) throw new Error(`mermaid: "${id}" is not an id agentid generates`);
    return id;
}

function node(n: MermaidNode): string {
    const [open, close] = SHAPES[n.shape];
    return `${checkId(n.id)}${open}"${mermaidLabel(n.label)}"${close}`;
}

/** The flowchart's lines (no fence). */
export function renderMermaid(graph: MermaidGraph): string[] {
    const lines = ["flowchart LR"];
    for (const group of graph.groups) {
        lines.push(`  subgraph ${checkId(group.id)}["${mermaidLabel(group.label)}"]`, ...group.nodes.map((n) => `    ${node(n)}`), "  end");
    }
    lines.push(...graph.nodes.map((n) => `  ${node(n)}`));
    const styled = new Map<string, number[]>();
    graph.edges.forEach((e, i) => {
        const arrow = e.dotted ? "-.->" : "-->";
        lines.push(`  ${checkId(e.from)} ${arrow}${e.label !== undefined ? `|"${mermaidLabel(e.label)}"|` : ""} ${checkId(e.to)}`);
        if (e.style) styled.set(e.style, [...(styled.get(e.style) ?? []), i]);
    });
    for (const [name, css] of Object.entries(graph.classes ?? {})) {
        if (!CSS.test(css)) throw new Error(`mermaid: class ${name} has a style agentid does not write`);
        const members = [...graph.groups.flatMap((g) => g.nodes), ...graph.nodes].filter((n) => n.className === name).map((n) => n.id);
        if (members.length === 0) continue;
        lines.push(`  classDef ${checkId(name)} ${css}`, `  class ${members.join(",")} ${name}`);
    }
    for (const [name, indexes] of styled) {
        const css = graph.edgeStyles?.[name];
        if (css === undefined || !CSS.test(css)) throw new Error(`mermaid: edge style ${name} is not one agentid writes`);
        lines.push(`  linkStyle ${indexes.join(",")} ${css}`);
    }
    return lines;
}

/** The flowchart as a fenced ```mermaid block; escaped labels hold no backtick, so nothing closes it early. */
export function mermaidBlock(graph: MermaidGraph): string[] {
    return ["```mermaid", ...renderMermaid(graph), "```"];
}
