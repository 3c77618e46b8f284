import type { Access, Grant } from "../spec/types";
import type { Violation } from "../spec/diagnostics";
import { isWildcardAction, isWildcardResource } from "../spec/wildcards";
import { iamActions } from "./iamActions";
import { Connector, ExpandedAction, GrantExpansion, PolicyStatement, Risk, maxRisk, riskOfAccessLevel } from "./types";

/** An AWS service connector: `access` picks a fixed, minimal action set on declared ARNs. */
interface AwsServiceDefinition {
    name: string;
    summary: string;
    /** Matches an acceptable resource ARN; group 1 is the resource's own name part. */
    arn: RegExp;
    /** A valid example, shown in errors. */
    example: string;
    /** Actions per access level; readwrite defaults to read ∪ write. */
    actions: Partial<Record<Access, string[]>>;
}

const REGION_ACCOUNT = "[a-z]{2}(?:-[a-z]+)+-\\d:\\d{12}";

const AWS_SERVICES: AwsServiceDefinition[] = [
    {
        name: "aws.dynamodb", summary: "DynamoDB tables: read = get/query, write = put/update (never delete)",
        arn: new RegExp(`^arn:aws[a-z-]*:dynamodb:${REGION_ACCOUNT}:table/([A-Za-z0-9_.*-]{1,255})$`),
        example: "arn:aws:dynamodb:us-east-1:123456789012:table/orders",
        actions: {
            read: ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:DescribeTable"],
            write: ["dynamodb:PutItem", "dynamodb:UpdateItem"],
        },
    },
    {
        name: "aws.sqs", summary: "SQS queues: read = receive, write = send (never purge); readwrite also deletes received messages",
        arn: new RegExp(`^arn:aws[a-z-]*:sqs:${REGION_ACCOUNT}:([A-Za-z0-9_*-]{1,80}(?:\\.fifo)?)$`),
        example: "arn:aws:sqs:us-east-1:123456789012:billing-events",
        actions: {
            read: ["sqs:ReceiveMessage", "sqs:GetQueueAttributes"],
            write: ["sqs:SendMessage", "sqs:GetQueueAttributes"],
            readwrite: ["sqs:ReceiveMessage", "sqs:GetQueueAttributes", "sqs:SendMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"],
        },
    },
    {
        name: "aws.sns", summary: "SNS topics: read = topic attributes, write = publish",
        arn: new RegExp(`^arn:aws[a-z-]*:sns:${REGION_ACCOUNT}:([A-Za-z0-9_*-]{1,256}(?:\\.fifo)?)$`),
        example: "arn:aws:sns:us-east-1:123456789012:ops-alerts",
        actions: { read: ["sns:GetTopicAttributes"], write: ["sns:Publish"] },
    },
    {
        name: "aws.secretsmanager", summary: "Secrets Manager: read = get value/describe on the exact secret, write = put a new value",
        arn: new RegExp(`^arn:aws[a-z-]*:secretsmanager:${REGION_ACCOUNT}:secret:([A-Za-z0-9/_+=.@?*-]+)$`),
        example: "arn:aws:secretsmanager:us-east-1:123456789012:secret:billing/stripe-key-AbCdEf",
        actions: { read: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], write: ["secretsmanager:PutSecretValue"] },
    },
    {
        name: "aws.kms", summary: "KMS keys: read = decrypt, write = encrypt/generate data keys",
        arn: new RegExp(`^arn:aws[a-z-]*:kms:${REGION_ACCOUNT}:key/([a-f0-9-]{36}|mrk-[a-f0-9]{32})$`),
        example: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        actions: { read: ["kms:Decrypt", "kms:DescribeKey"], write: ["kms:Encrypt", "kms:GenerateDataKey"] },
    },
    {
        name: "aws.bedrock", summary: "Bedrock models: read = invoke (streaming too); there is no write",
        arn: /^arn:aws[a-z-]*:bedrock:[a-z]{2}(?:-[a-z]+)+-\d:(?:\d{12})?:(?:foundation-model|inference-profile|application-inference-profile)\/([A-Za-z0-9._:-]+)$/,
        example: "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0",
        actions: { read: ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"] },
    },
    {
        name: "aws.lambda", summary: "Lambda functions: read = configuration, write = invoke",
        arn: new RegExp(`^arn:aws[a-z-]*:lambda:${REGION_ACCOUNT}:function:([A-Za-z0-9_*-]{1,64})(?::[A-Za-z0-9$_-]+)?$`),
        example: "arn:aws:lambda:us-east-1:123456789012:function:refund-issuer",
        actions: { read: ["lambda:GetFunctionConfiguration"], write: ["lambda:InvokeFunction"] },
    },
];

const S3_ARN = /^arn:(aws[a-z-]*):s3:::([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.+))?$/;

/** The connectors for AWS services, including `aws.s3` and explicit `aws.iam`. */
export function awsConnectors(): Connector[] {
    return [s3Connector(), ...AWS_SERVICES.map(serviceConnector), iamConnector()];
}

function serviceConnector(def: AwsServiceDefinition): Connector {
    const supported = supportedAccess(def.actions);
    return {
        name: def.name,
        summary: def.summary,
        example: def.example,
        validate(grant) {
            return [
                ...requireAccess(grant, def.name, supported),
                ...onlyFields(grant, def.name, ["access", "resources"]),
                ...requireResources(grant, def.name, def.example),
                ...(grant.resources ?? []).flatMap((arn, i) => checkArn(arn, i, def.arn, def.name, def.example)),
            ];
        },
        expand(grant, index) {
            const access = grant.access!;
            const actions = actionsFor(def.actions, access);
            const statement: PolicyStatement = {
                Sid: sid(index, def.name, access), Effect: "Allow", Action: actions, Resource: [...grant.resources!],
            };
            return awsExpansion(grant, index, access, [statement]);
        },
    };
}

function s3Connector(): Connector {
    const example = "arn:aws:s3:::support-tickets/inbound/*";
    return {
        name: "aws.s3",
        summary: "S3 objects: read = get + list under the prefix, write = put (never delete)",
        example,
        validate(grant) {
            return [
                ...requireAccess(grant, "aws.s3", ["read", "write", "readwrite"]),
                ...onlyFields(grant, "aws.s3", ["access", "resources"]),
                ...requireResources(grant, "aws.s3", example),
                ...(grant.resources ?? []).flatMap((arn, i) => checkArn(arn, i, S3_ARN, "aws.s3", example, 2)),
            ];
        },
        expand(grant, index) {
            const access = grant.access!;
            const parsed = grant.resources!.map((arn) => {
                const m = S3_ARN.exec(arn)!;
                return { partition: m[1], bucket: m[2], key: m[3] };
            });
            const objects = parsed.map((r) => `arn:${r.partition}:s3:::${r.bucket}/${r.key ?? "*"}`);
            const statements: PolicyStatement[] = [];
            const objectActions = [
                ...(access !== "write" ? ["s3:GetObject"] : []),
                ...(access !== "read" ? ["s3:PutObject"] : []),
            ];
            statements.push({ Sid: sid(index, "aws.s3", "Objects"), Effect: "Allow", Action: objectActions, Resource: objects });
            if (access !== "write") {
                // Listing is a bucket-level action: scope it to the declared prefixes with s3:prefix.
                const buckets = [...new Set(parsed.map((r) => `arn:${r.partition}:s3:::${r.bucket}`))];
                buckets.forEach((bucketArn, b) => {
                    const keys = parsed.filter((r) => `arn:${r.partition}:s3:::${r.bucket}` === bucketArn).map((r) => r.key);
                    const whole = keys.some((k) => k === undefined || k === "*");
                    statements.push({
                        Sid: sid(index, "aws.s3", `List${b}`), Effect: "Allow", Action: ["s3:ListBucket"], Resource: [bucketArn],
                        ...(whole ? {} : { Condition: { StringLike: { "s3:prefix": keys as string[] } } }),
                    });
                });
            }
            return awsExpansion(grant, index, access, statements);
        },
    };
}

function iamConnector(): Connector {
    return {
        name: "aws.iam",
        summary: "explicit IAM actions on explicit ARNs; every action must exist, no wildcards, no IAM/STS changes",
        example: "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1",
        validate(grant) {
            const violations: Violation[] = [...onlyFields(grant, "aws.iam", ["actions", "resources"])];
            if (!grant.actions) {
                violations.push({ path: [], rule: "connector-field", message: "aws.iam grants need `actions`: a list of IAM actions such as bedrock:InvokeModel" });
            }
            violations.push(...requireResources(grant, "aws.iam", this.example!));
            (grant.actions ?? []).forEach((action, i) => {
                const path = ["actions", i];
                if (isWildcardAction(action)) return; // reported once, by the wildcard guardrail
                const level = iamActions.accessLevel(action);
                if (!level) {
                    const service = action.split(":")[0];
                    violations.push({
                        path, rule: "unknown-action",
                        message: iamActions.serviceExists(service)
                            ? `"${action}" is not an IAM action of ${service}; check the spelling against the AWS Service Authorization Reference`
                            : `"${action}" is not an IAM action: "${service}" is not an IAM service prefix; write service:Action, e.g. bedrock:InvokeModel`,
                    });
                } else if (iamActions.isIdentityWrite(action)) {
                    violations.push({
                        path, rule: "iam-sensitive-action",
                        message: `"${action}" changes identities or issues credentials (${level}); agents may not hold IAM/STS write actions — remove it`,
                    });
                }
            });
            (grant.resources ?? []).forEach((arn, i) => {
                if (!isWildcardResource(arn) && !/^arn:aws[a-z-]*:[a-z0-9-]+:/.test(arn)) {
                    violations.push({ path: ["resources", i], rule: "resource-format", message: `"${arn}" is not an ARN; aws.iam resources are full ARNs such as arn:aws:s3:::bucket/key` });
                }
            });
            return violations;
        },
        expand(grant, index) {
            const actions = grant.actions!.map((a) => iamActions.canonical(a)!);
            const writes = actions.some((a) => iamActions.isWrite(a));
            const access: Access = writes ? "write" : "read";
            return awsExpansion(grant, index, access, [
                { Sid: sid(index, "aws.iam", "Explicit"), Effect: "Allow", Action: actions, Resource: [...grant.resources!] },
            ]);
        },
    };
}

/** Builds the expansion record shared by every AWS connector. */
function awsExpansion(grant: Grant, index: number, access: Access, statements: PolicyStatement[]): GrantExpansion {
    const seen = new Set<string>();
    const actions: ExpandedAction[] = [];
    for (const action of statements.flatMap((s) => s.Action)) {
        if (seen.has(action)) continue;
        seen.add(action);
        actions.push({ action, accessLevel: iamActions.accessLevel(action)! });
    }
    const risk = actions.reduce<Risk>((r, a) => maxRisk(r, riskOfAccessLevel(a.accessLevel)), "low");
    return {
        index, connector: grant.connector, access, actions, statements, risk,
        needsApproval: access !== "read" || risk !== "low",
        reach: statements.map((s) => `${s.Action.join(", ")} on ${s.Resource.join(", ")}${s.Condition ? " (prefix-scoped)" : ""}`),
    };
}

function supportedAccess(actions: Partial<Record<Access, string[]>>): Access[] {
    return actions.write ? ["read", "write", "readwrite"] : ["read"];
}

function actionsFor(actions: Partial<Record<Access, string[]>>, access: Access): string[] {
    if (actions[access]) return [...actions[access]!];
    return [...new Set([...(actions.read ?? []), ...(actions.write ?? [])])];
}

/** Statement ids: alphanumeric, unique per grant, stable while the grant keeps its position. */
function sid(index: number, connector: string, part: string): string {
    const service = connector.replace(/^aws\./, "").replace(/[^a-z0-9]/gi, "");
    const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
    return `Grant${index}${capital(service)}${capital(part)}`;
}

function requireAccess(grant: Grant, connector: string, supported: Access[]): Violation[] {
    if (grant.access === undefined) {
        return [{ path: [], rule: "connector-field", message: `${connector} grants need \`access\`: one of ${supported.join(", ")}` }];
    }
    if (!supported.includes(grant.access)) {
        return [{ path: ["access"], rule: "connector-field", message: `${connector} supports access ${supported.join(", ")}, not "${grant.access}"` }];
    }
    return [];
}

function requireResources(grant: Grant, connector: string, example: string): Violation[] {
    return grant.resources ? [] : [{ path: [], rule: "connector-field", message: `${connector} grants need \`resources\`: a list of ARNs such as ${example}` }];
}

/** Fields that belong to other connectors are mistakes, not silently ignored options. */
export function onlyFields(grant: Grant, connector: string, allowed: (keyof Grant)[]): Violation[] {
    const fields: (keyof Grant)[] = ["access", "actions", "resources", "namespace", "verbs", "apiGroups", "scopes", "tools"];
    return fields
        .filter((field) => grant[field] !== undefined && !allowed.includes(field))
        .map((field) => ({ path: [field], rule: "connector-field", message: `\`${field}\` does not apply to ${connector} grants; remove it (allowed: ${allowed.join(", ")})` }));
}

function checkArn(arn: string, i: number, pattern: RegExp, connector: string, example: string, nameGroup = 1): Violation[] {
    if (isWildcardResource(arn)) return []; // reported by the wildcard guardrail
    const m = pattern.exec(arn);
    if (!m) {
        return [{ path: ["resources", i], rule: "resource-format", message: `"${arn}" is not a valid ${connector} resource ARN; expected the form ${example}` }];
    }
    const name = m[nameGroup];
    if (name !== undefined && /^\*+$/.test(name)) {
        return [{ path: ["resources", i], rule: "wildcard-resource", message: `"${arn}" grants every resource of the service; name the exact resource, e.g. ${example}` }];
    }
    return [];
}
