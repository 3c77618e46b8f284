import * as assert from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { RULES } from "../../../provider/guardrails/agentRules";
import { formatPath } from "../../../provider/declarations/diagnostics";
import { canonicalJson } from "../../../provider/declarations/digest";
import type { FleetSettings } from "../../../provider/declarations/types";
import { validateDeclarations } from "../../../provider/guardrails/validate";
import { BASE_AGENT, NOW_DATE, replaceLine, writeFixtures } from "../../helpers/fixtures";

const GRANT_LINES = ["    - connector: aws.s3", "      access: read", "      resources:", "        - arn:aws:s3:::bucket/prefix/*"];

/** The base agent with its grants (lines 16-19) replaced. */
function withGrants(...lines: string[]): string {
    return BASE_AGENT.replace(GRANT_LINES.join("\n"), lines.join("\n"));
}

interface RuleCase {
    title: string;
    rule: string;
    files: Record<string, string>;
    /** Symbolic links to create beside the files: name → target. */
    links?: Record<string, string>;
    /** Fleet settings from code (AgentFleet args). */
    settings?: FleetSettings;
    at: { file: string; line: number; column: number; path: string };
    /** A fragment the message must contain: the field and the fix. */
    says: string;
}

const ZEROS = "0".repeat(64);
const line = (text: string, from: string, to: string | null) => replaceLine(text, from, to);

const CASES: RuleCase[] = [
    {
        title: "broken YAML is reported at its position", rule: "yaml-syntax",
        files: { "agent.yaml": line(BASE_AGENT, "  name: fixture-agent", "  name: [unclosed") },
        at: { file: "agent.yaml", line: 4, column: 9, path: "" }, says: `invalid YAML: this "[" is never closed; add the matching "]"`,
    },
    {
        title: "a missing field is reported at its parent", rule: "required-field",
        files: { "agent.yaml": line(BASE_AGENT, "    contact: platform@example.com", null) },
        at: { file: "agent.yaml", line: 7, column: 3, path: "spec.owner" }, says: `missing required field "contact" in spec.owner`,
    },
    {
        title: "an unknown field is reported at its key with the allowed fields", rule: "unknown-field",
        files: { "agent.yaml": line(BASE_AGENT, "    contact: platform@example.com", "    contact: platform@example.com\n    phone: \"555\"") },
        at: { file: "agent.yaml", line: 10, column: 5, path: "spec.owner.phone" }, says: "allowed fields: team, contact, escalation",
    },
    {
        title: "a value of the wrong type", rule: "invalid-type",
        files: { "agent.yaml": line(BASE_AGENT, "  description: A fixture agent", "  description: 42") },
        at: { file: "agent.yaml", line: 6, column: 3, path: "spec.description" }, says: "spec.description must be a string",
    },
    {
        title: "a value outside its enum", rule: "invalid-value",
        files: { "agent.yaml": line(BASE_AGENT, "  expiresAt: 2027-01-15T00:00:00Z", "  expiresAt: 2027-01-15T00:00:00Z\n  onExpiry: never") },
        at: { file: "agent.yaml", line: 11, column: 3, path: "spec.onExpiry" }, says: `must be one of "delete", "disable"`,
    },
    {
        title: "a name that is not lowercase DNS-like", rule: "name-format",
        files: { "agent.yaml": line(BASE_AGENT, "  name: fixture-agent", "  name: Fixture_Agent") },
        at: { file: "agent.yaml", line: 4, column: 3, path: "metadata.name" }, says: "2-40 characters",
    },
    {
        title: "the same name in two files", rule: "duplicate-name",
        files: { "a.yaml": BASE_AGENT, "b.yaml": BASE_AGENT },
        at: { file: "b.yaml", line: 4, column: 3, path: "metadata.name" }, says: "already declared at",
    },
    {
        title: "a contact that is not an e-mail address", rule: "contact-email",
        files: { "agent.yaml": line(BASE_AGENT, "    contact: platform@example.com", "    contact: platform-at-example") },
        at: { file: "agent.yaml", line: 9, column: 5, path: "spec.owner.contact" }, says: "e-mail address",
    },
    {
        title: "a date that does not exist (2027-13-45)", rule: "date-invalid",
        files: { "agent.yaml": line(BASE_AGENT, "  expiresAt: 2027-01-15T00:00:00Z", "  expiresAt: 2027-13-45") },
        at: { file: "agent.yaml", line: 10, column: 3, path: "spec.expiresAt" }, says: "is not a real date",
    },
    {
        title: "a date that is not a date at all", rule: "date-invalid",
        files: { "agent.yaml": line(BASE_AGENT, "  expiresAt: 2027-01-15T00:00:00Z", "  expiresAt: next tuesday") },
        at: { file: "agent.yaml", line: 10, column: 3, path: "spec.expiresAt" }, says: "RFC 3339",
    },
    {
        title: "an expiry more than 90 days away", rule: "expiry-too-far",
        files: { "agent.yaml": line(BASE_AGENT, "  expiresAt: 2027-01-15T00:00:00Z", "  expiresAt: 2027-06-01") },
        at: { file: "agent.yaml", line: 10, column: 3, path: "spec.expiresAt" }, says: "set it on or before 2027-03-01T00:00:00Z",
    },
    {
        title: "a review date after the expiry", rule: "review-after-expiry",
        files: { "agent.yaml": line(BASE_AGENT, "  expiresAt: 2027-01-15T00:00:00Z", "  expiresAt: 2027-01-15T00:00:00Z\n  reviewBy: 2027-02-01") },
        at: { file: "agent.yaml", line: 11, column: 3, path: "spec.reviewBy" }, says: "review before the agent expires",
    },
    {
        title: "a bare * resource", rule: "wildcard-resource",
        files: { "agent.yaml": line(BASE_AGENT, "        - arn:aws:s3:::bucket/prefix/*", "        - \"*\"") },
        at: { file: "agent.yaml", line: 19, column: 11, path: "spec.grants[0].resources[0]" }, says: "name the exact resources",
    },
    {
        title: "a service-wide action", rule: "wildcard-action",
        files: { "agent.yaml": withGrants("    - connector: aws.iam", "      actions:", "        - s3:*", "      resources:", "        - arn:aws:s3:::bucket/key") },
        at: { file: "agent.yaml", line: 18, column: 11, path: "spec.grants[0].actions[0]" }, says: "every action of the service",
    },
    {
        title: "an IAM write action", rule: "iam-sensitive-action",
        files: { "agent.yaml": withGrants("    - connector: aws.iam", "      actions:", "        - iam:PassRole", "      resources:", "        - arn:aws:iam::123456789012:role/x") },
        at: { file: "agent.yaml", line: 18, column: 11, path: "spec.grants[0].actions[0]" }, says: "changes identities or their permissions (IAM, Write); agents may not hold it, with or without approval",
    },
    {
        title: "a resource-policy write through aws.iam", rule: "permissions-management",
        files: { "agent.yaml": withGrants("    - connector: aws.iam", "      actions:", "        - s3:PutBucketPolicy", "      resources:", "        - arn:aws:s3:::bucket") },
        at: { file: "agent.yaml", line: 18, column: 11, path: "spec.grants[0].actions[0]" }, says: "changes who may access a resource",
    },
    {
        title: "changing the code of a function that runs with its own role", rule: "escalation-action",
        files: { "agent.yaml": withGrants("    - connector: aws.iam", "      actions:", "        - lambda:UpdateFunctionCode", "      resources:", "        - arn:aws:lambda:us-east-1:123456789012:function:refunds") },
        at: { file: "agent.yaml", line: 18, column: 11, path: "spec.grants[0].actions[0]" }, says: "changes the code or configuration of compute",
    },
    {
        title: "an action on a resource type it does not apply to", rule: "action-resource-mismatch",
        files: { "agent.yaml": withGrants("    - connector: aws.iam", "      actions:", "        - s3:GetObject", "      resources:", "        - arn:aws:dynamodb:us-east-1:123456789012:table/ledger") },
        at: { file: "agent.yaml", line: 18, column: 11, path: "spec.grants[0].actions[0]" }, says: "it accepts accesspointobject, object",
    },
    {
        title: "a grant in a system namespace", rule: "kubernetes-namespace",
        files: { "agent.yaml": withGrants("    - connector: kubernetes", "      namespace: kube-system", "      resources: [configmaps]", "      verbs: [get]") },
        at: { file: "agent.yaml", line: 17, column: 7, path: "spec.grants[0].namespace" }, says: "belongs to the cluster itself",
    },
    {
        title: "the bare trust domain as an agent's SPIFFE ID", rule: "spiffe-id",
        files: { "agent.yaml": line(BASE_AGENT, "  identity:", "  identity:\n    spiffeId: spiffe://example.org") },
        at: { file: "agent.yaml", line: 12, column: 5, path: "spec.identity.spiffeId" }, says: "is the trust domain itself",
    },
    {
        title: "two agents on one service account", rule: "identity-shared",
        files: {
            "a.yaml": line(BASE_AGENT, "  identity:", "  identity:\n    kubernetes: { serviceAccount: shared }"),
            "b.yaml": line(line(BASE_AGENT, "  identity:", "  identity:\n    kubernetes: { serviceAccount: shared }"), "  name: fixture-agent", "  name: second-agent"),
        },
        at: { file: "b.yaml", line: 12, column: 5, path: "spec.identity.kubernetes" }, says: `service account agents/shared already belongs to agent "fixture-agent"`,
    },
    {
        title: "SPIRE selectors that do not pin a service account", rule: "spire-selectors",
        files: { "agent.yaml": line(BASE_AGENT, "  identity:", "  identity:\n    spire:\n      parentId: spiffe://example.org/node/a\n      selectors: [\"k8s:ns:agents\"]") },
        at: { file: "agent.yaml", line: 14, column: 7, path: "spec.identity.spire.selectors" }, says: "must pin one namespace and one service account",
    },
    {
        title: "a SPIRE parent that is the agent itself", rule: "spire-entry",
        files: { "agent.yaml": line(BASE_AGENT, "  identity:", "  identity:\n    spire:\n      parentId: spiffe://example.org/agents/fixture-agent\n      selectors: [\"unix:uid:1000\"]") },
        at: { file: "agent.yaml", line: 13, column: 7, path: "spec.identity.spire.parentId" }, says: "is the agent's own SPIFFE ID",
    },
    {
        title: "a ClusterSPIFFEID, which has no expiry, without the Fleet's consent", rule: "expiry-unenforced",
        files: { "agent.yaml": line(BASE_AGENT, "  identity:", "  identity:\n    kubernetes: { clusterSpiffeId: true }") },
        at: { file: "agent.yaml", line: 12, column: 19, path: "spec.identity.kubernetes.clusterSpiffeId" }, says: "a ClusterSPIFFEID has no expiry",
    },
    {
        title: "a wildcard trust anchor", rule: "trust-setting",
        files: { "agent.yaml": line(BASE_AGENT, "      trustAnchorArn: arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/abc", "      trustAnchorArn: arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/*") },
        at: { file: "agent.yaml", line: 14, column: 7, path: "spec.identity.aws.trustAnchorArn" }, says: "holds a wildcard",
    },
    {
        title: "an owner team AWS cannot carry as a tag", rule: "tag-value",
        files: { "agent.yaml": line(BASE_AGENT, "    team: platform", "    team: \"platform, inc\"") },
        at: { file: "agent.yaml", line: 8, column: 5, path: "spec.owner.team" }, says: "cannot be an AWS tag value",
    },
    {
        title: "a Fleet document changing the program's trust domain", rule: "fleet-setting",
        files: { "fleet.yaml": "apiVersion: agentid/v1\nkind: Fleet\nmetadata: { name: fleet }\nspec:\n  trustDomain: other.org\n", "agent.yaml": BASE_AGENT },
        settings: { trustDomain: "example.org" },
        at: { file: "fleet.yaml", line: 5, column: 3, path: "spec.trustDomain" }, says: "a document beside the agents may tighten the program's settings, never replace them",
    },
    {
        title: "an action IAM does not have", rule: "unknown-action",
        files: { "agent.yaml": withGrants("    - connector: aws.iam", "      actions:", "        - bedrock:InvokeModels", "      resources:", "        - arn:aws:bedrock:us-east-1::foundation-model/x") },
        at: { file: "agent.yaml", line: 18, column: 11, path: "spec.grants[0].actions[0]" }, says: "is not an IAM action of bedrock",
    },
    {
        title: "a connector that is not in the catalog", rule: "unknown-connector",
        files: { "agent.yaml": line(BASE_AGENT, "    - connector: aws.s3", "    - connector: aws.s4") },
        at: { file: "agent.yaml", line: 16, column: 7, path: "spec.grants[0].connector" }, says: "known connectors: aws.s3",
    },
    {
        title: "a connector grant missing its access", rule: "connector-field",
        files: { "agent.yaml": line(BASE_AGENT, "      access: read", null) },
        at: { file: "agent.yaml", line: 16, column: 7, path: "spec.grants[0]" }, says: "aws.s3 grants need `access`",
    },
    {
        title: "a resource of another service", rule: "resource-format",
        files: { "agent.yaml": line(BASE_AGENT, "        - arn:aws:s3:::bucket/prefix/*", "        - arn:aws:dynamodb:us-east-1:123456789012:table/x") },
        at: { file: "agent.yaml", line: 19, column: 11, path: "spec.grants[0].resources[0]" }, says: "expected the form arn:aws:s3:::",
    },
    {
        title: "a Kubernetes verb that does not exist", rule: "kubernetes-verb",
        files: { "agent.yaml": withGrants("    - connector: kubernetes", "      resources: [configmaps]", "      verbs:", "        - get", "        - destroy") },
        at: { file: "agent.yaml", line: 20, column: 11, path: "spec.grants[0].verbs[1]" }, says: "is not a Kubernetes verb",
    },
    {
        title: "a namespace that is not a DNS-1123 label", rule: "kubernetes-name",
        files: { "agent.yaml": withGrants("    - connector: kubernetes", "      namespace: Bad_NS", "      resources: [configmaps]", "      verbs: [get]") },
        at: { file: "agent.yaml", line: 17, column: 7, path: "spec.grants[0].namespace" }, says: "DNS-1123",
    },
    {
        title: "an OAuth scope the vendor does not have", rule: "oauth-scope",
        files: { "agent.yaml": withGrants("    - connector: oauth.github", "      scopes: [read:org, repo:everything]") },
        at: { file: "agent.yaml", line: 17, column: 26, path: "spec.grants[0].scopes[1]" }, says: "known scopes: repo",
    },
    {
        title: "write access without an approval", rule: "approval-required",
        files: { "agent.yaml": line(BASE_AGENT, "      access: read", "      access: readwrite") },
        at: { file: "agent.yaml", line: 16, column: 7, path: "spec.grants[0]" }, says: "needs spec.approval",
    },
    {
        title: "an approval whose digest no longer matches the grants", rule: "grants-digest-mismatch",
        files: { "agent.yaml": line(BASE_AGENT, "  expiresAt: 2027-01-15T00:00:00Z", `  expiresAt: 2027-01-15T00:00:00Z\n  approval:\n    ticket: SEC-1\n    approvers: [a@example.com]\n    grantsDigest: sha256:${ZEROS}`) },
        at: { file: "agent.yaml", line: 14, column: 5, path: "spec.approval.grantsDigest" }, says: "agentid digest --agent fixture-agent",
    },
    {
        title: "a SPIFFE ID outside the trust domain", rule: "spiffe-trust-domain",
        files: { "agent.yaml": line(BASE_AGENT, "  identity:", "  identity:\n    spiffeId: spiffe://other.org/agents/x") },
        at: { file: "agent.yaml", line: 12, column: 5, path: "spec.identity.spiffeId" }, says: "use spiffe://example.org/agents/fixture-agent",
    },
    {
        title: "rolesAnywhere trust without a trust anchor", rule: "missing-setting",
        files: { "agent.yaml": line(BASE_AGENT, "      trustAnchorArn: arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/abc", null) },
        at: { file: "agent.yaml", line: 12, column: 5, path: "spec.identity.aws" }, says: "set identity.aws.trustAnchorArn or the fleet's trustAnchorArn",
    },
    {
        title: "AWS grants without an AWS identity", rule: "missing-identity",
        files: { "agent.yaml": BASE_AGENT.replace("  identity:\n    aws:\n      trust: rolesAnywhere\n      trustAnchorArn: arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/abc\n", "") },
        at: { file: "agent.yaml", line: 5, column: 1, path: "spec" }, says: "declare identity.aws.trust",
    },
    {
        title: "two Fleet documents", rule: "fleet-duplicate",
        files: { "fleet.yaml": "apiVersion: agentid/v1\nkind: Fleet\nmetadata: { name: one }\nspec: {}\n---\napiVersion: agentid/v1\nkind: Fleet\nmetadata: { name: two }\nspec: {}\n" },
        at: { file: "fleet.yaml", line: 7, column: 1, path: "kind" }, says: "only one kind: Fleet document is allowed",
    },
    {
        title: "an approver who is the owner's contact when the fleet requires independent approval", rule: "approver-is-owner",
        files: {
            "fleet.yaml": "apiVersion: agentid/v1\nkind: Fleet\nmetadata: { name: strict }\nspec: { independentApproval: true }\n",
            "agent.yaml": line(BASE_AGENT, "  expiresAt: 2027-01-15T00:00:00Z", "  expiresAt: 2027-01-15T00:00:00Z\n  approval:\n    ticket: SEC-1\n    approvers:\n      - security@example.com\n      - Platform@example.com"),
        },
        at: { file: "agent.yaml", line: 15, column: 9, path: "spec.approval.approvers[1]" }, says: "this fleet requires independent approval",
    },
    {
        title: "an agent without the label its fleet is split into stacks by", rule: "stack-shard",
        files: {
            "fleet.yaml": "apiVersion: agentid/v1\nkind: Fleet\nmetadata: { name: sharded }\nspec: { stacks: { by: \"label:cost-center\" } }\n",
            "agent.yaml": BASE_AGENT,
        },
        at: { file: "agent.yaml", line: 3, column: 1, path: "metadata" }, says: "add metadata.labels.cost-center so it belongs to a stack",
    },
    {
        title: "an agent holding every duty of a Fleet's separation-of-duties rule", rule: "separation-of-duties",
        files: {
            "fleet.yaml": "apiVersion: agentid/v1\nkind: Fleet\nmetadata: { name: sod }\nspec:\n  separationOfDuties:\n    - name: no-bucket-readers\n      forbid: [{ connector: aws.s3, access: read, resources: [\"arn:aws:s3:::bucket/*\"] }]\n",
            "agent.yaml": BASE_AGENT,
        },
        at: { file: "agent.yaml", line: 16, column: 7, path: "spec.grants[0]" }, says: `separation-of-duties rule "no-bucket-readers": this agent holds every duty it forbids — aws.s3 read on arn:aws:s3:::bucket/* by grant 0 (`,
    },
    {
        title: "a dangling symbolic link among the declarations", rule: "file-unusable",
        files: { "agent.yaml": BASE_AGENT },
        links: { "gone.yaml": "deleted.yaml" },
        at: { file: "gone.yaml", line: 1, column: 1, path: "" }, says: `a dangling symbolic link (its target "deleted.yaml" does not exist)`,
    },
];

describe("validateDeclarations: one fixture per rule", () => {
    for (const c of CASES) {
        it(`reports ${c.rule}: ${c.title}`, () => {
            const dir = writeFixtures(c.files);
            for (const [name, target] of Object.entries(c.links ?? {})) fs.symlinkSync(target, path.join(dir, name));
            const report = validateDeclarations([dir], { now: NOW_DATE, ...(c.settings ? { settings: c.settings } : {}) });
            assert.strictEqual(report.valid, false);
            const found = report.errors.filter((e) => e.rule === c.rule);
            assert.strictEqual(found.length, 1, `expected one ${c.rule}, got: ${JSON.stringify(report.errors, null, 1)}`);
            const [error] = found;
            assert.deepStrictEqual(
                { file: path.relative(dir, error.file), line: error.line, column: error.column, path: formatPath(error.path) },
                c.at,
            );
            assert.ok(error.message.includes(c.says), `message "${error.message}" should contain "${c.says}"`);
            assert.strictEqual(report.errors.length, 1, `only ${c.rule} expected: ${JSON.stringify(report.errors.map((e) => e.rule))}`);
        });
    }

    it("covers every rule id the guardrails declare", () => {
        const covered = new Set(CASES.map((c) => c.rule));
        assert.deepStrictEqual([...RULES].filter((r) => !covered.has(r)), []);
    });
});

describe("validateDeclarations: fleets", () => {
    it("accepts the base fixture with no errors", () => {
        const report = validateDeclarations([writeFixtures({ "agent.yaml": BASE_AGENT })], { now: NOW_DATE });
        assert.deepStrictEqual({ valid: report.valid, agents: report.agents, errors: report.errors }, { valid: true, agents: 1, errors: [] });
        assert.strictEqual(report.declarations[0].valid, true);
    });

    it("keeps reporting other files when one is broken", () => {
        const dir = writeFixtures({
            "a-broken.yaml": "kind: [",
            "b-bad.yaml": line(BASE_AGENT, "  name: fixture-agent", "  name: bad-agent\n  labels: { x: 1 }"),
            "c-good.yaml": line(BASE_AGENT, "  name: fixture-agent", "  name: good-agent"),
        });
        const report = validateDeclarations([dir], { now: NOW_DATE });
        assert.deepStrictEqual(report.errors.map((e) => [path.basename(e.file), e.rule]), [["a-broken.yaml", "yaml-syntax"], ["b-bad.yaml", "invalid-type"]]);
        assert.strictEqual(report.agents, 2);
        assert.deepStrictEqual(report.declarations.map((d) => [d.declaration.metadata.name, d.valid]), [["good-agent", true]]);
    });

    it("hands on the grants digest it compared with an approval's, and computes none where no approval pins one", () => {
        const pinned = line(line(BASE_AGENT, "  name: fixture-agent", "  name: pinned-agent"), "  expiresAt: 2027-01-15T00:00:00Z",
            `  expiresAt: 2027-01-15T00:00:00Z\n  approval:\n    ticket: SEC-1\n    approvers: [a@example.com]\n    grantsDigest: sha256:${ZEROS}`);
        const report = validateDeclarations([writeFixtures({ "a.yaml": BASE_AGENT, "b.yaml": pinned })], { now: NOW_DATE });
        const grants = [{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::bucket/prefix/*"] }];
        assert.deepStrictEqual(report.declarations.map((d) => [d.declaration.metadata.name, d.grantsDigest]),
            [["fixture-agent", undefined], ["pinned-agent", `sha256:${createHash("sha256").update(canonicalJson(grants)).digest("hex")}`]]);
        assert.deepStrictEqual(report.errors.map((e) => [e.agent, e.rule]), [["pinned-agent", "grants-digest-mismatch"]]);
    });

    it("reads several documents per file and skips empty ones", () => {
        const second = line(BASE_AGENT, "  name: fixture-agent", "  name: second-agent");
        const report = validateDeclarations([writeFixtures({ "two.yml": `${BASE_AGENT}---\n---\n${second}` })], { now: NOW_DATE });
        assert.deepStrictEqual(report.declarations.map((d) => [d.declaration.metadata.name, d.line]), [["fixture-agent", 1], ["second-agent", 22]]);
    });

    it("lets a Fleet document shorten the lifetime but not lengthen it", () => {
        const fleet = (days: number) => `apiVersion: agentid/v1\nkind: Fleet\nmetadata: { name: tight-fleet }\nspec: { maxLifetimeDays: ${days} }\n`;
        const tight = validateDeclarations([writeFixtures({ "f.yaml": fleet(30), "a.yaml": BASE_AGENT })], { now: NOW_DATE, settings: { maxLifetimeDays: 90 } });
        assert.deepStrictEqual(tight.errors.map((e) => e.rule), ["expiry-too-far"]);
        const loose = validateDeclarations([writeFixtures({ "f.yaml": fleet(365), "a.yaml": line(BASE_AGENT, "  expiresAt: 2027-01-15T00:00:00Z", "  expiresAt: 2027-06-01") })], { now: NOW_DATE, settings: { maxLifetimeDays: 90 } });
        assert.deepStrictEqual(loose.errors.map((e) => e.rule), ["expiry-too-far"]);
    });

    it("lets a Fleet document split a fleet into stacks when the program does not, never re-split one the program splits", () => {
        const fleet = (stacks: string) => `apiVersion: agentid/v1\nkind: Fleet\nmetadata: { name: fleet }\nspec:\n  stacks: ${stacks}\n`;
        const byTeam = validateDeclarations([writeFixtures({ "fleet.yaml": fleet("{ by: team }"), "agent.yaml": BASE_AGENT })], { now: NOW_DATE });
        assert.deepStrictEqual([byTeam.valid, byTeam.settings.stacks], [true, { by: "team" }]);
        const resplit = validateDeclarations([writeFixtures({ "fleet.yaml": fleet("{ by: \"label:env\" }"), "agent.yaml": BASE_AGENT })], { now: NOW_DATE, settings: { stacks: { by: "team" } } });
        assert.deepStrictEqual(resplit.errors.map((e) => [e.rule, formatPath(e.path), e.line]), [["fleet-setting", "spec.stacks", 5]]);
        assert.deepStrictEqual(resplit.settings.stacks, { by: "team" }, "the program's setting stays in force");
        const same = validateDeclarations([writeFixtures({ "fleet.yaml": fleet("{ by: team }"), "agent.yaml": BASE_AGENT })], { now: NOW_DATE, settings: { stacks: { by: "team" } } });
        assert.strictEqual(same.valid, true);
        const badPrefix = validateDeclarations([writeFixtures({ "fleet.yaml": fleet("{ by: owner, prefix: Prod_ }"), "agent.yaml": BASE_AGENT })], { now: NOW_DATE });
        assert.deepStrictEqual(badPrefix.errors.map((e) => [e.rule, formatPath(e.path)]), [["invalid-value", "spec.stacks.by"], ["invalid-value", "spec.stacks.prefix"]]);
    });

    it("accepts an agent that has already expired (it is reported as expired, not invalid)", () => {
        const report = validateDeclarations([writeFixtures({ "a.yaml": line(BASE_AGENT, "  expiresAt: 2027-01-15T00:00:00Z", "  expiresAt: 2026-01-01") })], { now: NOW_DATE });
        assert.strictEqual(report.valid, true);
    });

    it("validates the sample fleet in agents/", () => {
        const report = validateDeclarations([path.join(__dirname, "../../../../agents")], { now: NOW_DATE });
        assert.deepStrictEqual(report.errors, []);
        assert.deepStrictEqual(report.declarations.map((d) => d.declaration.metadata.name).sort(),
            ["billing-reconciler", "billing-reporter", "ops-responder", "research-assistant", "support-triage"]);
    });

    it("reports a non-mapping document as a type error at its start", () => {
        const report = validateDeclarations([writeFixtures({ "a.yaml": "just a string\n" })], { now: NOW_DATE });
        assert.deepStrictEqual(report.errors.map((e) => [e.rule, e.line, e.column, e.message]), [["invalid-type", 1, 1, "the document must be an object"]]);
    });
});
