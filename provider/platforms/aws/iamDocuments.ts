import type { GrantExpansion, PolicyStatement } from "../../connectors/contract";
import type { ResolvedAgent } from "../../model/resolvedAgent";
import { eksClusterArn, EXPIRY_CONDITION, TRUST_MODES, TrustStatement, trustStatementOf, TrustSubject } from "../../model/trustModes";

export { eksClusterArn } from "../../model/trustModes";
export type { TrustStatement } from "../../model/trustModes";

/** An IAM policy document, exactly as it is sent to AWS. */
export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[] | TrustStatement[];
}

/** ARNs that exist only once other resources do (AgentCore workload identity). */
export interface TrustInputs {
    workloadIdentityArn: string;
}

/** Sid of the statement that replaces every grant of a disabled agent. */
export const DENY_ALL_SID = "AgentExpiredDenyAll";

/**
 * The role's trust policy for the agent's trust mode. Every statement pins one subject and carries
 * `DateLessThan aws:CurrentTime <expiresAt>`, so AWS itself stops issuing credentials at expiry.
 */
export function buildTrustPolicy(agent: ResolvedAgent, inputs: TrustInputs): PolicyDocument {
    const aws = agent.aws;
    if (!aws) throw new Error(`agent ${agent.name} has no AWS identity (identity.aws); no trust policy to build`);
    const k8s = agent.kubernetes; // irsa and podIdentity agents always have one (usesKubernetes)
    const subject: TrustSubject = {
        oidcProviderArn: aws.oidcProviderArn,
        namespace: k8s?.namespace,
        serviceAccount: k8s?.serviceAccount,
        accountId: aws.accountId,
        clusterArn: aws.clusterName && aws.region && aws.accountId ? eksClusterArn(aws.region, aws.accountId, aws.clusterName) : undefined,
        spiffeId: agent.spiffeId,
        trustAnchorArn: aws.trustAnchorArn,
        workloadIdentityArn: inputs.workloadIdentityArn,
    };
    return { Version: "2012-10-17", Statement: [trustStatementOf(aws.trust, subject, agent.expiresAt)] };
}

/**
 * The role's one inline policy: a statement (or a few) per grant, each with its own Sid. Every statement
 * ends at the agent's expiry too, so a session issued a minute before expiry cannot act for another hour.
 */
export function buildPermissionPolicy(grants: readonly GrantExpansion[], expiresAt: string): PolicyDocument | undefined {
    const statements = grants.flatMap((g) => g.statements).map((s): PolicyStatement => ({
        ...s, Condition: { ...s.Condition, [EXPIRY_CONDITION.operator]: { [EXPIRY_CONDITION.key]: expiresAt } },
    }));
    return statements.length > 0 ? { Version: "2012-10-17", Statement: statements } : undefined;
}

/** Path of every agent role. */
export const ROLE_PATH = "/agents/";

/**
 * The ARN the agent's role will have: `arn:aws:iam::<account>:role/agents/agent-<name>`, with the fleet's
 * account, or for IRSA the OIDC provider's (the role lives beside it). Undefined when neither is known.
 */
export function roleArnOf(agent: ResolvedAgent): string | undefined {
    const aws = agent.aws;
    if (!aws) return undefined;
    const fromOidc = TRUST_MODES[aws.trust].principal.kind === "Federated" && aws.oidcProviderArn ? aws.oidcProviderArn.split(":") : undefined;
    const account = aws.accountId ?? fromOidc?.[4];
    const partition = fromOidc?.[1] ?? "aws";
    return account ? `arn:${partition}:iam::${account}:role${ROLE_PATH}${aws.roleName}` : undefined;
}

/** What a disabled (expired, `onExpiry: disable`) agent's role holds instead of its grants. */
export function buildDenyAllPolicy(): PolicyDocument {
    return { Version: "2012-10-17", Statement: [{ Sid: DENY_ALL_SID, Effect: "Deny", Action: ["*"], Resource: ["*"] }] };
}

/** Tags on every AWS resource of an agent: who owns it and when it ends. */
export function buildAwsTags(agent: ResolvedAgent): Record<string, string> {
    return {
        "agentid:name": agent.name,
        "agentid:owner-team": agent.owner.team,
        "agentid:owner-contact": agent.owner.contact,
        "agentid:expires-at": agent.expiresAt,
        // Lets the policy pack check, on any stack, that write access carries a matching approval.
        "agentid:grants-digest": agent.grantsDigest,
        ...(agent.approval ? { "agentid:approval": agent.approval.ticket } : {}),
        ...(agent.approval?.grantsDigest ? { "agentid:approved-digest": agent.approval.grantsDigest } : {}),
    };
}


