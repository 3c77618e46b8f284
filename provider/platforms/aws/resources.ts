import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AgentArtefacts, DocumentValues } from "../documents";
import { GRANTS_POLICY_NAME } from "../../model/names";
import { TRUST_MODES } from "../../model/trustModes";

/**
 * The agent's IAM role with its trust, its one inline policy, exclusive management of its policies and
 * attachments (anything attached out of band is drift the next update removes) and, for Pod Identity,
 * the association with its service account.
 */
export function createAgentRole(resourceName: string, structure: AgentArtefacts, documents: DocumentValues, opts: pulumi.CustomResourceOptions): aws.iam.Role {
    const shape = structure.aws!;
    const role = new aws.iam.Role(`${resourceName}-role`, {
        name: shape.roleName,
        path: shape.path,
        description: documents.value((_, agent) => `agentid agent ${agent.name}: ${agent.description}`.slice(0, 1000)),
        assumeRolePolicy: documents.value((d) => JSON.stringify(d.aws!.trustPolicy)),
        maxSessionDuration: shape.maxSessionDuration,
        permissionsBoundary: documents.value((_, agent) => agent.aws?.permissionsBoundaryArn),
        tags: documents.value((d) => d.aws!.tags),
    }, opts);
    const policy = shape.permissionPolicy
        ? new aws.iam.RolePolicy(`${resourceName}-grants`, { role: role.name, name: GRANTS_POLICY_NAME, policy: documents.value((d) => JSON.stringify(d.aws!.permissionPolicy)) }, opts)
        : undefined;
    new aws.iam.RolePoliciesExclusive(`${resourceName}-policies-exclusive`, { roleName: role.name, policyNames: policy ? [policy.name] : [] }, opts);
    new aws.iam.RolePolicyAttachmentsExclusive(`${resourceName}-attachments-exclusive`, { roleName: role.name, policyArns: [] }, opts);
    const serviceAccount = structure.kubernetes?.manifests.find((m): m is Extract<typeof m, { kind: "ServiceAccount" }> => m.kind === "ServiceAccount");
    if (structure.effect === "active" && TRUST_MODES[shape.trust].associatesServiceAccount && serviceAccount) {
        new aws.eks.PodIdentityAssociation(`${resourceName}-pod-identity`, {
            clusterName: documents.value((_, agent) => agent.aws!.clusterName!),
            namespace: serviceAccount.metadata.namespace,
            serviceAccount: serviceAccount.metadata.name,
            roleArn: role.arn,
        }, opts);
    }
    return role;
}
