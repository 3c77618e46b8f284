import * as assert from "assert";
import fc from "fast-check";
import { stringify } from "yaml";
import { iamActions } from "../../provider/connectors/iamData";
import { catalog } from "../../provider/connectors/catalog";
import { placeholderContext, resolveAgent } from "../../provider/model/resolvedAgent";
import { validateTexts } from "../../provider/guardrails/validate";
import { hasWildcard, isScopingForm } from "../../provider/connectors/wildcards";
import { BASE_AGENT, NOW_DATE } from "../helpers/fixtures";

const RUNS = Number(process.env.AGENTID_PROPERTY_RUNS ?? 300);

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
/** Grants shaped like each connector's, with tricky values in every field; plus fully random ones. */
const grant = fc.oneof(
    fc.record({ connector: fc.constantFrom("aws.s3", "aws.dynamodb", "aws.sqs", "aws.sns", "aws.secretsmanager", "aws.kms", "aws.bedrock", "aws.lambda"), access, resources: awsArns }),
    fc.record({ connector: fc.constant("aws.iam"), actions: fc.array(fc.oneof(tricky, fc.constantFrom("s3:PutObject", "kms:Decrypt", "sqs:SendMessage")), { minLength: 1, maxLength: 3 }), resources: awsArns }),
    fc.record({ connector: fc.constant("kubernetes"), namespace: fc.constantFrom("support", "Bad_NS"), resources: stringList, verbs: fc.array(fc.constantFrom("get", "list", "watch", "patch", "delete", "*", "escalate"), { minLength: 1, maxLength: 3 }) }),
    fc.record({ connector: fc.constant("oauth.github"), scopes: fc.array(fc.constantFrom("read:org", "repo", "admin:org", "repo:all"), { minLength: 1, maxLength: 2 }) }),
    fc.record({ connector: fc.constant("tool.gw"), tools: stringList }),
    fc.record({ connector: connectors, access, actions: stringList, resources: stringList, verbs: stringList, scopes: stringList, tools: stringList }, { requiredKeys: ["connector"] }),
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

describe("loader properties", () => {
    it("never throws on arbitrary text: every failure is a reported error", () => {
        fc.assert(fc.property(fc.string({ maxLength: 300 }), (text) => {
            const report = validateTexts([{ file: "x.yaml", text }], { now: NOW_DATE });
            assert.ok(report.valid || report.errors.length > 0 || report.agents === 0);
        }), { numRuns: RUNS });
    });

    it("never throws on arbitrary YAML data", () => {
        fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
            const report = validateTexts([{ file: "x.yaml", text: stringify(value) }], { now: NOW_DATE });
            for (const e of report.errors) assert.ok(e.line >= 1 && e.column >= 1 && e.rule.length > 0);
        }), { numRuns: RUNS });
    });

    it("never throws on a mutated valid declaration", () => {
        const mutation = fc.tuple(fc.nat(BASE_AGENT.length), fc.nat(8), fc.string({ maxLength: 8 }));
        fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
            let text = BASE_AGENT;
            for (const [at, remove, insert] of mutations) text = text.slice(0, at) + insert + text.slice(at + remove);
            validateTexts([{ file: "x.yaml", text }], { now: NOW_DATE });
        }), { numRuns: RUNS });
    });

    it("accepts no declaration whose expansion holds a wildcard or an unknown action", () => {
        let accepted = 0;
        fc.assert(fc.property(fc.array(grant, { minLength: 1, maxLength: 3 }), (grants) => {
            const report = validateTexts([{ file: "x.yaml", text: agentText(grants) }], { now: NOW_DATE });
            if (!report.valid) return;
            accepted++;
            const agent = resolveAgent(report.declarations[0].declaration, report.settings, NOW_DATE);
            for (const expansion of catalog.expand(agent.grants, placeholderContext(agent.name, report.settings))) {
                for (const statement of expansion.statements) {
                    for (const action of statement.Action) {
                        assert.ok(!hasWildcard(action), `wildcard action ${action}`);
                        assert.ok(iamActions.exists(action), `unknown action ${action}`);
                    }
                    for (const resource of statement.Resource) assert.ok(!hasWildcard(resource) || isScopingForm(resource), `wildcard resource ${resource}`);
                }
                for (const rule of expansion.rbac?.rules ?? []) {
                    assert.ok(![...rule.verbs, ...rule.resources, ...rule.apiGroups].includes("*"));
                }
            }
        }), { numRuns: RUNS });
        assert.ok(accepted > 0, "the generator should produce some valid declarations");
    });
});
