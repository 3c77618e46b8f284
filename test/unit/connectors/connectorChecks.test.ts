import * as assert from "assert";
import {
    accountOfArn, ANY_ARN, AWS_ACCOUNT_ID, AWS_REGION, EKS_CLUSTER_ARN, EKS_CLUSTER_NAME, OAUTH2_CREDENTIAL_PROVIDER_ARN, SETTING_ARNS, WORKLOAD_IDENTITY_ARN,
} from "../../../provider/connectors/arnGrammar";
import { s3Scope } from "../../../provider/connectors/aws";
import { catalog } from "../../../provider/connectors/catalog";
import type { ExpansionContext } from "../../../provider/connectors/contract";
import { maxRisk, riskOfAccessLevel } from "../../../provider/connectors/contract";
import type { Grant } from "../../../provider/declarations/types";

/** What each AWS and SaaS connector refuses, at which path, with which fix. */
const problems = (grant: Grant) => catalog.validate(grant).map((v) => [v.path.join("."), v.rule, v.message]);
const ACCOUNT = "123456789012";
const CONTEXT: ExpansionContext = {
    agent: "a1", defaultNamespace: "agents", workloadIdentityArn: `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:workload-identity-directory/default/workload-identity/agent-a1`,
    oauthProviderArn: (v) => `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:token-vault/default/oauth2credentialprovider/agentid-${v}`,
};

describe("AWS connector checks", () => {
    it("need access and resources, and refuse fields of other connectors", () => {
        assert.deepStrictEqual(problems({ connector: "aws.sqs" }), [
            ["", "connector-field", "aws.sqs grants need `access`: one of read, write, readwrite"],
            ["", "connector-field", "aws.sqs grants need `resources`: a list of ARNs such as arn:aws:sqs:us-east-1:123456789012:billing-events"],
        ]);
        assert.deepStrictEqual(problems({ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::bkt/x"], verbs: ["get"], tools: ["a/b"] }), [
            ["verbs", "connector-field", "`verbs` does not apply to aws.s3 grants; remove it (allowed: access, resources)"],
            ["tools", "connector-field", "`tools` does not apply to aws.s3 grants; remove it (allowed: access, resources)"],
        ]);
        assert.deepStrictEqual(problems({ connector: "aws.dynamodb" }).map((p) => p[2]), [
            "aws.dynamodb grants need `access`: one of read, write, readwrite",
            `aws.dynamodb grants need \`resources\`: a list of ARNs such as arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders`,
        ]);
        assert.deepStrictEqual(problems({ connector: "aws.s3", resources: [] }).map((p) => p[2]), ["aws.s3 grants need `access`: one of read, write, readwrite"]);
        assert.deepStrictEqual(problems({ connector: "aws.bedrock", access: "readwrite", resources: ["arn:aws:bedrock:us-east-1::foundation-model/m"] }).map((p) => p[2]), [`aws.bedrock supports access read, not "readwrite"`]);
    });

    it("accept each service's ARNs by its grammar and refuse others with the expected form", () => {
        const format = (connector: string, arn: string) => problems({ connector, access: "read", resources: [arn] }).map((p) => p[1]);
        const cases: [string, string, string[]][] = [
            ["aws.sqs", `arn:aws:sqs:us-east-1:${ACCOUNT}:events.fifo`, []],
            ["aws.sqs", `arn:aws:sqs:us-east-1:${ACCOUNT}:ev/ents`, ["resource-format"]],
            ["aws.sqs", `arn:aws:sns:us-east-1:${ACCOUNT}:events`, ["resource-format"]],
            ["aws.sns", `arn:aws:sns:us-east-1:${ACCOUNT}:alerts`, []],
            ["aws.sns", `arn:aws:sns:us-east-1:12345:alerts`, ["resource-format"]],
            ["aws.secretsmanager", `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:db/pass+word`, []],
            ["aws.secretsmanager", `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:db/password`, ["resource-format"]],
            ["aws.kms", `arn:aws:kms:us-east-1:${ACCOUNT}:key/mrk-${"a".repeat(32)}`, []],
            ["aws.kms", `arn:aws:kms:us-east-1:${ACCOUNT}:alias/billing`, ["resource-format"]],
            ["aws.bedrock", `arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/us.m`, []],
            ["aws.bedrock", "arn:aws:bedrock:us-east-1::model/m", ["resource-format"]],
            ["aws.lambda", `arn:aws:lambda:us-east-1:${ACCOUNT}:function:f:prod`, []],
            ["aws.lambda", `arn:aws:lambda:us-east-1:${ACCOUNT}:layer:f`, ["resource-format"]],
            ["aws.dynamodb", `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/ab`, ["resource-format"]],
            ["aws.dynamodb", `arn:aws-us-gov:dynamodb:us-gov-west-1:${ACCOUNT}:table/orders`, []],
            ["aws.s3", "arn:aws:s3:::Bucket/x", ["resource-format"]],
            ["aws.s3", "arn:aws:s3:::bucket/weekly/", []],
        ];
        assert.deepStrictEqual(cases.map(([c, arn]) => format(c, arn)), cases.map(([, , rules]) => rules), "rules per case");
        assert.deepStrictEqual(problems({ connector: "aws.sqs", access: "read", resources: ["queue"] })[0][2], `"queue" is not a valid aws.sqs resource ARN; expected the form arn:aws:sqs:us-east-1:${ACCOUNT}:billing-events`);
    });

    it("keep DynamoDB indexes read-only", () => {
        const index = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders/index/by-day`;
        assert.deepStrictEqual(problems({ connector: "aws.dynamodb", access: "write", resources: [`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders`, index] }), [
            ["resources.1", "connector-field", `"${index}" is an index: indexes are read-only (Query); declare access: read, or name the table for write`],
        ]);
        assert.deepStrictEqual(problems({ connector: "aws.dynamodb", access: "readwrite", resources: [index] }).map((p) => p[0]), ["resources.0"]);
        assert.deepStrictEqual(problems({ connector: "aws.dynamodb", access: "read", resources: [index] }), []);
    });

    it("read S3 resources as bucket and folder: bucket/p, bucket/p/ and bucket/p/* are the same prefix", () => {
        assert.deepStrictEqual(["arn:aws:s3:::bk1/p", "arn:aws:s3:::bk1/p/", "arn:aws:s3:::bk1/p/*", "arn:aws:s3:::bk1/a/b//", "arn:aws:s3:::bk1", "arn:aws:s3:::bk1/*", "arn:aws-cn:s3:::bk1/x"].map(s3Scope), [
            { partition: "aws", bucket: "bk1", prefix: "p/" }, { partition: "aws", bucket: "bk1", prefix: "p/" }, { partition: "aws", bucket: "bk1", prefix: "p/" },
            { partition: "aws", bucket: "bk1", prefix: "a/b/" }, { partition: "aws", bucket: "bk1" }, { partition: "aws", bucket: "bk1" }, { partition: "aws-cn", bucket: "bk1", prefix: "x/" },
        ]);
    });

    it("aws.iam: needs actions that exist, spelled as service:Action, on full ARNs", () => {
        assert.deepStrictEqual(problems({ connector: "aws.iam", resources: ["arn:aws:s3:::bkt/k"] }), [["", "connector-field", "aws.iam grants need `actions`: a list of IAM actions such as bedrock:InvokeModel"]]);
        assert.deepStrictEqual(problems({ connector: "aws.iam", actions: ["s3:GetObject"] }), [["", "connector-field", "aws.iam grants need `resources`: a list of ARNs such as arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1"]]);
        assert.deepStrictEqual(problems({ connector: "aws.iam", actions: ["s3:GetObjekt", "s4:GetObject", "s3:GetObject"], resources: ["bucket/key", "arn:aws:s3:::bkt/k"] }), [
            ["resources.0", "resource-format", `"bucket/key" is not an ARN; aws.iam resources are full ARNs such as arn:aws:s3:::bucket/key`],
            ["actions.0", "unknown-action", `"s3:GetObjekt" is not an IAM action of s3; check the spelling against the AWS Service Authorization Reference`],
            ["actions.1", "unknown-action", `"s4:GetObject" is not an IAM action: "s4" is not an IAM service prefix; write service:Action, e.g. bedrock:InvokeModel`],
        ]);
        assert.deepStrictEqual(problems({ connector: "aws.iam", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::bkt/k"], access: "read" }).map((p) => p[0]), ["access"]);
    });

    it("aws.iam: every declared ARN must be one of the action's resource types", () => {
        assert.deepStrictEqual(problems({ connector: "aws.iam", actions: ["s3:GetObject", "s3:ListBucket"], resources: ["arn:aws:s3:::bkt/k", "arn:aws:s3:::bkt"] }).map((p) => p[2]), [
            `"s3:GetObject" does not apply to "arn:aws:s3:::bkt"; it accepts accesspointobject, object (arn:\${Partition}:s3:\${Region}:\${Account}:accesspoint/\${AccessPointName}/object/\${ObjectName} | arn:\${Partition}:s3:::\${BucketName}/\${ObjectName}) — split the grant so each action names resources of its own types`,
            `"s3:ListBucket" does not apply to "arn:aws:s3:::bkt/k"; it accepts accesspoint, bucket (arn:\${Partition}:s3:\${Region}:\${Account}:accesspoint/\${AccessPointName} | arn:\${Partition}:s3:::\${BucketName}) — split the grant so each action names resources of its own types`,
        ]);
        assert.deepStrictEqual(problems({ connector: "aws.iam", actions: ["dynamodb:Query"], resources: [`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/t`, `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/t/index/i`] }), []);
    });

    it("read an ARN's account, and know accounts, regions, cluster names and ARNs by their grammar", () => {
        assert.deepStrictEqual([accountOfArn(`arn:aws:sqs:us-east-1:${ACCOUNT}:q`), accountOfArn("arn:aws:s3:::bkt"), accountOfArn("arn:aws:iam::aws:policy/P"), accountOfArn("not-an-arn")], [ACCOUNT, "", "aws", ""]);
        assert.deepStrictEqual([ACCOUNT, "12345678901", "1234567890123", "12345678901a"].map((a) => AWS_ACCOUNT_ID.test(a)), [true, false, false, false]);
        assert.deepStrictEqual(["us-east-1", "us-gov-west-1", "eu-central-2", "useast1", "us-east", "us-east-123", "US-EAST-1"].map((r) => AWS_REGION.test(r)), [true, true, true, false, false, false, false]);
        assert.deepStrictEqual(["prod", "0-a_b", "-prod", "a".repeat(100), "a".repeat(101), "a.b"].map((n) => EKS_CLUSTER_NAME.test(n)), [true, true, false, true, false, false]);
        assert.deepStrictEqual([`arn:aws:sqs:us-east-1:${ACCOUNT}:q`, "arn:aws:s3:::bkt/k", "arn:aws:iam::aws:policy/P", "arn:aws-cn:s3:::b", "arn:aws:sqs:us-east-1:12345:q", "arn:aws:sqs:useast1::q", "arn:aws:sqs:::", "arn:AWS:s3:::b", "s3:::b"].map((a) => ANY_ARN.test(a)),
            [true, true, true, true, false, false, false, false, false]);
        assert.deepStrictEqual(["usa-east-1", "u-east-1"].map((r) => AWS_REGION.test(r)), [false, false], "a region starts with exactly two letters");
        assert.deepStrictEqual([`xarn:aws:s3:::b`, `arn:aws:s3:::b\n`].map((a) => ANY_ARN.test(a)), [false, false], "anchored at both ends");
    });

    it("know each setting's ARN exactly: its example, and not a wildcard, another service, or a region or account where the grammar has none", () => {
        const PATTERNS: [string, RegExp, string][] = [
            ...Object.entries(SETTING_ARNS).map(([name, s]): [string, RegExp, string] => [name, s.pattern, s.example]),
            ["EKS cluster", EKS_CLUSTER_ARN, `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/prod`],
            ["workload identity", WORKLOAD_IDENTITY_ARN, `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:workload-identity-directory/default/workload-identity/triage`],
            ["OAuth2 provider", OAUTH2_CREDENTIAL_PROVIDER_ARN, `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:token-vault/default/oauth2credentialprovider/github`],
        ];
        const fields = (arn: string) => arn.split(":");
        const withField = (arn: string, index: number, value: string) => fields(arn).map((f, i) => (i === index ? value : f)).join(":");
        for (const [name, pattern, example] of PATTERNS) {
            const [, , service, region, account] = fields(example);
            assert.ok(pattern.test(example), `${name}: its example`);
            assert.ok(pattern.test(withField(example, 1, "aws-us-gov")), `${name}: another partition`);
            for (const bad of [`${example}*`, `${example}?`, `${example.slice(0, -1)}*`, withField(example, 2, `${service}x`), withField(example, 1, "aws*"), `${example}\n`, ` ${example}`]) {
                assert.ok(!pattern.test(bad), `${name}: ${JSON.stringify(bad)}`);
            }
            const resourceStart = fields(example).slice(0, 5).join(":").length + 1;
            for (let i = resourceStart; i <= example.length; i++) {
                for (const wildcard of ["*", "?"]) assert.ok(!pattern.test(example.slice(0, i) + wildcard + example.slice(i)), `${name}: ${wildcard} at ${i}`);
            }
            // A region (account) is required where the example has one, and refused where it has none.
            assert.deepStrictEqual([pattern.test(withField(example, 3, region === "" ? "us-east-1" : "")), pattern.test(withField(example, 4, account === "" ? ACCOUNT : ""))], [false, false], name);
        }
    });

    it("rate risk from IAM access levels and keep the higher of two", () => {
        assert.deepStrictEqual((["Read", "List", "Write", "Tagging", "Permissions management"] as const).map(riskOfAccessLevel), ["low", "low", "medium", "medium", "high"]);
        assert.deepStrictEqual([maxRisk("low", "medium"), maxRisk("medium", "low"), maxRisk("high", "medium"), maxRisk("low", "low")], ["medium", "medium", "high", "low"]);
    });
});

describe("SaaS connector checks", () => {
    it("oauth: a known vendor, scopes from its list, and nothing else", () => {
        assert.deepStrictEqual(problems({ connector: "oauth.myspace", scopes: ["x"] }), [["connector", "unknown-connector", `"oauth.myspace" is not a known SaaS vendor; use oauth.github, oauth.slack, oauth.atlassian, oauth.google, oauth.microsoft, oauth.salesforce`]]);
        assert.deepStrictEqual(problems({ connector: "oauth.constructor", scopes: ["x"] }).map((p) => p[1]), ["unknown-connector"]);
        assert.deepStrictEqual(problems({ connector: "oauth.slack", access: "read" }), [
            ["access", "connector-field", "`access` does not apply to oauth.slack grants; remove it (allowed: scopes)"],
            ["", "connector-field", "oauth.slack grants need `scopes`, e.g. [channels:read]"],
        ]);
        assert.deepStrictEqual(problems({ connector: "oauth.github", scopes: ["repo", "repo:all", "toString"] }).map((p) => [p[0], p[1]]), [["scopes.1", "oauth-scope"], ["scopes.2", "oauth-scope"]]);
        assert.match(problems({ connector: "oauth.github", scopes: ["repo:all"] })[0][2], /^"repo:all" is not a known github scope; known scopes: repo, repo:status, /);
    });

    it("oauth: the effective scopes of a shared client, its risk and approval, and who shares it", () => {
        const expansion = (scopes: string[], shared?: { scopes: string[]; sharedWith: string[] }) =>
            catalog.expand([{ connector: "oauth.github", scopes }], { ...CONTEXT, sharedOauthScopes: () => shared })[0];
        const alone = expansion(["read:org"]);
        assert.deepStrictEqual([alone.access, alone.risk, alone.needsApproval, alone.oauth, alone.reach], ["read", "low", false, { vendor: "github", scopes: ["read:org"], effectiveScopes: ["read:org"], sharedWith: [] }, ["github scopes read:org"]]);
        const shared = expansion(["read:org"], { scopes: ["read:org", "admin:org"], sharedWith: ["b2", "c3"] });
        assert.deepStrictEqual([shared.access, shared.risk, shared.needsApproval, shared.oauth!.effectiveScopes, shared.reach], ["read", "high", true, ["read:org", "admin:org"],
            ["github scopes read:org", "github scopes admin:org beyond the declaration, through the OAuth client shared with b2, c3"]]);
        assert.deepStrictEqual([expansion(["repo"]).access, expansion(["repo"]).risk, expansion(["repo", "read:org"]).access, expansion(["delete_repo"]).risk], ["write", "medium", "readwrite", "high"]);
        assert.deepStrictEqual(expansion(["repo"]).statements[0], {
            Sid: "Grant0OauthGithub", Effect: "Allow", Action: ["bedrock-agentcore:GetResourceOauth2Token"], Resource: [CONTEXT.oauthProviderArn("github"), CONTEXT.workloadIdentityArn],
        });
    });

    it("tool: a DNS-label gateway and <target>/<tool> names whose action ids cannot collide", () => {
        assert.deepStrictEqual(problems({ connector: "tool.Help_Desk" }), [
            ["connector", "unknown-connector", `"tool.Help_Desk": the gateway name after "tool." must be a DNS-1123 label, e.g. tool.support-tools`],
            ["", "connector-field", "tool.Help_Desk grants need `tools`: the tool names the agent may call"],
        ]);
        assert.deepStrictEqual(problems({ connector: "tool.helpdesk", tools: ["crm/lookup", "crm", "crm__x/y", "crm_/y", "1crm/y", "crm/1y", "c_r-m/y.z_1", `${"a".repeat(64)}/x`, `${"a".repeat(65)}/x`] }).map((p) => p[0]), [
            "tools.1", "tools.2", "tools.3", "tools.4", "tools.5", "tools.8",
        ]);
        assert.deepStrictEqual(problems({ connector: "tool.helpdesk", tools: ["crm"] })[0][2], `"crm" is not a gateway tool; write <target>/<tool>, e.g. crm/lookupCustomer (a target name has no "__" and does not end in "_")`);
        assert.deepStrictEqual(problems({ connector: "tool.helpdesk", tools: ["a/b"], scopes: ["x"] }).map((p) => p[0]), ["scopes"]);
        const [read, write] = catalog.expand([{ connector: "tool.helpdesk", tools: ["crm/lookup"] }, { connector: "tool.helpdesk", access: "write", tools: ["billing/refund"] }], CONTEXT);
        assert.deepStrictEqual([read.access, read.risk, read.needsApproval, read.reach, write.access, write.risk, write.needsApproval], ["read", "low", false, ["tools crm/lookup on gateway helpdesk"], "write", "medium", true]);
    });

    it("the catalog finds connector families only with a name after the prefix", () => {
        assert.deepStrictEqual(["aws.s3", "oauth.github", "tool.x", "oauth.", "tool.", "aws.", "kubernetes"].map((n) => catalog.find(n)?.name), ["aws.s3", "oauth.", "tool.", undefined, undefined, undefined, "kubernetes"]);
        assert.deepStrictEqual(catalog.list().map((c) => c.name), ["aws.s3", "aws.dynamodb", "aws.sqs", "aws.sns", "aws.secretsmanager", "aws.kms", "aws.bedrock", "aws.lambda", "aws.iam", "kubernetes", "oauth.", "tool."]);
    });
});
