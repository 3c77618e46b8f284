/**
 * The agentid-guardrails policies, as plain functions over a stack's resources. They apply to any
 * stack, including stacks written by hand: agent roles are recognised by what they trust, and every
 * rule is the one the declarations obey (wildcards, forbidden actions, trust modes, lifetime).
 * `index.ts` wraps them in a CrossGuard PolicyPack; tests call them directly, so no policy server starts.
 */
import { iamActions } from "../connectors/iamData";
import { isEmail, isSpireReservedId, isSpireServerId, spireParentPlace } from "../declarations/names";
import { addDays, formatInstant, parseInstant } from "../declarations/clock";
import { AgentRole, agentRolesOf, agentServiceAccountsOf, kubernetesPinsOf, selectorsOf, SvidEntry, svidEntriesOf, trustedSvids } from "./agentRoles";
import { automountProblems, bindingProblems } from "./kubernetes";
import { allowedActions, permissionSourcesOf, sourceProblems } from "./permissions";
import { containsUnknown, Guardrail, GuardrailViolation, labelOf, resolveGuardrailConfig, ResourceView, TYPES, Unknown, UNKNOWN } from "./resourceView";
import { StackView } from "./stackView";
import { trustProblems } from "./trust";
import { separationOfDuties } from "./duties";

export { UNKNOWN } from "./resourceView";
export type { Guardrail, GuardrailConfig, GuardrailViolation, ResourceView } from "./resourceView";

/** A string map property (tags, annotations): UNKNOWN when any of it is not known yet. */
function labelsOf(value: unknown): Record<string, unknown> | Unknown {
    if (containsUnknown(value)) return UNKNOWN;
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
const tagsOf = (r: ResourceView) => labelsOf(r.props.tags);
const annotationsOf = (r: ResourceView) => labelsOf((r.props.metadata as { annotations?: unknown } | undefined)?.annotations);
const tag = (r: ResourceView, key: string): string | undefined => {
    const tags = tagsOf(r);
    return tags !== UNKNOWN && typeof tags[key] === "string" ? (tags[key] as string) : undefined;
};
const violation = (r: ResourceView, message: string): GuardrailViolation => ({ urn: r.urn, message });
const notKnown = (what: string) => `its ${what} are not known at preview (computed from other resources' outputs), so its owner and expiry cannot be reviewed — write them from known values`;

/** Every agent (role or service account) has an owner and an expiry within the allowed lifetime. */
export const ownerAndExpiry: Guardrail = {
    name: "agent-owner-and-expiry",
    description: "Every agent identity (IAM role or Kubernetes service account) carries an owner team, a reachable contact and an expiry within the allowed lifetime.",
    check(resources, config) {
        const { now, maxLifetimeDays } = resolveGuardrailConfig(config);
        const latest = addDays(now, maxLifetimeDays);
        const stack = new StackView(resources);
        const roles = agentRolesOf(stack);
        const identities = [
            ...roles.map(({ role, reason }) => ({ r: role, why: reason, labels: tagsOf(role), kind: "tags", key: (field: string) => `agentid:${field}`, where: "tag" })),
            ...agentServiceAccountsOf(stack, roles).flatMap(({ resource, reason }) => (resource
                ? [{ r: resource, why: reason, labels: annotationsOf(resource), kind: "annotations", key: (field: string) => `agentid.dev/${field}`, where: "annotation" }]
                : [])),
        ];
        const out: GuardrailViolation[] = [];
        for (const id of identities) {
            const label = `${labelOf(id.r)} is an agent identity (${id.why})`;
            if (id.labels === UNKNOWN) {
                // An Agent's tags and annotations may hold ARNs of its own resources: checked once known, at update.
                if (!stack.underAgent(id.r)) out.push(violation(id.r, `${label}, but ${notKnown(id.kind)}`));
                continue;
            }
            const [team, contact, expires] = ["owner-team", "owner-contact", "expires-at"].map((field) => (id.labels as Record<string, unknown>)[id.key(field)]);
            const where = (field: string) => `${id.where} ${id.key(field)}`;
            if (typeof team !== "string" || team === "") out.push(violation(id.r, `${label} without an owner team; add ${where("owner-team")} naming the team that answers for it`));
            if (typeof contact !== "string" || !isEmail(contact)) out.push(violation(id.r, `${label} without an owner contact e-mail; add ${where("owner-contact")} with a reachable address such as team@example.com`));
            const ends = typeof expires === "string" ? parseInstant(expires) : undefined;
            if (!ends) {
                out.push(violation(id.r, `${label} without an expiry${expires !== undefined ? ` it can read (${JSON.stringify(expires)})` : ""}; add ${where("expires-at")} with an RFC 3339 date-time on or before ${formatInstant(latest)}`));
            } else if (ends.getTime() > latest.getTime()) {
                out.push(violation(id.r, `${label} that expires ${expires}, more than ${maxLifetimeDays} days after now (${formatInstant(now)}); set ${where("expires-at")} on or before ${formatInstant(latest)}`));
            }
        }
        return out;
    },
};

/** Nothing an agent role is granted, by any route, holds wildcards, NotAction/NotResource or forbidden actions. */
export const leastPrivilege: Guardrail = {
    name: "agent-least-privilege",
    description: "Agent roles get exact actions on exact resources until their expiry, by every route (inline, RolePolicy, attachments, managed ARNs): no wildcards, no NotAction/NotResource, no IAM/STS, permissions-management or escalation actions, no unreviewable policies.",
    check(resources) {
        const stack = new StackView(resources);
        const out: GuardrailViolation[] = [];
        for (const { role } of agentRolesOf(stack)) {
            for (const source of permissionSourcesOf(role, stack)) {
                const defer = stack.underAgent(source.holder);
                for (const problem of sourceProblems(source, tag(role, "agentid:expires-at"), defer)) {
                    const on = source.holder === role ? labelOf(role) : `${labelOf(source.holder)} on agent role ${labelOf(role)}`;
                    out.push(violation(source.holder, `${on}: ${problem}`));
                }
            }
        }
        return out;
    },
};

/** Agent roles trust exactly their mode's principal, pinned to one workload, until the agent's expiry. */
export const pinnedTrust: Guardrail = {
    name: "agent-trust-pinned",
    description: "Agent roles trust exactly their mode's principal (IRSA, Pod Identity, Roles Anywhere, AgentCore) with every pin of that mode as one exact value, until the agent's expiry and within the lifetime, for sessions of at most one hour; every SPIRE entry issuing the SVID a Roles Anywhere trust names pins the same one namespace and service account, under the same parent or the same cluster's node agents (one workload), and no entry of the stack widens that parent (a second node alias of other nodes, or an entry with its ID under another parent).",
    check(resources, config) {
        const resolved = resolveGuardrailConfig(config);
        const stack = new StackView(resources);
        const agents = agentRolesOf(stack);
        return [...agents.flatMap((agent) => {
            const entries = svidEntriesOf(stack, agent);
            return [
                ...trustProblems(agent, resolved, tag(agent.role, "agentid:expires-at"), stack.underAgent(agent.role))
                    .map((problem) => violation(agent.role, `${labelOf(agent.role)} is an agent role (${agent.reason}) and ${problem}`)),
                ...svidHandouts(stack, agent, entries),
                ...parentWideners(stack, agent, entries),
            ];
        }), ...svidMinters(stack, agents), ...unknownSpiffeIds(stack, agents)];
    },
};

/** What a SPIRE entry's holder may do beyond receiving its own SVID. */
const MINTING_POWERS = { downstream: "sign SVIDs for any SPIFFE ID of the trust domain (a nested SPIRE server)", admin: "register entries for any SPIFFE ID (SPIRE's admin API)" } as const;

/**
 * `downstream` and `admin` SPIRE entries in a stack whose agent roles trust SVIDs: whoever holds one can mint or
 * register an agent's SPIFFE ID and assume its role, whatever that entry's own ID. An Agent's entries are neither;
 * a flag not known at preview is refused outside an Agent.
 */
function svidMinters(stack: StackView, agents: readonly AgentRole[]): GuardrailViolation[] {
    const trusted = [...new Set(agents.flatMap(trustedSvids))].sort();
    if (trusted.length === 0) return [];
    const flags = Object.keys(MINTING_POWERS) as (keyof typeof MINTING_POWERS)[];
    return stack.ofType(TYPES.spireEntry).flatMap((entry) => {
        const powers = flags.filter((flag) => entry.props[flag] === true);
        const unknown = stack.underAgent(entry) ? [] : flags.filter((flag) => containsUnknown(entry.props[flag]));
        if (powers.length === 0 && unknown.length === 0) return [];
        const what = powers.length > 0
            ? `is ${powers[0] === "admin" ? "an" : "a"} ${powers.join(" and ")} entry: its holder can ${powers.map((flag) => MINTING_POWERS[flag]).join(" and ")}`
            : `has ${unknown.join(" and ")} not known at preview (computed from other resources' outputs), so it may be an entry whose holder can ${unknown.map((flag) => MINTING_POWERS[flag]).join(" and ")}`;
        return [violation(entry, `${labelOf(entry)} ${what} — ${trusted.join(", ")} among them, whose SVIDs agent roles in this stack trust; keep downstream and admin entries out of agents' stacks (a nested SPIRE server's or an operator's stack of its own)`)];
    });
}

/**
 * SPIRE entries handing an agent role's SVID to more than one workload (the declarations' `spire-selectors` and
 * `identity-shared` rules, for entries written outside an Agent): SPIRE gives the SVID to every workload matching
 * all of an entry's selectors on the nodes its parent stands for, and the role to whoever holds the SVID. Each
 * entry pins one namespace and one service account, and every entry issuing the agent's SVIDs pins the same one
 * in the same place (one parent, or one cluster's node agents) — the agent's own entry's first, else the first
 * Kubernetes one's; an entry without Kubernetes selectors cannot be shown to be that workload (a VM agent's
 * entries, none of them Kubernetes, are one workload when their selectors and place are the same). Selectors or
 * parent not known at preview: refused outside an Agent; an Agent's own are checked when `pulumi up` reports them.
 */
function svidHandouts(stack: StackView, agent: AgentRole, entries: readonly SvidEntry[]): GuardrailViolation[] {
    const out: GuardrailViolation[] = [];
    const issues = (entry: ResourceView, spiffeId: string) => `${labelOf(entry)} issues ${spiffeId}, the SVID agent role ${labelOf(agent.role)} trusts, to`;
    const workloads: { entry: ResourceView; spiffeId: string; workload: SvidWorkload }[] = [];
    for (const { entry, spiffeId } of entries) {
        if (containsUnknown(entry.props.selectors)) {
            if (!stack.underAgent(entry)) out.push(violation(entry, `${issues(entry, spiffeId)} the workloads its selectors match, but its selectors are not known at preview (computed from other resources' outputs), so they cannot be shown to pin the agent's one workload — write them from known values`));
            continue;
        }
        if (containsUnknown(entry.props.parentId)) {
            if (!stack.underAgent(entry)) out.push(violation(entry, `${issues(entry, spiffeId)} the workloads its selectors match on the nodes its parent stands for, but its parent ID is not known at preview (computed from other resources' outputs), so the entry cannot be shown to reach only the agent's one workload — write it from known values`));
            continue;
        }
        if (typeof entry.props.parentId === "string" && isSpireServerId(entry.props.parentId)) {
            out.push(violation(entry, `${issues(entry, spiffeId)} the SPIRE agents (nodes) its selectors match: its parent is the SPIRE server (${entry.props.parentId}), which makes it a node entry, so every node it matches, and whatever runs there as it, holds the agent's SVID and assumes its role — register the agent's SVID as a workload entry under a node or node alias, pinning its one workload`));
            continue;
        }
        const workload = svidWorkloadOf(entry);
        if ("loose" in workload) {
            out.push(violation(entry, `${issues(entry, spiffeId)} every pod its Kubernetes selectors match (${workload.loose}); pin one namespace and one service account (k8s:ns:<namespace> and k8s:sa:<name>), or other pods receive the agent's SVID and assume its role`));
        } else workloads.push({ entry, spiffeId, workload });
    }
    const own = stack.agentOf(agent.role);
    const first = workloads.find((w) => own !== undefined && stack.agentOf(w.entry) === own) ?? workloads.find((w) => w.workload.kubernetes) ?? workloads[0];
    for (const w of workloads) {
        if (w.workload.key === first.workload.key) continue;
        // Other pods for certain: another service account. The same one under another parent may be another cluster's.
        const otherPods = w.workload.kubernetes && first.workload.kubernetes && w.workload.account !== first.workload.account;
        const fix = first.workload.kubernetes ? `pin ${first.workload.pins} as ${labelOf(first.entry)} does` : `give it the selectors and parent of ${labelOf(first.entry)} (${first.workload.pins})`;
        out.push(violation(w.entry, `${issues(w.entry, w.spiffeId)} ${w.workload.receivers}, but ${labelOf(first.entry)} issues ${first.spiffeId === w.spiffeId ? "it" : first.spiffeId} to ${first.workload.receivers}: ${otherPods ? "two workloads hold" : "nothing shows they are one workload, so two may hold"} the agent's identity and assume its role; ${fix}, or give the other workload its own SPIFFE ID and role`));
    }
    return out;
}

/**
 * Entries of the stack that decide which SPIRE agents stand for the parent of an entry issuing an agent's SVID.
 * A parent outside `/spire` is no SPIRE agent's own ID: SPIRE (v1.13.3 authorizedentries) gives the entries under
 * it to every agent matching a node alias with that ID (an entry under the SPIRE server), and to every agent that
 * receives an entry with that ID, whose own entries it crawls. So an entry with the parent's ID under another
 * parent (a workload entry under another cluster's node agent) hands the agent's entries, and its SVID, to that
 * agent's workloads; and two node aliases with that ID and other selectors stand for two sets of nodes. The first
 * node alias the stack shows is the parent; the stack need not show it (an operator's stack may hold it).
 */
function parentWideners(stack: StackView, agent: AgentRole, entries: readonly SvidEntry[]): GuardrailViolation[] {
    const out: GuardrailViolation[] = [];
    const parents = [...new Set(entries.map(({ entry }) => entry.props.parentId)
        .filter((p): p is string => typeof p === "string" && !isSpireReservedId(p)))];
    for (const parent of parents) {
        const carries = (entry: ResourceView) => `${labelOf(entry)} has the SPIFFE ID ${parent}, the parent of entries issuing the SVID agent role ${labelOf(agent.role)} trusts:`;
        let alias: { entry: ResourceView; selectors: string } | undefined;
        for (const entry of stack.ofType(TYPES.spireEntry).filter((e) => e.props.spiffeId === parent)) {
            if (containsUnknown(entry.props.parentId) || containsUnknown(entry.props.selectors)) {
                if (!stack.underAgent(entry)) out.push(violation(entry, `${carries(entry)} SPIRE gives those entries to every SPIRE agent it reaches, but its parent ID or selectors are not known at preview (computed from other resources' outputs), so it cannot be shown to reach only the agent's nodes — write them from known values`));
                continue;
            }
            const entryParent = entry.props.parentId;
            if (typeof entryParent !== "string" || !isSpireServerId(entryParent)) {
                out.push(violation(entry, `${carries(entry)} it is a workload entry under ${String(entryParent)}, and SPIRE gives the entries under an entry's SPIFFE ID to every SPIRE agent that receives it, so whatever runs there as the agent's workload holds its SVID and assumes its role — give the node alias its own ID under the SPIRE server, or the agent's entries another parent`));
                continue;
            }
            const selectors = selectorsOf(entry);
            const key = JSON.stringify(selectorSet(selectors));
            if (alias === undefined) alias = { entry, selectors: key };
            else if (alias.selectors !== key) {
                out.push(violation(entry, `${carries(entry)} a node alias of the SPIRE agents matching ${selectors.join(", ")}, but ${labelOf(alias.entry)} makes ${parent} the SPIRE agents matching ${selectorsOf(alias.entry).join(", ")}: SPIRE gives the agent's entries to both sets of nodes, and its SVID to its workload on either — keep one node alias per ID, or give these nodes an alias of their own`));
            }
        }
    }
    return out;
}

/**
 * Entries outside an Agent whose SPIFFE ID is not known at preview, in a stack whose agent roles trust SVIDs: the
 * ID may be an agent's, issued to whatever the entry's selectors match, or the parent of an agent's entries.
 */
function unknownSpiffeIds(stack: StackView, agents: readonly AgentRole[]): GuardrailViolation[] {
    if (!agents.some((agent) => trustedSvids(agent).length > 0)) return [];
    return stack.ofType(TYPES.spireEntry).filter((entry) => !stack.underAgent(entry) && containsUnknown(entry.props.spiffeId))
        .map((entry) => violation(entry, `${labelOf(entry)} has a SPIFFE ID not known at preview (computed from other resources' outputs), in a stack whose agent roles trust SVIDs: it may issue an agent's SVID, or stand for the parent of an agent's entries, beyond the agent's one workload — write it from known values`));
}

/**
 * Who receives a SPIRE entry's SVID: the pods of one service account, the workloads matching selectors none of
 * which is Kubernetes (`unix`, `docker`…), or — `loose` — the pods of more than one account; in each case on the
 * nodes the entry's parent stands for (`place`: one cluster for its nodes' own k8s_psat/k8s_sat agent IDs, else
 * the parent ID itself — the same namespace and account on another cluster, or the same uid on another host, is
 * another workload). Entries of one workload share its key (a JSON list: the place, then the namespace and
 * account, or the selector set in any order; a Kubernetes key starts with `k8s `, never with `[`).
 */
interface SvidWorkload { kubernetes: boolean; key: string; place: string; account?: string; pins: string; receivers: string }

function svidWorkloadOf(entry: ResourceView): SvidWorkload | { loose: string } {
    const { kubernetes, namespaces, accounts } = kubernetesPinsOf(entry);
    const { key: place, where } = spireParentPlace(String(entry.props.parentId ?? ""));
    if (kubernetes) {
        if (namespaces.length !== 1 || accounts.length !== 1) return { loose: [...namespaces.map((n) => `k8s:ns:${n}`), ...accounts.map((a) => `k8s:sa:${a}`)].join(", ") || "neither" };
        const [namespace, account] = [namespaces[0], accounts[0]];
        return {
            kubernetes, key: `k8s ${JSON.stringify([place, namespace, account])}`, place, account: `${namespace}/${account}`,
            pins: `k8s:ns:${namespace} and k8s:sa:${account} ${where}`,
            receivers: `the pods of service account ${namespace}/${account} (k8s:ns:${namespace}, k8s:sa:${account}) ${where}`,
        };
    }
    const selectors = selectorsOf(entry);
    return { kubernetes, key: JSON.stringify([place, ...selectorSet(selectors)]), place, pins: `${selectors.join(", ")} ${where}`, receivers: `every workload matching ${selectors.join(", ")} (no Kubernetes selector) ${where}` };
}

/** Selectors as a set: SPIRE matches all of an entry's selectors, in whatever order they are written. */
function selectorSet(selectors: readonly string[]): string[] {
    return [...selectors].sort();
}

/** Long-term credentials: what a stack with workload identities never needs. */
const STATIC_CREDENTIALS: Record<string, string> = {
    "aws:iam/accessKey:AccessKey": "a long-term IAM access key",
    "aws:iam/userLoginProfile:UserLoginProfile": "a static console password",
    "aws:iam/serviceSpecificCredential:ServiceSpecificCredential": "a long-term service-specific credential (a Bedrock API key, or a CodeCommit or Keyspaces password)",
    "aws:iam/signingCertificate:SigningCertificate": "a long-term X.509 signing certificate of an IAM user",
    "aws:iam/sshKey:SshKey": "a long-term SSH key of an IAM user (CodeCommit)",
};

/** Static credentials anywhere in the stack. */
export const noStaticCredentials: Guardrail = {
    name: "no-static-credentials",
    description: "No long-term credentials anywhere in the stack: IAM access keys, console passwords, service-specific credentials (Bedrock API keys), signing certificates, SSH keys, or Kubernetes service-account token Secrets.",
    check(resources) {
        const out: GuardrailViolation[] = [];
        for (const r of resources) {
            const what = STATIC_CREDENTIALS[r.type];
            if (what) out.push(violation(r, `${labelOf(r)} is ${what}; it does not expire with an agent and can be copied — use a workload identity (IRSA, Pod Identity, Roles Anywhere or AgentCore) with short-lived credentials`));
            if (r.type === TYPES.secret && r.props.type === "kubernetes.io/service-account-token") {
                out.push(violation(r, `${labelOf(r)} is a kubernetes.io/service-account-token Secret, a token that never expires; use projected service-account tokens or SPIFFE SVIDs`));
            }
        }
        return out;
    },
};

/** Agent roles not managed by an Agent component. */
export const noShadowAgents: Guardrail = {
    name: "no-shadow-agents",
    description: "Every agent role (recognised by its trust, agentid tags or agent- name) is declared through an agentid Agent.",
    check(resources) {
        const stack = new StackView(resources);
        return agentRolesOf(stack).filter(({ role }) => !stack.underAgent(role)).map(({ role, reason }) =>
            violation(role, `${labelOf(role)} is an agent role (${reason}) that no agentid Agent declares (a shadow agent); declare it in the fleet's agents/ so it gets an owner, least privilege and an expiry`));
    },
};

/** Write-level permissions need an approval whose digest matches the grants. */
export const approvedWrites: Guardrail = {
    name: "agent-write-approved",
    description: "Agent roles with write-level permissions (by any route) carry an approval whose digest matches their grants.",
    check(resources) {
        const stack = new StackView(resources);
        const out: GuardrailViolation[] = [];
        for (const { role } of agentRolesOf(stack)) {
            const writes = [...new Set(allowedActions(permissionSourcesOf(role, stack)).filter((a) => iamActions.isWrite(a)))];
            if (writes.length === 0) continue;
            if (tagsOf(role) === UNKNOWN) {
                if (!stack.underAgent(role)) out.push(violation(role, `${labelOf(role)} holds write actions (${writes.join(", ")}), but its tags are not known at preview (computed from other resources' outputs), so its approval cannot be reviewed — write them from known values`));
                continue;
            }
            const approval = tag(role, "agentid:approval");
            const approved = tag(role, "agentid:approved-digest");
            const digest = tag(role, "agentid:grants-digest");
            if (!approval) {
                out.push(violation(role, `${labelOf(role)} holds write actions (${writes.join(", ")}) without an approval; declare spec.approval (tag agentid:approval) with the ticket and approvers`));
            } else if (approved && approved !== digest) {
                out.push(violation(role, `${labelOf(role)}: approval ${approval} was for grants ${approved}, but the grants are now ${digest ?? "untagged"}; renew the approval for the current grants (agentid digest)`));
            }
        }
        return out;
    },
};

/** Kubernetes access of agent service accounts: namespaced, reviewable, no escalation, no mounted tokens. */
export const kubernetesAccess: Guardrail = {
    name: "agent-kubernetes-access",
    description: "Agent service accounts get namespaced Roles with exact rules — no ClusterRoleBindings, no \"*\", no escalate/bind/impersonate, no secrets without resourceNames, no roles the stack does not define — and mount no token unless declared.",
    check(resources) {
        const stack = new StackView(resources);
        const accounts = agentServiceAccountsOf(stack, agentRolesOf(stack));
        return [...bindingProblems(stack, accounts), ...automountProblems(stack, accounts)].map(({ resource, message }) => violation(resource, message));
    },
};

export const GUARDRAILS: Guardrail[] = [ownerAndExpiry, leastPrivilege, pinnedTrust, noStaticCredentials, noShadowAgents, approvedWrites, kubernetesAccess, separationOfDuties];
