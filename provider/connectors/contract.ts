import type { Access, FleetSettings, Grant } from "../declarations/types";
import type { Violation } from "../declarations/diagnostics";
import type { AccessLevel } from "./iamData";

/** How much a reviewer should care about a grant. */
export type Risk = "low" | "medium" | "high";

/** One IAM policy statement, as it lands in the role's inline policy. */
export interface PolicyStatement {
    Sid: string;
    Effect: "Allow" | "Deny";
    Action: string[];
    Resource: string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

/** An IAM action the grant expands to, with its access level from iam-data. */
export interface ExpandedAction {
    action: string;
    accessLevel: AccessLevel;
}

/** One Kubernetes RBAC rule. */
export interface RbacRule {
    apiGroups: string[];
    resources: string[];
    /** Object names the rule is limited to. */
    resourceNames?: string[];
    verbs: string[];
}

/** ARNs that only exist once resources are created; `show` renders placeholders for them. */
export interface ExpansionContext {
    /** The agent's name (Cedar principal, resource names). */
    agent: string;
    /** ARN of the OAuth2 credential provider for a vendor. */
    oauthProviderArn(vendor: string): string;
    /** ARN of the agent's AgentCore workload identity. */
    workloadIdentityArn: string;
    /** Namespace for kubernetes grants that name none. */
    defaultNamespace: string;
    /**
     * The scopes of a vendor every agent sharing this agent's OAuth client declares, and who they are: what
     * this agent can really obtain. Absent: only the agent's own declaration is known.
     */
    sharedOauthScopes?(vendor: string): { scopes: string[]; sharedWith: string[] } | undefined;
}

/** What one declared grant becomes: IAM statements, RBAC rules, OAuth scopes or Cedar tools. */
export interface GrantExpansion {
    /** Position of the grant in `spec.grants`. */
    index: number;
    connector: string;
    /** The effective access level. */
    access: Access;
    /** IAM actions granted, with access levels. */
    actions: ExpandedAction[];
    /** IAM statements (AWS connectors, and token retrieval for OAuth). */
    statements: PolicyStatement[];
    /** RBAC rules in one namespace (kubernetes). */
    rbac?: { namespace: string; rules: RbacRule[] };
    /**
     * SaaS scopes through an AgentCore OAuth2 credential provider: the declared ones, and the effective ones
     * the agent can obtain because it shares an OAuth client with `sharedWith` (equal to `scopes` when alone).
     */
    oauth?: { vendor: string; scopes: string[]; effectiveScopes: string[]; sharedWith: string[] };
    /** Tools behind an AgentCore gateway, authorised by Cedar. */
    tools?: { gateway: string; tools: string[] };
    risk: Risk;
    /** Write-level and admin-level grants need `spec.approval`. */
    needsApproval: boolean;
    /** Human lines for reviewers: "s3:GetObject on arn:aws:s3:::bucket/prefix/*". */
    reach: string[];
}

/** The platform a connector's grants live on: `aws` grants need the agent's IAM role (identity.aws). */
export type ConnectorPlatform = "aws" | "kubernetes";

/** What a grant reaches, as reviewers group it: AWS resources, Kubernetes objects, SaaS scopes, gateway tools. */
export type ReachCategory = "aws" | "kubernetes" | "saas" | "tools";

/** A resource the agents of a fleet share: one OAuth client (and provider) per vendor, one policy engine per gateway. */
export interface SharedResource {
    kind: "oauthClient" | "policyEngine";
    /** The vendor or gateway. */
    key: string;
}

/** One entry of the connector catalog. */
export interface Connector {
    /** Exact name (`aws.s3`) or a family prefix (`oauth.`, `tool.`). */
    readonly name: string;
    /** Where the grant is enforced; `aws` needs identity.aws (IAM statements, OAuth tokens, Cedar on the role's sessions). */
    readonly platform: ConnectorPlatform;
    /** How reviewers group what the grant reaches (inventory, compliance). */
    readonly reach: ReachCategory;
    /** True when tokens are fetched for the agent's AgentCore workload identity (SaaS connectors). */
    readonly needsWorkloadIdentity?: boolean;
    /** One line for `--help` and errors. */
    readonly summary: string;
    /** A valid resource for this connector, shown in errors (and standing in for values known only after apply). */
    readonly example?: string;
    /**
     * The resource with the connector's own documented scoping form removed (S3's trailing `/*`), so the
     * wildcard guardrail sees only what the user wrote beyond it. Absent: no such form.
     */
    readonly withoutScopingForm?: (resource: string) => string;
    /** Connector-specific checks; paths are relative to the grant. */
    validate(grant: Grant): Violation[];
    /** What the grant needs from the fleet's settings (a gateway's ARN); paths relative to the grant. */
    requiredSettings?(grant: Grant, settings: FleetSettings): Violation[];
    /** What identifies the grant across two versions of a declaration: `diff` matches grants by it. */
    grantKey(grant: Grant): string;
    /** The fleet-shared resource the grant uses, if any. */
    sharedResource?(grant: Grant): SharedResource;
    /** The smallest set of permissions that does the declared job. Only called on valid grants. */
    expand(grant: Grant, index: number, context: ExpansionContext): GrantExpansion;
}

const RISK_ORDER: Risk[] = ["low", "medium", "high"];

/** The higher of two risks. */
export function maxRisk(a: Risk, b: Risk): Risk {
    return RISK_ORDER.indexOf(a) >= RISK_ORDER.indexOf(b) ? a : b;
}

/** Risk from IAM access levels: reads are low, writes medium, permission changes high. */
export function riskOfAccessLevel(level: AccessLevel): Risk {
    if (level === "Permissions management") return "high";
    if (level === "Write" || level === "Tagging") return "medium";
    return "low";
}
