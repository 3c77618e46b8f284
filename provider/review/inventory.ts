import { stringify } from "yaml";
import { showControls } from "../output/controls";
import { csvRow } from "../output/csv";
import { markdownCell } from "../output/markdown";
import { daysUntil, formatInstant, isExpired } from "../declarations/clock";
import { diagnosticRecord } from "../declarations/diagnostics";
import type { ReachCategory } from "../connectors/contract";
import type { AgentView } from "./accessView";
import { daysLeft } from "./accessView";
import { errorsNote, ReviewedAgent } from "./reviewedAgent";
import { ReachGraph, reachGraphMarkdown } from "./reachGraph";

/** One row of the inventory: who owns it, what it reaches, when it ends; `null` where an invalid declaration cannot be read. */
export interface InventoryEntry {
    name: string | null;
    description: string | null;
    owner: { team: string | null; contact: string | null; escalation?: string };
    expiresAt: string | null;
    daysLeft: number | null;
    /** `unknown` when the expiry cannot be read. */
    status: "active" | "expired" | "unknown";
    /** Null when the declaration failed the schema. */
    identities: AgentView["identities"] | null;
    reach: { aws: string[]; kubernetes: string[]; saas: string[]; tools: string[] } | null;
    valid: boolean;
    errors: ReturnType<typeof diagnosticRecord>[];
}

/** The inventory of every agent found, valid or not. */
export function inventoryOf(agents: readonly ReviewedAgent[], now: Date): InventoryEntry[] {
    return agents.map((agent) => {
        const errors = agent.errors.map(diagnosticRecord);
        const v = agent.view;
        if (!v) return partialEntry(agent, now);
        const left = daysLeft(v, now);
        const atoms = (reach: ReachCategory) => v.grants.filter((g) => g.reach === reach).flatMap((g) => g.atoms.map((a) => a.text));
        return {
            name: v.name,
            description: v.description,
            owner: v.owner,
            expiresAt: v.expiresAt,
            daysLeft: left ?? null,
            status: v.expires ? (isExpired(v.expires, now) ? "expired" : "active") : "unknown",
            identities: v.identities,
            reach: {
                aws: atoms("aws"),
                kubernetes: atoms("kubernetes"),
                saas: atoms("saas"),
                tools: atoms("tools"),
            },
            valid: errors.length === 0,
            errors,
        };
    });
}

/** A document that failed the schema: what could be read, identities and reach unknown. */
function partialEntry(agent: ReviewedAgent, now: Date): InventoryEntry {
    const { summary } = agent;
    return {
        name: summary.name ?? null,
        description: summary.description ?? null,
        owner: { team: summary.owner.team ?? null, contact: summary.owner.contact ?? null, ...(summary.owner.escalation ? { escalation: summary.owner.escalation } : {}) },
        expiresAt: summary.expires ? formatInstant(summary.expires) : summary.expiresAt ?? null,
        daysLeft: summary.expires ? daysUntil(summary.expires, now) : null,
        status: summary.expires ? (isExpired(summary.expires, now) ? "expired" : "active") : "unknown",
        identities: null,
        reach: null,
        valid: false,
        errors: agent.errors.map(diagnosticRecord),
    };
}

function identityText(e: InventoryEntry): string {
    if (!e.identities) return "unknown (invalid declaration)";
    const parts = [e.identities.spiffeId];
    if (e.identities.aws) parts.push(`aws:${e.identities.aws.trust}:${e.identities.aws.roleName}`);
    if (e.identities.kubernetes) parts.push(`k8s:${e.identities.kubernetes}`);
    if (e.identities.spire) parts.push("spire");
    return parts.join(" ");
}

function reachOf(e: InventoryEntry): string[] | undefined {
    return e.reach ? [...e.reach.aws, ...e.reach.kubernetes, ...e.reach.saas, ...e.reach.tools] : undefined;
}

function errorsText(e: InventoryEntry): string {
    return e.errors.length === 0 ? "" : errorsNote(e.errors);
}

/** A Markdown table; every user-supplied value is a code span (see output/markdown). */
export function renderInventoryMarkdown(entries: readonly InventoryEntry[], reach?: ReachGraph): string {
    const lines = ["| agent | owner | expires | days left | identities | reach | status |", "|---|---|---|---|---|---|---|"];
    const known = (text: string | null) => (text === null ? "?" : markdownCell(text));
    for (const e of entries) {
        const reach = reachOf(e);
        const status = e.valid ? e.status : `⚠️ invalid (${errorsText(e)}), ${e.status}`;
        lines.push(`| ${known(e.name)} | ${known(e.owner.team)} ${known(e.owner.contact)} | ${known(e.expiresAt)} | ${e.daysLeft ?? "?"} | ${markdownCell(identityText(e))} | ${reach ? reach.map(markdownCell).join("<br>") : "unknown"} | ${status} |`);
    }
    const invalid = entries.filter((e) => !e.valid).length;
    const graph = reach && reach.graph.edges.length + reach.graph.groups.length + reach.graph.nodes.length > 0
        ? ["", ...reachGraphMarkdown(reach, "Reach (agents by team → AWS resources, namespaces, SaaS vendors, tools; dashed: expired):")] : [];
    return lines.join("\n") + `\n\n${entries.length} agent${entries.length === 1 ? "" : "s"}, ${entries.filter((e) => e.status === "expired").length} expired${invalid ? `, ${invalid} invalid (run agentid validate)` : ""}.\n` + graph.join("\n");
}

const CSV_COLUMNS = ["name", "owner_team", "owner_contact", "expires_at", "days_left", "status", "identities", "aws", "kubernetes", "saas", "tools", "valid", "errors"];

/** CSV with formula-safe cells (see output/csv). */
export function renderInventoryCsv(entries: readonly InventoryEntry[]): string {
    const rows = entries.map((e) => csvRow([e.name, e.owner.team, e.owner.contact, e.expiresAt, e.daysLeft, e.status, identityText(e),
        ...(e.reach ? [e.reach.aws, e.reach.kubernetes, e.reach.saas, e.reach.tools].map((r) => r.join("; ")) : ["", "", "", ""]),
        e.valid ? "true" : "false", errorsText(e)]));
    return [CSV_COLUMNS.join(","), ...rows].join("\n") + "\n";
}

/**
 * Backstage catalog entities (`kind: Resource`, `spec.type: ai-agent`), so agents appear in the developer
 * portal; invalid agents carry the `invalid` tag. A document that failed the schema has no trustworthy
 * owner or identity, so it is written as a YAML comment naming it instead of an entity.
 */
export function renderBackstage(entries: readonly InventoryEntry[]): string {
    return entries.map((e) => {
        if (!e.identities || e.name === null) {
            return `# agentid: agent ${showControls(e.name ?? "(no readable name)")} is not exported: its declaration is invalid (${showControls(errorsText(e))}); run agentid validate\n`;
        }
        return stringify({
            apiVersion: "backstage.io/v1alpha1",
            kind: "Resource",
            metadata: {
                name: e.name,
                description: e.description,
                annotations: {
                    "agentid.dev/expires-at": e.expiresAt,
                    "agentid.dev/spiffe-id": e.identities.spiffeId,
                    "agentid.dev/owner-contact": e.owner.contact,
                    ...(e.identities.aws ? { "agentid.dev/aws-role": e.identities.aws.roleName } : {}),
                    ...(e.valid ? {} : { "agentid.dev/invalid": errorsText(e) }),
                },
                tags: ["ai-agent", ...(e.status === "expired" ? ["expired"] : []), ...(e.valid ? [] : ["invalid"])],
            },
            spec: { type: "ai-agent", owner: e.owner.team, lifecycle: e.status === "expired" ? "deprecated" : "production" },
        });
    }).join("---\n");
}
