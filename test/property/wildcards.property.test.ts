import * as assert from "assert";
import fc from "fast-check";
import { stringify } from "yaml";
import { validateTexts } from "../../provider/guardrails/validate";
import { NOW_DATE } from "../helpers/fixtures";

/**
 * `*` or `?` anywhere in any value of any connector is refused. The inputs are built here from each
 * connector's ARN grammar (partition, service, region, account, each resource segment), and the verdict
 * is decided here too — nothing comes from agentid's own wildcard helpers.
 */

const ACCOUNT = "123456789012";
/** 1500 by default; mutation testing runs fewer (AGENTID_PROPERTY_RUNS, as for the loader properties, × 5). */
const RUNS = Number(process.env.AGENTID_PROPERTY_RUNS ?? 300) * 5;
// Mutation testing fixes the seed (AGENTID_PROPERTY_SEED) so that every mutant meets the same inputs.
if (process.env.AGENTID_PROPERTY_SEED) fc.configureGlobal({ seed: Number(process.env.AGENTID_PROPERTY_SEED) });
const FLEET = {
    apiVersion: "agentid/v1", kind: "Fleet", metadata: { name: "prop-fleet" },
    spec: {
        trustAnchorArn: `arn:aws:rolesanywhere:us-east-1:${ACCOUNT}:trust-anchor/anchor`, awsAccountId: ACCOUNT, awsRegion: "us-east-1",
        gateways: { helpdesk: `arn:aws:bedrock-agentcore:us-east-1:${ACCOUNT}:gateway/helpdesk-1` },
    },
};

/** One place a user writes a value: a connector, the field, and a valid value to corrupt. */
interface Site {
    connector: string;
    field: "resources" | "actions" | "namespace" | "resourceNames" | "apiGroups" | "verbs" | "tools" | "scopes";
    value: string;
    /** The rest of a valid grant around the value. */
    grant: Record<string, unknown>;
}

const awsSite = (connector: string, arn: string): Site => ({ connector, field: "resources", value: arn, grant: { connector, access: "read" } });
const SITES: Site[] = [
    awsSite("aws.s3", "arn:aws:s3:::tickets/inbound/t1.json"),
    awsSite("aws.dynamodb", `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/ledger`),
    awsSite("aws.dynamodb", `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/ledger/index/by-date`),
    awsSite("aws.sqs", `arn:aws:sqs:us-east-1:${ACCOUNT}:payment-events`),
    awsSite("aws.sns", `arn:aws:sns:us-east-1:${ACCOUNT}:ops-pages`),
    awsSite("aws.secretsmanager", `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:billing/stripe-AbCdEf`),
    awsSite("aws.kms", `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`),
    awsSite("aws.bedrock", "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0"),
    awsSite("aws.lambda", `arn:aws:lambda:us-east-1:${ACCOUNT}:function:refund-issuer`),
    { connector: "aws.iam", field: "resources", value: "arn:aws:s3:::tickets/inbound/t1.json", grant: { connector: "aws.iam", actions: ["s3:GetObject"] } },
    { connector: "aws.iam", field: "resources", value: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/ledger`, grant: { connector: "aws.iam", actions: ["dynamodb:GetItem"] } },
    { connector: "aws.iam", field: "actions", value: "dynamodb:GetItem", grant: { connector: "aws.iam", resources: [`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/ledger`] } },
    { connector: "kubernetes", field: "resources", value: "pods/log", grant: { connector: "kubernetes", namespace: "support", verbs: ["get"] } },
    { connector: "kubernetes", field: "namespace", value: "support", grant: { connector: "kubernetes", resources: ["configmaps"], verbs: ["get"] } },
    { connector: "kubernetes", field: "resourceNames", value: "app-config", grant: { connector: "kubernetes", namespace: "support", resources: ["configmaps"], verbs: ["get"] } },
    { connector: "kubernetes", field: "apiGroups", value: "apps", grant: { connector: "kubernetes", namespace: "support", resources: ["deployments"], verbs: ["get"] } },
    { connector: "kubernetes", field: "verbs", value: "list", grant: { connector: "kubernetes", namespace: "support", resources: ["configmaps"] } },
    { connector: "tool.helpdesk", field: "tools", value: "crm/lookupCustomer", grant: { connector: "tool.helpdesk" } },
    { connector: "oauth.slack", field: "scopes", value: "channels:read", grant: { connector: "oauth.slack" } },
];

/** The ARN grammar's parts, as [start, end) offsets: arn, partition, service, region, account, then each resource segment. */
function parts(value: string): [number, number][] {
    const bounds: [number, number][] = [];
    let start = 0;
    for (let i = 0; i <= value.length; i++) {
        if (i === value.length || value[i] === ":" || value[i] === "/") {
            bounds.push([start, i]);
            start = i + 1;
        }
    }
    return bounds;
}

/** S3 documents one scoping form: a key prefix ending in `/*`, nothing else wild. Decided from the grammar. */
function isDocumentedS3Prefix(connector: string, field: string, value: string): boolean {
    return connector === "aws.s3" && field === "resources" && /^arn:aws:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/([^*?]*\/)?\*$/.test(value);
}

function declaration(site: Site, value: string): string {
    const grant = { ...site.grant, [site.field]: site.field === "namespace" ? value : [value] };
    const agent = {
        apiVersion: "agentid/v1", kind: "Agent", metadata: { name: "prop-agent" },
        spec: {
            description: "d", owner: { team: "t", contact: "t@example.com" }, expiresAt: "2027-01-15T00:00:00Z",
            approval: { ticket: "SEC-1", approvers: ["a@example.com"] },
            identity: { aws: { trust: "rolesAnywhere" }, kubernetes: {} }, grants: [grant],
        },
    };
    return `${stringify(FLEET)}---\n${stringify(agent)}`;
}

const validOf = (site: Site, value: string) => validateTexts([{ file: "prop.yaml", text: declaration(site, value) }], { now: NOW_DATE });

describe("wildcard properties (inputs and verdicts from the ARN grammar)", () => {
    it("accepts every site's value as written (the controls)", () => {
        for (const site of SITES) assert.deepStrictEqual(validOf(site, site.value).errors, [], `${site.connector} ${site.field} ${site.value}`);
    });

    it("refuses * or ? inserted in any part of any value of any connector", () => {
        const mutation = fc.record({
            site: fc.constantFrom(...SITES),
            part: fc.nat(),
            offset: fc.nat(),
            wildcard: fc.constantFrom("*", "?"),
            replace: fc.boolean(),
        });
        let refused = 0;
        fc.assert(fc.property(mutation, ({ site, part, offset, wildcard, replace }) => {
            const bounds = parts(site.value);
            const [start, end] = bounds[part % bounds.length];
            const value = replace
                ? site.value.slice(0, start) + wildcard + site.value.slice(end)
                : (() => { const at = start + (offset % (end - start + 1)); return site.value.slice(0, at) + wildcard + site.value.slice(at); })();
            const report = validOf(site, value);
            if (isDocumentedS3Prefix(site.connector, site.field, value)) {
                assert.deepStrictEqual(report.errors, [], `${value} is S3's documented prefix form`);
                return;
            }
            refused++;
            assert.strictEqual(report.valid, false, `${site.connector} ${site.field} accepted ${value}`);
            const fieldPath = `spec.grants.0.${site.field}`;
            assert.ok(report.errors.some((e) => e.path.join(".").startsWith(fieldPath) && /^wildcard-(resource|action)$/.test(e.rule)),
                `${value}: expected a wildcard rule at ${fieldPath}, got ${JSON.stringify(report.errors.map((e) => [e.path.join("."), e.rule]))}`);
        }), { numRuns: RUNS });
        assert.ok(refused > RUNS * 2 / 3, `only ${refused} of ${RUNS} mutated values were refusals`);
    });
});
