/**
 * Which IAM roles and Kubernetes service accounts are agents'. A role is an agent role because of what
 * it trusts — EKS Pod Identity, IAM Roles Anywhere, AgentCore, or a web identity (OIDC) — or because it
 * says so (agentid tags, the `agent-` name, an Agent component, a Pod Identity association), whatever
 * its tags. Every guardrail reads the same answer.
 */
import { AGENT_PREFIX } from "../model/names";
import { IRSA_SUBJECT, TRUST_MODES, WORKLOAD_CONDITION_KEY } from "../model/trustModes";
import { conditionsOf, IamStatement, isAllow, isUnknown, listOf, PolicyDocumentView, readPolicyDocument, ResourceView, TYPES } from "./resourceView";
import { StackView } from "./stackView";

/** An agent role and why it is one. */
export interface AgentRole {
    role: ResourceView;
    /** e.g. "it trusts pods.eks.amazonaws.com". */
    reason: string;
    trust: PolicyDocumentView;
}

const AGENT_SERVICES = Object.values(TRUST_MODES).flatMap((m) => (m.principal.kind === "Service" ? [m.principal.service] : []));

/** Why a trust policy is meant for a workload (an agent), or undefined. */
export function workloadTrustReason(statements: readonly IamStatement[]): string | undefined {
    for (const s of statements.filter(isAllow)) {
        const principal = s.Principal as Record<string, unknown> | undefined;
        const services = principal !== null && typeof principal === "object" ? listOf(principal.Service) : [];
        const service = services.find((v) => AGENT_SERVICES.includes(v));
        if (service !== undefined) return `it trusts ${service}`;
        const federated = principal !== null && typeof principal === "object" ? listOf(principal.Federated).find((v) => !v.includes(":saml-provider/")) : undefined;
        if (federated !== undefined) return `it trusts web identities from ${federated}`;
        if (listOf(s.Action).some((a) => a.toLowerCase() === "sts:assumerolewithwebidentity")) return "it allows sts:AssumeRoleWithWebIdentity";
        const key = Object.values(conditionsOf(s)).flatMap((block) => (block !== null && typeof block === "object" ? Object.keys(block) : []))
            .find((k) => WORKLOAD_CONDITION_KEY.test(k));
        if (key !== undefined) return `its trust reads the workload condition key ${key}`;
    }
    return undefined;
}

/** Every agent role of the stack, in stack order. */
export function agentRolesOf(stack: StackView): AgentRole[] {
    const associations = stack.ofType(TYPES.podIdentityAssociation);
    const out: AgentRole[] = [];
    for (const role of stack.ofType(TYPES.role)) {
        const trust = readPolicyDocument(role.props.assumeRolePolicy);
        const tags = role.props.tags as Record<string, unknown> | undefined;
        const association = associations.find((a) => stack.refersToRole(a, "roleArn", a.props.roleArn, role));
        const name = role.props.name;
        const reason = (trust.kind === "known" ? workloadTrustReason(trust.statements) : undefined)
            ?? (tags !== null && typeof tags === "object" && tags["agentid:name"] !== undefined ? "it is tagged agentid:name" : undefined)
            ?? (typeof name === "string" && name.startsWith(AGENT_PREFIX) ? `it is named ${AGENT_PREFIX}…` : undefined)
            ?? (association !== undefined ? `pods assume it through Pod Identity association "${association.name}"` : undefined)
            ?? (stack.underAgent(role) ? "an agentid Agent declares it" : undefined);
        if (reason !== undefined) out.push({ role, reason, trust });
    }
    return out;
}

/** A Kubernetes service account an agent runs as, and the resource declaring it when it is in the stack. */
export interface AgentServiceAccount {
    namespace: string;
    name: string;
    reason: string;
    resource?: ResourceView;
    /** The agent roles whose credentials its pods receive (trust, Pod Identity association, IRSA annotation). */
    roles: ResourceView[];
}

const AGENTID_ANNOTATION = /^agentid\.dev\//;
/** Why an account the IRSA annotation names a role for is an agent's, whether or not the role is in the stack. */
const IRSA_ANNOTATION_REASON = "it assumes an IAM role through IRSA (eks.amazonaws.com/role-arn)";
/** The condition key a Roles Anywhere trust pins the certificate's URI SAN (the SPIFFE ID) with, lower case. */
const SVID_URI_KEY = "aws:principaltag/x509san/uri";

/** A SPIRE entry's selectors with a text type and value, in its order (those of another shape left out). */
function selectorPairsOf(entry: ResourceView): { type: string; value: string }[] {
    return (Array.isArray(entry.props.selectors) ? entry.props.selectors as { type?: unknown; value?: unknown }[] : [])
        .filter((sel): sel is { type: string; value: string } => typeof sel?.type === "string" && typeof sel.value === "string");
}

/** A SPIRE entry's selectors as `type:value` strings, in its order (those of another shape left out). */
export function selectorsOf(entry: ResourceView): string[] {
    return selectorPairsOf(entry).map((sel) => `${sel.type}:${sel.value}`);
}

/** The Kubernetes namespaces (`k8s:ns:`) and accounts (`k8s:sa:`) a SPIRE entry's selectors pin, and whether it has any `k8s` selector. */
export function kubernetesPinsOf(entry: ResourceView): { kubernetes: boolean; namespaces: string[]; accounts: string[] } {
    const selectors = selectorPairsOf(entry).filter((sel) => sel.type === "k8s").map((sel) => sel.value);
    const values = (prefix: string) => selectors.filter((v) => v.startsWith(prefix)).map((v) => v.slice(prefix.length));
    return { kubernetes: selectors.length > 0, namespaces: values("ns:"), accounts: values("sa:") };
}

/** The SVIDs (SPIFFE IDs, as the certificate's URI SAN) a trust statement pins, as Roles Anywhere trusts read them. */
function svidsPinnedBy(statement: IamStatement): string[] {
    return Object.values(conditionsOf(statement)).flatMap((block) => (block !== null && typeof block === "object" ? Object.entries(block) : []))
        .filter(([key]) => key.toLowerCase() === SVID_URI_KEY).flatMap(([, value]) => listOf(value));
}

/** A SPIRE entry of the stack issuing an SVID an agent role's Allow trust statements pin. */
export interface SvidEntry {
    entry: ResourceView;
    spiffeId: string;
}

/**
 * The SPIRE entries of the stack issuing an SVID the agent role trusts. SPIRE gives an entry's SVID to every
 * workload matching all its selectors; its Kubernetes workload attestor gives a pod `k8s:ns:<namespace>` and
 * `k8s:sa:<account>`, so only an entry pinning one of each hands the SVID (and the role) to one account's pods.
 */
export function svidEntriesOf(stack: StackView, agent: AgentRole): SvidEntry[] {
    const spiffeIds = trustedSvids(agent);
    return stack.ofType(TYPES.spireEntry).filter((entry) => spiffeIds.includes(entry.props.spiffeId as string)).map((entry) => ({ entry, spiffeId: entry.props.spiffeId as string }));
}

/** The SPIFFE IDs whose SVIDs an agent role's trust admits (Roles Anywhere); none when its trust is not known. */
export function trustedSvids(agent: AgentRole): string[] {
    return agent.trust.kind === "known" ? agent.trust.statements.filter(isAllow).flatMap(svidsPinnedBy) : [];
}

/**
 * The namespace of a namespaced object no stack shows: one computed from other resources' outputs, or none
 * written while its Kubernetes provider names none either (the provider then uses the kubeconfig context's).
 * Never a real namespace: `<` is no DNS-label character.
 */
export const UNSEEN_NAMESPACE = "<a namespace the stack does not show>";

/**
 * Where a namespaced Kubernetes object lives, as the Kubernetes provider decides (pulumi-kubernetes: the
 * object's `metadata.namespace`, else the provider's `namespace` option, else the kubeconfig context's): the
 * first of these the stack shows, else UNSEEN_NAMESPACE. A view built without its provider (tests) reads
 * "default", the namespace of a context that names none.
 */
export function namespaceOf(r: ResourceView): string {
    const written = (r.props.metadata as { namespace?: unknown } | undefined)?.namespace;
    if (isUnknown(written)) return UNSEEN_NAMESPACE;
    if (typeof written === "string" && written !== "") return written;
    if (r.provider === undefined) return "default";
    const option = r.provider.props.namespace;
    return typeof option === "string" && option !== "" ? option : UNSEEN_NAMESPACE;
}

/** The namespace (namespaceOf) and name of a Kubernetes object; undefined while its name is not known. */
export function objectName(r: ResourceView): { namespace: string; name: string } | undefined {
    const metadata = r.props.metadata as { name?: unknown } | undefined;
    const name = typeof metadata?.name === "string" ? metadata.name : undefined;
    if (name === undefined) return undefined;
    return { namespace: namespaceOf(r), name };
}

/**
 * Every service account an agent runs as: those agentid declares or annotates, those an IAM role trusts
 * (IRSA subject, Pod Identity session tags, `eks.amazonaws.com/role-arn`), and those bound by a Pod
 * Identity association — whether or not the stack declares the account itself.
 */
export function agentServiceAccountsOf(stack: StackView, roles: readonly AgentRole[]): AgentServiceAccount[] {
    const found = new Map<string, AgentServiceAccount>();
    const add = (namespace: unknown, name: unknown, reason: string, role?: ResourceView) => {
        if (typeof namespace !== "string" || typeof name !== "string") return;
        const key = `${namespace}/${name}`;
        if (!found.has(key)) found.set(key, { namespace, name, reason, roles: [] });
        const entry = found.get(key)!;
        if (role && !entry.roles.includes(role)) entry.roles.push(role);
    };
    for (const sa of stack.ofType(TYPES.serviceAccount)) {
        const id = objectName(sa);
        const metadata = sa.props.metadata as { annotations?: Record<string, unknown>; labels?: Record<string, unknown> } | undefined;
        const annotations = Object.keys(metadata?.annotations ?? {});
        if (!id) continue;
        if (stack.underAgent(sa)) add(id.namespace, id.name, "an agentid Agent declares it");
        else if (annotations.some((a) => AGENTID_ANNOTATION.test(a))) add(id.namespace, id.name, "it carries agentid.dev annotations");
        else if (metadata?.labels?.["app.kubernetes.io/managed-by"] === "agentid") add(id.namespace, id.name, "it is labelled app.kubernetes.io/managed-by: agentid");
        else if (annotations.includes("eks.amazonaws.com/role-arn")) add(id.namespace, id.name, IRSA_ANNOTATION_REASON);
        const roleArn = metadata?.annotations?.["eks.amazonaws.com/role-arn"];
        const annotated = roleArn === undefined ? undefined : roles.find((r) => stack.refersToRole(sa, "metadata", roleArn, r.role))?.role;
        if (annotated) add(id.namespace, id.name, IRSA_ANNOTATION_REASON, annotated);
    }
    for (const { role, trust } of roles) {
        if (trust.kind !== "known") continue;
        for (const s of trust.statements.filter(isAllow)) {
            for (const block of Object.values(conditionsOf(s))) {
                if (block === null || typeof block !== "object") continue;
                const entries = Object.entries(block).map(([k, v]) => [k.toLowerCase(), listOf(v)] as const);
                for (const [key, values] of entries) {
                    if (!key.endsWith(":sub")) continue;
                    for (const v of values) {
                        const m = IRSA_SUBJECT.exec(v);
                        if (m) add(m[1], m[2], `IAM role "${role.name}" trusts its tokens`, role);
                    }
                }
                // A key admits any of its values: the pods of every namespace pinned running as every account pinned.
                const namespaces = entries.find(([k]) => k === "aws:requesttag/kubernetes-namespace")?.[1] ?? [];
                const accounts = entries.find(([k]) => k === "aws:requesttag/kubernetes-service-account")?.[1] ?? [];
                for (const ns of namespaces) for (const sa of accounts) add(ns, sa, `IAM role "${role.name}" trusts its pods`, role);
            }
        }
    }
    // Roles Anywhere: the SVID a role trusts goes to the pods of the one account a SPIRE entry's selectors pin.
    for (const agent of roles) {
        for (const { entry } of svidEntriesOf(stack, agent)) {
            const { namespaces, accounts } = kubernetesPinsOf(entry);
            if (namespaces.length === 1 && accounts.length === 1) add(namespaces[0], accounts[0], `IAM role "${agent.role.name}" trusts the SVID SPIRE issues its pods`, agent.role);
        }
    }
    for (const a of stack.ofType(TYPES.podIdentityAssociation)) {
        const role = roles.find((r) => stack.refersToRole(a, "roleArn", a.props.roleArn, r.role))?.role;
        add(a.props.namespace, a.props.serviceAccount, `Pod Identity association "${a.name}" gives it an IAM role`, role);
    }
    for (const sa of stack.ofType(TYPES.serviceAccount)) {
        const id = objectName(sa);
        const entry = id && found.get(`${id.namespace}/${id.name}`);
        if (entry) entry.resource = sa;
    }
    return [...found.values()];
}
