import type { Risk } from "../connectors/contract";
import { markdownCell, markdownCode, markdownCodeBlock } from "../output/markdown";
import { maxRisk } from "../connectors/contract";
import { canonicalJson } from "../declarations/digest";
import type { FleetSettings } from "../declarations/types";
import type { AgentView } from "./accessView";
import { ReachGraph, reachGraphMarkdown } from "./reachGraph";

/** Change kinds a reviewer must see (the CLI contract). */
export type ChangeKind = "added" | "removed" | "grant-added" | "grant-removed" | "access-widened" | "access-narrowed"
    | "expiry-extended" | "expiry-shortened" | "owner-changed" | "identity-changed" | "fleet-setting-changed" | "separation-of-duties";

/** The pseudo-agent fleet-wide changes are reported under. */
export const FLEET_CHANGES = "(fleet)";

export interface AccessChange {
    agent: string;
    kind: ChangeKind;
    risk: Risk;
    detail: string;
}

/** Per agent: the changes and the effective permissions before and after. */
export interface AgentDiff {
    agent: string;
    changes: AccessChange[];
    before: string[];
    after: string[];
}

/**
 * Every access-relevant change between two fleets. Risk rules: widening to write, new resources,
 * longer expiry and new trust are at least medium; permission-management or destructive reach is high;
 * anything that only removes access is low.
 */
export function diffFleets(base: readonly AgentView[], head: readonly AgentView[]): AgentDiff[] {
    const before = new Map(base.map((a) => [a.name, a]));
    const after = new Map(head.map((a) => [a.name, a]));
    const names = [...new Set([...before.keys(), ...after.keys()])].sort();
    return names.map((name) => {
        const b = before.get(name);
        const a = after.get(name);
        return { agent: name, changes: diffAgent(name, b, a), before: atomTexts(b), after: atomTexts(a) };
    }).filter((d) => d.changes.length > 0);
}

function diffAgent(agent: string, b: AgentView | undefined, a: AgentView | undefined): AccessChange[] {
    const changes: AccessChange[] = [];
    const add = (kind: ChangeKind, risk: Risk, detail: string) => changes.push({ agent, kind, risk, detail });
    if (!b && a) {
        const risk = a.grants.flatMap((g) => g.atoms).reduce<Risk>((r, x) => maxRisk(r, x.risk), "medium");
        add("added", risk, `new agent owned by ${a.owner.team}, expires ${a.expiresAt}, ${a.grants.flatMap((g) => g.atoms).length} permissions`);
        return changes;
    }
    if (b && !a) {
        add("removed", "low", `agent removed with all its identities and ${b.grants.flatMap((g) => g.atoms).length} permissions`);
        return changes;
    }
    if (!b || !a) return changes;

    const baseGrants = new Map(b.grants.map((g) => [g.key, g]));
    const headGrants = new Map(a.grants.map((g) => [g.key, g]));
    for (const [key, grant] of headGrants) {
        const old = baseGrants.get(key);
        if (!old) {
            add("grant-added", grant.atoms.reduce<Risk>((r, x) => maxRisk(r, x.risk), "medium"), `${grant.connector}: ${grant.atoms.map((x) => x.text).join("; ")}`);
            continue;
        }
        const oldTexts = new Set(old.atoms.map((x) => x.text));
        const newTexts = new Set(grant.atoms.map((x) => x.text));
        const gained = grant.atoms.filter((x) => !oldTexts.has(x.text));
        const lost = old.atoms.filter((x) => !newTexts.has(x.text));
        if (gained.length > 0) {
            const toWrite = gained.some((x) => x.write) ? "medium" : "low";
            add("access-widened", gained.reduce<Risk>((r, x) => maxRisk(r, x.risk), maxRisk(toWrite, "medium")), `${grant.connector}: + ${gained.map((x) => x.text).join("; + ")}`);
        }
        if (lost.length > 0) add("access-narrowed", "low", `${grant.connector}: - ${lost.map((x) => x.text).join("; - ")}`);
    }
    for (const [key, grant] of baseGrants) {
        if (!headGrants.has(key)) add("grant-removed", "low", `${grant.connector}: ${grant.atoms.map((x) => x.text).join("; ")}`);
    }

    if (a.expires && b.expires && a.expires.getTime() !== b.expires.getTime()) {
        const days = Math.round((a.expires.getTime() - b.expires.getTime()) / 86_400_000);
        if (a.expires > b.expires) add("expiry-extended", "medium", `${b.expiresAt} → ${a.expiresAt} (+${days} days)`);
        else add("expiry-shortened", "low", `${b.expiresAt} → ${a.expiresAt} (${days} days)`);
    }
    if (b.owner.team !== a.owner.team || b.owner.contact !== a.owner.contact) {
        add("owner-changed", "medium", `${b.owner.team} <${b.owner.contact}> → ${a.owner.team} <${a.owner.contact}>`);
    }
    // Who the agent is decides which workloads receive its credentials: any change there is high risk.
    for (const detail of identityChanges(b, a)) add("identity-changed", "high", detail);
    return changes;
}

function identityChanges(b: AgentView, a: AgentView): string[] {
    const out: string[] = [];
    const bi = b.identities;
    const ai = a.identities;
    if (bi.spiffeId !== ai.spiffeId) out.push(`SPIFFE ID ${bi.spiffeId} → ${ai.spiffeId}`);
    if (JSON.stringify(bi.aws) !== JSON.stringify(ai.aws)) {
        out.push(`AWS trust ${bi.aws ? `${bi.aws.trust} (session ${bi.aws.maxSessionDuration}s)` : "none"} → ${ai.aws ? `${ai.aws.trust} (session ${ai.aws.maxSessionDuration}s)` : "none"}`);
    }
    if (bi.kubernetes !== ai.kubernetes) out.push(`Kubernetes service account ${bi.kubernetes ?? "none"} → ${ai.kubernetes ?? "none"}`);
    if (JSON.stringify(bi.spire) !== JSON.stringify(ai.spire)) {
        const show = (s?: AgentView["identities"]["spire"]) => (s ? `${s.parentId} [${s.selectors.join(", ")}] x509 ${s.x509SvidTtl}s` : "none");
        out.push(`SPIRE entry ${show(bi.spire)} → ${show(ai.spire)}`);
    }
    return out;
}

/** `placement`: where agents' state lives (their stacks), not what they may reach. */
type SettingsDirection = "looser" | "tighter" | "changed" | "placement";

/** How a change of one Fleet setting moves the guardrails; anything not listed is a plain change. */
const SETTING_DIRECTION: Partial<Record<keyof FleetSettings, (before: unknown, after: unknown) => SettingsDirection>> = {
    maxLifetimeDays: (b, a) => (Number(a) > Number(b) ? "looser" : "tighter"),
    x509SvidTtl: (b, a) => (Number(a) > Number(b) ? "looser" : "tighter"),
    jwtSvidTtl: (b, a) => (Number(a) > Number(b) ? "looser" : "tighter"),
    allowedNamespaces: (b, a) => widens(b as string[] | undefined, a as string[] | undefined),
    trustedAccountIds: (b, a) => (((a as string[] | undefined) ?? []).some((x) => !((b as string[] | undefined) ?? []).includes(x)) ? "looser" : "tighter"),
    permissionsBoundaryArn: (b, a) => (b !== undefined && a === undefined ? "looser" : b === undefined ? "tighter" : "looser"),
    oauthClientSharing: (b, a) => ((b ?? "fleet") === "perAgent" && (a ?? "fleet") === "fleet" ? "looser" : "tighter"),
    allowClusterSpiffeIds: (b, a) => (a === true && b !== true ? "looser" : "tighter"),
    // Rules only added tighten; a rule removed or changed (even by one duty) may let duties come together.
    separationOfDuties: (b, a) => (((b as unknown[] | undefined) ?? []).every((rule) => ((a as unknown[] | undefined) ?? []).some((r) => canonicalJson(r) === canonicalJson(rule))) ? "tighter" : "looser"),
    // Trust settings decide who can become an agent: any change is as serious as a loosening.
    trustDomain: () => "looser", awsAccountId: () => "looser", awsRegion: () => "looser", oidcProviderArn: () => "looser",
    trustAnchorArn: () => "looser", clusterName: () => "looser", defaultNamespace: () => "looser",
    stacks: () => "placement",
};

/** Namespace lists: undefined means "any but system namespaces", the loosest. */
function widens(before: string[] | undefined, after: string[] | undefined): SettingsDirection {
    if (after === undefined) return before === undefined ? "tighter" : "looser";
    if (before === undefined) return "tighter";
    return after.some((x) => !before.includes(x)) ? "looser" : "tighter";
}

/**
 * Changes to the Fleet settings between two versions: a change that loosens a guardrail (or moves trust)
 * is high risk, one that tightens is low, any other medium. Reported under the agent name "(fleet)".
 */
export function diffFleetSettings(base: FleetSettings, head: FleetSettings): AgentDiff | undefined {
    const changes: AccessChange[] = [];
    const keys = [...new Set([...Object.keys(base), ...Object.keys(head)])].sort() as (keyof FleetSettings)[];
    for (const key of keys) {
        const b = base[key];
        const a = head[key];
        if (canonicalJson(b) === canonicalJson(a)) continue;
        const direction = SETTING_DIRECTION[key]?.(b, a) ?? "changed";
        const risk: Risk = direction === "looser" ? "high" : direction === "tighter" || direction === "placement" ? "low" : "medium";
        const show = (v: unknown) => (v === undefined ? "(unset)" : typeof v === "string" ? v : canonicalJson(v));
        const note = direction === "looser" ? " (loosens a guardrail or moves trust)" : direction === "placement" ? " (moves agents between stacks, not their access; agentid plan --all shows each move)" : "";
        changes.push({ agent: FLEET_CHANGES, kind: "fleet-setting-changed", risk, detail: `${key}: ${show(b)} → ${show(a)}${note}` });
    }
    return changes.length > 0 ? { agent: FLEET_CHANGES, changes, before: [], after: [] } : undefined;
}

/**
 * Adds the separation-of-duties conflicts the head has and the base had not (by agent and rule) to the
 * diff: each is a high-risk change of its agent, whatever brought it (a grant, a co-user's OAuth scope, a
 * shared identity, a new or changed rule).
 */
export function withDutyConflicts(diffs: readonly AgentDiff[], base: readonly { agent: string; rule: string }[], head: readonly { agent: string; rule: string; detail: string }[]): AgentDiff[] {
    const before = new Set(base.map((c) => `${c.agent}|${c.rule}`));
    const out = diffs.map((d) => ({ ...d, changes: [...d.changes] }));
    for (const c of head.filter((x) => !before.has(`${x.agent}|${x.rule}`))) {
        let diff = out.find((d) => d.agent === c.agent);
        if (!diff) {
            diff = { agent: c.agent, changes: [], before: [], after: [] };
            out.push(diff);
        }
        diff.changes.push({ agent: c.agent, kind: "separation-of-duties", risk: "high", detail: c.detail });
    }
    return out.sort((a, b) => (a.agent === FLEET_CHANGES ? -1 : b.agent === FLEET_CHANGES ? 1 : a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0));
}

function atomTexts(view: AgentView | undefined): string[] {
    return view ? view.grants.flatMap((g) => g.atoms.map((x) => x.text)) : [];
}

/**
 * A pull-request comment: a summary line, then one section per agent with effective permissions
 * before/after. Every user-supplied text is a code span or inside a fenced block (output/markdown),
 * so no declaration can add headings, HTML, mentions or rows to the comment.
 */
export function renderDiffMarkdown(diffs: readonly AgentDiff[], reach?: ReachGraph): string {
    const changes = diffs.flatMap((d) => d.changes);
    if (changes.length === 0) return "**agentid access diff**: no access changes.\n";
    const count = (risk: Risk) => changes.filter((c) => c.risk === risk).length;
    const lines = [
        `**agentid access diff**: ${changes.length} change${changes.length === 1 ? "" : "s"} to ${diffs.length} agent${diffs.length === 1 ? "" : "s"} — ${count("high")} high, ${count("medium")} medium, ${count("low")} low risk.`,
        "",
        ...(reach && reach.graph.edges.length + reach.graph.groups.length > 0
            ? reachGraphMarkdown(reach, "Reach of the changed agents (green: new, red dotted: removed, orange: access changed):") : []),
    ];
    const icon: Record<Risk, string> = { high: "🔴 high", medium: "🟠 medium", low: "🟢 low" };
    for (const diff of diffs) {
        lines.push(`### ${markdownCode(diff.agent)}`, "", "| change | risk | detail |", "|---|---|---|");
        for (const c of diff.changes) lines.push(`| ${c.kind} | ${icon[c.risk]} | ${markdownCell(c.detail)} |`);
        lines.push("", "<details><summary>Effective permissions before → after</summary>", "");
        const before = new Set(diff.before);
        const after = new Set(diff.after);
        const permissions = [...new Set([...diff.before, ...diff.after])].sort()
            .map((x) => `${before.has(x) && after.has(x) ? " " : after.has(x) ? "+" : "-"} ${x}`);
        lines.push(...markdownCodeBlock(permissions, "diff"), "", "</details>", "");
    }
    return lines.join("\n");
}
