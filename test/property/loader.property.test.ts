import * as assert from "assert";
import fc from "fast-check";
import { stringify } from "yaml";
import { RULES } from "../../provider/guardrails/agentRules";
import { catalog } from "../../provider/connectors/catalog";
import { placeholderContext, resolveAgent } from "../../provider/model/resolvedAgent";
import { ValidationReport, validateTexts } from "../../provider/guardrails/validate";
import { BASE_AGENT, NOW_DATE } from "../helpers/fixtures";
import { rawIamActions } from "../helpers/iamData";

const RUNS = Number(process.env.AGENTID_PROPERTY_RUNS ?? 300);
// Mutation testing fixes the seed (AGENTID_PROPERTY_SEED) so that every mutant meets the same inputs.
if (process.env.AGENTID_PROPERTY_SEED) fc.configureGlobal({ seed: Number(process.env.AGENTID_PROPERTY_SEED) });

/** Values that tempt the guardrails: wildcards, near-misses, real ARNs and actions. */
const tricky = fc.constantFrom(
    "*", "s3:*", "iam:*", "sts:AssumeRole", "s3:Get*", "arn:aws:s3:::*", "arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/prefix/*",
    "arn:aws:dynamodb:us-east-1:123456789012:table/*", "arn:aws:dynamodb:us-east-1:123456789012:table/orders",
    "arn:aws:sqs:us-east-1:123456789012:queue", "arn:aws:iam::123456789012:role/x", "bedrock:InvokeModel", "s3:GetObject",
    "iam:PassRole", "dynamodb:Scan", "configmaps", "secrets", "get", "list", "delete", "escalate", "", " * ",
);
const connectors = fc.constantFrom("aws.s3", "aws.dynamodb", "aws.sqs", "aws.sns", "aws.secretsmanager", "aws.kms", "aws.bedrock", "aws.lambda", "aws.iam", "kubernetes", "oauth.github", "tool.gw", "aws.s4");
const stringList = fc.array(fc.oneof(tricky, fc.string({ maxLength: 12 })), { minLength: 1, maxLength: 3 });
const access = fc.constantFrom("read", "write", "readwrite");
const awsArns = fc.array(fc.oneof(tricky, fc.constantFrom(
    "arn:aws:sqs:us-east-1:123456789012:events", "arn:aws:sns:us-east-1:123456789012:alerts", "arn:aws:lambda:us-east-1:123456789012:function:f",
    "arn:aws:secretsmanager:us-east-1:123456789012:secret:s-AbCdEf", "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "arn:aws:bedrock:us-east-1::foundation-model/m", "arn:aws:s3:::other/x")), { minLength: 1, maxLength: 3 });
/** Grants that are valid as written (one per connector and shape), so that many generated declarations are accepted. */
const validGrant = fc.constantFrom<Record<string, unknown>>(
    { connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::bucket/prefix/*"] },
    { connector: "aws.s3", access: "readwrite", resources: ["arn:aws:s3:::bucket/weekly", "arn:aws:s3:::other"] },
    { connector: "aws.dynamodb", access: "read", resources: ["arn:aws:dynamodb:us-east-1:123456789012:table/orders", "arn:aws:dynamodb:us-east-1:123456789012:table/orders/index/by-day"] },
    { connector: "aws.dynamodb", access: "write", resources: ["arn:aws:dynamodb:us-east-1:123456789012:table/orders"] },
    { connector: "aws.sqs", access: "readwrite", resources: ["arn:aws:sqs:us-east-1:123456789012:events"] },
    { connector: "aws.sns", access: "write", resources: ["arn:aws:sns:us-east-1:123456789012:alerts"] },
    { connector: "aws.secretsmanager", access: "read", resources: ["arn:aws:secretsmanager:us-east-1:123456789012:secret:db/password"] },
    { connector: "aws.kms", access: "read", resources: ["arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"] },
    { connector: "aws.bedrock", access: "read", resources: ["arn:aws:bedrock:us-east-1::foundation-model/m"] },
    { connector: "aws.lambda", access: "write", resources: ["arn:aws:lambda:us-east-1:123456789012:function:f"] },
    { connector: "aws.iam", actions: ["s3:GetObject", "S3:putobject"], resources: ["arn:aws:s3:::bucket/key.json"] },
    { connector: "kubernetes", namespace: "support", resources: ["configmaps"], verbs: ["get", "list"] },
    { connector: "kubernetes", access: "readwrite", resources: ["configmaps"], apiGroups: [""] },
    { connector: "oauth.github", scopes: ["read:org", "repo"] },
);

/** Grants shaped like each connector's, with tricky values in every field; plus fully random ones. */
const grant = fc.oneof(
    { weight: 6, arbitrary: validGrant },
    { weight: 1, arbitrary: fc.record({ connector: fc.constantFrom("aws.s3", "aws.dynamodb", "aws.sqs", "aws.sns", "aws.secretsmanager", "aws.kms", "aws.bedrock", "aws.lambda"), access, resources: awsArns }) },
    { weight: 1, arbitrary: fc.record({ connector: fc.constant("aws.iam"), actions: fc.array(fc.oneof(tricky, fc.constantFrom("s3:PutObject", "kms:Decrypt", "sqs:SendMessage")), { minLength: 1, maxLength: 3 }), resources: awsArns }) },
    { weight: 1, arbitrary: fc.record({ connector: fc.constant("kubernetes"), namespace: fc.constantFrom("support", "Bad_NS"), resources: stringList, verbs: fc.array(fc.constantFrom("get", "list", "watch", "patch", "delete", "*", "escalate"), { minLength: 1, maxLength: 3 }) }) },
    { weight: 1, arbitrary: fc.record({ connector: fc.constant("oauth.github"), scopes: fc.array(fc.constantFrom("read:org", "repo", "admin:org", "repo:all"), { minLength: 1, maxLength: 2 }) }) },
    { weight: 1, arbitrary: fc.record({ connector: fc.constant("tool.gw"), tools: stringList }) },
    { weight: 1, arbitrary: fc.record({ connector: connectors, access, actions: stringList, resources: stringList, verbs: stringList, scopes: stringList, tools: stringList }, { requiredKeys: ["connector"] }) },
);

function agentText(grants: unknown[]): string {
    return stringify({
        apiVersion: "agentid/v1", kind: "Agent", metadata: { name: "prop-agent" },
        spec: {
            description: "property agent", owner: { team: "t", contact: "t@example.com" }, expiresAt: "2027-01-15",
            approval: { ticket: "SEC-1", approvers: ["a@example.com"] },
            identity: { aws: { trust: "irsa", oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.example" } },
            grants,
        },
    });
}

/** Independent of agentid's wildcard module: `*` or `?` anywhere is a wildcard. */
const WILDCARD = /[*?]/;
/** The two scoping forms connectors may generate, from their documented grammar (S3 key prefix, Secrets Manager suffix). */
const SCOPING_FORMS = [
    /^arn:aws(?:-[a-z]+)*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/(?:[^*?]*\/)?\*$/,
    /^arn:aws(?:-[a-z]+)*:secretsmanager:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:secret:[^*?]+-\?{6}$/,
];
const KNOWN_ACTIONS = new Set(rawIamActions().map((a) => a.toLowerCase()));

/** What every report must look like, whatever the input: one error per problem, each located and named. */
function assertWellFormed(report: ValidationReport, text: string): void {
    assert.strictEqual(report.valid, report.errors.length === 0, "valid exactly when there is no error");
    const lines = text.split("\n").length;
    for (const e of report.errors) {
        assert.strictEqual(e.file, "x.yaml");
        assert.ok(Number.isInteger(e.line) && e.line >= 1 && e.line <= lines + 1, `line ${e.line} of ${lines}`);
        assert.ok(Number.isInteger(e.column) && e.column >= 1, `column ${e.column}`);
        assert.ok((RULES as readonly string[]).includes(e.rule), `unknown rule ${e.rule}`);
        assert.ok(e.message.length > 0 && !/\n\s+at /.test(e.message), `message ${JSON.stringify(e.message)}`);
    }
    assert.ok(report.declarations.length <= report.agents, "declarations are agents found");
}

describe("loader properties", () => {
    it("never throws on arbitrary text: every failure is a located, named error", () => {
        fc.assert(fc.property(fc.string({ maxLength: 300 }), (text) => {
            assertWellFormed(validateTexts([{ file: "x.yaml", text }], { now: NOW_DATE }), text);
        }), { numRuns: RUNS });
    });

    it("never throws on arbitrary YAML data, and refuses whatever is not an agent or fleet document", () => {
        fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
            const text = stringify(value);
            const report = validateTexts([{ file: "x.yaml", text }], { now: NOW_DATE });
            assertWellFormed(report, text);
            // Random data is never an Agent or Fleet document: an empty document is all that may pass.
            if (report.valid) assert.ok(value === null || text.trim() === "null", `accepted ${text}`);
        }), { numRuns: RUNS });
    });

    it("never throws on a mutated valid declaration: most mutants are refused, and an accepted one still expands", () => {
        const mutation = fc.tuple(fc.nat(BASE_AGENT.length), fc.nat(8), fc.string({ maxLength: 8 }));
        let refused = 0;
        fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
            let text = BASE_AGENT;
            for (const [at, remove, insert] of mutations) text = text.slice(0, at) + insert + text.slice(at + remove);
            const report = validateTexts([{ file: "x.yaml", text }], { now: NOW_DATE });
            assertWellFormed(report, text);
            if (!report.valid) refused++;
            // An accepted mutant is still one agent whose grants expand without error.
            else if (report.agents > 0) {
                const agent = resolveAgent(report.declarations[0].declaration, report.settings, NOW_DATE);
                catalog.expand(agent.grants, placeholderContext(agent.name, report.settings));
            }
        }), { numRuns: RUNS });
        assert.ok(refused > RUNS / 2, `only ${refused} of ${RUNS} mutants were refused`);
    });

    it("accepts no declaration whose expansion holds a wildcard or an action IAM does not have", () => {
        let accepted = 0;
        fc.assert(fc.property(fc.array(grant, { minLength: 1, maxLength: 3 }), (grants) => {
            const text = agentText(grants);
            const report = validateTexts([{ file: "x.yaml", text }], { now: NOW_DATE });
            assertWellFormed(report, text);
            if (!report.valid) return;
            accepted++;
            const agent = resolveAgent(report.declarations[0].declaration, report.settings, NOW_DATE);
            for (const expansion of catalog.expand(agent.grants, placeholderContext(agent.name, report.settings))) {
                for (const statement of expansion.statements) {
                    for (const action of statement.Action) {
                        assert.ok(!WILDCARD.test(action), `wildcard action ${action}`);
                        assert.ok(KNOWN_ACTIONS.has(action.toLowerCase()), `unknown action ${action}`);
                    }
                    for (const resource of statement.Resource) {
                        assert.ok(!WILDCARD.test(resource) || SCOPING_FORMS.some((f) => f.test(resource)), `wildcard resource ${resource}`);
                    }
                }
                for (const rule of expansion.rbac?.rules ?? []) {
                    for (const value of [...rule.verbs, ...rule.resources, ...rule.apiGroups, ...(rule.resourceNames ?? [])]) assert.ok(!WILDCARD.test(value), `wildcard in RBAC ${value}`);
                }
            }
        }), { numRuns: RUNS });
        assert.ok(accepted >= RUNS / 4, `only ${accepted} of ${RUNS} generated declarations were accepted: the property checked too little`);
    });
});
