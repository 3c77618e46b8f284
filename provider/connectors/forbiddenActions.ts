import { iamActions } from "./iamData";

/**
 * IAM actions no agent may hold through `aws.iam`, whatever its approval: each lets an agent raise its
 * own privileges, hand access to someone else, or mint credentials. One table, used by the declaration
 * guardrails and the policy pack. Connectors that need such an action (the OAuth token action of
 * `oauth.<vendor>`) emit it themselves, scoped to the agent's own resources.
 */

/** Why an action is refused: the stable rule id and the reason in words. */
export interface ForbiddenAction {
    rule: "iam-sensitive-action" | "permissions-management" | "escalation-action";
    /** The class of escalation, e.g. "runs code as another identity". */
    reason: string;
}

interface EscalationClass {
    reason: string;
    /** `service:Action` names (lowercase), or `service:*` for every action of the service. */
    actions: string[];
}

/** The documented escalation list: refused whatever their access level in iam-data. */
export const ESCALATION_CLASSES: EscalationClass[] = [
    {
        reason: "changes the code or configuration of compute that runs with its own role",
        actions: [
            "lambda:CreateFunction", "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:PublishLayerVersion",
            "lambda:CreateEventSourceMapping", "lambda:UpdateEventSourceMapping", "lambda:CreateFunctionUrlConfig", "lambda:UpdateFunctionUrlConfig",
            "glue:CreateDevEndpoint", "glue:UpdateDevEndpoint", "glue:CreateJob", "glue:UpdateJob", "glue:CreateSession",
            "sagemaker:CreateNotebookInstance", "sagemaker:UpdateNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl",
            "sagemaker:CreateProcessingJob", "sagemaker:CreateTrainingJob",
            "codebuild:CreateProject", "codebuild:UpdateProject", "codebuild:StartBuild", "codebuild:StartBuildBatch",
            "cloudformation:CreateStack", "cloudformation:UpdateStack", "cloudformation:CreateStackSet", "cloudformation:UpdateStackSet",
            "cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet",
            "states:CreateStateMachine", "states:UpdateStateMachine",
            "datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition",
            "ecs:RegisterTaskDefinition", "ecs:RunTask", "ecs:StartTask", "ecs:CreateService", "ecs:UpdateService",
            "elasticmapreduce:AddJobFlowSteps", "batch:SubmitJob", "bedrock-agentcore:InvokeCodeInterpreter", "glue:RunStatement",
            "athena:StartCalculationExecution", "servicecatalog:ProvisionProduct", "airflow:CreateCliToken", "airflow:CreateWebLoginToken",
            "sagemaker:CreatePresignedDomainUrl", "ssm:RegisterTaskWithMaintenanceWindow", "ssm:UpdateMaintenanceWindowTask",
        ],
    },
    {
        reason: "runs commands or opens sessions on machines and containers",
        actions: [
            "ssm:SendCommand", "ssm:StartSession", "ssm:ResumeSession", "ssm:StartAutomationExecution", "ssm:CreateAssociation",
            "ssm:UpdateAssociation", "ssm:CreateDocument", "ssm:UpdateDocument", "ecs:ExecuteCommand",
            "ec2-instance-connect:SendSSHPublicKey", "ec2-instance-connect:SendSerialConsoleSSHPublicKey",
        ],
    },
    {
        reason: "starts or changes EC2 instances, which carry instance roles",
        actions: [
            "ec2:RunInstances", "ec2:AssociateIamInstanceProfile", "ec2:ReplaceIamInstanceProfileAssociation", "ec2:ModifyInstanceAttribute",
            "ec2:CreateLaunchTemplate", "ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate",
            "autoscaling:CreateAutoScalingGroup", "autoscaling:UpdateAutoScalingGroup", "autoscaling:CreateLaunchConfiguration",
        ],
    },
    {
        reason: "grants access to an EKS cluster or binds IAM roles to pods",
        actions: [
            "eks:CreateAccessEntry", "eks:UpdateAccessEntry", "eks:AssociateAccessPolicy", "eks:CreatePodIdentityAssociation",
            "eks:UpdatePodIdentityAssociation", "eks:UpdateClusterConfig", "eks:AssociateIdentityProviderConfig",
        ],
    },
    {
        reason: "hands out use of a KMS key (grants, key policies)",
        actions: ["kms:CreateGrant", "kms:PutKeyPolicy", "kms:RetireGrant", "kms:RevokeGrant", "kms:ReplicateKey"],
    },
    {
        reason: "shares resources with other accounts or opens them to the public",
        actions: [
            "sqs:SetQueueAttributes", "sns:SetTopicAttributes", "s3:PutBucketPublicAccessBlock", "s3:PutAccountPublicAccessBlock",
            "s3:PutBucketOwnershipControls", "ec2:ModifySnapshotAttribute", "ec2:ModifyImageAttribute",
            "ram:CreateResourceShare", "ram:UpdateResourceShare", "ram:AssociateResourceShare", "ram:AcceptResourceShareInvitation",
            "rds:ModifyDBSnapshotAttribute", "rds:ModifyDBClusterSnapshotAttribute", "es:UpdateDomainConfig",
        ],
    },
    {
        reason: "acts as other users of a directory, user pool or database (passwords, sign-ins, database credentials)",
        actions: [
            "cognito-idp:AdminSetUserPassword", "cognito-idp:AdminInitiateAuth", "cognito-idp:AdminRespondToAuthChallenge",
            "cognito-idp:AdminResetUserPassword", "cognito-identity:UpdateIdentityPool", "ds:ResetUserPassword",
            "redshift:GetClusterCredentials", "redshift:GetClusterCredentialsWithIAM", "redshift-serverless:GetCredentials",
        ],
    },
    {
        reason: "starts a feed to an outside endpoint or account that keeps running after the agent expires",
        actions: ["sns:Subscribe", "logs:PutSubscriptionFilter", "logs:PutDestination", "logs:PutDestinationPolicy", "events:PutTargets", "s3:PutBucketNotification"],
    },
    {
        reason: "changes the organization's accounts or policies",
        actions: ["organizations:*", "sso:*", "sso-oauth:*", "sso-directory:*", "identitystore:*", "account:*", "signin:*"],
    },
    {
        reason: "decides who can become an agent (Roles Anywhere trust anchors, profiles and sessions); only agentid's trust wiring uses it",
        actions: ["rolesanywhere:*"],
    },
    {
        reason: "issues SaaS tokens, API keys or workload identities; the oauth.<vendor> connector emits its token action scoped to the agent's own provider and identity",
        actions: [
            "bedrock-agentcore:GetResourceOauth2Token", "bedrock-agentcore:GetResourceApiKey", "bedrock-agentcore:GetResourcePaymentToken",
            "bedrock-agentcore:GetWorkloadAccessToken", "bedrock-agentcore:GetWorkloadAccessTokenForJWT", "bedrock-agentcore:GetWorkloadAccessTokenForUserId",
            "bedrock-agentcore:CompleteResourceTokenAuth", "bedrock-agentcore:CreateWorkloadIdentity", "bedrock-agentcore:UpdateWorkloadIdentity",
            "bedrock-agentcore:DeleteWorkloadIdentity", "bedrock-agentcore:CreateOauth2CredentialProvider", "bedrock-agentcore:UpdateOauth2CredentialProvider",
            "bedrock-agentcore:DeleteOauth2CredentialProvider", "bedrock-agentcore:CreateApiKeyCredentialProvider",
            "bedrock-agentcore:UpdateApiKeyCredentialProvider", "bedrock-agentcore:DeleteApiKeyCredentialProvider", "bedrock-agentcore:SetTokenVaultCMK",
        ],
    },
];

/**
 * Actions that hand out credentials, tokens, passwords or sign-in URLs: refused by name (a deny-list by
 * action alone would lag behind new services). Read-level ones would otherwise need no approval at all.
 */
const CREDENTIAL_ISSUING = /^(Get|Create|Generate|Issue|Request)\w*(Credential|Token|Password|Presigned|AccessDetails|InstanceAccess|SignedUrl|LoginUrl|SessionUrl|ConsoleUrl|AccessKey)/i;

/**
 * Matches of CREDENTIAL_ISSUING that only read metadata or act as the caller itself (ECR and CodeArtifact
 * tokens carry the agent's own permissions), each vetted; and `rds-db:connect`, which iam-data files under
 * Permissions management but whose resource ARN names exactly one database user.
 */
export const VETTED_ACTIONS: Record<string, string> = {
    "ecr:getauthorizationtoken": "a registry token with the agent's own ECR permissions",
    "ecr-public:getauthorizationtoken": "a registry token with the agent's own ECR permissions",
    "codeartifact:getauthorizationtoken": "a repository token with the agent's own CodeArtifact permissions",
    "secretsmanager:getrandompassword": "generates a random string; reaches nothing",
    "waf:getchangetoken": "a WAF change token; reaches nothing", "waf:getchangetokenstatus": "reads a change token's status",
    "waf-regional:getchangetoken": "a WAF change token; reaches nothing", "waf-regional:getchangetokenstatus": "reads a change token's status",
    "managedblockchain-query:gettokenbalance": "reads a blockchain balance",
    "workmail:getpersonalaccesstokenmetadata": "reads token metadata, not the token",
    "bedrock-agentcore:getoauth2credentialprovider": "reads a provider's configuration, not a token",
    "bedrock-agentcore:getapikeycredentialprovider": "reads a provider's configuration, not a key",
    "bedrock-agentcore:getpaymentcredentialprovider": "reads a provider's configuration, not a credential",
    "bedrock-agentcore:gettokenvault": "reads the token vault's configuration",
    "kinesisvideo:getdashstreamingsessionurl": "a playback URL for a stream the grant already names",
    "kinesisvideo:gethlsstreamingsessionurl": "a playback URL for a stream the grant already names",
    "rds-db:connect": "IAM database authentication as exactly the database user its resource ARN names",
    "iam:generatecredentialreport": "builds the account's credential report (statuses, no secrets)",
    "iam:getcredentialreport": "reads the credential report (statuses, no secrets)",
    "iam:getaccesskeylastused": "reads when a key was last used", "iam:getaccountpasswordpolicy": "reads the password policy",
};

const ESCALATION_INDEX: Map<string, string> = new Map(
    ESCALATION_CLASSES.flatMap((c) => c.actions.map((a): [string, string] => [a.toLowerCase(), c.reason])),
);

/**
 * Why an action may not be granted to an agent, or undefined when it may. Case-insensitive, like IAM.
 * Unknown actions are not judged here (the unknown-action rule reports them).
 */
export function forbiddenAction(action: string): ForbiddenAction | undefined {
    const lower = action.toLowerCase();
    const service = lower.split(":")[0];
    const level = iamActions.accessLevel(action);
    if (service === "sts" && lower !== "sts:getcalleridentity") {
        return { rule: "iam-sensitive-action", reason: "issues or inspects credentials (STS); agents get their credentials from their trust, never from STS calls" };
    }
    if (service === "iam" && level !== undefined && level !== "Read" && level !== "List") {
        return { rule: "iam-sensitive-action", reason: `changes identities or their permissions (IAM, ${level})` };
    }
    const escalation = ESCALATION_INDEX.get(lower) ?? ESCALATION_INDEX.get(`${service}:*`);
    if (escalation) return { rule: "escalation-action", reason: escalation };
    if (Object.hasOwn(VETTED_ACTIONS, lower) || level === undefined) return undefined;
    if (CREDENTIAL_ISSUING.test(lower.slice(service.length + 1))) {
        return { rule: "escalation-action", reason: "hands out credentials, tokens, passwords or sign-in URLs, which act as another identity or outlive the agent" };
    }
    if (level === "Permissions management") {
        return { rule: "permissions-management", reason: "changes who may access a resource (a resource policy, ACL, grant or permission)" };
    }
    return undefined;
}
