import type { ResourceView } from "../../../provider/policy/policies";

/** Hand-written stacks for the policy tests: resources as the engine hands them to the pack. */

export const ACCOUNT = "123456789012";
export const OTHER_ACCOUNT = "999999999999";
export const NOW = "2026-12-01T00:00:00Z";
export const EXPIRES = "2027-01-15T00:00:00Z";
export const CONFIG = { now: NOW };

export const OIDC = `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/CLUSTERA`;
export const ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/CLUSTERA";
export const CLUSTER = `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/prod`;
export const ANCHOR = `arn:aws:rolesanywhere:us-east-1:${ACCOUNT}:trust-anchor/anchor-a`;
export const SPIFFE = "spiffe://example.org/agents/triage";
export const WORKLOAD = `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:workload-identity-directory/default/workload-identity/agent-triage`;

export const TAGS = {
    "agentid:name": "triage", "agentid:owner-team": "support", "agentid:owner-contact": "support@example.com",
    "agentid:expires-at": EXPIRES, "agentid:grants-digest": "sha256:aaa",
};

const STACK = "urn:pulumi:dev::handwritten::";
export const AGENT_URN = `${STACK}agentid:index:Agent::triage`;

export function resource(type: string, name: string, props: Record<string, unknown>, extra: Partial<ResourceView> = {}): ResourceView {
    const parent = extra.parent;
    const chain = parent ? `${parent.split("::")[2]}$${type}` : type;
    return { type, name, urn: `${STACK}${chain}::${name}`, props, ...extra };
}

export const doc = <S extends object[]>(...statements: S) => ({ Version: "2012-10-17", Statement: statements });
const until = (time = EXPIRES) => ({ DateLessThan: { "aws:CurrentTime": time } });

/** Each mode's trust exactly as agentid writes it (the compliant twins). */
export const TRUST = {
    irsa: doc({ Sid: "AgentTrustIrsa", Effect: "Allow", Principal: { Federated: OIDC }, Action: ["sts:AssumeRoleWithWebIdentity"],
        Condition: { StringEquals: { [`${ISSUER}:sub`]: "system:serviceaccount:agents:triage", [`${ISSUER}:aud`]: "sts.amazonaws.com" }, ...until() } }),
    podIdentity: doc({ Sid: "AgentTrustPodIdentity", Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: { StringEquals: { "aws:RequestTag/kubernetes-namespace": "agents", "aws:RequestTag/kubernetes-service-account": "triage", "aws:SourceAccount": ACCOUNT }, ArnEquals: { "aws:SourceArn": CLUSTER }, ...until() } }),
    rolesAnywhere: doc({ Sid: "AgentTrustRolesAnywhere", Effect: "Allow", Principal: { Service: "rolesanywhere.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
        Condition: { StringEquals: { "aws:PrincipalTag/x509SAN/URI": SPIFFE }, ArnEquals: { "aws:SourceArn": ANCHOR }, ...until() } }),
    agentcore: doc({ Sid: "AgentTrustAgentCore", Effect: "Allow", Principal: { Service: "bedrock-agentcore.amazonaws.com" }, Action: ["sts:AssumeRole"],
        Condition: { ArnEquals: { "aws:SourceArn": WORKLOAD }, ...until() } }),
};

/** An IAM role written by hand: IAM name `triage-runner` (not `agent-…`), tagged unless told otherwise. */
export function role(trust: object | string = TRUST.podIdentity, props: Record<string, unknown> = {}, extra: Partial<ResourceView> = {}): ResourceView {
    return resource("aws:iam/role:Role", "triage-role", {
        name: "triage-runner", path: "/", maxSessionDuration: 3600, tags: TAGS,
        assumeRolePolicy: typeof trust === "string" ? trust : JSON.stringify(trust), ...props,
    }, extra);
}

/** A compliant permission statement: exact action, exact resource, ends at expiry. */
export const READ = { Sid: "Grant0", Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::tickets/inbound/*"], Condition: until() };
export const WRITE = { Sid: "Grant1", Effect: "Allow", Action: ["s3:PutObject"], Resource: ["arn:aws:s3:::tickets/outbound/*"], Condition: until() };
export { until };

export function rolePolicy(name: string, document: object | string, props: Record<string, unknown> = {}, extra: Partial<ResourceView> = {}): ResourceView {
    return resource("aws:iam/rolePolicy:RolePolicy", name, { role: "triage-runner", name, policy: typeof document === "string" ? document : JSON.stringify(document), ...props }, extra);
}

/** AWS's AdministratorAccess managed policy document, as AWS publishes it. */
export const ADMINISTRATOR_ACCESS = doc({ Effect: "Allow", Action: "*", Resource: "*" });
export const ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess";

export function serviceAccount(name: string, props: Record<string, unknown> = {}, annotations: Record<string, string> = {}, extra: Partial<ResourceView> = {}): ResourceView {
    return resource("kubernetes:core/v1:ServiceAccount", name, { metadata: { name, namespace: "agents", annotations }, automountServiceAccountToken: false, ...props }, extra);
}

/** agentid's annotations on an agent service account. */
export const SA_ANNOTATIONS = { "agentid.dev/owner-team": "support", "agentid.dev/owner-contact": "support@example.com", "agentid.dev/expires-at": EXPIRES };

export function k8sRole(name: string, rules: object[], namespace = "agents"): ResourceView {
    return resource("kubernetes:rbac.authorization.k8s.io/v1:Role", name, { metadata: { name, namespace }, rules });
}

export function roleBinding(name: string, roleRef: { kind: string; name: string }, subjects: object[], namespace = "agents"): ResourceView {
    return resource("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", name, { metadata: { name, namespace }, roleRef: { apiGroup: "rbac.authorization.k8s.io", ...roleRef }, subjects });
}

export function clusterRoleBinding(name: string, roleRef: { kind: string; name: string }, subjects: object[]): ResourceView {
    return resource("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", name, { metadata: { name }, roleRef: { apiGroup: "rbac.authorization.k8s.io", ...roleRef }, subjects });
}

export const TRIAGE_SA = { kind: "ServiceAccount", name: "triage", namespace: "agents" };
