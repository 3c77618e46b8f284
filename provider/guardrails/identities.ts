/**
 * One identity, one agent: rules that compare agents with each other. A SPIFFE ID, a Kubernetes service
 * account (which is also the IRSA subject and the Pod Identity association), a SPIRE selector set and a
 * DNS name on an SVID each belong to exactly one agent; otherwise one agent's workloads receive another's
 * credentials. The ledger is used per validation (a fleet) and per program (every Agent component).
 */
import type { FieldPath, Violation } from "../declarations/diagnostics";
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
interface SelectorSet {
    agent: string;
    where: Where;
    selectors: Set<string>;
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

    /** Claims the agent's identities; the violations are those already claimed by another agent. */
    add(decl: AgentDeclaration, settings: ResolvedSettings, where: Where): Violation[] {
        const agent = decl.metadata.name;
        const violations: Violation[] = [];
        const shared = (path: FieldPath, what: string, owner: { agent: string; where: Where }) => violations.push({
            path, rule: "identity-shared",
            message: `${what} already belongs to agent "${owner.agent}" (${placeOf(owner.where)}); one identity, one agent — give this agent its own`,
        });
        for (const claim of claimsOf(decl, settings)) {
            const owner = this.owners.get(claim.key);
            if (owner === undefined) this.owners.set(claim.key, { agent, where });
            else if (owner.agent !== agent) shared(claim.path, claim.what, owner);
        }
        const spire = decl.spec.identity?.spire;
        if (spire) {
            const mine = new Set(spire.selectors);
            // Equal or nested sets under any parent (node aliases overlap): the larger set's workloads hold both SVIDs.
            const overlap = this.selectorSets.find((s) => s.agent !== agent && (isSubset(s.selectors, mine) || isSubset(mine, s.selectors)));
            if (overlap) {
                violations.push({
                    path: ["spec", "identity", "spire", "selectors"], rule: "identity-shared",
                    message: `SPIRE selectors [${[...mine].sort().join(", ")}] contain or lie within agent "${overlap.agent}"'s [${[...overlap.selectors].sort().join(", ")}] (${placeOf(overlap.where)}): a workload matching the larger set receives both agents' SVIDs — make each agent's selectors distinct`,
                });
            }
            this.selectorSets.push({ agent, where, selectors: mine });
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
 * SPIFFE ID, service account or SVID DNS name, or by equal or nested SPIRE selector sets. Agents alone are
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
    const selectors = decls.map((d) => (d.spec.identity?.spire ? new Set(d.spec.identity.spire.selectors) : undefined));
    selectors.forEach((mine, i) => selectors.forEach((theirs, j) => {
        if (j > i && mine && theirs && (isSubset(mine, theirs) || isSubset(theirs, mine))) join(i, j);
    }));
    const groups = new Map<number, number[]>();
    decls.forEach((_, i) => groups.set(root(i), [...(groups.get(root(i)) ?? []), i]));
    return [...groups.values()].filter((g) => g.length > 1);
}

/**
 * The identities of every Agent component in this program (one Pulumi program per process): a standalone
 * Agent cannot take an identity an AgentFleet's agent (or another Agent) already holds.
 */
export const programIdentities = new IdentityLedger();
