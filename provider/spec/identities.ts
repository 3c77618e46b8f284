/**
 * One identity, one agent: rules that compare agents with each other. A SPIFFE ID, a Kubernetes service
 * account (which is also the IRSA subject and the Pod Identity association) and a SPIRE selector set each
 * belong to exactly one agent of the fleet; otherwise one agent's workloads receive another's credentials.
 */
import type { FieldPath, Violation } from "./diagnostics";
import { kubernetesIdentityOf, spiffeIdOf } from "./resolve";
import type { ResolvedSettings } from "./settings";
import type { AgentDeclaration } from "./types";

/** An identity an agent claims, with where its declaration says so. */
interface Claim {
    key: string;
    what: string;
    path: FieldPath;
}

function claimsOf(decl: AgentDeclaration, settings: ResolvedSettings): Claim[] {
    const identity = decl.spec.identity ?? {};
    const claims: Claim[] = [];
    const spiffeId = spiffeIdOf(decl, settings);
    claims.push({ key: `spiffe:${spiffeId}`, what: `SPIFFE ID ${spiffeId}`, path: identity.spiffeId !== undefined ? ["spec", "identity", "spiffeId"] : ["metadata", "name"] });
    const k8s = kubernetesIdentityOf(decl, settings);
    if (k8s) {
        claims.push({ key: `sa:${k8s.namespace}/${k8s.serviceAccount}`, what: `service account ${k8s.namespace}/${k8s.serviceAccount}`, path: identity.kubernetes ? ["spec", "identity", "kubernetes"] : ["metadata", "name"] });
    }
    const spire = identity.spire;
    if (spire) {
        const selectors = [...spire.selectors].sort();
        claims.push({ key: `spire:${spire.parentId}|${selectors.join(",")}`, what: `SPIRE selectors ${selectors.join(", ")} under ${spire.parentId}`, path: ["spec", "identity", "spire", "selectors"] });
        // Kubernetes selectors of an agent without its own service account must not pick another agent's.
        const ns = spire.selectors.filter((s) => s.startsWith("k8s:ns:")).map((s) => s.slice(7));
        const sa = spire.selectors.filter((s) => s.startsWith("k8s:sa:")).map((s) => s.slice(7));
        if (!k8s && ns.length === 1 && sa.length === 1) {
            claims.push({ key: `sa:${ns[0]}/${sa[0]}`, what: `service account ${ns[0]}/${sa[0]} (through SPIRE selectors)`, path: ["spec", "identity", "spire", "selectors"] });
        }
    }
    return claims;
}

/**
 * For each agent (same order as given), the identities it shares with an agent declared before it.
 * `where(i)` names agent i's declaration for the message, e.g. `agents/billing.yaml:5`.
 */
export function sharedIdentityViolations(decls: readonly AgentDeclaration[], settings: ResolvedSettings, where: (index: number) => string): Violation[][] {
    const owners = new Map<string, number>();
    return decls.map((decl, i) => {
        const violations: Violation[] = [];
        for (const claim of claimsOf(decl, settings)) {
            const owner = owners.get(claim.key);
            if (owner === undefined) {
                owners.set(claim.key, i);
            } else if (owner !== i) {
                violations.push({
                    path: claim.path, rule: "identity-shared",
                    message: `${claim.what} already belongs to agent "${decls[owner].metadata.name}" (${where(owner)}); one identity, one agent — give this agent its own`,
                });
            }
        }
        return violations;
    });
}
