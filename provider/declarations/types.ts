/**
 * The declaration model — the one source of agentid's data shapes. YAML declarations are this data;
 * the components' args are these types with `pulumi.Input` leaves (components/inputs.ts); the
 * package schema is generated from them (scripts/schema.ts) and `schema/agent.schema.json` is checked
 * against them (test/unit/schema.test.ts). The JSDoc here is what every language's users read.
 */

/** `apiVersion` of every declaration this release reads. */
export const API_VERSION = "agentid/v1";

/** The level of access a grant asks for; each connector maps it to its smallest action set. */
export type Access = "read" | "write" | "readwrite";

/** What happens to an agent once `expiresAt` has passed. */
export type OnExpiry = "delete" | "disable";

/** How AWS trusts the agent's workload identity. */
export type AwsTrustMode = "irsa" | "podIdentity" | "rolesAnywhere" | "agentcore";

/** The accountable owner of an agent. */
export interface Owner {
    /** The owning team (a Backstage group name or similar). */
    team: string;
    /** A reachable e-mail address for the team. */
    contact: string;
    /** Where incidents go, e.g. `pagerduty:support-platform`. */
    escalation?: string;
}

/** The security approval that write access requires. */
export interface Approval {
    /** The ticket recording the approval, e.g. `SEC-1234`. */
    ticket: string;
    /** Who approved (e-mail addresses). */
    approvers: string[];
    /** `sha256:<hex>` of the canonical grants; when present it must match `spec.grants`. */
    grantsDigest?: string;
}

/** Kubernetes identity: the agent runs as this service account. */
export interface KubernetesIdentity {
    /** Namespace of the service account; defaults to the fleet's namespace. */
    namespace?: string;
    /** Service account name; defaults to the agent's name. */
    serviceAccount?: string;
    /** Mount the service account token into pods (default false: agents get SPIFFE/IRSA credentials instead). */
    automountToken?: boolean;
    /** Create a ClusterSPIFFEID (spire-controller-manager) selecting the agent's pods (default false). */
    clusterSpiffeId?: boolean;
}

/** AWS identity: an IAM role the agent assumes with short-lived credentials. */
export interface AwsIdentity {
    /** How AWS trusts the workload. */
    trust: AwsTrustMode;
    /** Roles Anywhere trust anchor (rolesAnywhere); defaults to the fleet's. */
    trustAnchorArn?: string;
    /** IAM OIDC provider ARN of the EKS cluster (irsa); defaults to the fleet's. */
    oidcProviderArn?: string;
    /** EKS cluster name (podIdentity); defaults to the fleet's. */
    clusterName?: string;
    /** Session length in seconds, 900-3600 (default 3600). */
    maxSessionDuration?: number;
    /** Permissions boundary policy ARN; defaults to the fleet's. */
    permissionsBoundaryArn?: string;
}

/** SPIRE identity: a registration entry issuing the agent's SVIDs. */
export interface SpireIdentity {
    /** SPIFFE ID of the parent (node or agent) the workload runs under. */
    parentId: string;
    /** Workload selectors, `type:value`, e.g. `k8s:ns:agents`. */
    selectors: string[];
    /** X.509 SVID lifetime in seconds (default 900). */
    x509SvidTtl?: number;
    /** JWT SVID lifetime in seconds (default 300). */
    jwtSvidTtl?: number;
    /** DNS names for the X.509 SVID. */
    dnsNames?: string[];
}

/** The identities an agent gets. */
export interface Identity {
    /** SPIFFE ID; default `spiffe://<trustDomain>/agents/<name>`. */
    spiffeId?: string;
    /** A Kubernetes service account (implied by irsa/podIdentity trust and by kubernetes grants). */
    kubernetes?: KubernetesIdentity;
    /** An IAM role with short-lived credentials (needed by AWS, SaaS and tool grants). */
    aws?: AwsIdentity;
    /** A SPIRE registration entry issuing the agent's SVIDs. */
    spire?: SpireIdentity;
}

/** One grant: a connector and what the agent may do through it. */
export interface Grant {
    /** Connector name from the catalog, e.g. `aws.s3`, `kubernetes`, `oauth.github`, `tool.support`. */
    connector: string;
    /** Access level (catalog connectors); explicit `actions` are used by `aws.iam`. */
    access?: Access;
    /** Explicit IAM actions (`aws.iam` only). */
    actions?: string[];
    /** ARNs (AWS connectors) or resource kinds (kubernetes); in a program they may come from other resources. */
    resources?: string[];
    /** Kubernetes object names the grant is limited to (RBAC resourceNames). */
    resourceNames?: string[];
    /** Kubernetes namespace of the grant (default the fleet's namespace). */
    namespace?: string;
    /** Kubernetes verbs. */
    verbs?: string[];
    /** Kubernetes API groups (default the core group ""). */
    apiGroups?: string[];
    /** OAuth scopes (`oauth.<vendor>`). */
    scopes?: string[];
    /** Tool names behind the gateway (`tool.<gateway>`). */
    tools?: string[];
}

/** `spec` of an Agent declaration. */
export interface AgentSpec {
    /** What the agent does, in one sentence. */
    description: string;
    /** Who owns the agent: a team and a reachable contact. */
    owner: Owner;
    /** When every credential stops: an RFC 3339 date-time or a date (midnight UTC), at most the fleet's lifetime (default 90 days) ahead. */
    expiresAt: string;
    /** What expiry does: `delete` (default) removes every resource; `disable` keeps the identities and removes every grant. */
    onExpiry?: OnExpiry;
    /** Recertification date; not after `expiresAt`. */
    reviewBy?: string;
    /** The approval write-level and high-risk grants require. */
    approval?: Approval;
    /** The identities the agent gets (AWS role, Kubernetes service account, SPIRE entry); its SPIFFE ID by default. */
    identity?: Identity;
    /** What the agent may do: at least one grant. */
    grants: Grant[];
}

/** A whole `kind: Agent` document. */
export interface AgentDeclaration {
    apiVersion: typeof API_VERSION;
    kind: "Agent";
    metadata: { name: string; labels?: Record<string, string> };
    spec: AgentSpec;
}

/** One duty of a separation-of-duties rule: a kind of access that must not come together with the rule's other duties. */
export interface Duty {
    /**
     * A connector of the catalog: `aws.<service>` (every IAM action of that service counts, `aws.iam` grants included),
     * `kubernetes`, `oauth.<vendor>` or `tool.<gateway>`.
     */
    connector: string;
    /** The access that counts, at least: `read`, `write` (a readwrite grant holds both), or `readwrite` (read and write, from one grant or several). */
    access: Access;
    /**
     * Limits the duty to part of the connector's reach; any one reached counts. AWS: ARN prefixes (a trailing `*` optional);
     * kubernetes: `<namespace>` or `<namespace>/<resource>`; oauth: scopes; tools: `<target>/<tool>`. Default: all of it.
     */
    resources?: string[];
}

/** A separation-of-duties rule: no agent, together with the agents sharing its identity, may hold every duty it forbids. */
export interface SeparationOfDutiesRule {
    /** The rule's name, reported with every violation (lowercase letters, digits and '-'). */
    name: string;
    /** Why the duties must stay apart, for the agent's owner. */
    description?: string;
    /** The duties no single agent may hold all at once. */
    forbid: Duty[];
}

/** Fleet-wide guardrails and defaults (`kind: Fleet` document or AgentFleet args). */
export interface FleetSettings {
    /** Trust domain of every SPIFFE ID in the fleet (default `example.org`). */
    trustDomain?: string;
    /** Longest allowed lifetime from "now" to `expiresAt`, in days (default 90). */
    maxLifetimeDays?: number;
    /** Default namespace for agents' Kubernetes identities (default `agents`). */
    defaultNamespace?: string;
    /** Permissions boundary for every agent role. */
    permissionsBoundaryArn?: string;
    /** IAM OIDC provider of the EKS cluster (irsa default). */
    oidcProviderArn?: string;
    /** Roles Anywhere trust anchor (rolesAnywhere default). */
    trustAnchorArn?: string;
    /** EKS cluster for Pod Identity associations (podIdentity default). */
    clusterName?: string;
    /** Default X.509 SVID TTL for SPIRE entries, seconds (default 900). */
    x509SvidTtl?: number;
    /** Default JWT SVID TTL for SPIRE entries, seconds (default 300). */
    jwtSvidTtl?: number;
    /** AgentCore gateways by name (`tool.<name>` grants) → gateway ARN. */
    gateways?: Record<string, string>;
    /** The AWS account of the fleet's roles: trust settings must be in it (or in trustedAccountIds); `show` prints real ARNs. */
    awsAccountId?: string;
    /** The AWS region of the fleet's AgentCore and EKS resources, e.g. us-east-1. */
    awsRegion?: string;
    /** Other accounts whose OIDC providers, trust anchors, boundaries or gateways the fleet may name. */
    trustedAccountIds?: string[];
    /** Namespaces agents may live in and be granted; default: any except the cluster's own (kube-system, kube-public, kube-node-lease, default). */
    allowedNamespaces?: string[];
    /**
     * How OAuth clients are shared: `fleet` (default) — one client per vendor for every agent, so each agent can
     * obtain every scope any of them declares (reported as effective scopes); `perAgent` — one client and
     * credential provider per agent, so an agent obtains only what its own client allows.
     */
    oauthClientSharing?: "fleet" | "perAgent";
    /**
     * Allow `identity.kubernetes.clusterSpiffeId` (default false). A ClusterSPIFFEID (spire-controller-manager) has
     * no expiry: the agent's pods keep receiving SVIDs after `expiresAt` until a plan or `agentid reap` removes it
     * (the AWS trust still refuses them). Without it, use `identity.spire`, whose entry expires on its own.
     */
    allowClusterSpiffeIds?: boolean;
    /** When true, no approver of an agent may be its owner contact: approvals need a second person (default false). */
    independentApproval?: boolean;
    /**
     * Duties no single agent may hold together, e.g. reading payment secrets and posting to chat. An agent matching every
     * duty of a rule is invalid (`separation-of-duties`); agents sharing an identity are judged together, and an OAuth
     * client shared by the fleet counts with its effective scopes. A Fleet document adds rules to the program's, never removes one.
     */
    separationOfDuties?: SeparationOfDutiesRule[];
    /**
     * Shard the fleet into Pulumi stacks, one per owner team (`by: team`) or per value of a label
     * (`by: label:<key>`); stacks are named `<prefix>-<value>` (`agentid stacks` lists them). Each stack's
     * program registers only its own agents; the whole fleet is still validated as one. In a sharded fleet
     * every agent owns its OAuth credential providers and gateway policy engines (no stack creates a name
     * another stack creates). Default: one stack for the whole fleet.
     */
    stacks?: StackSharding;
}

/** How a fleet is split into stacks (`spec.stacks` of the Fleet). */
export interface StackSharding {
    /** `team` (the owner team) or `label:<key>` (the value of that label, which every agent must carry). */
    by: string;
    /** The first part of every stack name, `<prefix>-<value>` (default `agents`): lowercase letters, digits and '-'. */
    prefix?: string;
}

/** A whole `kind: Fleet` document. */
export interface FleetDeclaration {
    apiVersion: typeof API_VERSION;
    kind: "Fleet";
    metadata: { name: string };
    spec: FleetSettings;
}
