/**
 * ARN grammar: what a partition, region, account and resource id look like. Connectors build their
 * resource patterns from it, and the guardrails use it for settings that reach trust policies (OIDC
 * providers, trust anchors, permissions boundaries, gateways). No pattern here admits `*` or `?`.
 */

export const PARTITION = "aws(?:-[a-z]+)*";
export const REGION = "[a-z]{2}(?:-[a-z]+)+-\\d{1,2}";
export const ACCOUNT = "\\d{12}";

/** `arn:<partition>:<service>:<region>:<account>:<resource>` with the resource part's own grammar. */
export function arnOf(service: string, resource: string, where: { region: boolean | "optional"; account: boolean | "optional" } = { region: true, account: true }): RegExp {
    const part = (value: boolean | "optional", pattern: string) => (value === "optional" ? `(?:${pattern})?` : value ? pattern : "");
    return new RegExp(`^arn:${PARTITION}:${service}:${part(where.region, REGION)}:${part(where.account, ACCOUNT)}:(?:${resource})$`);
}

/** Any well-formed ARN: region may be empty, account empty, 12 digits or `aws` (managed policies). */
export const ANY_ARN = new RegExp(`^arn:${PARTITION}:[a-z0-9-]+:(?:${REGION})?:(?:${ACCOUNT}|aws)?:.+$`);

/** The account field of an ARN ("" when it has none). */
export function accountOfArn(arn: string): string {
    return arn.split(":")[4] ?? "";
}

/** Settings that end up in trust policies, tags or Cedar, each with its grammar and an example. */
export const SETTING_ARNS = {
    oidcProviderArn: {
        pattern: arnOf("iam", "oidc-provider/[A-Za-z0-9.-]+(?:/[A-Za-z0-9._-]+)*", { region: false, account: true }),
        example: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
        what: "an IAM OIDC provider",
    },
    trustAnchorArn: {
        pattern: arnOf("rolesanywhere", "trust-anchor/[A-Za-z0-9-]{1,64}"),
        example: "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/0f6e3a4c-8d9b-4f1e-9c2a-1b2c3d4e5f60",
        what: "a Roles Anywhere trust anchor",
    },
    permissionsBoundaryArn: {
        pattern: new RegExp(`^arn:${PARTITION}:iam::(?:${ACCOUNT}|aws):policy(?:/[A-Za-z0-9+=,.@_-]+)+$`),
        example: "arn:aws:iam::123456789012:policy/agent-boundary",
        what: "an IAM managed policy",
    },
    gateway: {
        pattern: arnOf("bedrock-agentcore", "gateway/[A-Za-z0-9-]{1,100}"),
        example: "arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/support-tools-a1b2c3d4e5",
        what: "an AgentCore gateway",
    },
} as const;

/** EKS cluster names: 1-100 characters, letters, digits, '-' and '_', starting with a letter or digit. */
export const EKS_CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
export const AWS_ACCOUNT_ID = new RegExp(`^${ACCOUNT}$`);
export const AWS_REGION = new RegExp(`^${REGION}$`);

/** An EKS cluster: `arn:aws:eks:<region>:<account>:cluster/<name>`. */
export const EKS_CLUSTER_ARN = arnOf("eks", "cluster/[0-9A-Za-z][A-Za-z0-9_-]{0,99}");
/** An AgentCore workload identity in the account's default directory. */
export const WORKLOAD_IDENTITY_ARN = arnOf("bedrock-agentcore", "workload-identity-directory/default/workload-identity/[A-Za-z0-9_.-]{3,255}");
/** An AgentCore OAuth2 credential provider in the account's default token vault. */
export const OAUTH2_CREDENTIAL_PROVIDER_ARN = arnOf("bedrock-agentcore", "token-vault/default/oauth2credentialprovider/[a-zA-Z0-9_-]{1,128}");
