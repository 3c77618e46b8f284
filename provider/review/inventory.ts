import { stringify } from "yaml";
import { isExpired } from "../spec/clock";
import type { AgentView } from "./accessView";
import { daysLeft } from "./accessView";

/** One row of the inventory: who owns it, what it reaches, when it ends. */
export interface InventoryEntry {
    name: string;
    description: string;
    owner: { team: string; contact: string; escalation?: string };
    expiresAt: string;
    daysLeft: number | null;
    status: "active" | "expired";
    identities: AgentView["identities"];
    reach: { aws: string[]; kubernetes: string[]; saas: string[]; tools: string[] };
}

export function inventoryOf(views: readonly AgentView[], now: Date): InventoryEntry[] {
    return views.map((v) => {
        const left = daysLeft(v, now);
        const atoms = (prefix: (c: string) => boolean) => v.grants.filter((g) => prefix(g.connector)).flatMap((g) => g.atoms.map((a) => a.text));
        return {
            name: v.name,
            description: v.description,
            owner: v.owner,
            expiresAt: v.expiresAt,
            daysLeft: left ?? null,
            status: v.expires && isExpired(v.expires, now) ? "expired" : "active",
            identities: v.identities,
            reach: {
                aws: atoms((c) => c.startsWith("aws.")),
                kubernetes: atoms((c) => c === "kubernetes"),
                saas: atoms((c) => c.startsWith("oauth.")),
                tools: atoms((c) => c.startsWith("tool.")),
            },
        };
    });
}

function identityText(e: InventoryEntry): string {
    const parts = [e.identities.spiffeId];
    if (e.identities.aws) parts.push(`aws:${e.identities.aws.trust}:${e.identities.aws.roleName}`);
    if (e.identities.kubernetes) parts.push(`k8s:${e.identities.kubernetes}`);
    if (e.identities.spire) parts.push("spire");
    return parts.join(" ");
}

export function renderInventoryMarkdown(entries: readonly InventoryEntry[]): string {
    const lines = ["| agent | owner | expires | days left | identities | reach |", "|---|---|---|---|---|---|"];
    for (const e of entries) {
        const reach = [...e.reach.aws, ...e.reach.kubernetes, ...e.reach.saas, ...e.reach.tools];
        lines.push(`| ${e.name} | ${e.owner.team} <${e.owner.contact}> | ${e.expiresAt} | ${e.daysLeft ?? "?"} | ${identityText(e)} | ${reach.join("<br>").replace(/\|/g, "\\|")} |`);
    }
    return lines.join("\n") + `\n\n${entries.length} agents, ${entries.filter((e) => e.status === "expired").length} expired.\n`;
}

const CSV_COLUMNS = ["name", "owner_team", "owner_contact", "expires_at", "days_left", "status", "identities", "aws", "kubernetes", "saas", "tools"];

export function renderInventoryCsv(entries: readonly InventoryEntry[]): string {
    const cell = (value: string | number | null) => {
        const text = value === null ? "" : String(value);
        return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    };
    const rows = entries.map((e) => [e.name, e.owner.team, e.owner.contact, e.expiresAt, e.daysLeft, e.status, identityText(e),
        e.reach.aws.join("; "), e.reach.kubernetes.join("; "), e.reach.saas.join("; "), e.reach.tools.join("; ")].map(cell).join(","));
    return [CSV_COLUMNS.join(","), ...rows].join("\n") + "\n";
}

/** Backstage catalog entities (`kind: Resource`, `spec.type: ai-agent`), so agents appear in the developer portal. */
export function renderBackstage(entries: readonly InventoryEntry[]): string {
    return entries.map((e) => stringify({
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
            },
            tags: ["ai-agent", ...(e.status === "expired" ? ["expired"] : [])],
        },
        spec: { type: "ai-agent", owner: e.owner.team, lifecycle: e.status === "expired" ? "deprecated" : "production" },
    })).join("---\n");
}
