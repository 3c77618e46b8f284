import { buildCedarPolicies, CedarPolicy } from "../platforms/agentcore/cedar";
import type { ExpansionContext, GrantExpansion } from "../connectors/types";
import type { ResolvedSettings } from "../guardrails/fleetSettings";
import { expandGrants, placeholderContext, ResolvedAgent } from "./resolvedAgent";
import { buildAwsTags, buildDenyAllPolicy, buildPermissionPolicy, buildTrustPolicy, PolicyDocument, roleArnOf, ROLE_PATH } from "../platforms/aws/iamDocuments";
import { buildClusterSpiffeId, buildRbac, buildServiceAccount } from "../platforms/kubernetes/manifests";
import { rbacNameOf } from "./names";
import { buildSpireEntry, SpireEntrySpec } from "../platforms/spire/entry";

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
    kubernetes?: { manifests: object[] };
    /** What a reviewer must know that the documents do not say (e.g. a credential path without provider-side expiry). */
    warnings?: string[];
    spire?: { entry: SpireEntrySpec };
    cedar?: CedarPolicy[];
}

/**
 * Every artefact of one agent, from pure builders. An expired agent with `onExpiry: delete` has none;
 * with `disable` it keeps its identities, its role holds a deny-all, and RBAC and tool policies go.
 */
export function buildAgentArtefacts(agent: ResolvedAgent, settings: ResolvedSettings, context?: Partial<ExpansionContext>): AgentArtefacts {
    const expansions = expandGrants(agent, settings, context);
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
            roleName: agent.aws.roleName, ...(roleArnOf(agent) ? { roleArn: roleArnOf(agent) } : {}), path: ROLE_PATH, maxSessionDuration: agent.aws.maxSessionDuration,
            ...(agent.aws.permissionsBoundaryArn ? { permissionsBoundaryArn: agent.aws.permissionsBoundaryArn } : {}),
            tags: buildAwsTags(agent),
            trustPolicy: buildTrustPolicy(agent, { workloadIdentityArn: context?.workloadIdentityArn ?? placeholderContext(agent.name, settings).workloadIdentityArn }),
            ...(permissionPolicy ? { permissionPolicy } : {}),
            workloadIdentity: agent.needsWorkloadIdentity,
            oauthProviders: active ? expansions.flatMap((e) => (e.oauth ? [e.oauth.vendor] : [])) : [],
        };
    }
    if (agent.kubernetes) {
        const manifests: object[] = [buildServiceAccount(agent, roleArnOf(agent))];
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
