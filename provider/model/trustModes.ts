/**
 * The trust of an agent role, per mode: the one principal that may assume it, the actions it may use,
 * and the conditions that pin exactly one workload. One table: `buildTrustPolicy` writes statements
 * from it and the policy pack checks any role's trust against it, so the builder and the checker
 * cannot drift apart.
 */
import { AWS_ACCOUNT_ID, EKS_CLUSTER_ARN, SETTING_ARNS, WORKLOAD_IDENTITY_ARN } from "../connectors/arnGrammar";
import { isDns1123Label, isDns1123Subdomain } from "../declarations/names";
import type { AwsTrustMode } from "../declarations/types";
import { hasWildcard } from "../connectors/wildcards";

/** A statement of a role's trust policy. */
export interface TrustStatement {
    Sid: string;
    Effect: "Allow";
    Principal: { Federated: string } | { Service: string };
    Action: string[];
    Condition: Record<string, Record<string, string>>;
}

/** The values one agent's trust pins (each mode reads the ones it needs). */
export interface TrustSubject {
    oidcProviderArn?: string;
    namespace?: string;
    serviceAccount?: string;
    accountId?: string;
    clusterArn?: string;
    spiffeId?: string;
    trustAnchorArn?: string;
    workloadIdentityArn?: string;
}

/** A condition a mode's trust statement must carry: exact operator, exact key, one exact value. */
export interface TrustPin {
    operator: "StringEquals" | "ArnEquals";
    /** The condition key; IRSA's keys start with the OIDC issuer (the provider ARN's path). */
    key(issuer: string): string;
    /** What the pin holds, for messages. */
    what: string;
    /** The value for one agent. */
    value(subject: TrustSubject): string;
    /** Whether a value names exactly one thing of the right kind (never a pattern). */
    accepts(value: string): boolean;
    example: string;
}

/** Who may assume the role: one AWS service, or an IAM OIDC provider (web identity). */
export type TrustPrincipal =
    | { kind: "Service"; service: string }
    | { kind: "Federated"; accepts(arn: string): boolean; example: string };

/** A fleet setting a mode's trust needs, and whether an agent may set it itself (identity.aws.<key>). */
export interface TrustNeed {
    setting: "trustAnchorArn" | "oidcProviderArn" | "clusterName" | "awsAccountId" | "awsRegion";
    what: string;
    perAgent: boolean;
}

export interface TrustMode {
    mode: AwsTrustMode;
    sid: string;
    principal: TrustPrincipal;
    actions: string[];
    pins: TrustPin[];
    /** What the declaration or the fleet must name for the pins. */
    needs: TrustNeed[];
    /** The workload runs as a Kubernetes service account (the agent gets one). */
    runsInKubernetes: boolean;
    /** The role is trusted through an AgentCore workload identity (the agent gets one). */
    needsWorkloadIdentity: boolean;
    /** EKS associates the role with the service account (an eks.PodIdentityAssociation). */
    associatesServiceAccount: boolean;
    /** The service account names the role (annotation `eks.amazonaws.com/role-arn`, IRSA's web identity). */
    annotatesServiceAccount: boolean;
}

/** Every agent trust and permission statement ends at the agent's expiry. */
export const EXPIRY_CONDITION = { operator: "DateLessThan", key: "aws:CurrentTime" } as const;

/**
 * Condition keys only a workload's session carries (EKS Pod Identity's session tags, the Roles Anywhere
 * certificate): a role whose trust reads them is meant for a workload, whatever its principal says.
 */
export const WORKLOAD_CONDITION_KEY = /^aws:(RequestTag\/kubernetes-|PrincipalTag\/x509)/i;

const SPIFFE_ID = /^spiffe:\/\/[a-z0-9._-]+(\/[A-Za-z0-9._~!$&'()+,;=:@%-]+)+$/;
/** The subject of a Kubernetes service account token: `system:serviceaccount:<namespace>:<name>`. */
export const IRSA_SUBJECT = /^system:serviceaccount:([^:]+):([^:]+)$/;

const exact = (accepts: (value: string) => boolean) => (value: string) => !hasWildcard(value) && accepts(value);

export const TRUST_MODES: Record<AwsTrustMode, TrustMode> = {
    irsa: {
        mode: "irsa",
        sid: "AgentTrustIrsa",
        principal: { kind: "Federated", accepts: exact((arn) => SETTING_ARNS.oidcProviderArn.pattern.test(arn)), example: SETTING_ARNS.oidcProviderArn.example },
        actions: ["sts:AssumeRoleWithWebIdentity"],
        needs: [{ setting: "oidcProviderArn", what: "the EKS cluster's IAM OIDC provider ARN", perAgent: true }],
        runsInKubernetes: true, needsWorkloadIdentity: false, associatesServiceAccount: false, annotatesServiceAccount: true,
        pins: [
            {
                operator: "StringEquals", key: (issuer) => `${issuer}:sub`, what: "the service account (token subject)",
                value: (s) => `system:serviceaccount:${s.namespace}:${s.serviceAccount}`,
                accepts: exact((v) => { const m = IRSA_SUBJECT.exec(v); return m !== null && isDns1123Label(m[1]) && isDns1123Subdomain(m[2]); }),
                example: "system:serviceaccount:agents:support-triage",
            },
            {
                operator: "StringEquals", key: (issuer) => `${issuer}:aud`, what: "the token audience",
                value: () => "sts.amazonaws.com", accepts: (v) => v === "sts.amazonaws.com", example: "sts.amazonaws.com",
            },
        ],
    },
    podIdentity: {
        mode: "podIdentity",
        sid: "AgentTrustPodIdentity",
        principal: { kind: "Service", service: "pods.eks.amazonaws.com" },
        actions: ["sts:AssumeRole", "sts:TagSession"],
        needs: [
            { setting: "clusterName", what: "the EKS cluster name", perAgent: true },
            { setting: "awsAccountId", what: "the fleet's AWS account (the trust pins the cluster's ARN)", perAgent: false },
            { setting: "awsRegion", what: "the cluster's region", perAgent: false },
        ],
        runsInKubernetes: true, needsWorkloadIdentity: false, associatesServiceAccount: true, annotatesServiceAccount: false,
        // EKS tags the session with the pod's namespace and service account; the source pins the cluster and account.
        pins: [
            { operator: "StringEquals", key: () => "aws:RequestTag/kubernetes-namespace", what: "the pod's namespace", value: (s) => s.namespace!, accepts: exact(isDns1123Label), example: "agents" },
            { operator: "StringEquals", key: () => "aws:RequestTag/kubernetes-service-account", what: "the pod's service account", value: (s) => s.serviceAccount!, accepts: exact(isDns1123Subdomain), example: "support-triage" },
            { operator: "StringEquals", key: () => "aws:SourceAccount", what: "the cluster's account", value: (s) => s.accountId!, accepts: (v) => AWS_ACCOUNT_ID.test(v), example: "123456789012" },
            { operator: "ArnEquals", key: () => "aws:SourceArn", what: "the EKS cluster", value: (s) => s.clusterArn!, accepts: exact((v) => EKS_CLUSTER_ARN.test(v)), example: "arn:aws:eks:us-east-1:123456789012:cluster/agents-prod" },
        ],
    },
    rolesAnywhere: {
        mode: "rolesAnywhere",
        sid: "AgentTrustRolesAnywhere",
        principal: { kind: "Service", service: "rolesanywhere.amazonaws.com" },
        actions: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
        needs: [{ setting: "trustAnchorArn", what: "a Roles Anywhere trust anchor ARN", perAgent: true }],
        runsInKubernetes: false, needsWorkloadIdentity: false, associatesServiceAccount: false, annotatesServiceAccount: false,
        pins: [
            { operator: "StringEquals", key: () => "aws:PrincipalTag/x509SAN/URI", what: "the SPIFFE ID (certificate URI SAN)", value: (s) => s.spiffeId!, accepts: exact((v) => SPIFFE_ID.test(v)), example: "spiffe://example.org/agents/support-triage" },
            { operator: "ArnEquals", key: () => "aws:SourceArn", what: "the trust anchor", value: (s) => s.trustAnchorArn!, accepts: exact((v) => SETTING_ARNS.trustAnchorArn.pattern.test(v)), example: SETTING_ARNS.trustAnchorArn.example },
        ],
    },
    agentcore: {
        mode: "agentcore",
        sid: "AgentTrustAgentCore",
        principal: { kind: "Service", service: "bedrock-agentcore.amazonaws.com" },
        actions: ["sts:AssumeRole"],
        needs: [],
        runsInKubernetes: false, needsWorkloadIdentity: true, associatesServiceAccount: false, annotatesServiceAccount: false,
        // The workload identity's ARN names its account, so the one pin fixes account and identity.
        pins: [
            { operator: "ArnEquals", key: () => "aws:SourceArn", what: "the AgentCore workload identity (and with it the account)", value: (s) => s.workloadIdentityArn!, accepts: exact((v) => WORKLOAD_IDENTITY_ARN.test(v)), example: "arn:aws:bedrock-agentcore:us-east-1:123456789012:workload-identity-directory/default/workload-identity/agent-research-assistant" },
        ],
    },
};

/** The OIDC issuer of an IAM OIDC provider ARN: the path after `oidc-provider/`, as IRSA's condition keys spell it. */
export function oidcIssuerOf(oidcProviderArn: string): string {
    return oidcProviderArn.replace(/^arn:[^:]+:iam::\d*:oidc-provider\//, "");
}

/** The ARN of an EKS cluster. */
export function eksClusterArn(region: string, account: string, cluster: string): string {
    return `arn:aws:eks:${region}:${account}:cluster/${cluster}`;
}

/** The trust statement of one mode for one agent: its principal, actions, pins and expiry. */
export function trustStatementOf(mode: AwsTrustMode, subject: TrustSubject, expiresAt: string): TrustStatement {
    const m = TRUST_MODES[mode];
    const issuer = subject.oidcProviderArn === undefined ? "" : oidcIssuerOf(subject.oidcProviderArn);
    const condition: Record<string, Record<string, string>> = {};
    for (const pin of m.pins) (condition[pin.operator] ??= {})[pin.key(issuer)] = pin.value(subject);
    condition[EXPIRY_CONDITION.operator] = { [EXPIRY_CONDITION.key]: expiresAt };
    return {
        Sid: m.sid, Effect: "Allow",
        Principal: m.principal.kind === "Service" ? { Service: m.principal.service } : { Federated: subject.oidcProviderArn! },
        Action: [...m.actions],
        Condition: condition,
    };
}

/** The mode whose principal this is (a service name, or an OIDC provider ARN for IRSA). */
export function trustModeOfPrincipal(kind: string, value: string): TrustMode | undefined {
    return Object.values(TRUST_MODES).find((m) => m.principal.kind === kind && (m.principal.kind === "Service" ? m.principal.service === value : m.principal.accepts(value)));
}
