/**
 * Reach at a glance: a Mermaid graph of agents (grouped by owning team) and what they reach — AWS
 * resources, Kubernetes namespaces, SaaS vendors, gateway tools — for `inventory --format md`, and for
 * `diff --format md` only the agents that changed, with new reach green and removed reach red and dotted.
 * Large fleets are drawn per team instead of per agent, so the graph stays readable (and within what
 * GitHub renders).
 */
import type { GrantExpansion } from "../connectors/contract";
import { isExpired } from "../declarations/clock";
import { mermaidBlock, MermaidEdge, MermaidGraph, MermaidNode } from "../output/mermaid";
import type { AgentView } from "./accessView";

/** Beyond this many agent→target edges, the inventory is drawn per team (and the diff drops unchanged reach). */
export const DETAILED_EDGE_LIMIT = 120;
/** No graph draws more edges than this; the rest is counted in a note. */
export const EDGE_LIMIT = 200;

/** Something an agent reaches, as a node: its key, label, shape, and the coarser node it belongs to per team. */
interface Target {
    key: string;
    label: string;
    shape: MermaidNode["shape"];
    coarse: { key: string; label: string; shape: MermaidNode["shape"] };
}

/** What one grant expansion reaches, with its access level as the edge's label. */
function targetsOf(e: GrantExpansion): Target[] {
    if (e.rbac) {
        const label = `namespace ${e.rbac.namespace}`;
        const t = { key: `k8s|${e.rbac.namespace}`, label, shape: "hexagon" as const };
        return [{ ...t, coarse: t }];
    }
    if (e.oauth) {
        const t = { key: `saas|${e.oauth.vendor}`, label: `${e.oauth.vendor} (SaaS)`, shape: "stadium" as const };
        return [{ ...t, coarse: t }];
    }
    if (e.tools) {
        const gateway = e.tools.gateway;
        const coarse = { key: `gateway|${gateway}`, label: `gateway ${gateway}`, shape: "subroutine" as const };
        return e.tools.tools.map((tool) => ({ key: `tool|${gateway}|${tool}`, label: `${gateway}: ${tool}`, shape: "subroutine" as const, coarse }));
    }
    // Bucket listing goes with the objects' node; everything else by the ARN its statement names.
    return e.statements.filter((s) => !s.Action.every((a) => a === "s3:ListBucket")).flatMap((s) => s.Resource.map((resource) => {
        const service = resource.split(":")[2] ?? "aws";
        return { key: `aws|${resource}`, label: resource, shape: "round" as const, coarse: { key: `aws|${service}`, label: `aws ${service}`, shape: "round" as const } };
    }));
}

/** An agent's reach: target key → target and the access levels that reach it. Expired agents reach nothing. */
function reachOf(view: AgentView, now: Date): Map<string, { target: Target; access: Set<string> }> {
    const reach = new Map<string, { target: Target; access: Set<string> }>();
    if (view.expires && isExpired(view.expires, now)) return reach;
    for (const e of view.expansions) {
        for (const target of targetsOf(e)) {
            const entry = reach.get(target.key) ?? { target, access: new Set<string>() };
            for (const level of e.access === "readwrite" ? ["read", "write"] : [e.access]) entry.access.add(level);
            reach.set(target.key, entry);
        }
    }
    return reach;
}

const accessLabel = (levels: Set<string>) => (levels.has("read") && levels.has("write") ? "readwrite" : [...levels].join(""));

const CLASSES = {
    expired: "stroke-dasharray:4 4,color:#6e7781",
    invalid: "stroke:#bf8700,stroke-width:2px",
    added: "stroke:#1a7f37,stroke-width:3px",
    removed: "stroke:#cf222e,stroke-width:3px,stroke-dasharray:4 4",
    changed: "stroke:#9a6700,stroke-width:3px",
};
const EDGE_STYLES = { added: "stroke:#1a7f37,stroke-width:3px", removed: "stroke:#cf222e,stroke-width:2px", changed: "stroke:#9a6700,stroke-width:3px" };

/** Node ids in drawing order: a prefix letter and a counter, never user text. */
class Ids {
    private readonly ids = new Map<string, string>();
    of(prefix: string, key: string): string {
        const k = `${prefix}|${key}`;
        if (!this.ids.has(k)) this.ids.set(k, `${prefix}${this.ids.size}`);
        return this.ids.get(k)!;
    }
}

export interface ReachGraph {
    graph: MermaidGraph;
    /** What a reader should know that the graph does not show (per-team drawing, edges left out). */
    notes: string[];
}

/** The graph as Markdown: a heading line, the ```mermaid block, then its notes. */
export function reachGraphMarkdown(reach: ReachGraph, heading: string): string[] {
    return [heading, "", ...mermaidBlock(reach.graph), ...reach.notes.map((n) => `_${n}._`), ""];
}

/**
 * The inventory's graph: agents in their team's box, each with an edge per target labelled with its access.
 * `invalid` names agents with errors (drawn, marked). Past DETAILED_EDGE_LIMIT, teams stand for their agents.
 */
export function inventoryGraph(views: readonly AgentView[], now: Date, invalid: ReadonlySet<string> = new Set()): ReachGraph {
    const reaches = views.map((v) => ({ view: v, reach: reachOf(v, now) }));
    const total = reaches.reduce((n, r) => n + r.reach.size, 0);
    return total > DETAILED_EDGE_LIMIT ? perTeam(reaches, total) : perAgent(reaches, invalid, now);
}

function perAgent(reaches: { view: AgentView; reach: ReturnType<typeof reachOf> }[], invalid: ReadonlySet<string>, now: Date): ReachGraph {
    const ids = new Ids();
    const teams = new Map<string, MermaidNode[]>();
    const targets = new Map<string, MermaidNode>();
    const edges: MermaidEdge[] = [];
    for (const { view, reach } of reaches) {
        const expired = view.expires !== undefined && isExpired(view.expires, now);
        const agent: MermaidNode = { id: ids.of("a", view.name), label: view.name, shape: "box", ...(invalid.has(view.name) ? { className: "invalid" } : expired ? { className: "expired" } : {}) };
        teams.set(view.owner.team, [...(teams.get(view.owner.team) ?? []), agent]);
        for (const { target, access } of reach.values()) {
            const id = ids.of("r", target.key);
            targets.set(target.key, { id, label: target.label, shape: target.shape });
            edges.push({ from: agent.id, to: id, label: accessLabel(access) });
        }
    }
    return capped({
        groups: [...teams].map(([team, nodes]) => ({ id: ids.of("t", team), label: `team ${team}`, nodes })),
        nodes: [...targets.values()], edges, classes: CLASSES,
    }, []);
}

/** Teams stand for their agents and targets are coarse (an AWS service, a namespace, a vendor, a gateway); edges count agents. */
function perTeam(reaches: { view: AgentView; reach: ReturnType<typeof reachOf> }[], total: number): ReachGraph {
    const ids = new Ids();
    const teams = new Map<string, number>();
    const targets = new Map<string, MermaidNode>();
    const counts = new Map<string, { from: string; to: string; agents: Set<string> }>();
    for (const { view, reach } of reaches) {
        const team = ids.of("t", view.owner.team);
        teams.set(view.owner.team, (teams.get(view.owner.team) ?? 0) + 1);
        for (const { target } of reach.values()) {
            const id = ids.of("r", target.coarse.key);
            targets.set(target.coarse.key, { id, label: target.coarse.label, shape: target.coarse.shape });
            const key = `${team}|${id}`;
            const entry = counts.get(key) ?? { from: team, to: id, agents: new Set<string>() };
            entry.agents.add(view.name);
            counts.set(key, entry);
        }
    }
    return capped({
        groups: [],
        nodes: [...[...teams].map(([team, n]): MermaidNode => ({ id: ids.of("t", team), label: `team ${team} (${n} agent${n === 1 ? "" : "s"})`, shape: "box" })), ...targets.values()],
        edges: [...counts.values()].map((c) => ({ from: c.from, to: c.to, label: `${c.agents.size} agent${c.agents.size === 1 ? "" : "s"}` })),
    }, [`${reaches.length} agents reach ${total} targets: drawn per team, with targets by AWS service, namespace, SaaS vendor and gateway (the table lists each agent's reach)`]);
}

/**
 * The diff's graph: only the agents that changed, each with its reach before and after — new reach
 * green, removed reach red and dotted, a changed access level orange; agents added, removed or changed
 * marked alike. Past DETAILED_EDGE_LIMIT, unchanged reach is left out.
 */
export function diffGraph(base: readonly AgentView[], head: readonly AgentView[], changed: readonly string[], now: Date): ReachGraph {
    const ids = new Ids();
    const before = new Map(base.map((v) => [v.name, v]));
    const after = new Map(head.map((v) => [v.name, v]));
    const teams = new Map<string, MermaidNode[]>();
    const targets = new Map<string, MermaidNode>();
    const edges: (MermaidEdge & { changed: boolean })[] = [];
    for (const name of [...changed].sort()) {
        const b = before.get(name);
        const a = after.get(name);
        const view = a ?? b;
        if (!view) continue;
        const status = !b ? "added" : !a ? "removed" : "changed";
        const agent: MermaidNode = { id: ids.of("a", name), label: name, shape: "box", className: status };
        teams.set(view.owner.team, [...(teams.get(view.owner.team) ?? []), agent]);
        const was = b ? reachOf(b, now) : new Map();
        const is = a ? reachOf(a, now) : new Map();
        for (const key of [...new Set([...was.keys(), ...is.keys()])]) {
            const old = was.get(key);
            const now_ = is.get(key);
            const target = (now_ ?? old)!.target;
            const id = ids.of("r", key);
            targets.set(key, { id, label: target.label, shape: target.shape });
            if (!old) edges.push({ from: agent.id, to: id, label: accessLabel(now_!.access), style: "added", changed: true });
            else if (!now_) edges.push({ from: agent.id, to: id, label: accessLabel(old.access), dotted: true, style: "removed", changed: true });
            else if (accessLabel(old.access) !== accessLabel(now_.access)) edges.push({ from: agent.id, to: id, label: `${accessLabel(old.access)} → ${accessLabel(now_.access)}`, style: "changed", changed: true });
            else edges.push({ from: agent.id, to: id, label: accessLabel(now_.access), changed: false });
        }
    }
    const notes: string[] = [];
    let drawn = edges;
    if (edges.length > DETAILED_EDGE_LIMIT) {
        drawn = edges.filter((e) => e.changed);
        notes.push(`${edges.length - drawn.length} unchanged reach edge${edges.length - drawn.length === 1 ? "" : "s"} not drawn`);
    }
    const used = new Set(drawn.map((e) => e.to));
    return capped({
        groups: [...teams].map(([team, nodes]) => ({ id: ids.of("t", team), label: `team ${team}`, nodes })),
        nodes: [...targets.values()].filter((n) => used.has(n.id)),
        edges: drawn.map(({ changed: _changed, ...e }) => e), classes: CLASSES, edgeStyles: EDGE_STYLES,
    }, notes);
}

/** At most EDGE_LIMIT edges (and the nodes they use); the rest is counted in a note. */
function capped(graph: MermaidGraph, notes: string[]): ReachGraph {
    if (graph.edges.length <= EDGE_LIMIT) return { graph, notes };
    const edges = graph.edges.slice(0, EDGE_LIMIT);
    const used = new Set(edges.flatMap((e) => [e.from, e.to]));
    return {
        graph: { ...graph, edges, nodes: graph.nodes.filter((n) => used.has(n.id)), groups: graph.groups.map((g) => ({ ...g, nodes: g.nodes.filter((n) => used.has(n.id)) })).filter((g) => g.nodes.length > 0) },
        notes: [...notes, `${graph.edges.length - EDGE_LIMIT} more edge${graph.edges.length - EDGE_LIMIT === 1 ? "" : "s"} not drawn (GitHub renders at most a few hundred); see the tables`],
    };
}
