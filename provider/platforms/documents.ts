import { buildCedarPolicies, CedarPolicy } from "./agentcore/cedar";
import type { ExpansionContext, GrantExpansion } from "../connectors/contract";
import type { Input } from "@pulumi/pulumi";
import type { ResolvedSettings } from "../model/settings";
import type { AwsTrustMode } from "../declarations/types";
import { catalog } from "../connectors/catalog";
import { placeholderContext, ResolvedAgent } from "../model/resolvedAgent";
import { buildAwsTags, buildDenyAllPolicy, buildPermissionPolicy, buildTrustPolicy, PolicyDocument, roleArnOf, ROLE_PATH } from "./aws/iamDocuments";
import { buildClusterSpiffeId, buildRbac, buildServiceAccount } from "./kubernetes/manifests";
import { rbacNameOf } from "../model/names";
import { buildSpireEntry, SpireEntrySpec } from "./spire/entry";

/**
 * ARNs and fleet facts the documents use beyond the agent itself; anything not given falls back to the
 * ARNs the names and the fleet's account/region give (placeholders when the fleet names neither).
 */
export interface DocumentContext extends Partial<Omit<ExpansionContext, "oauthProviderArn">> {
    /** A vendor's OAuth2 credential provider ARN, when known otherwise than by name. */
    oauthProviderArn?(vendor: string): string | undefined;
    /** The agent role's ARN (IRSA service-account annotation). */
    roleArn?: string;
}

/**
 * An agent's documents as resource inputs: plain values when everything is known, Outputs otherwise
 * (see components/agentDocuments.ts). Platforms create their resources from it.
 */
export interface DocumentValues {
    value<T>(pick: (documents: AgentArtefacts, agent: ResolvedAgent) => T): Input<T>;
}

/** A Kubernetes object agentid creates for an agent. */
export type KubernetesManifest = ReturnType<typeof buildServiceAccount> | ReturnType<typeof buildRbac>[number]["role"]
    | ReturnType<typeof buildRbac>[number]["roleBinding"] | ReturnType<typeof buildClusterSpiffeId>;

/** What an agent's identity and grants look like once applied: `agentid show` prints it, the component creates it. */
export interface AgentArtefacts {
    name: string;
    status: ResolvedAgent["status"];
    /** `active`, or for an expired agent what expiry does: `deleted` (nothing remains) or `disabled`. */
    effect: "active" | "deleted" | "disabled";
    expiresAt: string;
    owner: ResolvedAgent["owner"];
    spiffeId: string;
    grantsDigest: string;
    grants: {
        index: number; connector: string; access: string; risk: string; needsApproval: boolean;
        actions: GrantExpansion["actions"]; reach: string[];
        /** SaaS grants: declared and effective scopes (see grants/oauthSharing.ts). */
        oauth?: GrantExpansion["oauth"];
    }[];
    aws?: {
        roleName: string;
        /** How AWS trusts the agent's workload: irsa, podIdentity, rolesAnywhere or agentcore. */
        trust: AwsTrustMode;
        /** The role's ARN when the account is known (fleet awsAccountId, or the IRSA OIDC provider's). */
        roleArn?: string;
        path: typeof ROLE_PATH;
        maxSessionDuration: number;
        permissionsBoundaryArn?: string;
        tags: Record<string, string>;
        trustPolicy: PolicyDocument;
        /** The inline policy; absent when no grant needs AWS permissions. */
        permissionPolicy?: PolicyDocument;
        workloadIdentity: boolean;
        oauthProviders: string[];
    };
    kubernetes?: { manifests: KubernetesManifest[] };
    /** What a reviewer must know that the documents do not say (e.g. a credential path without provider-side expiry). */
    warnings?: string[];
    spire?: { entry: SpireEntrySpec };
    cedar?: CedarPolicy[];
}

/**
 * Every artefact of one agent, from pure builders. An expired agent with `onExpiry: delete` has none;
 * with `disable` it keeps its identities, its role holds a deny-all, and RBAC and tool policies go.
 */
export function buildAgentArtefacts(agent: ResolvedAgent, settings: ResolvedSettings, context: DocumentContext = {}): AgentArtefacts {
    const named = placeholderContext(agent.name, settings);
    const expansionContext: ExpansionContext = {
        ...named,
        ...(context.sharedOauthScopes ? { sharedOauthScopes: context.sharedOauthScopes } : {}),
        workloadIdentityArn: context.workloadIdentityArn ?? named.workloadIdentityArn,
        oauthProviderArn: (vendor) => context.oauthProviderArn?.(vendor) ?? named.oauthProviderArn(vendor),
    };
    const expansions = catalog.expand(agent.grants, expansionContext);
    const roleArn = context.roleArn ?? roleArnOf(agent);
    const effect = agent.status === "active" ? "active" : agent.onExpiry === "delete" ? "deleted" : "disabled";
    const artefacts: AgentArtefacts = {
        name: agent.name, status: agent.status, effect, expiresAt: agent.expiresAt, owner: agent.owner,
        spiffeId: agent.spiffeId, grantsDigest: agent.grantsDigest,
        grants: expansions.map((e) => ({
            index: e.index, connector: e.connector, access: e.access, risk: e.risk, needsApproval: e.needsApproval,
            actions: e.actions, reach: e.reach, ...(e.oauth ? { oauth: e.oauth } : {}),
        })),
    };
    if (effect === "deleted") return artefacts;
    const active = effect === "active";
    if (agent.aws) {
        const permissionPolicy = active ? buildPermissionPolicy(expansions, agent.expiresAt) : buildDenyAllPolicy();
        artefacts.aws = {
            roleName: agent.aws.roleName, trust: agent.aws.trust, ...(roleArn ? { roleArn } : {}), path: ROLE_PATH, maxSessionDuration: agent.aws.maxSessionDuration,
            ...(agent.aws.permissionsBoundaryArn ? { permissionsBoundaryArn: agent.aws.permissionsBoundaryArn } : {}),
            tags: buildAwsTags(agent),
            trustPolicy: buildTrustPolicy(agent, { workloadIdentityArn: expansionContext.workloadIdentityArn }),
            ...(permissionPolicy ? { permissionPolicy } : {}),
            workloadIdentity: agent.needsWorkloadIdentity,
            oauthProviders: active ? expansions.flatMap((e) => (e.oauth ? [e.oauth.vendor] : [])) : [],
        };
    }
    if (agent.kubernetes) {
        const manifests: KubernetesManifest[] = [buildServiceAccount(agent, roleArn)];
        if (active) manifests.push(...buildRbac(agent, expansions).flatMap((r) => [r.role, r.roleBinding]));
        // A disabled agent keeps its service account but no workload may receive its SPIFFE ID.
        if (active && agent.kubernetes.clusterSpiffeId) {
            manifests.push(buildClusterSpiffeId(agent));
            artefacts.warnings = [`ClusterSPIFFEID ${rbacNameOf(agent.name)} has no expiry: pods of ${agent.kubernetes.namespace}/${agent.kubernetes.serviceAccount} keep receiving ${agent.spiffeId} after ${agent.expiresAt} until a plan or agentid reap removes it (the AWS trust refuses it from then on)`];
        }
        artefacts.kubernetes = { manifests };
    }
    if (agent.spire) artefacts.spire = { entry: buildSpireEntry(agent) };
    // Validation guarantees every tool grant's gateway has an ARN in the fleet settings.
    const cedar = active ? buildCedarPolicies(agent.name, expansions, { gatewayArn: (gateway) => settings.gateways![gateway] }) : [];
    if (cedar.length > 0) artefacts.cedar = cedar;
    return artefacts;
}
