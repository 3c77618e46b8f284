import { catalog } from "../connectors/catalog";
import type { ExpansionContext, GrantExpansion } from "../connectors/contract";
import { formatInstant, isExpired, parseInstant } from "../declarations/clock";
import { grantsDigest } from "../declarations/digest";
import { oauthProviderNameOf, roleNameOf, workloadIdentityNameOf } from "./names";
import { agentsOwnSharedResources } from "./shards";
import { AWS_SESSION_SECONDS, ResolvedSettings } from "./settings";
import type { AgentDeclaration, Approval, AwsTrustMode, Grant, OnExpiry, Owner } from "../declarations/types";
import { TRUST_MODES } from "./trustModes";

/** `active` until `expiresAt`, then `expired`. */
export type AgentStatus = "active" | "expired";

/** An agent with every default applied: what the builders and the CLI read. */
export interface ResolvedAgent {
    name: string;
    labels: Record<string, string>;
    description: string;
    owner: Owner;
    /** Canonical `2027-02-28T00:00:00Z` (as declared when it is not a real date: such an agent is invalid). */
    expiresAt: string;
    /** The instant of `expiresAt`; undefined when it is not a real date. */
    expires: Date | undefined;
    onExpiry: OnExpiry;
    reviewBy?: string;
    approval?: Approval;
    status: AgentStatus;
    spiffeId: string;
    kubernetes?: { namespace: string; serviceAccount: string; automountToken: boolean; clusterSpiffeId: boolean };
    aws?: {
        roleName: string;
        trust: AwsTrustMode;
        trustAnchorArn?: string;
        oidcProviderArn?: string;
        clusterName?: string;
        maxSessionDuration: number;
        permissionsBoundaryArn?: string;
        /** The fleet's account and region, when it names them (Pod Identity pins the cluster by ARN). */
        accountId?: string;
        region?: string;
    };
    spire?: { parentId: string; selectors: string[]; dnsNames: string[] };
    /**
     * SVID lifetimes for the SPIRE entry and the ClusterSPIFFEID: the declared (or fleet) TTLs, cut to the
     * time left before expiry when the plan runs, so no SVID agentid configures is meant to outlive the agent.
     */
    svid: { x509SvidTtl: number; jwtSvidTtl: number };
    grants: Grant[];
    grantsDigest: string;
    /** Whether any grant needs an AgentCore workload identity (oauth connectors, agentcore trust). */
    needsWorkloadIdentity: boolean;
}

/** Whether an agent gets a Kubernetes service account: declared, implied by its AWS trust, or needed by its grants. */
export function usesKubernetes(spec: AgentDeclaration["spec"]): boolean {
    const identity = spec.identity ?? {};
    return identity.kubernetes !== undefined || (identity.aws !== undefined && TRUST_MODES[identity.aws.trust].runsInKubernetes)
        || spec.grants.some((g) => catalog.find(g.connector)?.platform === "kubernetes");
}

/** The agent's service account (namespace and name), when it has a Kubernetes identity. */
export function kubernetesIdentityOf(decl: AgentDeclaration, settings: ResolvedSettings): { namespace: string; serviceAccount: string } | undefined {
    if (!usesKubernetes(decl.spec)) return undefined;
    const k8s = decl.spec.identity?.kubernetes;
    return { namespace: k8s?.namespace ?? settings.defaultNamespace, serviceAccount: k8s?.serviceAccount ?? decl.metadata.name };
}

/**
 * The service account whose pods receive the agent's credentials: its Kubernetes identity, or else the one
 * its SPIRE selectors pin (exactly one `k8s:ns:` and one `k8s:sa:`): SPIRE's Kubernetes workload attestor
 * gives every pod running as that account both selectors, so SPIRE issues it the agent's SVID. Whoever may
 * run pods as that account (or reach into them) acts as the agent.
 */
export function workloadServiceAccountOf(decl: AgentDeclaration, settings: ResolvedSettings): { namespace: string; serviceAccount: string; throughSpire: boolean } | undefined {
    const own = kubernetesIdentityOf(decl, settings);
    if (own) return { ...own, throughSpire: false };
    const selectors = decl.spec.identity?.spire?.selectors ?? [];
    const values = (prefix: string) => selectors.filter((s) => s.startsWith(prefix)).map((s) => s.slice(prefix.length));
    const [namespaces, accounts] = [values("k8s:ns:"), values("k8s:sa:")];
    return namespaces.length === 1 && accounts.length === 1 ? { namespace: namespaces[0], serviceAccount: accounts[0], throughSpire: true } : undefined;
}

/** The SPIFFE ID every agent gets unless it declares one: `spiffe://<trustDomain>/agents/<name>`. */
export function defaultSpiffeIdOf(agent: string, trustDomain: string): string {
    return `spiffe://${trustDomain}/agents/${agent}`;
}

/** The agent's SPIFFE ID: declared, or the default. */
export function spiffeIdOf(decl: AgentDeclaration, settings: ResolvedSettings): string {
    return decl.spec.identity?.spiffeId ?? defaultSpiffeIdOf(decl.metadata.name, settings.trustDomain);
}

/** Whether any grant needs an AgentCore workload identity (SaaS tokens are fetched for it), or the trust is AgentCore's. */
export function needsWorkloadIdentity(spec: AgentDeclaration["spec"]): boolean {
    return (spec.identity?.aws !== undefined && TRUST_MODES[spec.identity.aws.trust].needsWorkloadIdentity) || catalog.needsWorkloadIdentity(spec.grants);
}

/**
 * Applies fleet defaults to a declaration that passed the schema: the one resolved agent the components,
 * `show` and the review commands read. Documents are only built for agents that passed every guardrail.
 * `digest` is the grants' digest when the caller has just computed it from these grants (validation does
 * for approvals that pin one); otherwise it is computed here.
 */
export function resolveAgent(decl: AgentDeclaration, settings: ResolvedSettings, now: Date, digest?: string): ResolvedAgent {
    const { spec, metadata } = decl;
    const identity = spec.identity ?? {};
    const expiresAt = parseInstant(spec.expiresAt);
    const name = metadata.name;
    const k8s = kubernetesIdentityOf(decl, settings);
    return {
        name,
        labels: { ...(metadata.labels ?? {}) },
        description: spec.description,
        owner: { ...spec.owner },
        expiresAt: expiresAt ? formatInstant(expiresAt) : spec.expiresAt,
        expires: expiresAt,
        onExpiry: spec.onExpiry ?? "delete",
        ...(spec.reviewBy !== undefined ? { reviewBy: spec.reviewBy } : {}),
        ...(spec.approval ? { approval: spec.approval } : {}),
        status: expiresAt && isExpired(expiresAt, now) ? "expired" : "active",
        spiffeId: spiffeIdOf(decl, settings),
        ...(k8s ? {
            kubernetes: {
                ...k8s,
                automountToken: identity.kubernetes?.automountToken ?? false,
                clusterSpiffeId: identity.kubernetes?.clusterSpiffeId ?? false,
            },
        } : {}),
        ...(identity.aws ? {
            aws: dropUndefined({
                roleName: roleNameOf(name),
                trust: identity.aws.trust,
                trustAnchorArn: identity.aws.trustAnchorArn ?? settings.trustAnchorArn,
                oidcProviderArn: identity.aws.oidcProviderArn ?? settings.oidcProviderArn,
                clusterName: identity.aws.clusterName ?? settings.clusterName,
                maxSessionDuration: identity.aws.maxSessionDuration ?? AWS_SESSION_SECONDS.default,
                permissionsBoundaryArn: identity.aws.permissionsBoundaryArn ?? settings.permissionsBoundaryArn,
                accountId: settings.awsAccountId,
                region: settings.awsRegion,
            }),
        } : {}),
        ...(identity.spire ? {
            spire: {
                parentId: identity.spire.parentId,
                selectors: [...identity.spire.selectors],
                dnsNames: [...(identity.spire.dnsNames ?? [])],
            },
        } : {}),
        svid: {
            x509SvidTtl: lifetimeWithin(identity.spire?.x509SvidTtl ?? settings.x509SvidTtl, expiresAt, now),
            jwtSvidTtl: lifetimeWithin(identity.spire?.jwtSvidTtl ?? settings.jwtSvidTtl, expiresAt, now),
        },
        grants: spec.grants,
        grantsDigest: digest ?? grantsDigest(spec.grants),
        needsWorkloadIdentity: needsWorkloadIdentity(spec),
    };
}

/** The fleet's AgentCore ARNs, when it names its account and region: what AWS will call the resources agentid creates. */
export function knownAgentcoreArns(settings: ResolvedSettings): AgentcoreArns | undefined {
    return settings.awsAccountId && settings.awsRegion ? agentcoreArns(settings.awsRegion, settings.awsAccountId) : undefined;
}

/** AgentCore ARNs in one region and account (or placeholders). */
export interface AgentcoreArns {
    oauthProvider(name: string): string;
    workloadIdentity(name: string): string;
}

function agentcoreArns(region: string, account: string): AgentcoreArns {
    return {
        oauthProvider: (name) => `arn:aws:bedrock-agentcore:${region}:${account}:token-vault/default/oauth2credentialprovider/${name}`,
        workloadIdentity: (name) => `arn:aws:bedrock-agentcore:${region}:${account}:workload-identity-directory/default/workload-identity/${name}`,
    };
}

/**
 * ARNs of the AgentCore resources an agent uses, as the component creates them: real when the fleet
 * names its account and region, `<region>`/`<account>` placeholders otherwise (never `${…}`, which IAM
 * would read as a policy variable).
 */
export function placeholderContext(agent: string, settings: ResolvedSettings): ExpansionContext {
    const arns = knownAgentcoreArns(settings) ?? agentcoreArns(settings.awsRegion ?? "<region>", settings.awsAccountId ?? "<account>");
    const providerOwner = agentsOwnSharedResources(settings) ? agent : undefined;
    return {
        agent,
        defaultNamespace: settings.defaultNamespace,
        oauthProviderArn: (vendor) => arns.oauthProvider(oauthProviderNameOf(vendor, providerOwner)),
        workloadIdentityArn: arns.workloadIdentity(workloadIdentityNameOf(agent)),
    };
}

/** The shortest lifetime SPIRE entries accept (seconds). */
export const MIN_SVID_TTL = 60;

/** A lifetime in seconds cut to what is left before `expiresAt` (never below SPIRE's minimum). */
export function lifetimeWithin(ttl: number, expiresAt: Date | undefined, now: Date): number {
    if (!expiresAt) return ttl;
    const left = Math.floor((expiresAt.getTime() - now.getTime()) / 1000);
    return left >= ttl ? ttl : Math.max(MIN_SVID_TTL, left);
}

function dropUndefined<T extends object>(value: T): T {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
