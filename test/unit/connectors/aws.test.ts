import * as assert from "assert";
import { catalog } from "../../../provider/connectors/catalog";
import type { Grant } from "../../../provider/declarations/types";
import { simulate } from "../../helpers/attacks";

/**
 * The AWS connectors' own checks (provider/connectors/aws.ts) that Stryker found no test failing for:
 * each finding whole, beside a grant that passes; the access an aws.iam grant is judged at; the key that
 * matches a grant across versions.
 */

const problems = (grant: Grant) => catalog.validate(grant).map((v) => [v.path.join("."), v.rule, v.message]);
const CONTEXT = { agent: "a", defaultNamespace: "agents", oauthProviderArn: () => "", workloadIdentityArn: "" };
const INDEX = "arn:aws:dynamodb:us-east-1:123456789012:table/ledger/index/by-date";
const S3_EXAMPLE = "arn:aws:s3:::support-tickets/inbound/*";

describe("AWS connectors", () => {
    it("word each malformed grant's finding whole, naming the connector", () => {
        assert.deepStrictEqual([
            problems({ connector: "aws.dynamodb", access: "read", resources: [INDEX], verbs: ["get"] }),
            problems({ connector: "aws.dynamodb", access: "read", resources: ["arn:aws:s3:::x"] }),
            problems({ connector: "aws.s3", access: "read" }),
            problems({ connector: "aws.s3", resources: ["arn:aws:s3:::bucket/prefix/*"] }),
            problems({ connector: "aws.s3", access: "read", resources: ["arn:aws:sqs:us-east-1:123456789012:q", "arn:aws:s3:::bucket//x", "arn:aws:s3:::b/*"] }),
            problems({ connector: "aws.iam", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/k"], verbs: ["x"] }),
            problems({ connector: "aws.iam", actions: ["s3:GetObject"] }),
            problems({ connector: "aws.iam", actions: ["s3:GetObject"], resources: ["arn:aws:sqs:us-east-1:123456789012:q"] }),
        ], [
            [["verbs", "connector-field", "`verbs` does not apply to aws.dynamodb grants; remove it (allowed: access, resources)"]],
            [["resources.0", "resource-format", `"arn:aws:s3:::x" is not a valid aws.dynamodb resource ARN; expected the form arn:aws:dynamodb:us-east-1:123456789012:table/orders`]],
            [["", "connector-field", `aws.s3 grants need \`resources\`: a list of ARNs such as ${S3_EXAMPLE}`]],
            [["", "connector-field", "aws.s3 grants need `access`: one of read, write, readwrite"]],
            [
                ["resources.0", "resource-format", `"arn:aws:sqs:us-east-1:123456789012:q" is not a valid aws.s3 resource ARN; expected the form ${S3_EXAMPLE}`],
                // Quoted as written, `/*` and all, so a reviewer finds it in the file (a one-letter bucket name is not valid).
                ["resources.2", "resource-format", `"arn:aws:s3:::b/*" is not a valid aws.s3 resource ARN; expected the form ${S3_EXAMPLE}`],
                ["resources.1", "resource-format", `"arn:aws:s3:::bucket//x" has an empty key segment ("//" or a leading "/"); agentid scopes S3 by folder, and an empty folder name would widen the grant — name the folder, e.g. arn:aws:s3:::bucket/inbound/`],
            ],
            [["verbs", "connector-field", "`verbs` does not apply to aws.iam grants; remove it (allowed: actions, resources)"]],
            [["", "connector-field", "aws.iam grants need `resources`: a list of ARNs such as arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1"]],
            [["actions.0", "action-resource-mismatch", `"s3:GetObject" does not apply to "arn:aws:sqs:us-east-1:123456789012:q"; it accepts accesspointobject, object (arn:\${Partition}:s3:\${Region}:\${Account}:accesspoint/\${AccessPointName}/object/\${ObjectName} | arn:\${Partition}:s3:::\${BucketName}/\${ObjectName}) — split the grant so each action names resources of its own types`]],
        ]);
        assert.deepStrictEqual([
            problems({ connector: "aws.dynamodb", access: "read", resources: [INDEX] }),
            problems({ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::bucket/prefix/*"] }),
            problems({ connector: "aws.iam", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/k"] }),
        ], [[], [], []], "the twins pass (reading an index is what it is for)");
    });

    it("word the access and misfit findings whole: no access (nothing about an index then), an access the connector lacks, several misfit resources", () => {
        const TEMPLATES = "arn:${Partition}:s3:${Region}:${Account}:accesspoint/${AccessPointName}/object/${ObjectName} | arn:${Partition}:s3:::${BucketName}/${ObjectName}";
        assert.deepStrictEqual([
            problems({ connector: "aws.dynamodb", resources: [INDEX] }),
            problems({ connector: "aws.dynamodb", access: "admin" as never, resources: ["arn:aws:dynamodb:us-east-1:123456789012:table/ledger"] }),
            problems({ connector: "aws.iam", actions: ["s3:GetObject"], resources: ["arn:aws:sqs:us-east-1:123456789012:q1", "arn:aws:sqs:us-east-1:123456789012:q2"] }),
        ], [
            [["", "connector-field", "aws.dynamodb grants need `access`: one of read, write, readwrite"]],
            [["access", "connector-field", `aws.dynamodb supports access read, write, readwrite, not "admin"`]],
            [["actions.0", "action-resource-mismatch", `"s3:GetObject" does not apply to "arn:aws:sqs:us-east-1:123456789012:q1", "arn:aws:sqs:us-east-1:123456789012:q2"; it accepts accesspointobject, object (${TEMPLATES}) — split the grant so each action names resources of its own types`]],
        ]);
    });

    it("judges an aws.iam grant as write when any one of its actions writes", () => {
        const access = (actions: string[]) => catalog.expand([{ connector: "aws.iam", actions, resources: ["arn:aws:s3:::b/k"] }], CONTEXT)[0].access;
        assert.deepStrictEqual([access(["s3:GetObject", "s3:PutObject"]), access(["s3:GetObject"])], ["write", "read"]);
    });

    it("lists a bucket whole when a read grant names it whole beside a prefix in it, and only the prefix in a bucket named by prefix alone (judged by the IAM simulator)", async () => {
        const grant: Grant = { connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::tickets/inbound/*", "arn:aws:s3:::tickets", "arn:aws:s3:::archive/2024/"] };
        assert.deepStrictEqual(problems(grant), []);
        const statements = catalog.expand([grant], CONTEXT)[0].statements;
        assert.deepStrictEqual(statements, [
            { Sid: "Grant0S3Objects", Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::tickets/inbound/*", "arn:aws:s3:::tickets/*", "arn:aws:s3:::archive/2024/*"] },
            { Sid: "Grant0S3List0", Effect: "Allow", Action: ["s3:ListBucket"], Resource: ["arn:aws:s3:::tickets"] },
            { Sid: "Grant0S3List1", Effect: "Allow", Action: ["s3:ListBucket"], Resource: ["arn:aws:s3:::archive"], Condition: { StringLike: { "s3:prefix": ["2024/*"] } } },
        ]);
        const policy = { Version: "2012-10-17", Statement: statements };
        const list = (bucket: string, prefix?: string) => simulate(policy, "s3:ListBucket", `arn:aws:s3:::${bucket}`, prefix === undefined ? {} : { "s3:prefix": prefix });
        assert.deepStrictEqual(await Promise.all([list("tickets"), list("tickets", "outbound/"), list("archive", "2024/"), list("archive", "2025/"), list("archive")]),
            ["Allowed", "Allowed", "Allowed", "Denied", "Denied"]);
    });

    it("refuses an empty key segment in the scoping form too: bucket//* and a//* were granted as the whole bucket and a/* (judged by the IAM simulator)", async () => {
        // Before: emptyKeySegment skipped every ARN with a wildcard, the scoping form's /* included, and s3Scope
        // trims the slashes, so bucket//* became GetObject on bucket/* and an unconditioned ListBucket.
        const emptySegment = (arn: string) => [["resources.0", "resource-format", `"${arn}" has an empty key segment ("//" or a leading "/"); agentid scopes S3 by folder, and an empty folder name would widen the grant — name the folder, e.g. arn:aws:s3:::bucket/inbound/`]];
        for (const arn of ["arn:aws:s3:::tickets//*", "arn:aws:s3:::tickets/inbound//*", "arn:aws:s3:::tickets/a//b/*"]) {
            assert.deepStrictEqual(problems({ connector: "aws.s3", access: "read", resources: [arn] }), emptySegment(arn), arn);
        }
        assert.deepStrictEqual([problems({ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::tickets/*"] }), problems({ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::tickets/inbound/*"] })], [[], []]);
        // Only a trailing /* is the scoping form: any other wildcard is reported once, by the catalog's wildcard
        // check — a /* inside is not read as a bucket "bx", and an empty segment beside a wildcard is not reported again.
        const wildcard = (arn: string) => [["resources.0", "wildcard-resource", `"${arn}" has a wildcard in its resource id; "*" and "?" match other resources too — name the exact resource`]];
        for (const arn of ["arn:aws:s3:::b/*x", "arn:aws:s3:::tickets//x*"]) {
            assert.deepStrictEqual(problems({ connector: "aws.s3", access: "read", resources: [arn] }), wildcard(arn), arn);
        }
        // What the refused text means to IAM: keys under "/" only, not the bucket agentid would have granted.
        const declared = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::tickets//*" }] };
        const generated = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::tickets/*" }] };
        assert.deepStrictEqual(await Promise.all([simulate(declared, "s3:GetObject", "arn:aws:s3:::tickets/payroll.csv"), simulate(declared, "s3:GetObject", "arn:aws:s3:::tickets//payroll.csv"), simulate(generated, "s3:GetObject", "arn:aws:s3:::tickets/payroll.csv")]),
            ["Denied", "Allowed", "Allowed"]);
    });

    it("refuses every field a connector does not take, each by name", () => {
        const grant: Grant = { connector: "oauth.slack", scopes: ["chat:write"], access: "read", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/k"], resourceNames: ["x"], namespace: "n", verbs: ["get"], apiGroups: [""], tools: ["t"] };
        const fields = ["access", "actions", "resources", "resourceNames", "namespace", "verbs", "apiGroups", "tools"];
        assert.deepStrictEqual(problems(grant), fields.map((f) => [f, "connector-field", `\`${f}\` does not apply to oauth.slack grants; remove it (allowed: scopes)`]));
    });

    it("expands a service grant to one statement on its resources: the whole expansion, with what it reaches", () => {
        const queues = ["arn:aws:sqs:us-east-1:123456789012:a", "arn:aws:sqs:us-east-1:123456789012:b"];
        const actions = ["sqs:ReceiveMessage", "sqs:GetQueueAttributes", "sqs:SendMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"];
        assert.deepStrictEqual(catalog.expand([{ connector: "aws.sqs", access: "readwrite", resources: queues }], CONTEXT)[0], {
            index: 0, connector: "aws.sqs", access: "readwrite",
            actions: actions.map((action, i) => ({ action, accessLevel: i < 2 ? "Read" : "Write" })),
            statements: [{ Sid: "Grant0SqsReadwrite", Effect: "Allow", Action: actions, Resource: queues }],
            risk: "medium", needsApproval: true,
            reach: [`${actions.join(", ")} on ${queues.join(", ")}`],
        });
    });

    it("keys a grant by connector and resources, whatever their order", () => {
        const key = (grant: Grant) => catalog.find(grant.connector)!.grantKey!(grant);
        assert.deepStrictEqual([
            key({ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::b/y/*", "arn:aws:s3:::a/x/*"] }),
            key({ connector: "aws.s3", access: "write", resources: ["arn:aws:s3:::a/x/*", "arn:aws:s3:::b/y/*"] }),
            key({ connector: "aws.s3", access: "read" }),
        ], ["aws.s3|arn:aws:s3:::a/x/*,arn:aws:s3:::b/y/*", "aws.s3|arn:aws:s3:::a/x/*,arn:aws:s3:::b/y/*", "aws.s3|"]);
    });
});
