import * as assert from "assert";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { catalog } from "../../../provider/connectors/catalog";
import type { ExpansionContext } from "../../../provider/connectors/contract";
import { buildPermissionPolicy, buildTrustPolicy } from "../../../provider/platforms/aws/iamDocuments";
import { resolveSettings } from "../../../provider/model/settings";
import { resolveAgent } from "../../../provider/model/resolvedAgent";
import type { Access, AgentDeclaration, AwsTrustMode, Grant } from "../../../provider/declarations/types";

/**
 * The proof that grants are least privilege: the generated documents are evaluated by an independent
 * IAM policy simulator (@cloud-copilot/iam-simulate, a devDependency). Declared actions on declared
 * resources are allowed; neighbouring resources, stronger actions, IAM/STS and expired trust are denied.
 */

const ACCOUNT = "123456789012";
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/agent-sim-agent/session`;
const CONTEXT: ExpansionContext = {
    agent: "sim-agent", defaultNamespace: "agents",
    oauthProviderArn: (vendor) => `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:token-vault/default/oauth2credentialprovider/agentid-${vendor}`,
    workloadIdentityArn: `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:workload-identity-directory/default/workload-identity/sim-agent`,
};

type Outcome = "Allowed" | "Denied";
interface Case { action: string; resource: string; context?: Record<string, string>; expect: Outcome; why: string }

/** KMS always consults the key policy: this is AWS's default one, which delegates to IAM policies. */
const DEFAULT_KEY_POLICY = {
    Version: "2012-10-17",
    Statement: [{ Sid: "EnableIamPolicies", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" }],
};

/** Every permission statement ends at the agent's expiry; cases run a day before it unless they set the time. */
const EXPIRES_AT = "2027-01-15T00:00:00Z";
const BEFORE_EXPIRY = "2027-01-14T00:00:00Z";

async function evaluate(policy: unknown, c: Case): Promise<Outcome> {
    const result = await runSimulation({
        request: { principal: SESSION, action: c.action, resource: { resource: c.resource, accountId: ACCOUNT }, contextVariables: { "aws:CurrentTime": BEFORE_EXPIRY, ...c.context } },
        identityPolicies: [{ name: "agentid-grants", policy }], serviceControlPolicies: [], resourceControlPolicies: [],
        ...(c.action.startsWith("kms:") ? { resourcePolicy: DEFAULT_KEY_POLICY } : {}),
    }, {});
    if (result.resultType === "error") throw new Error(`simulation error for ${c.action} on ${c.resource}: ${JSON.stringify(result.errors)}`);
    return result.overallResult === "Allowed" ? "Allowed" : "Denied";
}

/** What every grant must never allow, whatever the connector. */
const IAM_AND_STS: Case[] = [
    { action: "iam:PassRole", resource: `arn:aws:iam::${ACCOUNT}:role/admin`, expect: "Denied", why: "IAM" },
    { action: "iam:CreateAccessKey", resource: `arn:aws:iam::${ACCOUNT}:user/alice`, expect: "Denied", why: "IAM" },
    { action: "iam:AttachRolePolicy", resource: `arn:aws:iam::${ACCOUNT}:role/agents/agent-sim-agent`, expect: "Denied", why: "IAM on itself" },
    { action: "sts:AssumeRole", resource: `arn:aws:iam::${ACCOUNT}:role/admin`, expect: "Denied", why: "STS" },
];

interface ConnectorTable {
    connector: string;
    access: Access[];
    resources: string[];
    /** Allowed cases per access level. */
    allowed: Record<string, Case[]>;
    /** Denied for every access level: neighbours and stronger actions. */
    denied: Case[];
    /** Denied per access level: the other direction (reads for write-only, writes for read-only). */
    deniedFor?: Partial<Record<Access, Case[]>>;
}

const allow = (action: string, resource: string, why = "declared", context?: Record<string, string>): Case => ({ action, resource, expect: "Allowed", why, ...(context ? { context } : {}) });
const deny = (action: string, resource: string, why: string, context?: Record<string, string>): Case => ({ action, resource, expect: "Denied", why, ...(context ? { context } : {}) });

const BUCKET = "arn:aws:s3:::support-tickets";
const TABLE = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/ledger`;
const QUEUE = `arn:aws:sqs:us-east-1:${ACCOUNT}:payment-events`;
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:ops-pages`;
const SECRET = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:billing/stripe-readonly-AbCdEf`;
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const MODEL = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0";
const FUNCTION = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:refund-issuer`;

const s3Read = [allow("s3:GetObject", `${BUCKET}/inbound/ticket-1.json`), allow("s3:GetObject", `${BUCKET}/inbound/2027/ticket-2.json`),
    allow("s3:ListBucket", BUCKET, "list under the prefix", { "s3:prefix": "inbound/" })];
const s3Write = [allow("s3:PutObject", `${BUCKET}/inbound/ticket-1.json`), allow("s3:PutObject", `${BUCKET}/inbound/2027/ticket-2.json`)];

const TABLES: ConnectorTable[] = [
    {
        connector: "aws.s3", access: ["read", "write", "readwrite"], resources: [`${BUCKET}/inbound/*`],
        allowed: { read: s3Read, write: s3Write, readwrite: [...s3Read, ...s3Write] },
        denied: [
            deny("s3:GetObject", `${BUCKET}/outbound/ticket-1.json`, "neighbouring prefix"),
            deny("s3:GetObject", "arn:aws:s3:::support-tickets-archive/inbound/ticket-1.json", "neighbouring bucket"),
            deny("s3:PutObject", "arn:aws:s3:::other-bucket/inbound/x", "neighbouring bucket"),
            deny("s3:ListBucket", BUCKET, "listing another prefix", { "s3:prefix": "outbound/" }),
            deny("s3:ListBucket", "arn:aws:s3:::other-bucket", "listing another bucket", { "s3:prefix": "inbound/" }),
            deny("s3:DeleteObject", `${BUCKET}/inbound/ticket-1.json`, "stronger action: delete"),
            deny("s3:PutBucketPolicy", BUCKET, "stronger action: bucket policy"),
            deny("s3:PutObjectAcl", `${BUCKET}/inbound/ticket-1.json`, "stronger action: ACL"),
            deny("s3:DeleteBucket", BUCKET, "stronger action: delete bucket"),
        ],
        deniedFor: {
            read: [deny("s3:PutObject", `${BUCKET}/inbound/ticket-1.json`, "write on a read grant")],
            write: [deny("s3:GetObject", `${BUCKET}/inbound/ticket-1.json`, "read on a write grant"), deny("s3:ListBucket", BUCKET, "list on a write grant", { "s3:prefix": "inbound/" })],
        },
    },
    {
        connector: "aws.dynamodb", access: ["read", "write", "readwrite"], resources: [TABLE],
        allowed: {
            read: ["GetItem", "BatchGetItem", "Query", "DescribeTable"].map((a) => allow(`dynamodb:${a}`, TABLE)),
            write: ["PutItem", "UpdateItem"].map((a) => allow(`dynamodb:${a}`, TABLE)),
            readwrite: ["GetItem", "BatchGetItem", "Query", "DescribeTable", "PutItem", "UpdateItem"].map((a) => allow(`dynamodb:${a}`, TABLE)),
        },
        denied: [
            deny("dynamodb:GetItem", `${TABLE}-archive`, "neighbouring table"),
            deny("dynamodb:PutItem", `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders`, "neighbouring table"),
            deny("dynamodb:DeleteItem", TABLE, "stronger action: delete item"),
            deny("dynamodb:Scan", TABLE, "stronger action: scan"),
            deny("dynamodb:DeleteTable", TABLE, "stronger action: delete table"),
            deny("dynamodb:UpdateTable", TABLE, "stronger action: update table"),
        ],
        deniedFor: { read: [deny("dynamodb:PutItem", TABLE, "write on a read grant")], write: [deny("dynamodb:GetItem", TABLE, "read on a write grant")] },
    },
    {
        connector: "aws.sqs", access: ["read", "write", "readwrite"], resources: [QUEUE],
        allowed: {
            read: [allow("sqs:ReceiveMessage", QUEUE), allow("sqs:GetQueueAttributes", QUEUE)],
            write: [allow("sqs:SendMessage", QUEUE), allow("sqs:GetQueueAttributes", QUEUE)],
            readwrite: ["ReceiveMessage", "GetQueueAttributes", "SendMessage", "DeleteMessage", "ChangeMessageVisibility"].map((a) => allow(`sqs:${a}`, QUEUE)),
        },
        denied: [
            deny("sqs:ReceiveMessage", `${QUEUE}-dlq`, "neighbouring queue"),
            deny("sqs:SendMessage", `arn:aws:sqs:us-east-1:${ACCOUNT}:orders`, "neighbouring queue"),
            deny("sqs:PurgeQueue", QUEUE, "stronger action: purge"),
            deny("sqs:DeleteQueue", QUEUE, "stronger action: delete queue"),
            deny("sqs:SetQueueAttributes", QUEUE, "stronger action: set attributes"),
            deny("sqs:AddPermission", QUEUE, "stronger action: permissions"),
        ],
        deniedFor: {
            read: [deny("sqs:SendMessage", QUEUE, "send on a read grant"), deny("sqs:DeleteMessage", QUEUE, "delete on a read grant")],
            write: [deny("sqs:ReceiveMessage", QUEUE, "receive on a write grant"), deny("sqs:DeleteMessage", QUEUE, "delete on a write grant")],
        },
    },
    {
        connector: "aws.sns", access: ["read", "write", "readwrite"], resources: [TOPIC],
        allowed: { read: [allow("sns:GetTopicAttributes", TOPIC)], write: [allow("sns:Publish", TOPIC)], readwrite: [allow("sns:GetTopicAttributes", TOPIC), allow("sns:Publish", TOPIC)] },
        denied: [
            deny("sns:Publish", `${TOPIC}-2`, "neighbouring topic"),
            deny("sns:Subscribe", TOPIC, "stronger action: subscribe"),
            deny("sns:SetTopicAttributes", TOPIC, "stronger action: set attributes"),
            deny("sns:DeleteTopic", TOPIC, "stronger action: delete topic"),
        ],
        deniedFor: { read: [deny("sns:Publish", TOPIC, "publish on a read grant")], write: [deny("sns:GetTopicAttributes", TOPIC, "read on a write grant")] },
    },
    {
        connector: "aws.secretsmanager", access: ["read", "write", "readwrite"], resources: [SECRET],
        allowed: {
            read: [allow("secretsmanager:GetSecretValue", SECRET), allow("secretsmanager:DescribeSecret", SECRET)],
            write: [allow("secretsmanager:PutSecretValue", SECRET)],
            readwrite: [allow("secretsmanager:GetSecretValue", SECRET), allow("secretsmanager:DescribeSecret", SECRET), allow("secretsmanager:PutSecretValue", SECRET)],
        },
        denied: [
            deny("secretsmanager:GetSecretValue", `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:billing/stripe-admin-XyZabc`, "neighbouring secret"),
            deny("secretsmanager:DeleteSecret", SECRET, "stronger action: delete"),
            deny("secretsmanager:PutResourcePolicy", SECRET, "stronger action: resource policy"),
            deny("secretsmanager:UpdateSecret", SECRET, "stronger action: update"),
        ],
        deniedFor: { read: [deny("secretsmanager:PutSecretValue", SECRET, "write on a read grant")], write: [deny("secretsmanager:GetSecretValue", SECRET, "read on a write grant")] },
    },
    {
        connector: "aws.kms", access: ["read", "write", "readwrite"], resources: [KEY],
        allowed: {
            read: [allow("kms:Decrypt", KEY), allow("kms:DescribeKey", KEY)],
            write: [allow("kms:Encrypt", KEY), allow("kms:GenerateDataKey", KEY)],
            readwrite: ["Decrypt", "DescribeKey", "Encrypt", "GenerateDataKey"].map((a) => allow(`kms:${a}`, KEY)),
        },
        denied: [
            deny("kms:Decrypt", `arn:aws:kms:us-east-1:${ACCOUNT}:key/99999999-12ab-34cd-56ef-1234567890ab`, "neighbouring key"),
            deny("kms:CreateGrant", KEY, "stronger action: grant"),
            deny("kms:ScheduleKeyDeletion", KEY, "stronger action: delete key"),
            deny("kms:PutKeyPolicy", KEY, "stronger action: key policy"),
        ],
        deniedFor: { read: [deny("kms:Encrypt", KEY, "encrypt on a read grant")], write: [deny("kms:Decrypt", KEY, "decrypt on a write grant")] },
    },
    {
        connector: "aws.bedrock", access: ["read"], resources: [MODEL],
        allowed: { read: [allow("bedrock:InvokeModel", MODEL), allow("bedrock:InvokeModelWithResponseStream", MODEL)] },
        denied: [
            deny("bedrock:InvokeModel", "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1", "neighbouring model"),
            deny("bedrock:CreateModelCustomizationJob", MODEL, "stronger action: customise the model"),
            deny("bedrock:CreateProvisionedModelThroughput", MODEL, "stronger action: buy throughput"),
            deny("bedrock:DeleteCustomModel", `arn:aws:bedrock:us-east-1:${ACCOUNT}:custom-model/x`, "stronger action: delete"),
        ],
    },
    {
        connector: "aws.lambda", access: ["read", "write", "readwrite"], resources: [FUNCTION],
        allowed: {
            read: [allow("lambda:GetFunctionConfiguration", FUNCTION)],
            write: [allow("lambda:InvokeFunction", FUNCTION)],
            readwrite: [allow("lambda:GetFunctionConfiguration", FUNCTION), allow("lambda:InvokeFunction", FUNCTION)],
        },
        denied: [
            deny("lambda:InvokeFunction", `${FUNCTION}-admin`, "neighbouring function"),
            deny("lambda:UpdateFunctionCode", FUNCTION, "stronger action: update code"),
            deny("lambda:AddPermission", FUNCTION, "stronger action: permissions"),
            deny("lambda:GetFunction", FUNCTION, "stronger action: code download"),
        ],
        deniedFor: { read: [deny("lambda:InvokeFunction", FUNCTION, "invoke on a read grant")], write: [deny("lambda:GetFunctionConfiguration", FUNCTION, "read on a write grant")] },
    },
];

/** Builds the inline policy for one grant exactly as the component does. */
function policyFor(grant: Grant): unknown {
    return buildPermissionPolicy(catalog.expand([grant], CONTEXT), EXPIRES_AT);
}

let total = 0;

describe("least privilege, proven by IAM simulation", () => {
    for (const table of TABLES) {
        for (const access of table.access) {
            const grant: Grant = { connector: table.connector, access, resources: table.resources };
            const cases = [...table.allowed[access], ...table.denied, ...(table.deniedFor?.[access] ?? []), ...IAM_AND_STS];
            total += cases.length;
            describe(`${table.connector} ${access}`, () => {
                for (const c of cases) {
                    it(`${c.expect === "Allowed" ? "allows" : "denies"} ${c.action} on ${c.resource}${c.context ? ` ${JSON.stringify(c.context)}` : ""} (${c.why})`, async () => {
                        assert.strictEqual(await evaluate(policyFor(grant), c), c.expect);
                    });
                }
            });
        }
    }

    describe("aws.iam explicit actions", () => {
        const grant: Grant = { connector: "aws.iam", actions: ["s3:GetObject", "s3:GetObjectTagging"], resources: [`${BUCKET}/reports/q1.csv`] };
        const cases: Case[] = [
            allow("s3:GetObject", `${BUCKET}/reports/q1.csv`), allow("s3:GetObjectTagging", `${BUCKET}/reports/q1.csv`),
            deny("s3:GetObjectVersion", `${BUCKET}/reports/q1.csv`, "an undeclared sibling action"),
            deny("s3:PutObject", `${BUCKET}/reports/q1.csv`, "an undeclared write"),
            deny("s3:GetObject", `${BUCKET}/reports/q2.csv`, "a neighbouring object"),
            deny("s3:GetObject", `${BUCKET}/reports/q1.csv.bak`, "an object sharing the name as a prefix"),
            ...IAM_AND_STS,
        ];
        total += cases.length;
        for (const c of cases) {
            it(`${c.expect === "Allowed" ? "allows" : "denies"} ${c.action} on ${c.resource} (${c.why})`, async () => {
                assert.strictEqual(await evaluate(policyFor(grant), c), c.expect);
            });
        }
    });

    describe("oauth.<vendor>: tokens only from the agent's own provider and workload identity", () => {
        const grant: Grant = { connector: "oauth.github", scopes: ["read:org"] };
        const token = "bedrock-agentcore:GetResourceOauth2Token";
        const cases: Case[] = [
            allow(token, CONTEXT.oauthProviderArn("github"), "own vendor's provider"),
            allow(token, CONTEXT.workloadIdentityArn, "own workload identity"),
            deny(token, CONTEXT.oauthProviderArn("slack"), "another vendor's provider"),
            deny(token, CONTEXT.workloadIdentityArn.replace("sim-agent", "other-agent"), "another agent's workload identity"),
            deny("bedrock-agentcore:GetWorkloadAccessToken", CONTEXT.workloadIdentityArn, "minting workload tokens"),
            deny("bedrock-agentcore:DeleteOauth2CredentialProvider", CONTEXT.oauthProviderArn("github"), "stronger action: delete provider"),
            ...IAM_AND_STS,
        ];
        total += cases.length;
        for (const c of cases) {
            it(`${c.expect === "Allowed" ? "allows" : "denies"} ${c.action} on ${c.resource} (${c.why})`, async () => {
                assert.strictEqual(await evaluate(policyFor(grant), c), c.expect);
            });
        }
    });

    describe("trust policies", () => {
        const settings = resolveSettings({
            trustAnchorArn: `arn:aws:rolesanywhere:us-east-1:${ACCOUNT}:trust-anchor/anchor-a`,
            oidcProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/CLUSTERA`,
            clusterName: "prod", awsAccountId: ACCOUNT, awsRegion: "us-east-1",
        });
        const roleArn = `arn:aws:iam::${ACCOUNT}:role/agents/agent-sim-agent`;
        const trustOf = (trust: AwsTrustMode) => {
            const decl: AgentDeclaration = {
                apiVersion: "agentid/v1", kind: "Agent", metadata: { name: "sim-agent" },
                spec: { description: "d", owner: { team: "t", contact: "t@example.com" }, expiresAt: "2027-01-15T00:00:00Z", identity: { aws: { trust }, kubernetes: { namespace: "agents" } }, grants: [] },
            };
            return buildTrustPolicy(resolveAgent(decl, settings, new Date("2026-12-01T00:00:00Z")), { workloadIdentityArn: CONTEXT.workloadIdentityArn });
        };
        const BEFORE = "2027-01-14T23:59:59Z";
        const AFTER = "2027-01-15T00:00:01Z";
        const trustCases: { mode: AwsTrustMode; principal: string; action: string; context: Record<string, string>; expect: Outcome; why: string }[] = [];
        const ra = (uri: string, anchor: string, time: string, expect: Outcome, why: string) => trustCases.push({
            mode: "rolesAnywhere", principal: "rolesanywhere.amazonaws.com", action: "sts:AssumeRole", expect, why,
            context: { "aws:PrincipalTag/x509SAN/URI": uri, "aws:SourceArn": anchor, "aws:CurrentTime": time },
        });
        const anchorA = settings.trustAnchorArn!;
        const anchorB = `arn:aws:rolesanywhere:us-east-1:${ACCOUNT}:trust-anchor/anchor-b`;
        ra("spiffe://example.org/agents/sim-agent", anchorA, BEFORE, "Allowed", "own SPIFFE ID through the trust anchor before expiry");
        ra("spiffe://example.org/agents/other-agent", anchorA, BEFORE, "Denied", "another SPIFFE ID");
        ra("spiffe://example.org/agents/sim-agent", anchorB, BEFORE, "Denied", "another trust anchor");
        ra("spiffe://example.org/agents/sim-agent", anchorA, AFTER, "Denied", "after expiresAt");
        ra("spiffe://example.org/agents/sim-agent", anchorA, "2027-01-15T00:00:00Z", "Denied", "exactly at expiresAt");
        // IRSA is not simulated: the simulator drops OIDC-provider condition keys (`<issuer>:sub`), so it
        // cannot tell one service account from another. Its exact trust document is pinned in the Agent tests.
        const CLUSTER = `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/prod`;
        const pod = (ns: string, sa: string, time: string, expect: Outcome, why: string, source = { account: ACCOUNT, cluster: CLUSTER }) => trustCases.push({
            mode: "podIdentity", principal: "pods.eks.amazonaws.com", action: "sts:AssumeRole", expect, why,
            context: {
                "aws:RequestTag/kubernetes-namespace": ns, "aws:RequestTag/kubernetes-service-account": sa, "aws:CurrentTime": time,
                "aws:SourceAccount": source.account, "aws:SourceArn": source.cluster,
            },
        });
        pod("agents", "sim-agent", BEFORE, "Allowed", "own service account before expiry");
        pod("agents", "other-agent", BEFORE, "Denied", "another service account");
        pod("default", "sim-agent", BEFORE, "Denied", "another namespace");
        pod("agents", "sim-agent", AFTER, "Denied", "after expiresAt");
        pod("agents", "sim-agent", BEFORE, "Denied", "the same namespace and service account in another cluster", { account: ACCOUNT, cluster: `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/staging` });
        pod("agents", "sim-agent", BEFORE, "Denied", "a cluster of the same name in another account", { account: "210987654321", cluster: "arn:aws:eks:us-east-1:210987654321:cluster/prod" });
        const core = (source: string, time: string, expect: Outcome, why: string) => trustCases.push({
            mode: "agentcore", principal: "bedrock-agentcore.amazonaws.com", action: "sts:AssumeRole", expect, why,
            context: { "aws:SourceArn": source, "aws:CurrentTime": time },
        });
        core(CONTEXT.workloadIdentityArn, BEFORE, "Allowed", "own workload identity before expiry");
        core(CONTEXT.workloadIdentityArn.replace("sim-agent", "other-agent"), BEFORE, "Denied", "another workload identity");
        core(CONTEXT.workloadIdentityArn, AFTER, "Denied", "after expiresAt");
        total += trustCases.length;

        for (const c of trustCases) {
            it(`${c.mode}: ${c.expect === "Allowed" ? "allows" : "denies"} ${c.why}`, async () => {
                const result = await runSimulation({
                    request: { principal: c.principal, action: c.action, resource: { resource: roleArn, accountId: ACCOUNT }, contextVariables: c.context },
                    identityPolicies: [], serviceControlPolicies: [], resourceControlPolicies: [], resourcePolicy: trustOf(c.mode),
                }, {});
                if (result.resultType === "error") throw new Error(JSON.stringify(result.errors));
                assert.strictEqual(result.overallResult === "Allowed" ? "Allowed" : "Denied", c.expect);
            });
        }
    });

    it("holds at least 200 allow/deny cases, and covers every catalog connector", () => {
        assert.ok(total >= 200, `only ${total} cases`);
        const covered = new Set([...TABLES.map((t) => t.connector), "aws.iam", "oauth.", "tool.", "kubernetes"]);
        assert.deepStrictEqual(catalog.list().map((c) => c.name).filter((n) => !covered.has(n)), []);
    });
});
