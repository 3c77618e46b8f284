import type { Access, Grant } from "../declarations/types";
import type { Violation } from "../declarations/diagnostics";
import { hasWildcard } from "./wildcards";
import { ANY_ARN, arnOf, PARTITION } from "./arnGrammar";
import { forbiddenAction } from "./forbiddenActions";
import { iamActions } from "./iamData";
import { Connector, ExpandedAction, GrantExpansion, PolicyStatement, Risk, maxRisk, riskOfAccessLevel } from "./contract";

/**
 * The AWS connectors. Each accepts ARNs by its service's grammar — partition, region, account and
 * resource id spelled out, no `*` or `?` anywhere (the catalog reports those) — and maps `access` to a
 * fixed, minimal action set on exactly those ARNs.
 */

/** An AWS service's actions per access level. */
type AwsActions = { read: string[]; write?: string[]; readwrite?: string[] };

/** An AWS service connector: `access` picks a fixed, minimal action set on declared ARNs. */
interface AwsServiceDefinition {
    name: string;
    summary: string;
    /** Matches an acceptable resource ARN. */
    arn: RegExp;
    /** A valid example, shown in errors. */
    example: string;
    /** Actions per access level: every service reads; readwrite defaults to read ∪ write. */
    actions: AwsActions;
    /** The ARN the policy names for a declared one (default: the declared ARN). */
    policyResource?: (arn: string) => string;
}

const SECRET_SUFFIX = /-[A-Za-z0-9]{6}$/;
const SECRET_ARN = /^arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:./i;

/**
 * The ARNs of the secret whose whole name ends an ARN: AWS appends "-" and 6 characters to every
 * secret's name (`…:secret:billing/stripe-key-AbC123`). Whether `…-AbC123` is that suffix or part of
 * the name, only the secret knows; `isSuffixed` says which reading the connectors take.
 */
export function secretArnsNamed(arn: string): { pattern: string; isSuffixed: boolean } | undefined {
    return SECRET_ARN.test(arn) ? { pattern: `${arn}-??????`, isSuffixed: SECRET_SUFFIX.test(arn) } : undefined;
}

const AWS_SERVICES: AwsServiceDefinition[] = [
    {
        name: "aws.sqs", summary: "SQS queues: read = receive, write = send (never purge); readwrite also deletes received messages",
        arn: arnOf("sqs", "[A-Za-z0-9_-]{1,75}(?:\\.fifo)?|[A-Za-z0-9_-]{1,80}"),
        example: "arn:aws:sqs:us-east-1:123456789012:billing-events",
        actions: {
            read: ["sqs:ReceiveMessage", "sqs:GetQueueAttributes"],
            write: ["sqs:SendMessage", "sqs:GetQueueAttributes"],
            readwrite: ["sqs:ReceiveMessage", "sqs:GetQueueAttributes", "sqs:SendMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"],
        },
    },
    {
        name: "aws.sns", summary: "SNS topics: read = topic attributes, write = publish",
        arn: arnOf("sns", "[A-Za-z0-9_-]{1,251}(?:\\.fifo)?|[A-Za-z0-9_-]{1,256}"),
        example: "arn:aws:sns:us-east-1:123456789012:ops-alerts",
        actions: { read: ["sns:GetTopicAttributes"], write: ["sns:Publish"] },
    },
    {
        name: "aws.secretsmanager",
        summary: "Secrets Manager: read = get value/describe on the exact secret, write = put a new value; a name without its 6-character suffix gets exactly `-??????`",
        arn: arnOf("secretsmanager", "secret:[A-Za-z0-9/_+=.@-]{1,512}"),
        example: "arn:aws:secretsmanager:us-east-1:123456789012:secret:billing/stripe-key-AbCdEf",
        actions: { read: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], write: ["secretsmanager:PutSecretValue"] },
        // AWS appends "-" and 6 random characters to every secret's ARN: match exactly that, never `*`.
        policyResource: (arn) => (SECRET_SUFFIX.test(arn) ? arn : `${arn}-??????`),
    },
    {
        name: "aws.kms", summary: "KMS keys: read = decrypt, write = encrypt/generate data keys",
        arn: arnOf("kms", "key/(?:[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}|mrk-[a-f0-9]{32})"),
        example: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        actions: { read: ["kms:Decrypt", "kms:DescribeKey"], write: ["kms:Encrypt", "kms:GenerateDataKey"] },
    },
    {
        name: "aws.bedrock", summary: "Bedrock models: read = invoke (streaming too); there is no write",
        arn: arnOf("bedrock", "(?:foundation-model|inference-profile|application-inference-profile)/[A-Za-z0-9._:-]{1,256}", { region: true, account: "optional" }),
        example: "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0",
        actions: { read: ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"] },
    },
    {
        name: "aws.lambda", summary: "Lambda functions: read = configuration, write = invoke",
        arn: arnOf("lambda", "function:[A-Za-z0-9_-]{1,64}(?::[A-Za-z0-9$_-]{1,128})?"),
        example: "arn:aws:lambda:us-east-1:123456789012:function:refund-issuer",
        actions: { read: ["lambda:GetFunctionConfiguration"], write: ["lambda:InvokeFunction"] },
    },
];

/** The connectors for AWS services, including `aws.s3`, `aws.dynamodb` and explicit `aws.iam`. */
export function awsConnectors(): Connector[] {
    return [s3Connector(), dynamodbConnector(), ...AWS_SERVICES.map(serviceConnector), iamConnector()];
}

function serviceConnector(def: AwsServiceDefinition): Connector {
    const supported = supportedAccess(def.actions);
    return {
        name: def.name,
        platform: "aws",
        reach: "aws",
        grantKey: resourceKey,
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
            const statement: PolicyStatement = {
                Sid: sid(index, def.name, access), Effect: "Allow", Action: actionsFor(def.actions, access),
                Resource: grant.resources!.map(def.policyResource ?? ((arn) => arn)),
            };
            return awsExpansion(grant, index, access, [statement]);
        },
    };
}

const TABLE_ARN = arnOf("dynamodb", "table/([A-Za-z0-9_.-]{3,255})(/index/[A-Za-z0-9_.-]{3,255})?");
const DYNAMODB_ACTIONS: Record<Access, string[]> = {
    read: ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:DescribeTable"],
    write: ["dynamodb:PutItem", "dynamodb:UpdateItem"],
    readwrite: ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:DescribeTable", "dynamodb:PutItem", "dynamodb:UpdateItem"],
};

/** DynamoDB tables (never delete) and, for reads, secondary indexes (Query on that index only). */
function dynamodbConnector(): Connector {
    const example = "arn:aws:dynamodb:us-east-1:123456789012:table/orders";
    const isIndex = (arn: string) => TABLE_ARN.exec(arn)?.[2] !== undefined;
    return {
        name: "aws.dynamodb",
        platform: "aws",
        reach: "aws",
        grantKey: resourceKey,
        summary: "DynamoDB tables: read = get/query, write = put/update (never delete); a read grant may name table/<t>/index/<i> for Query on that index",
        example,
        validate(grant) {
            const violations = [
                ...requireAccess(grant, "aws.dynamodb", ["read", "write", "readwrite"]),
                ...onlyFields(grant, "aws.dynamodb", ["access", "resources"]),
                ...requireResources(grant, "aws.dynamodb", example),
                ...(grant.resources ?? []).flatMap((arn, i) => checkArn(arn, i, TABLE_ARN, "aws.dynamodb", example)),
            ];
            if (grant.access !== undefined && grant.access !== "read") {
                (grant.resources ?? []).forEach((arn, i) => {
                    if (!hasWildcard(arn) && isIndex(arn)) {
                        violations.push({ path: ["resources", i], rule: "connector-field", message: `"${arn}" is an index: indexes are read-only (Query); declare access: read, or name the table for ${grant.access}` });
                    }
                });
            }
            return violations;
        },
        expand(grant, index) {
            const access = grant.access!;
            const tables = grant.resources!.filter((arn) => !isIndex(arn));
            const indexes = grant.resources!.filter(isIndex);
            const statements: PolicyStatement[] = [];
            if (tables.length > 0) statements.push({ Sid: sid(index, "aws.dynamodb", access), Effect: "Allow", Action: [...DYNAMODB_ACTIONS[access]], Resource: tables });
            if (indexes.length > 0) statements.push({ Sid: sid(index, "aws.dynamodb", "IndexRead"), Effect: "Allow", Action: ["dynamodb:Query"], Resource: indexes });
            return awsExpansion(grant, index, access, statements);
        },
    };
}

const S3_ARN = new RegExp(`^arn:(${PARTITION}):s3:::([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:/(.*))?$`);

/** A declared S3 resource as bucket + key prefix: `bucket/weekly`, `bucket/weekly/` and `bucket/weekly/*` all mean the prefix `weekly/`. */
export function s3Scope(arn: string): { partition: string; bucket: string; prefix?: string } {
    const m = S3_ARN.exec(arn)!;
    const key = (m[3] ?? "").replace(/\/?\*$/, "").replace(/\/+$/, "");
    return { partition: m[1], bucket: m[2], ...(key ? { prefix: `${key}/` } : {}) };
}

function s3Connector(): Connector {
    const example = "arn:aws:s3:::support-tickets/inbound/*";
    return {
        name: "aws.s3",
        platform: "aws",
        reach: "aws",
        grantKey: resourceKey,
        summary: "S3 objects: read = get + list under the prefix, write = put (never delete); `bucket/prefix` and `bucket/prefix/*` both mean everything under prefix/",
        example,
        // `prefix/*` is the connector's documented scoping form; any other wildcard is refused.
        withoutScopingForm: (arn) => arn.replace(/\/\*$/, ""),
        validate(grant) {
            return [
                ...requireAccess(grant, "aws.s3", ["read", "write", "readwrite"]),
                ...onlyFields(grant, "aws.s3", ["access", "resources"]),
                ...requireResources(grant, "aws.s3", example),
                // A trailing `/*` (everything under a folder) is the grant's own syntax, not part of the ARN the pattern reads.
                ...(grant.resources ?? []).flatMap((arn, i) => checkArn(arn, i, S3_ARN, "aws.s3", example, arn.replace(/\/\*$/, ""))),
                ...(grant.resources ?? []).flatMap((arn, i) => emptyKeySegment(arn, i)),
            ];
        },
        expand(grant, index) {
            const access = grant.access!;
            const scopes = grant.resources!.map(s3Scope);
            const objects = scopes.map((s) => `arn:${s.partition}:s3:::${s.bucket}/${s.prefix ?? ""}*`);
            const statements: PolicyStatement[] = [];
            const objectActions = [
                ...(access !== "write" ? ["s3:GetObject"] : []),
                ...(access !== "read" ? ["s3:PutObject"] : []),
            ];
            statements.push({ Sid: sid(index, "aws.s3", "Objects"), Effect: "Allow", Action: objectActions, Resource: [...new Set(objects)] });
            if (access !== "write") {
                // Listing is a bucket-level action: scope it to the declared prefixes with s3:prefix.
                const buckets = [...new Set(scopes.map((s) => `arn:${s.partition}:s3:::${s.bucket}`))];
                buckets.forEach((bucketArn, b) => {
                    const inBucket = scopes.filter((s) => `arn:${s.partition}:s3:::${s.bucket}` === bucketArn);
                    const whole = inBucket.some((s) => s.prefix === undefined);
                    statements.push({
                        Sid: sid(index, "aws.s3", `List${b}`), Effect: "Allow", Action: ["s3:ListBucket"], Resource: [bucketArn],
                        ...(whole ? {} : { Condition: { StringLike: { "s3:prefix": [...new Set(inBucket.map((s) => `${s.prefix}*`))] } } }),
                    });
                });
            }
            return awsExpansion(grant, index, access, statements);
        },
    };
}

/**
 * `bucket//`, `bucket/a//b` or, in the scoping form, `bucket//*`: an empty folder name would collapse to a
 * wider prefix (or the whole bucket). The scoping form's `*` is no part of the key: `bucket//*` is the key
 * prefix `/`, which `s3Scope` would read as the whole bucket.
 */
function emptyKeySegment(arn: string, i: number): Violation[] {
    const declared = arn.replace(/\/\*$/, "/");
    if (hasWildcard(declared)) return [];
    const key = S3_ARN.exec(declared)?.[3];
    if (key === undefined || !(key.startsWith("/") || key.includes("//"))) return [];
    return [{ path: ["resources", i], rule: "resource-format", message: `"${arn}" has an empty key segment ("//" or a leading "/"); agentid scopes S3 by folder, and an empty folder name would widen the grant — name the folder, e.g. arn:aws:s3:::bucket/inbound/` }];
}

function iamConnector(): Connector {
    return {
        name: "aws.iam",
        platform: "aws",
        reach: "aws",
        grantKey: resourceKey,
        summary: "explicit IAM actions on explicit ARNs; every action must exist and fit its resources; no wildcards, no escalation",
        example: "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1",
        validate(grant) {
            const violations: Violation[] = [...onlyFields(grant, "aws.iam", ["actions", "resources"])];
            if (!grant.actions) {
                violations.push({ path: [], rule: "connector-field", message: "aws.iam grants need `actions`: a list of IAM actions such as bedrock:InvokeModel" });
            }
            violations.push(...requireResources(grant, "aws.iam", this.example!));
            const arns = (grant.resources ?? []).filter((arn) => !hasWildcard(arn) && ANY_ARN.test(arn));
            (grant.resources ?? []).forEach((arn, i) => {
                if (!hasWildcard(arn) && !ANY_ARN.test(arn)) {
                    violations.push({ path: ["resources", i], rule: "resource-format", message: `"${arn}" is not an ARN; aws.iam resources are full ARNs such as arn:aws:s3:::bucket/key` });
                }
            });
            (grant.actions ?? []).forEach((action, i) => {
                const path = ["actions", i];
                if (hasWildcard(action)) return; // reported once, by the catalog's wildcard check
                const level = iamActions.accessLevel(action);
                if (!level) {
                    const service = action.split(":")[0];
                    violations.push({
                        path, rule: "unknown-action",
                        message: iamActions.serviceExists(service)
                            ? `"${action}" is not an IAM action of ${service}; check the spelling against the AWS Service Authorization Reference`
                            : `"${action}" is not an IAM action: "${service}" is not an IAM service prefix; write service:Action, e.g. bedrock:InvokeModel`,
                    });
                    return;
                }
                const forbidden = forbiddenAction(action);
                if (forbidden) {
                    violations.push({ path, rule: forbidden.rule, message: `"${action}" ${forbidden.reason}; agents may not hold it, with or without approval — remove it` });
                    return;
                }
                violations.push(...resourceFit(action, arns, path));
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

/** Every declared ARN must be a resource type the action accepts: no statement is silently useless. */
function resourceFit(action: string, arns: readonly string[], path: (string | number)[]): Violation[] {
    const accepted = iamActions.resourceTypesOf(action);
    const canonical = iamActions.canonical(action)!;
    if (accepted.length === 0) {
        return [{
            path, rule: "action-resource-mismatch",
            message: `"${canonical}" only works on "Resource": "*" (it has no resource types), and agents get exact resources only; it cannot be granted`,
        }];
    }
    const misfits = arns.filter((arn) => {
        const type = iamActions.classify(action, arn);
        return type === undefined || !accepted.includes(type.name);
    });
    if (misfits.length === 0) return [];
    return [{
        path, rule: "action-resource-mismatch",
        message: `"${canonical}" does not apply to ${misfits.map((a) => `"${a}"`).join(", ")}; it accepts ${accepted.join(", ")} (${iamActions.templatesOf(action, accepted).join(" | ")}) — split the grant so each action names resources of its own types`,
    }];
}

/** AWS grants are the same grant across versions when they name the same resources. */
function resourceKey(grant: Grant): string {
    return `${grant.connector}|${[...(grant.resources ?? [])].sort().join(",")}`;
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

function supportedAccess(actions: AwsActions): Access[] {
    return actions.write ? ["read", "write", "readwrite"] : ["read"];
}

function actionsFor(actions: AwsActions, access: Access): string[] {
    if (actions[access]) return [...actions[access]!];
    return [...new Set([...actions.read, ...(actions.write ?? [])])];
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
    const fields: (keyof Grant)[] = ["access", "actions", "resources", "resourceNames", "namespace", "verbs", "apiGroups", "scopes", "tools"];
    return fields
        .filter((field) => grant[field] !== undefined && !allowed.includes(field))
        .map((field) => ({ path: [field], rule: "connector-field", message: `\`${field}\` does not apply to ${connector} grants; remove it (allowed: ${allowed.join(", ")})` }));
}

/** `arn` as written (quoted in the message), `form` the part the pattern must match. */
function checkArn(arn: string, i: number, pattern: RegExp, connector: string, example: string, form = arn): Violation[] {
    if (hasWildcard(form)) return []; // reported by the catalog's wildcard check
    if (pattern.test(form)) return [];
    return [{ path: ["resources", i], rule: "resource-format", message: `"${arn}" is not a valid ${connector} resource ARN; expected the form ${example}` }];
}
