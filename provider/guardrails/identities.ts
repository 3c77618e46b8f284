/**
 * One identity, one agent: rules that compare agents with each other. A SPIFFE ID, a Kubernetes service
 * account (which is also the IRSA subject and the Pod Identity association), a SPIRE selector set and a
 * DNS name on an SVID each belong to exactly one agent; otherwise one agent's workloads receive another's
 * credentials. The ledger is used per validation (a fleet) and per program (every Agent component).
 */
import type { FieldPath, Violation } from "../declarations/diagnostics";
import { isSpireAgentId } from "../declarations/names";
import { spiffeIdOf, workloadServiceAccountOf } from "../model/resolvedAgent";
import type { ResolvedSettings } from "../model/settings";
import type { AgentDeclaration } from "../declarations/types";

/** An identity an agent claims, with where its declaration says so. */
interface Claim {
    key: string;
    what: string;
    path: FieldPath;
}

/** A SPIRE registration: SPIRE gives a workload every entry whose selectors it all has. */
interface SelectorSet extends Registration {
    agent: string;
    where: Where;
}

/** A SPIRE registration as the overlap rules read it: its parent, its selectors, and the single-valued keys they pin. */
interface Registration {
    parentId: string;
    selectors: Set<string>;
    /** Every single-valued key a selector pins, in order, and the same as a map (a repeated key: its last value). */
    pins: { key: string; value: string }[];
    pinned: Map<string, string>;
}

/** Reads a registration once: each pair comparison then looks its pinned keys up instead of parsing selectors again. */
function registrationOf(spire: { parentId: string; selectors: readonly string[] }): Registration {
    const pins = spire.selectors.map(pinnedKeyOf).filter((p): p is { key: string; value: string } => p !== undefined);
    return { parentId: spire.parentId, selectors: new Set(spire.selectors), pins, pinned: new Map(pins.map((p) => [p.key, p.value])) };
}

/**
 * Selector keys a workload has exactly one value of, as SPIRE v1.13's workload attestors produce them
 * (pkg/agent/plugin/workloadattestor/{k8s/k8s.go, unix/unix_posix.go, docker/docker.go}): one namespace,
 * service account, pod, node, container name, image count; one uid, user, primary group, binary path and
 * digest; one image ID; one value per pod label or container label (maps). Two entries pinning such a key
 * to different values never match one workload. Keys a workload may hold several values of
 * (k8s:container-image — the image and its digest —, k8s:pod-image, k8s:pod-owner, unix:supplementary_gid,
 * docker:env, …) and selector types not listed here exclude nothing.
 */
const SINGLE_VALUED = new Set([
    "k8s:ns", "k8s:sa", "k8s:pod-uid", "k8s:pod-name", "k8s:node-name", "k8s:container-name",
    "k8s:pod-image-count", "k8s:pod-init-image-count",
    "unix:uid", "unix:user", "unix:gid", "unix:group", "unix:path", "unix:sha256",
    "docker:image_id",
]);

/** The single-valued key a selector pins and its value (`k8s:pod-label:app:billing` → key `k8s:pod-label:app`). */
function pinnedKeyOf(selector: string): { key: string; value: string } | undefined {
    // Kubernetes label keys have no colon; a Docker label key may, so only `docker:label:<key>:<value>` with one colon is read.
    for (const [prefix, unambiguous] of [["k8s:pod-label:", () => true], ["docker:label:", (rest: string) => rest.split(":").length === 2]] as const) {
        if (!selector.startsWith(prefix)) continue;
        const rest = selector.slice(prefix.length);
        const colon = rest.indexOf(":");
        return colon < 0 || !unambiguous(rest) ? undefined : { key: prefix + rest.slice(0, colon), value: rest.slice(colon + 1) };
    }
    const colon = selector.indexOf(":", selector.indexOf(":") + 1);
    if (colon < 0 || !SINGLE_VALUED.has(selector.slice(0, colon))) return undefined;
    return { key: selector.slice(0, colon), value: selector.slice(colon + 1) };
}

/** Whether nothing in two selector sets excludes each other: some workload could have every selector of both. */
function combinable(a: Registration, b: Registration): boolean {
    return !b.pins.some(({ key, value }) => a.pinned.has(key) && a.pinned.get(key) !== value);
}

/**
 * Whether one SPIRE agent can receive entries under both parents. It receives those under its own ID, under
 * every node alias it matches and under every entry reached from those (SPIRE v1.13.3
 * pkg/server/authorizedentries/cache.go GetAuthorizedEntries), so only two different agents' own IDs are apart.
 */
function mayShareAgent(a: string, b: string): boolean {
    return a === b || !(isSpireAgentId(a) && isSpireAgentId(b));
}

/**
 * How two SPIRE registrations can reach one workload: `nested` when one set lies within the other (under any
 * parent — node aliases overlap), `combined` when one SPIRE agent can receive both and nothing in the sets
 * excludes each other (a pod's process has k8s and unix selectors at once); undefined when no workload matches both.
 */
function sharedWorkload(a: Registration, b: Registration): "nested" | "combined" | undefined {
    if (isSubset(a.selectors, b.selectors) || isSubset(b.selectors, a.selectors)) return "nested";
    return mayShareAgent(a.parentId, b.parentId) && combinable(a, b) ? "combined" : undefined;
}

function claimsOf(decl: AgentDeclaration, settings: ResolvedSettings): Claim[] {
    const identity = decl.spec.identity ?? {};
    const claims: Claim[] = [];
    const spiffeId = spiffeIdOf(decl, settings);
    claims.push({ key: `spiffe:${spiffeId}`, what: `SPIFFE ID ${spiffeId}`, path: identity.spiffeId !== undefined ? ["spec", "identity", "spiffeId"] : ["metadata", "name"] });
    // Kubernetes selectors of an agent without its own service account must not pick another agent's.
    const k8s = workloadServiceAccountOf(decl, settings);
    if (k8s) {
        const path: FieldPath = k8s.throughSpire ? ["spec", "identity", "spire", "selectors"] : identity.kubernetes ? ["spec", "identity", "kubernetes"] : ["metadata", "name"];
        claims.push({ key: `sa:${k8s.namespace}/${k8s.serviceAccount}`, what: `service account ${k8s.namespace}/${k8s.serviceAccount}${k8s.throughSpire ? " (through SPIRE selectors)" : ""}`, path });
    }
    const spire = identity.spire;
    if (spire) {
        (spire.dnsNames ?? []).forEach((dns, i) => {
            claims.push({ key: `dns:${dns.toLowerCase()}`, what: `DNS name ${dns} on the SVID`, path: ["spec", "identity", "spire", "dnsNames", i] });
        });
    }
    return claims;
}

/** Where a declaration is, e.g. `agents/billing.yaml:5`; a function when finding its line costs work only a conflict needs. */
export type Where = string | (() => string);

const placeOf = (where: Where) => (typeof where === "string" ? where : where());

/** Every identity claimed so far, by whom; `add` reports what a new agent would share. */
export class IdentityLedger {
    private readonly owners = new Map<string, { agent: string; where: Where }>();
    private readonly selectorSets: SelectorSet[] = [];
    /** Which component declared each agent, when the ledger holds one declaration per agent name (a program's). */
    private readonly declarers = new Map<string, string>();
    private readonly oneDeclarationPerAgent: boolean;

    /**
     * `base`: a ledger this one's claims are checked against too, and recorded in only once accepted (`claimAll`).
     * `oneDeclarationPerAgent`: an agent name may be declared by one component only (`where` names it): a program's
     * ledger. A file set's duplicate names are reported by validation itself, so its ledgers do not.
     */
    constructor(private readonly base?: IdentityLedger, options: { oneDeclarationPerAgent?: boolean } = {}) {
        this.oneDeclarationPerAgent = base?.oneDeclarationPerAgent ?? options.oneDeclarationPerAgent ?? false;
    }

    /** Forgets every claim: the ledger of a new program (tests run many programs in one process). */
    clear(): void {
        this.owners.clear();
        this.declarers.clear();
        this.selectorSets.length = 0;
    }

    /** The component that declared an agent: this ledger's, then its base's. */
    private declarerOf(agent: string): string | undefined {
        return this.declarers.get(agent) ?? this.base?.declarerOf(agent);
    }

    /** Who holds an identity: this ledger's claims, then its base's. */
    private ownerOf(key: string): { agent: string; where: Where } | undefined {
        return this.owners.get(key) ?? this.base?.ownerOf(key);
    }

    /** SPIRE selector sets in the order they were claimed: the base's first. */
    private claimedSelectorSets(): SelectorSet[] {
        return [...(this.base?.claimedSelectorSets() ?? []), ...this.selectorSets];
    }

    /** Claims the agent's identities; the violations are those already claimed by another agent. */
    add(decl: AgentDeclaration, settings: ResolvedSettings, where: Where): Violation[] {
        const agent = decl.metadata.name;
        const violations: Violation[] = [];
        const shared = (path: FieldPath, what: string, owner: { agent: string; where: Where }) => violations.push({
            path, rule: "identity-shared",
            message: `${what} already belongs to agent "${owner.agent}" (${placeOf(owner.where)}); one identity, one agent — give this agent its own`,
        });
        if (this.oneDeclarationPerAgent) {
            // Two components declaring one agent name share its role name and SPIFFE ID, and each may add
            // workloads or selectors of its own to them: the second is refused before it claims anything.
            const declarer = this.declarerOf(agent);
            if (declarer !== undefined && declarer !== placeOf(where)) {
                return [{ path: ["metadata", "name"], rule: "identity-shared", message: `agent "${agent}" is already declared in this program (${declarer}); one agent, one declaration — give this one another name, or declare it once` }];
            }
            this.declarers.set(agent, placeOf(where));
        }
        for (const claim of claimsOf(decl, settings)) {
            const owner = this.ownerOf(claim.key);
            if (owner === undefined) this.owners.set(claim.key, { agent, where });
            else if (owner.agent !== agent) shared(claim.path, claim.what, owner);
        }
        const spire = decl.spec.identity?.spire;
        if (spire) {
            const mine = registrationOf(spire);
            const listed = (set: Set<string>) => `[${[...set].sort().join(", ")}]`;
            for (const other of this.claimedSelectorSets()) {
                const shared = other.agent !== agent ? sharedWorkload(mine, other) : undefined;
                if (shared === undefined) continue;
                violations.push({
                    path: ["spec", "identity", "spire", "selectors"], rule: "identity-shared",
                    message: shared === "nested"
                        ? `SPIRE selectors ${listed(mine.selectors)} contain or lie within agent "${other.agent}"'s ${listed(other.selectors)} (${placeOf(other.where)}): a workload matching the larger set receives both agents' SVIDs — make each agent's selectors distinct`
                        : `SPIRE selectors ${listed(mine.selectors)} and agent "${other.agent}"'s ${listed(other.selectors)} (${placeOf(other.where)}) ${other.parentId === spire.parentId ? `under parent ${spire.parentId}` : `under parents ${spire.parentId} and ${other.parentId} (one SPIRE agent receives the entries of its own ID, of its node aliases and of the entries below them)`} can match one workload (nothing in them excludes each other): it would receive both agents' SVIDs — add a selector both sets pin with different values (e.g. unix:uid), or register the agents under two nodes' own SPIRE agent IDs (spiffe://<trust domain>/spire/agent/…)`,
                });
                break;
            }
            this.selectorSets.push({ agent, where, ...mine });
        }
        return violations;
    }

    /**
     * Claims the identities of every agent given, or of none: each one's violations, in the order given, and
     * nothing recorded unless every one is clear (a program that goes on after the error keeps no claim of an
     * agent it never created).
     */
    claimAll(agents: readonly { decl: AgentDeclaration; where: Where }[], settings: ResolvedSettings): Violation[][] {
        // The batch is checked against this ledger without copying it (a program's standalone Agents claim one by one).
        const trial = new IdentityLedger(this);
        const violations = agents.map(({ decl, where }) => trial.add(decl, settings, where));
        if (violations.every((v) => v.length === 0)) {
            for (const [key, owner] of trial.owners) this.owners.set(key, owner);
            for (const [agent, declarer] of trial.declarers) this.declarers.set(agent, declarer);
            this.selectorSets.push(...trial.selectorSets);
        }
        return violations;
    }
}

function isSubset(small: Set<string>, large: Set<string>): boolean {
    return [...small].every((s) => large.has(s));
}

/**
 * For each agent (same order as given), the identities it shares with an agent declared before it.
 * `where(i)` names agent i's declaration for the message, e.g. `agents/billing.yaml:5`.
 */
export function sharedIdentityViolations(decls: readonly AgentDeclaration[], settings: ResolvedSettings, where: (index: number) => string): Violation[][] {
    const ledger = new IdentityLedger();
    return decls.map((decl, i) => ledger.add(decl, settings, () => where(i)));
}

/**
 * Agents whose workloads receive each other's credentials: sets of indexes (into `decls`) linked by a shared
 * SPIFFE ID, service account or SVID DNS name, or by SPIRE selector sets one workload can match. Agents alone are
 * left out. The separation-of-duties rules judge each set as one identity.
 */
export function identityGroups(decls: readonly AgentDeclaration[], settings: ResolvedSettings): number[][] {
    const parent = decls.map((_, i) => i);
    const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i])));
    const join = (a: number, b: number) => { parent[root(a)] = root(b); };
    const byKey = new Map<string, number>();
    decls.forEach((decl, i) => {
        for (const claim of claimsOf(decl, settings)) {
            const first = byKey.get(claim.key);
            if (first === undefined) byKey.set(claim.key, i);
            else join(i, first);
        }
    });
    const registrations = decls.map((d) => (d.spec.identity?.spire ? registrationOf(d.spec.identity.spire) : undefined));
    registrations.forEach((mine, i) => registrations.forEach((theirs, j) => {
        if (j > i && mine && theirs && sharedWorkload(mine, theirs) !== undefined) join(i, j);
    }));
    const groups = new Map<number, number[]>();
    decls.forEach((_, i) => groups.set(root(i), [...(groups.get(root(i)) ?? []), i]));
    return [...groups.values()].filter((g) => g.length > 1);
}

/**
 * The identities of every Agent component in this program (one Pulumi program per process): a standalone
 * Agent cannot take an identity an AgentFleet's agent (or another Agent) already holds.
 */
export const programIdentities = new IdentityLedger(undefined, { oneDeclarationPerAgent: true });
