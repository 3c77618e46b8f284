import * as assert from "assert";
import { catalog } from "../../../provider/connectors/catalog";
import { iamActions } from "../../../provider/connectors/iamData";
import type { ExpansionContext } from "../../../provider/connectors/contract";

const CONTEXT: ExpansionContext = {
    agent: "a1", defaultNamespace: "agents",
    oauthProviderArn: (v) => `arn:aws:bedrock-agentcore:us-east-1:123456789012:token-vault/default/oauth2credentialprovider/agentid-${v}`,
    workloadIdentityArn: "arn:aws:bedrock-agentcore:us-east-1:123456789012:workload-identity-directory/default/workload-identity/a1",
};

describe("connector catalog", () => {
    it("expands S3 read on a prefix to GetObject on the prefix and a prefix-scoped ListBucket", () => {
        const [e] = catalog.expand([{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::tickets/inbound/*"] }], CONTEXT);
        assert.deepStrictEqual(e.statements, [
            { Sid: "Grant0S3Objects", Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::tickets/inbound/*"] },
            { Sid: "Grant0S3List0", Effect: "Allow", Action: ["s3:ListBucket"], Resource: ["arn:aws:s3:::tickets"], Condition: { StringLike: { "s3:prefix": ["inbound/*"] } } },
        ]);
        assert.deepStrictEqual(e.actions, [{ action: "s3:GetObject", accessLevel: "Read" }, { action: "s3:ListBucket", accessLevel: "List" }]);
        assert.deepStrictEqual([e.risk, e.needsApproval], ["low", false]);
    });

    it("lists a whole bucket without a prefix condition", () => {
        const [e] = catalog.expand([{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::tickets"] }], CONTEXT);
        assert.deepStrictEqual(e.statements.map((s) => [s.Resource, s.Condition]), [[["arn:aws:s3:::tickets/*"], undefined], [["arn:aws:s3:::tickets"], undefined]]);
    });

    it("maps SQS write to SendMessage, never delete or purge", () => {
        const [e] = catalog.expand([{ connector: "aws.sqs", access: "write", resources: ["arn:aws:sqs:us-east-1:123456789012:q"] }], CONTEXT);
        assert.deepStrictEqual(e.statements[0].Action, ["sqs:SendMessage", "sqs:GetQueueAttributes"]);
        assert.deepStrictEqual([e.risk, e.needsApproval], ["medium", true]);
    });

    it("maps Secrets Manager read to the exact secret only", () => {
        const arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db/password-AbCdEf";
        const [e] = catalog.expand([{ connector: "aws.secretsmanager", access: "read", resources: [arn] }], CONTEXT);
        assert.deepStrictEqual(e.statements, [{ Sid: "Grant0SecretsmanagerRead", Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], Resource: [arn] }]);
    });

    it("carries IAM access levels from iam-data, with permission changes as high risk", () => {
        assert.deepStrictEqual(["s3:GetObject", "s3:ListBucket", "s3:PutObject", "s3:PutObjectTagging", "s3:PutBucketPolicy", "kms:CreateGrant"].map((a) => iamActions.accessLevel(a)),
            ["Read", "List", "Write", "Tagging", "Permissions management", "Permissions management"]);
        const [e] = catalog.expand([{ connector: "aws.iam", actions: ["s3:PutBucketPolicy"], resources: ["arn:aws:s3:::tickets"] }], CONTEXT);
        assert.deepStrictEqual([e.access, e.risk, e.needsApproval], ["write", "high", true]);
    });

    it("canonicalises explicit action spelling", () => {
        const [e] = catalog.expand([{ connector: "aws.iam", actions: ["BEDROCK:invokemodel"], resources: ["arn:aws:bedrock:us-east-1::foundation-model/m"] }], CONTEXT);
        assert.deepStrictEqual(e.statements[0].Action, ["bedrock:InvokeModel"]);
    });

    it("rates Kubernetes reads of secrets and deletes as high risk", () => {
        const risks = catalog.expand([
            { connector: "kubernetes", resources: ["configmaps"], verbs: ["get"] },
            { connector: "kubernetes", resources: ["secrets"], verbs: ["get"] },
            { connector: "kubernetes", resources: ["deployments"], apiGroups: ["apps"], verbs: ["patch"] },
            { connector: "kubernetes", resources: ["pods"], verbs: ["delete"] },
        ], CONTEXT).map((e) => [e.access, e.risk, e.rbac!.namespace]);
        // Patching deployments runs pods as any service account of the namespace: escalation class, high.
        assert.deepStrictEqual(risks, [["read", "low", "agents"], ["read", "high", "agents"], ["write", "high", "agents"], ["write", "high", "agents"]]);
    });

    it("scopes OAuth token retrieval to the vendor's provider and the agent's workload identity", () => {
        const [e] = catalog.expand([{ connector: "oauth.slack", scopes: ["channels:read", "chat:write"] }], CONTEXT);
        assert.deepStrictEqual(e.statements[0].Resource, [CONTEXT.oauthProviderArn("slack"), CONTEXT.workloadIdentityArn]);
        assert.deepStrictEqual([e.access, e.risk, e.oauth], ["readwrite", "medium", { vendor: "slack", scopes: ["channels:read", "chat:write"], effectiveScopes: ["channels:read", "chat:write"], sharedWith: [] }]);
    });

    it("needs a workload identity when any grant fetches tokens through one, whatever else the agent holds or names", () => {
        const s3 = { connector: "aws.s3", access: "read" as const, resources: ["arn:aws:s3:::tickets"] };
        const slack = { connector: "oauth.slack", scopes: ["channels:read"] };
        assert.deepStrictEqual([
            catalog.needsWorkloadIdentity([]),
            catalog.needsWorkloadIdentity([s3]),
            catalog.needsWorkloadIdentity([slack]),
            catalog.needsWorkloadIdentity([s3, slack]),
            catalog.needsWorkloadIdentity([slack, s3]),
            // A connector the catalog does not know (refused by validation) needs nothing and does not throw.
            catalog.needsWorkloadIdentity([{ connector: "aws.nothing" }, slack]),
            catalog.needsWorkloadIdentity([{ connector: "aws.nothing" }]),
        ], [false, false, true, true, true, true, false]);
    });

    it("judges an S3 resource's other wildcards without its scoping form /*, and quotes it so", () => {
        assert.deepStrictEqual(catalog.validate({ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::tick?ts/inbound/*"] }), [{
            path: ["resources", 0],
            rule: "wildcard-resource",
            message: '"arn:aws:s3:::tick?ts/inbound" has a wildcard in its resource id; "*" and "?" match other resources too — name the exact resource',
        }]);
    });

    it("names a pattern in verbs, tools or scopes by its own field, not as an IAM action", () => {
        assert.deepStrictEqual(catalog.validate({ connector: "kubernetes", namespace: "agents", resources: ["pods"], verbs: ["ge*"] }), [
            { path: ["verbs", 0], rule: "wildcard-action", message: '"ge*" is a pattern; list the exact verbs the agent needs' },
        ]);
    });

    it("strips the scoping form /* from an S3 grant's resources only, never from fields the grant does not take", () => {
        assert.deepStrictEqual(catalog.validate({ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::tickets/inbound/*"], apiGroups: ["a/*"], resourceNames: ["n/*"] }), [
            { path: ["resourceNames", 0], rule: "wildcard-resource", message: '"n/*" is a pattern ("*" or "?"); name the exact value' },
            { path: ["apiGroups", 0], rule: "wildcard-resource", message: '"a/*" is a pattern ("*" or "?"); name the exact value' },
            { path: ["resourceNames"], rule: "connector-field", message: "`resourceNames` does not apply to aws.s3 grants; remove it (allowed: access, resources)" },
            { path: ["apiGroups"], rule: "connector-field", message: "`apiGroups` does not apply to aws.s3 grants; remove it (allowed: access, resources)" },
        ]);
    });

    it("lists the shared resources of known connectors once each, and their keys sorted", () => {
        const grants = [{ connector: "tool.support" }, { connector: "oauth.slack" }, { connector: "aws.nothing" }, { connector: "tool.billing" }, { connector: "tool.support" }];
        assert.deepStrictEqual(catalog.sharedResources(grants), [{ kind: "policyEngine", key: "support" }, { kind: "oauthClient", key: "slack" }, { kind: "policyEngine", key: "billing" }]);
        assert.deepStrictEqual(catalog.sharedKeys(grants, "policyEngine"), ["billing", "support"]);
    });

    it("names every connector in its unknown-connector message", () => {
        const [v] = catalog.validate({ connector: "aws.ec2", access: "read", resources: ["x"] });
        assert.strictEqual(v.message, `unknown connector "aws.ec2"; known connectors: aws.s3, aws.dynamodb, aws.sqs, aws.sns, aws.secretsmanager, aws.kms, aws.bedrock, aws.lambda, aws.iam, kubernetes, oauth.<vendor>, tool.<gateway>`);
    });

    it("refuses write on connectors that have none", () => {
        assert.deepStrictEqual(catalog.validate({ connector: "aws.bedrock", access: "write", resources: ["arn:aws:bedrock:us-east-1::foundation-model/m"] }).map((v) => v.message),
            [`aws.bedrock supports access read, not "write"`]);
    });
});
