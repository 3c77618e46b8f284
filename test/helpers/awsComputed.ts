/**
 * What AWS computes for the resources agentid creates, when the program leaves it unset: the values the
 * Pulumi mocks return as outputs (test/helpers/mocks.ts for unit tests, test/servers/programRecorder.ts
 * for the policy-pack e2e). At preview the same properties are unknown, as AWS has not reported them yet.
 */

export const ACCOUNT = "123456789012";

/** The attributes AWS would compute for a resource of `type` named `name` with `inputs`, minus those the inputs set. */
export function computedByAws(type: string, name: string, inputs: Record<string, any>): Record<string, unknown> {
    const all = ((): Record<string, unknown> => {
        switch (type) {
            case "aws:s3/bucket:Bucket":
            case "aws:s3/bucketV2:BucketV2":
                return { arn: `arn:aws:s3:::${inputs.bucket ?? name}`, bucket: inputs.bucket ?? name };
            case "aws:iam/role:Role":
                // inlinePolicies and managedPolicyArns are optional and computed: AWS reports what the role holds.
                return { arn: `arn:aws:iam::${ACCOUNT}:role${inputs.path ?? "/"}${inputs.name}`, uniqueId: `AROA${name}`, inlinePolicies: [], managedPolicyArns: [] };
            case "aws:bedrock/agentcoreWorkloadIdentity:AgentcoreWorkloadIdentity":
                return { workloadIdentityArn: `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:workload-identity-directory/default/workload-identity/${inputs.name}` };
            case "aws:bedrock/agentcoreOauth2CredentialProvider:AgentcoreOauth2CredentialProvider":
                return { credentialProviderArn: `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:token-vault/default/oauth2credentialprovider/${inputs.name}` };
            case "aws:bedrock/agentcorePolicyEngine:AgentcorePolicyEngine":
                return { policyEngineId: `${inputs.name}-id`, policyEngineArn: `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:policy-engine/${inputs.name}` };
            case "aws:iam/accessKey:AccessKey":
                return { secret: `secret-of-${name}`, createDate: "2026-12-01T00:00:00Z" };
            default:
                return {};
        }
    })();
    return Object.fromEntries(Object.entries(all).filter(([key]) => inputs[key] === undefined));
}
