import { runSimulation } from "@cloud-copilot/iam-simulate";
import { ACCOUNT, CLUSTER, doc, OTHER_ACCOUNT } from "./stacks";

/**
 * The IAM policy simulator (@cloud-copilot/iam-simulate), which shares no code with the pack, asked
 * whether a trust policy lets a principal assume the hand-written agent role: the independent judge of
 * the policy tests' security claims; and whether its permission policies allow a call.
 */

export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/triage-runner`;
export const BEFORE_EXPIRY = "2027-01-14T00:00:00Z";
export const AFTER_EXPIRY = "2027-03-01T00:00:00Z";
export const ATTACKER = `arn:aws:iam::${OTHER_ACCOUNT}:role/attacker`;
/** What an attacker's own account lets its role do: ask to assume any role. */
const ATTACKER_POLICY = doc({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" });

/** The session tags and source EKS Pod Identity sends for the pod the stacks' podIdentity trust pins. */
export const POD_CONTEXT = { "aws:RequestTag/kubernetes-namespace": "agents", "aws:RequestTag/kubernetes-service-account": "triage", "aws:SourceAccount": ACCOUNT, "aws:SourceArn": CLUSTER };

export type Outcome = "Allowed" | "Denied";

export interface AssumeAttempt {
    /** Who asks: a service principal, an OIDC provider, or an IAM role elsewhere. */
    principal: string;
    action: string;
    context: Record<string, string>;
    /** The request comes from another account, whose identity policy allows it. */
    crossAccount?: boolean;
}

export async function assume(trust: object, attempt: AssumeAttempt): Promise<Outcome> {
    const result = await runSimulation({
        request: { principal: attempt.principal, action: attempt.action, resource: { resource: ROLE_ARN, accountId: ACCOUNT }, contextVariables: { "aws:CurrentTime": BEFORE_EXPIRY, ...attempt.context } },
        identityPolicies: attempt.crossAccount ? [{ name: "attacker", policy: ATTACKER_POLICY }] : [],
        serviceControlPolicies: [], resourceControlPolicies: [], resourcePolicy: trust,
    }, {});
    if (result.resultType === "error") throw new Error(`simulation error: ${JSON.stringify(result.errors)}`);
    return result.overallResult === "Allowed" ? "Allowed" : "Denied";
}

/** A call the agent role makes with its session, before the expiry unless `time` says otherwise. */
export interface PermissionAttempt {
    action: string;
    resource: string;
    time?: string;
}

/** Whether the role's identity policies allow a call. */
export async function perform(policies: readonly object[], attempt: PermissionAttempt): Promise<Outcome> {
    const result = await runSimulation({
        request: {
            principal: `arn:aws:sts::${ACCOUNT}:assumed-role/triage-runner/session`, action: attempt.action,
            resource: { resource: attempt.resource, accountId: ACCOUNT }, contextVariables: { "aws:CurrentTime": attempt.time ?? BEFORE_EXPIRY },
        },
        identityPolicies: policies.map((policy, i) => ({ name: `policy-${i}`, policy })), serviceControlPolicies: [], resourceControlPolicies: [],
    }, {});
    if (result.resultType === "error") throw new Error(`simulation error: ${JSON.stringify(result.errors)}`);
    return result.overallResult === "Allowed" ? "Allowed" : "Denied";
}
