/**
 * Separation of duties: the Fleet's rules naming duties no single agent may hold together (reading payment
 * secrets and posting to chat). One module for the declarations (`validate`, the components), `diff` and the
 * policy pack: each reads an identity's permissions (model/permissions.ts) from where it has them — an
 * agent's expanded grants, or a stack's policies, RBAC bindings, token statements and Cedar permits — and
 * this module decides, with one definition of what a duty covers.
 */
import { resourceReachesArnPrefix } from "../connectors/arnMatching";
import { catalog } from "../connectors/catalog";
import type { GrantExpansion } from "../connectors/contract";
import { serviceAccountsActedAs } from "../connectors/kubernetes";
import { scopesOf } from "../connectors/oauthScopes";
import type { FieldPath, Violation } from "../declarations/diagnostics";
import { isDns1123Label } from "../declarations/names";
import { isExpired, parseInstant } from "../declarations/clock";
import type { AgentDeclaration, Duty, SeparationOfDutiesRule } from "../declarations/types";
import { sharedOauthScopesOf } from "../model/oauthSharing";
import { Permission, PermissionLevel, permissionsOfExpansions } from "../model/permissions";
import { placeholderContext, workloadServiceAccountOf } from "../model/resolvedAgent";
import type { ResolvedSettings } from "../model/settings";
import { identityGroups } from "./identities";

/** The levels a duty needs: `readwrite` needs both (from one grant or several). */
function levelsOf(duty: Duty): PermissionLevel[] {
    return duty.access === "readwrite" ? ["read", "write"] : [duty.access];
}

/** Whether a permission is part of a duty, at any level: the connector's reach, limited to the duty's resources. */
export function dutyCovers(duty: Duty, p: Permission): boolean {
    const resources = duty.resources;
    const within = (test: (r: string) => boolean) => resources === undefined || resources.some(test);
    if (duty.connector.startsWith("aws.")) {
        const service = duty.connector.slice(4).toLowerCase();
        return p.kind === "aws" && p.effect === "Allow" && (p.service === service || p.service === "*")
            && within((prefix) => resourceReachesArnPrefix(p.resource, prefix));
    }
    if (duty.connector === "kubernetes") {
        return p.kind === "kubernetes" && within((r) => {
            const [namespace, resource] = r.split("/");
            return p.namespace === namespace && (resource === undefined || p.resource === resource || p.resource.startsWith(`${resource}/`));
        });
    }
    if (duty.connector.startsWith("oauth.")) {
        // A stack does not say which scopes a client serves (scope undefined): any scope may be obtained.
        return p.kind === "saas" && p.vendor === duty.connector.slice(6) && within((scope) => p.scope === undefined || p.scope === scope);
    }
    if (duty.connector.startsWith("tool.")) {
        // A stack's Cedar permit may name no gateway or no tool (`*`): every one.
        return p.kind === "tool" && (p.gateway === "*" || p.gateway === duty.connector.slice(5)) && within((t) => p.tool === "*" || p.tool === t || p.tool.startsWith(`${t}/`));
    }
    return false;
}

/** For each duty of the rule, the permissions that hold it; undefined when some duty is not held at every level it needs. */
export function ruleHeldBy(rule: SeparationOfDutiesRule, permissions: readonly Permission[]): Permission[][] | undefined {
    const held: Permission[][] = [];
    for (const duty of rule.forbid) {
        const levels = levelsOf(duty);
        const covering = permissions.filter((p) => levels.includes(p.level) && dutyCovers(duty, p));
        if (!levels.every((level) => covering.some((p) => p.level === level))) return undefined;
        held.push(covering);
    }
    return held;
}

/** An identity whose permissions are judged: an agent (declarations) or an agent role with its service accounts (stacks). */
export interface DutyHolder {
    name: string;
    permissions: readonly Permission[];
}

/** One rule an identity breaks: for each duty, the holders and permissions that hold it. */
export interface DutyConflict {
    rule: SeparationOfDutiesRule;
    /** Per duty, which holder (index) holds it through which permissions. */
    duties: { duty: Duty; held: { holder: number; permissions: Permission[] }[] }[];
    /** Holders whose identity this one can act as, each with the step that reaches it. */
    actsAs?: { holder: number; step: ActingStep }[];
}

/** A holder acting as another holder's identity through one of its grants (an RBAC rule reaching that service account). */
export interface ActingStep {
    to: number;
    grant?: number;
    reason: string;
}

/**
 * The rules each holder breaks, judged with the holders it shares an identity with (`groups`: sets of
 * holder indexes whose workloads receive each other's credentials) and those it can act as (`acting`,
 * followed step by step; what they hold, it holds). A holder is reported when these hold every duty of a
 * rule and it holds at least one of them itself or through a holder it acts as.
 */
export function dutyConflicts(holders: readonly DutyHolder[], rules: readonly SeparationOfDutiesRule[], groups: readonly (readonly number[])[] = [], acting: readonly (readonly ActingStep[])[] = []): DutyConflict[][] {
    const groupOf = (i: number) => groups.find((g) => g.includes(i)) ?? [i];
    return holders.map((_, i) => {
        const { members, own } = reachableHolders(i, groupOf, acting);
        const conflicts: DutyConflict[] = [];
        for (const rule of rules) {
            const permissions = members.flatMap((m) => holders[m].permissions.map((p) => ({ p, holder: m })));
            const held = ruleHeldBy(rule, permissions.map((x) => x.p));
            if (!held) continue;
            const duties = rule.forbid.map((duty, d) => ({
                duty,
                held: members.map((m) => ({ holder: m, permissions: held[d].filter((p) => permissions.some((x) => x.p === p && x.holder === m)) }))
                    .filter((h) => h.permissions.length > 0),
            }));
            if (duties.some((d) => d.held.some((h) => own.has(h.holder)))) conflicts.push({ rule, duties, actsAs: [...own].filter(([m]) => m !== i).map(([holder, step]) => ({ holder, step: step! })) });
        }
        return conflicts;
    });
}

/**
 * The holders whose permissions count for holder `i`: its identity group, the holders it acts as and
 * their groups, transitively. `own` are those whose duties are its own, each with the first acting step
 * (one of `i`'s grants) on the way: itself, and every holder reached by acting steps from it or from
 * what it owns, and their groups. A holder sharing `i`'s identity, and what that holder acts as, are
 * judged on their own.
 */
function reachableHolders(i: number, groupOf: (i: number) => readonly number[], acting: readonly (readonly ActingStep[])[]): { members: number[]; own: Map<number, ActingStep | undefined> } {
    const reached = new Map<number, { own: boolean; first?: ActingStep }>([[i, { own: true }]]);
    const queue = [i];
    const visit = (h: number, own: boolean, first: ActingStep | undefined) => {
        const before = reached.get(h);
        if (before && (before.own || !own)) return;
        reached.set(h, { own, ...(first ? { first } : {}) });
        queue.push(h);
    };
    while (queue.length > 0) {
        const h = queue.shift()!;
        const { own, first } = reached.get(h)!;
        for (const m of groupOf(h)) visit(m, own && h !== i, first);
        for (const step of acting[h] ?? []) visit(step.to, own, h === i ? step : first);
    }
    const members = [...reached.keys()].sort((a, b) => a - b);
    return { members, own: new Map(members.filter((m) => reached.get(m)!.own).map((m) => [m, reached.get(m)!.first])) };
}

/** `aws.secretsmanager read`, `oauth.slack write on chat:write`: a duty as messages name it. */
export function dutyText(duty: Duty): string {
    return `${duty.connector} ${duty.access}${duty.resources ? ` on ${duty.resources.join(", ")}` : ""}`;
}

/** `rule "no-secret-exfiltration" (nothing that reads payment secrets may post to chat)`. */
export function ruleText(rule: SeparationOfDutiesRule): string {
    return `separation-of-duties rule "${rule.name}"${rule.description ? ` (${rule.description})` : ""}`;
}

/**
 * The declaration-side violation of one conflict, placed at the agent's first grant holding a duty.
 * `grantAt(holder, grant)` says where a grant is written (`agents/billing.yaml:30:7`).
 */
export function dutyViolation(conflict: DutyConflict, self: number, holders: readonly DutyHolder[], grantAt: (holder: number, grant: number) => string): Violation {
    const own = conflict.duties.flatMap((d) => d.held.filter((h) => h.holder === self).flatMap((h) => h.permissions.map((p) => p.grant)))
        .filter((g): g is number => g !== undefined);
    const parts = conflict.duties.map(({ duty, held }) => `${dutyText(duty)} by ${held.map((h) => {
        const grants = [...new Set(h.permissions.map((p) => p.grant).filter((g): g is number => g !== undefined))].sort((a, b) => a - b);
        const through = [...new Set(h.permissions.flatMap((p) => (p.kind === "saas" ? p.through ?? [] : [])))];
        const acting = conflict.actsAs?.find((a) => a.holder === h.holder);
        const whose = h.holder === self ? "" : acting ? ` of agent "${holders[h.holder].name}", which this agent can act as (${acting.step.reason})`
            : ` of agent "${holders[h.holder].name}", which shares this agent's identity`;
        const indirect = [...new Set(h.permissions.flatMap((p) => (p.indirect ? [p.indirect] : [])))];
        return `${grants.map((g) => `grant ${g}${whose} (${grantAt(h.holder, g)})`).join(", ")}${through.length ? ` through the OAuth client shared with ${through.join(", ")}` : ""}${indirect.length ? ` (indirectly: ${indirect.join("; ")})` : ""}`;
    }).join(" and ")}`);
    // Held only through agents it acts as: the grant that lets it act as them is where the conflict is.
    const stepGrants = (conflict.actsAs ?? []).map((a) => a.step.grant).filter((g): g is number => g !== undefined && own.length === 0);
    const at = [...own, ...stepGrants];
    const path: FieldPath = at.length > 0 ? ["spec", "grants", Math.min(...at)] : ["metadata", "name"];
    return {
        path, rule: "separation-of-duties",
        message: `${ruleText(conflict.rule)}: this agent holds every duty it forbids — ${parts.join("; ")}; move one of these duties to another agent (with its own identity and OAuth client), or change the rule with its owners`,
    };
}

/**
 * The fleet's rules over declarations that passed the schema (same order as given): each agent holds the
 * permissions of its expanded grants, with its effective OAuth scopes; an expired agent holds none, and
 * an agent with an invalid grant is judged on nothing (its grants' own errors say why). Agents sharing an
 * identity are judged together.
 */
export function declarationDutyConflicts(decls: readonly AgentDeclaration[], settings: ResolvedSettings, now: Date): { holders: DutyHolder[]; conflicts: DutyConflict[][] } {
    const rules = settings.separationOfDuties ?? [];
    if (rules.length === 0) return { holders: [], conflicts: decls.map(() => []) };
    const shared = sharedOauthScopesOf(decls, settings, now);
    const expansions = decls.map((decl) => {
        const name = decl.metadata.name;
        const expiresAt = parseInstant(decl.spec.expiresAt);
        const usable = expiresAt !== undefined && !isExpired(expiresAt, now) && decl.spec.grants.every((g) => catalog.validate(g).length === 0);
        return usable ? catalog.expand(decl.spec.grants, { ...placeholderContext(name, settings), sharedOauthScopes: shared(name) }) : [];
    });
    const holders: DutyHolder[] = decls.map((decl, i) => ({ name: decl.metadata.name, permissions: permissionsOfExpansions(expansions[i]) }));
    return { holders, conflicts: dutyConflicts(holders, rules, identityGroups(decls, settings), actingSteps(decls, expansions, settings)) };
}

/** For each agent, the other agents whose service accounts its RBAC grants let it act as (connectors/kubernetes decides which rules do). */
function actingSteps(decls: readonly AgentDeclaration[], expansions: readonly GrantExpansion[][], settings: ResolvedSettings): ActingStep[][] {
    const accounts = decls.map((decl) => workloadServiceAccountOf(decl, settings));
    return expansions.map((list, i) => list.flatMap((e) => (e.rbac ? e.rbac.rules.map((rule) => ({ e, rule })) : [])).flatMap(({ e, rule }) => {
        const actedAs = serviceAccountsActedAs(rule);
        if (!actedAs) return [];
        return accounts.flatMap((account, to): ActingStep[] => (to !== i && account && account.namespace === e.rbac!.namespace
            && (!actedAs.names || actedAs.names.includes(account.serviceAccount)) ? [{ to, grant: e.index, reason: actedAs.reason }] : []));
    }));
}

/** The violations of `declarationDutyConflicts`; `grantAt(agent, grant)` says where a grant is written. */
export function declarationDutyViolations(decls: readonly AgentDeclaration[], settings: ResolvedSettings, now: Date, grantAt: (agent: number, grant: number) => string): Violation[][] {
    const { holders, conflicts } = declarationDutyConflicts(decls, settings, now);
    return conflicts.map((list, i) => list.map((c) => dutyViolation(c, i, holders, grantAt)));
}

/** Problems with the rules themselves (Fleet settings): unique names, catalog connectors, resources in each connector's form. */
export function dutyRuleViolations(rules: readonly SeparationOfDutiesRule[], at: FieldPath): Violation[] {
    const out: Violation[] = [];
    const add = (path: FieldPath, message: string) => out.push({ path: [...at, ...path], rule: "fleet-setting", message });
    const seen = new Set<string>();
    rules.forEach((rule, r) => {
        if (seen.has(rule.name)) add([r, "name"], `separationOfDuties has two rules named "${rule.name}"; give each rule its own name`);
        seen.add(rule.name);
        rule.forbid.forEach((duty, d) => {
            const path = [r, "forbid", d];
            const connector = catalog.find(duty.connector);
            const family = duty.connector.startsWith("oauth.") ? scopesOf(duty.connector.slice(6)) !== undefined
                : duty.connector.startsWith("tool.") ? isDns1123Label(duty.connector.slice(5)) : true;
            if (!connector || duty.connector === "aws.iam" || !family) {
                add([...path, "connector"], `"${duty.connector}" is not a connector a duty can name; use an AWS service connector (aws.s3, aws.secretsmanager, …: every IAM action of the service counts, aws.iam grants included), kubernetes, oauth.<vendor> or tool.<gateway>`);
                return;
            }
            (duty.resources ?? []).forEach((resource, i) => {
                const problem = dutyResourceProblem(duty.connector, resource);
                if (problem) add([...path, "resources", i], problem);
            });
        });
    });
    return out;
}

function dutyResourceProblem(connector: string, resource: string): string | undefined {
    if (connector.startsWith("aws.")) {
        const service = connector.slice(4);
        const body = resource.endsWith("*") ? resource.slice(0, -1) : resource;
        if (!body.startsWith(`arn:`) || /[*?]|\$\{/.test(body)) return `"${resource}" is not an ARN prefix; write the start of the ARNs the duty covers, e.g. arn:aws:${service}:us-east-1:123456789012:… (a trailing * is optional, no other wildcard)`;
        const named = body.split(":")[2];
        if (named !== undefined && named !== "" && body.split(":").length > 3 && named !== service) return `"${resource}" is not a ${service} ARN; a ${connector} duty covers ${service} resources`;
        return undefined;
    }
    if (connector === "kubernetes") {
        const [namespace, kind, extra] = resource.split("/");
        if (extra !== undefined || !isDns1123Label(namespace) || (kind !== undefined && !/^[a-z][a-z0-9.-]*$/.test(kind))) return `"${resource}" is not <namespace> or <namespace>/<resource>, e.g. production/secrets`;
        return undefined;
    }
    if (connector.startsWith("oauth.")) {
        const vendor = connector.slice(6);
        const known = scopesOf(vendor);
        if (known && !Object.hasOwn(known, resource)) return `"${resource}" is not a ${vendor} scope; known scopes: ${Object.keys(known).join(", ")}`;
        return undefined;
    }
    if (!/^[A-Za-z][A-Za-z0-9_-]*(\/[A-Za-z][A-Za-z0-9_.-]*)?$/.test(resource)) return `"${resource}" is not <target> or <target>/<tool>, e.g. crm/issueRefund`;
    return undefined;
}
