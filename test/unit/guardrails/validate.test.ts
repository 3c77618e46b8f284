import * as assert from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { RULES } from "../../../provider/guardrails/agentRules";
import { formatPath } from "../../../provider/declarations/diagnostics";
import { canonicalJson } from "../../../provider/declarations/digest";
import type { FleetSettings } from "../../../provider/declarations/types";
import { schemaViolations, settingsSchemaViolations, validateDeclarations, validateTexts } from "../../../provider/guardrails/validate";
import { grantsDigest } from "../../../provider/declarations/digest";
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
        // No digest is no field at all: a found agent's fields are what its summary, place and checks hold.
        assert.deepStrictEqual(report.found.map((f) => Object.keys(f).sort()), [
            ["column", "declaration", "errors", "file", "line", "summary", "valid"],
            ["column", "declaration", "errors", "file", "grantsDigest", "line", "summary", "valid"],
        ]);
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

describe("validateDeclarations: schema errors word for word, each beside a twin that passes", () => {
    const ANCHOR_LINE = "      trustAnchorArn: arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/abc";
    const session = (seconds: number) => line(BASE_AGENT, ANCHOR_LINE, `${ANCHOR_LINE}\n      maxSessionDuration: ${seconds}`);
    const spire = (parentId: string) => line(BASE_AGENT, "  identity:", `  identity:\n    spire:\n      parentId: ${parentId}\n      selectors: ["k8s:ns:agents", "k8s:sa:fixture-agent"]`);
    const approval = (digest: string) => line(BASE_AGENT, "  expiresAt: 2027-01-15T00:00:00Z", `  expiresAt: 2027-01-15T00:00:00Z\n  approval:\n    ticket: SEC-1\n    approvers: [sec@example.com]\n    grantsDigest: ${digest}`);
    const grants = [{ connector: "aws.s3", access: "read" as const, resources: ["arn:aws:s3:::bucket/prefix/*"] }];
    const timestamp = (field: string) => `${field} must be a string, but YAML 1.1 (%YAML 1.1) read this unquoted date as a timestamp; quote the date, e.g. "2027-01-15"`;
    const cases: { title: string; violating: string; compliant: string; errors: [number, number, string, string, string][] }[] = [
        {
            title: "an unquoted date under %YAML 1.1 (a timestamp, not text)",
            violating: `%YAML 1.1\n---\n${line(BASE_AGENT, "  description: A fixture agent", "  description: 2027-01-15")}`,
            compliant: `%YAML 1.1\n---\n${line(line(BASE_AGENT, "  description: A fixture agent", `  description: "2027-01-15"`), "  expiresAt: 2027-01-15T00:00:00Z", `  expiresAt: "2027-01-15T00:00:00Z"`)}`,
            errors: [[8, 3, "spec.description", "invalid-type", timestamp("spec.description")], [12, 3, "spec.expiresAt", "invalid-type", timestamp("spec.expiresAt")]],
        },
        {
            title: "no grants", violating: line(BASE_AGENT, "  grants:", "  grants: []").replace(GRANT_LINES.join("\n") + "\n", ""), compliant: BASE_AGENT,
            errors: [[15, 3, "spec.grants", "invalid-value", "spec.grants must list at least 1 item"]],
        },
        {
            title: "a session shorter than AWS allows (the twin: exactly 900 s)", violating: session(899), compliant: session(900),
            errors: [[15, 7, "spec.identity.aws.maxSessionDuration", "invalid-value", "spec.identity.aws.maxSessionDuration must be at least 900"]],
        },
        {
            title: "a session longer than an hour (the twin: exactly 3600 s)", violating: session(3601), compliant: session(3600),
            errors: [[15, 7, "spec.identity.aws.maxSessionDuration", "invalid-value", "spec.identity.aws.maxSessionDuration must be at most 3600"]],
        },
        {
            title: "a SPIRE parent ID that is no SPIFFE ID (upper case in the trust domain)", violating: spire("spiffe://Example.org/agents"), compliant: spire("spiffe://example.org/agents"),
            errors: [[13, 7, "spec.identity.spire.parentId", "invalid-value", "spec.identity.spire.parentId must be a SPIFFE ID such as spiffe://example.org/agents/name"]],
        },
        {
            title: "an agent's SPIFFE ID that is no SPIFFE ID (upper case in the trust domain)",
            violating: line(BASE_AGENT, "  identity:", "  identity:\n    spiffeId: spiffe://Example.org/tools/x"), compliant: line(BASE_AGENT, "  identity:", "  identity:\n    spiffeId: spiffe://example.org/tools/x"),
            errors: [[12, 5, "spec.identity.spiffeId", "invalid-value", "spec.identity.spiffeId must be a SPIFFE ID such as spiffe://example.org/agents/name"]],
        },
        {
            title: "a blank description", violating: line(BASE_AGENT, "  description: A fixture agent", `  description: "   "`), compliant: BASE_AGENT,
            errors: [[6, 3, "spec.description", "invalid-value", "spec.description must not be blank; say it in words"]],
        },
        {
            title: "a grants digest that is not sha256:<64 hex digits>", violating: approval("sha256:xyz"), compliant: approval(grantsDigest(grants)),
            errors: [[14, 5, "spec.approval.grantsDigest", "invalid-value", "spec.approval.grantsDigest must be sha256:<64 hex digits>; get it from `agentid digest`"]],
        },
    ];
    for (const c of cases) {
        it(`reports ${c.title}`, () => {
            const report = validateTexts([{ file: "a.yaml", text: c.violating }], { now: NOW_DATE });
            assert.deepStrictEqual(report.errors.map((e) => [e.line, e.column, formatPath(e.path), e.rule, e.message]), c.errors);
            assert.deepStrictEqual(validateTexts([{ file: "a.yaml", text: c.compliant }], { now: NOW_DATE }).errors, []);
        });
    }

    it("reports fleet settings from code at <AgentFleet settings>, by setting name", () => {
        const report = validateTexts([{ file: "a.yaml", text: BASE_AGENT }], { now: NOW_DATE, settings: { allowedNamespaces: ["agents", "Ops"] } });
        assert.deepStrictEqual(report.errors, [{
            file: "<AgentFleet settings>", line: 1, column: 1, path: ["allowedNamespaces", 1], rule: "kubernetes-name",
            message: `namespace "Ops" is not a DNS-1123 label (lowercase letters, digits, '-', at most 63)`,
        }]);
        assert.deepStrictEqual(validateTexts([{ file: "a.yaml", text: BASE_AGENT }], { now: NOW_DATE, settings: { allowedNamespaces: ["agents"] } }).errors, []);
    });

    it("checks fleet settings from code against the Fleet document's schema, as a file's, and applies none of them when it fails", () => {
        // A misspelt setting was dropped without a word: `trustanchorArn` left the fleet's trust anchor unset.
        const settings = { maxLifetimeDays: 366, trustanchorArn: "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/a", defaultNamespace: 7, allowedNamespaces: ["Agents"] } as unknown as FleetSettings;
        const report = validateTexts([{ file: "a.yaml", text: BASE_AGENT }], { now: NOW_DATE, settings });
        const FLEET_SETTING_NAMES = "trustDomain, maxLifetimeDays, defaultNamespace, permissionsBoundaryArn, oidcProviderArn, trustAnchorArn, clusterName, x509SvidTtl, jwtSvidTtl, " +
            "independentApproval, separationOfDuties, gateways, awsAccountId, awsRegion, trustedAccountIds, allowedNamespaces, allowClusterSpiffeIds, oauthClientSharing, stacks";
        const at = (path: (string | number)[], rule: string, message: string) => ({ file: "<AgentFleet settings>", line: 1, column: 1, path, rule, message });
        assert.deepStrictEqual(report.errors, [
            at(["trustanchorArn"], "unknown-field", `unknown field "trustanchorArn" in settings; allowed fields: ${FLEET_SETTING_NAMES}`),
            at(["maxLifetimeDays"], "invalid-value", "settings.maxLifetimeDays must be at most 365"),
            at(["defaultNamespace"], "invalid-type", "settings.defaultNamespace must be a string"),
        ]);
        assert.strictEqual(report.settings.maxLifetimeDays, 90, "the defaults hold, not the malformed settings");
        assert.deepStrictEqual(settingsSchemaViolations({ maxLifetimeDays: 365, allowedNamespaces: ["agents"] }), []);
        assert.deepStrictEqual(settingsSchemaViolations(undefined), []);
    });

    it("names settings, never spec, in a message about settings from code: settings that are not an object, a key spelt as its Fleet path", () => {
        // "spec" is renamed where the message names the place (its start, or " in spec"), never inside a key the message quotes.
        const errorsOf = (settings: unknown) => validateTexts([{ file: "a.yaml", text: BASE_AGENT }], { now: NOW_DATE, settings: settings as FleetSettings }).errors;
        const at = (path: (string | number)[], rule: string, message: string) => ({ file: "<AgentFleet settings>", line: 1, column: 1, path, rule, message });
        assert.deepStrictEqual(errorsOf("agents"), [at([], "invalid-type", "settings must be an object")]);
        assert.deepStrictEqual(settingsSchemaViolations(["agents"]), [{ path: ["settings"], rule: "invalid-type", message: "settings must be an object" }]);
        assert.deepStrictEqual(errorsOf({ "spec.maxLifetimeDays": 30, stacks: { by: "team", "spec x": 1 } }), [
            at(["spec.maxLifetimeDays"], "unknown-field", `unknown field "spec.maxLifetimeDays" in settings; allowed fields: trustDomain, maxLifetimeDays, defaultNamespace, permissionsBoundaryArn, oidcProviderArn, trustAnchorArn, clusterName, x509SvidTtl, jwtSvidTtl, ` +
                "independentApproval, separationOfDuties, gateways, awsAccountId, awsRegion, trustedAccountIds, allowedNamespaces, allowClusterSpiffeIds, oauthClientSharing, stacks"),
            at(["stacks", "spec x"], "unknown-field", `unknown field "spec x" in settings.stacks; allowed fields: by, prefix`),
        ]);
    });

    it("quotes a settings key as written even when it holds \" in spec\": only the place the message names is settings", () => {
        // The place was once renamed by rewriting the message's first " in spec", which could be inside the quoted key.
        assert.deepStrictEqual(settingsSchemaViolations({ "a in spec.b": 1, stacks: { by: "team", "x in spec[0]": 1 } }).map((v) => [v.path, v.message]), [
            [["settings", "a in spec.b"], `unknown field "a in spec.b" in settings; allowed fields: trustDomain, maxLifetimeDays, defaultNamespace, permissionsBoundaryArn, oidcProviderArn, trustAnchorArn, clusterName, x509SvidTtl, jwtSvidTtl, ` +
                "independentApproval, separationOfDuties, gateways, awsAccountId, awsRegion, trustedAccountIds, allowedNamespaces, allowClusterSpiffeIds, oauthClientSharing, stacks"],
            [["settings", "stacks", "x in spec[0]"], `unknown field "x in spec[0]" in settings.stacks; allowed fields: by, prefix`],
        ]);
        assert.deepStrictEqual(settingsSchemaViolations({ gateways: { "x in spec.y": "arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/g" } }), [{
            path: ["settings", "gateways", "x in spec.y"], rule: "invalid-value",
            message: `the name "x in spec.y" in settings.gateways must match pattern "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"; rename it`,
        }]);
    });

    it("schemaViolations gives the violations validation places, and none for a complete agent", () => {
        const value = { apiVersion: "agentid/v1", kind: "Agent", metadata: { name: "x" }, spec: { description: "  ", owner: { team: "platform", contact: "platform@example.com" }, expiresAt: "2027-01-15" } };
        const missing = (field: string) => ({ path: ["spec"], rule: "required-field", message: `missing required field "${field}" in spec; add it` });
        const expected = [
            { path: ["metadata", "name"], rule: "name-format", message: "metadata.name must be 2-40 characters of lowercase letters, digits and '-', starting with a letter and not ending with '-'" },
            missing("grants"),
            { path: ["spec", "description"], rule: "invalid-value", message: "spec.description must not be blank; say it in words" },
        ];
        assert.deepStrictEqual(schemaViolations(value), expected);
        const placed = validateDeclarations([], { now: NOW_DATE, objects: [{ label: "agents[0]", value }] }).errors;
        assert.deepStrictEqual(placed.map(({ path: p, rule, message }) => ({ path: p, rule, message })), expected);
        assert.deepStrictEqual(schemaViolations({ ...value, metadata: { name: "fixture-agent" }, spec: { ...value.spec, description: "A fixture agent", grants } }), []);
    });
});

describe("validateDeclarations: declarations written in code that are not objects", () => {
    it("lists each as an agent whose document must be an object, undefined too (`agents: [ready ? agent : undefined]`), never failing on it", () => {
        const values = [undefined, null, "fixture-agent", 7, true];
        const report = validateDeclarations([], { now: NOW_DATE, objects: values.map((value, i) => ({ label: `<AgentFleet agents[${i}]>`, value })) });
        assert.deepStrictEqual(report.errors, values.map((_, i) => ({ file: `<AgentFleet agents[${i}]>`, line: 0, column: 0, path: [], rule: "invalid-type", message: "the document must be an object" })));
        assert.deepStrictEqual([report.valid, report.agents, report.declarations], [false, 5, []]);
    });
});

describe("validateDeclarations: stacks split by team or label", () => {
    const named = (name: string, team: string) => line(line(BASE_AGENT, "  name: fixture-agent", `  name: ${name}`), "    team: platform", `    team: ${team}`);
    const clash = (team: string) => validateTexts([{ file: "a.yaml", text: named("billing-bot", "Billing_Eng") }, { file: "b.yaml", text: named("intruder", team) }], { now: NOW_DATE, settings: { stacks: { by: "team" } } });

    it("refuses a team whose readable name spells another team's hashed stack, naming both", () => {
        // "Billing_Eng" is not a readable stack name, so its stack is agents-billing-eng-<hash of "Billing_Eng">.
        assert.deepStrictEqual(clash("billing-eng-22cf2c43").errors.map((e) => [e.file, e.line, e.column, formatPath(e.path), e.rule, e.message]), [[
            "b.yaml", 8, 5, "spec.owner.team", "stack-shard",
            `team "billing-eng-22cf2c43" gives stack agents-billing-eng-22cf2c43, which agent "billing-bot" (team "Billing_Eng", a.yaml:1) already has; a stack holds the agents of one value — change one of the two values`,
        ]]);
        assert.deepStrictEqual(clash("billing-eng").errors, [], "the readable team billing-eng has a stack of its own");
    });

    it("reports a missing shard label at the agent's labels when it has other labels", () => {
        const labelled = line(BASE_AGENT, "  name: fixture-agent", "  name: fixture-agent\n  labels:\n    env: prod");
        const sharded = { now: NOW_DATE, settings: { stacks: { by: "label:cost-center" as const } } };
        assert.deepStrictEqual(validateTexts([{ file: "c.yaml", text: labelled }], sharded).errors.map((e) => [e.line, e.column, formatPath(e.path), e.rule, e.message]), [[
            5, 3, "metadata.labels", "stack-shard",
            `the fleet is split into stacks by label "cost-center" (spec.stacks.by), but agent fixture-agent has no value for it; add metadata.labels.cost-center so it belongs to a stack`,
        ]]);
        assert.deepStrictEqual(validateTexts([{ file: "c.yaml", text: labelled.replace("    env: prod", "    env: prod\n    cost-center: cc-7") }], sharded).errors, []);
    });
});

describe("validateDeclarations: places and partial documents, word for word", () => {
    const FAR = "  expiresAt: 2027-06-01T00:00:00Z";
    const far = line(BASE_AGENT, "  expiresAt: 2027-01-15T00:00:00Z", FAR);
    const TOO_FAR = "expiresAt 2027-06-01T00:00:00Z is more than 90 days after now (2026-12-01T00:00:00Z); set it on or before 2027-03-01T00:00:00Z";
    const errorsOf = (files: { file: string; text: string }[], settings?: FleetSettings) =>
        validateTexts(files, { now: NOW_DATE, ...(settings ? { settings } : {}) }).errors.map((e) => [e.file, e.line, e.column, formatPath(e.path), e.rule, e.message]);
    const one = (text: string, settings?: FleetSettings) => errorsOf([{ file: "a.yaml", text }], settings);

    it("names the first Fleet document by the line of its kind, and reports the second there, with no agent", () => {
        const fleet = "# the fleet\n\napiVersion: agentid/v1\nkind: Fleet\nmetadata: { name: fleet-a }\nspec: { maxLifetimeDays: 90 }\n";
        assert.deepStrictEqual(validateTexts([{ file: "f1.yaml", text: fleet }, { file: "f2.yaml", text: fleet }, { file: "a.yaml", text: BASE_AGENT }], { now: NOW_DATE }).errors, [
            { file: "f2.yaml", line: 4, column: 1, path: ["kind"], rule: "fleet-duplicate", message: "only one kind: Fleet document is allowed; the first is at f1.yaml:4 — merge them" },
        ]);
    });

    it("lists a partial agent at its document's start, not at an unknown top-level key, whatever the key is called", () => {
        // Any spelling, a phrase with spaces too ("Stryker was here" is also the text the mutation tool puts in a path it empties).
        const text = `# agent\n${BASE_AGENT}Stryker was here: 1\nnotes: x\n`;
        const report = validateTexts([{ file: "a.yaml", text }], { now: NOW_DATE });
        assert.deepStrictEqual(report.found.map((f) => [f.file, f.line, f.column, f.valid, f.summary.name]), [["a.yaml", 2, 1, false, "fixture-agent"]]);
        const unknown = (key: string, at: number) => ["a.yaml", at, 1, key, "unknown-field", `unknown field "${key}" in the document; allowed fields: apiVersion, kind, metadata, spec`];
        assert.deepStrictEqual(errorsOf([{ file: "a.yaml", text }]), [unknown("Stryker was here", 21), unknown("notes", 22)]);
    });

    it("names the first declaration of a duplicate agent by the line of its name", () => {
        const named = `# agent\n${BASE_AGENT}`;
        assert.deepStrictEqual(errorsOf([{ file: "a.yaml", text: named }, { file: "b.yaml", text: named }]), [
            ["b.yaml", 5, 3, "metadata.name", "duplicate-name", `agent "fixture-agent" is already declared at a.yaml:5; agent names are unique across the fleet — rename one`],
        ]);
    });

    it("names where the other agent of a shared identity starts, and each separation-of-duties rule's grant by line and column", () => {
        const sharing = (name: string) => `# ${name}\n${line(line(BASE_AGENT, "  name: fixture-agent", `  name: ${name}`), "  identity:", "  identity:\n    spiffeId: spiffe://example.org/shared/one")}`;
        assert.deepStrictEqual(errorsOf([{ file: "a.yaml", text: sharing("first-agent") }, { file: "b.yaml", text: sharing("second-agent") }]), [
            ["b.yaml", 13, 5, "spec.identity.spiffeId", "identity-shared", `SPIFFE ID spiffe://example.org/shared/one already belongs to agent "first-agent" (a.yaml:2); one identity, one agent — give this agent its own`],
        ]);
        const rule = (name: string, resource: string) => ({ name, forbid: [{ connector: "aws.s3", access: "read" as const, resources: [resource] }] });
        const held = (name: string, resource: string) => `separation-of-duties rule "${name}": this agent holds every duty it forbids — aws.s3 read on ${resource} by grant 0 (a.yaml:17:7); move one of these duties to another agent (with its own identity and OAuth client), or change the rule with its owners`;
        assert.deepStrictEqual(errorsOf([{ file: "a.yaml", text: `# x\n${BASE_AGENT}` }], { separationOfDuties: [rule("r-one", "arn:aws:s3:::bucket/*"), rule("r-two", "arn:aws:s3:::bucket/prefix/*")] }), [
            ["a.yaml", 17, 7, "spec.grants[0]", "separation-of-duties", held("r-one", "arn:aws:s3:::bucket/*")],
            ["a.yaml", 17, 7, "spec.grants[0]", "separation-of-duties", held("r-two", "arn:aws:s3:::bucket/prefix/*")],
        ]);
    });

    it("reports a wrong apiVersion as the one value it must be, and a name one character too long as the name rule (40 pass)", () => {
        assert.deepStrictEqual(one(line(BASE_AGENT, "apiVersion: agentid/v1", "apiVersion: agentid/v2")), [["a.yaml", 1, 1, "apiVersion", "invalid-value", `apiVersion must be "agentid/v1"`]]);
        const NAME_FORMAT = "metadata.name must be 2-40 characters of lowercase letters, digits and '-', starting with a letter and not ending with '-'";
        assert.deepStrictEqual(one(line(BASE_AGENT, "  name: fixture-agent", `  name: ${"a".repeat(41)}`)), [["a.yaml", 4, 3, "metadata.name", "name-format", NAME_FORMAT]]);
        assert.deepStrictEqual(one(line(BASE_AGENT, "  name: fixture-agent", `  name: ${"a".repeat(40)}`)), []);
    });

    it("does not take two agents without a name for duplicates", () => {
        const unnamed = line(BASE_AGENT, "  name: fixture-agent", "  labels: {}");
        assert.deepStrictEqual(errorsOf([{ file: "a.yaml", text: unnamed }, { file: "b.yaml", text: unnamed }]), [
            ["a.yaml", 3, 1, "metadata", "required-field", `missing required field "name" in metadata; add it`],
            ["b.yaml", 3, 1, "metadata", "required-field", `missing required field "name" in metadata; add it`],
        ]);
    });

    it("still checks the readable fields of a document that failed the schema, and only once per field", () => {
        assert.deepStrictEqual(one(line(far, "      access: read", "      access: read\n      bucket: x")), [
            ["a.yaml", 18, 7, "spec.grants[0].bucket", "unknown-field", `unknown field "bucket" in spec.grants[0]; allowed fields: connector, access, actions, resources, resourceNames, namespace, verbs, apiGroups, scopes, tools`],
            ["a.yaml", 10, 3, "spec.expiresAt", "expiry-too-far", TOO_FAR],
        ]);
        assert.deepStrictEqual(one(line(far, "    contact: platform@example.com", null)), [
            ["a.yaml", 7, 3, "spec.owner", "required-field", `missing required field "contact" in spec.owner; add it`],
            ["a.yaml", 9, 3, "spec.expiresAt", "expiry-too-far", TOO_FAR],
        ]);
        assert.deepStrictEqual(one(line(far, "      trust: rolesAnywhere", "      trust: magic")), [
            ["a.yaml", 13, 7, "spec.identity.aws.trust", "invalid-value", `spec.identity.aws.trust must be one of "irsa", "podIdentity", "rolesAnywhere", "agentcore"`],
            ["a.yaml", 10, 3, "spec.expiresAt", "expiry-too-far", TOO_FAR],
        ]);
        assert.deepStrictEqual(one(line(far, "  description: A fixture agent", "  description: 42")), [
            ["a.yaml", 6, 3, "spec.description", "invalid-type", "spec.description must be a string"],
            ["a.yaml", 10, 3, "spec.expiresAt", "expiry-too-far", TOO_FAR],
        ]);
    });

    it("drops an unknown field before the guardrails read the rest (a write grant still needs approval) and stands in for a value of the wrong type", () => {
        assert.deepStrictEqual(one(line(BASE_AGENT, "      access: read", "      access: write\n      bucket: x")), [
            ["a.yaml", 18, 7, "spec.grants[0].bucket", "unknown-field", `unknown field "bucket" in spec.grants[0]; allowed fields: connector, access, actions, resources, resourceNames, namespace, verbs, apiGroups, scopes, tools`],
            ["a.yaml", 16, 7, "spec.grants[0]", "approval-required", "grant 0 (aws.s3, write, risk medium) needs spec.approval with a ticket and approvers before it can be applied"],
        ]);
        assert.deepStrictEqual(one(line(line(far, "      resources:", "      resources: arn:aws:s3:::bucket/prefix/*"), "        - arn:aws:s3:::bucket/prefix/*", null)), [
            ["a.yaml", 18, 7, "spec.grants[0].resources", "invalid-type", "spec.grants[0].resources must be an array"],
            ["a.yaml", 10, 3, "spec.expiresAt", "expiry-too-far", TOO_FAR],
        ]);
    });

    it("stands in for a missing field alone, not its parent: the sibling's own finding stays", () => {
        const text = line(line(BASE_AGENT, "    contact: platform@example.com", null), "    team: platform", "    team: platform!");
        assert.deepStrictEqual(one(text), [
            ["a.yaml", 7, 3, "spec.owner", "required-field", `missing required field "contact" in spec.owner; add it`],
            ["a.yaml", 8, 5, "spec.owner.team", "tag-value", `owner team "platform!" cannot be an AWS tag value (at most 256 letters, digits, spaces and _ . : / = + - @); the role carries it as a tag`],
        ]);
    });

    it("words pattern and length errors of other fields plainly", () => {
        assert.deepStrictEqual(one(line(BASE_AGENT, "      trustAnchorArn: arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/abc", "      trustAnchorArn: not-an-arn")), [
            ["a.yaml", 14, 7, "spec.identity.aws.trustAnchorArn", "invalid-value", `spec.identity.aws.trustAnchorArn must match pattern "^arn:aws[a-z-]*:"`],
        ]);
        const podIdentity = line(line(BASE_AGENT, "      trust: rolesAnywhere", `      trust: podIdentity\n      clusterName: ""`), "      trustAnchorArn: arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/abc", null);
        assert.deepStrictEqual(one(podIdentity, { awsAccountId: "123456789012", awsRegion: "us-east-1" }), [
            ["a.yaml", 14, 7, "spec.identity.aws.clusterName", "invalid-value", "spec.identity.aws.clusterName must not be empty"],
        ]);
    });

    it("places errors under keys with digits, '/' and '~' at those keys", () => {
        const labelled = line(BASE_AGENT, "  name: fixture-agent", `  name: fixture-agent\n  labels:\n    v2: 5\n    2x: 5\n    "12": 5\n    a~b/c: 5`);
        assert.deepStrictEqual(one(labelled), [
            ["a.yaml", 8, 5, "metadata.labels[12]", "invalid-type", "metadata.labels[12] must be a string"],
            ["a.yaml", 6, 5, "metadata.labels.v2", "invalid-type", "metadata.labels.v2 must be a string"],
            ["a.yaml", 7, 5, "metadata.labels.2x", "invalid-type", "metadata.labels.2x must be a string"],
            ["a.yaml", 9, 5, "metadata.labels.a~b/c", "invalid-type", "metadata.labels.a~b/c must be a string"],
        ]);
    });

    it("compares the approved digest of a partial agent's grants once its unknown field is dropped: no mismatch when the rest was approved", () => {
        const approved = (digest: string) => line(line(BASE_AGENT, "      access: read", "      access: read\n      bucket: x"), "  expiresAt: 2027-01-15T00:00:00Z",
            `  expiresAt: 2027-01-15T00:00:00Z\n  approval:\n    ticket: SEC-1\n    approvers: [sec@example.com]\n    grantsDigest: ${digest}`);
        const declared = grantsDigest([{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::bucket/prefix/*"] }]);
        const unknown = ["a.yaml", 22, 7, "spec.grants[0].bucket", "unknown-field", `unknown field "bucket" in spec.grants[0]; allowed fields: connector, access, actions, resources, resourceNames, namespace, verbs, apiGroups, scopes, tools`];
        assert.deepStrictEqual(one(approved(declared)), [unknown]);
        // The control: a digest of other grants is still a mismatch on the partial agent, named with the declared grants' digest.
        assert.deepStrictEqual(one(approved(`sha256:${ZEROS}`)), [unknown, ["a.yaml", 14, 5, "spec.approval.grantsDigest", "grants-digest-mismatch",
            `grantsDigest does not match spec.grants (now ${declared}); the grants changed after approval — get them re-approved, then paste the output of \`agentid digest --agent fixture-agent\``]]);
    });

    it("lists a document of another kind with its kind's error alone, though the guardrails cannot read the rest", () => {
        // Not an Agent, so the agent schema does not apply: without grants the guardrails fail on it, and say nothing.
        const other = line(BASE_AGENT, "kind: Agent", "kind: Agnet").replace(/  grants:[\s\S]*$/, "");
        assert.deepStrictEqual(one(other), [["a.yaml", 2, 1, "kind", "invalid-value", `kind must be one of "Agent", "Fleet"`]]);
    });

    it("names every gateway whose name breaks the rule for names, at its line, and words each gateway ARN's own error as an ARN's whatever the name", () => {
        const gateway = (name: string, arn: string) => `    "${name}": ${arn}`;
        const ARN = "arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/g";
        const fleet = ["apiVersion: agentid/v1", "kind: Fleet", "metadata:", "  name: example-fleet", "spec:", "  gateways:",
            gateway("support-tools", ARN), gateway("Support_Tools", ARN), gateway("grantsDigest.x", "nope"), gateway("x.spec.owner.contact", "nope"),
            gateway("x.spec.approval.approvers[0]", "nope"), gateway("x.spec.expiresAt", "nope"), gateway("x.spec.reviewBy", "nope"),
            gateway("spiffeId", "nope"), gateway("x.spec.identity.spire.parentId", "nope"), gateway("spec.approval.grantsDigest", "nope"), ""].join("\n");
        const badName = (name: string, row: number) => ["a.yaml", row, 5, `spec.gateways.${name}`, "invalid-value", `the name "${name}" in spec.gateways must match pattern "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"; rename it`];
        const badArn = (name: string, row: number) => ["a.yaml", row, 5, `spec.gateways.${name}`, "invalid-value", `spec.gateways.${name} must match pattern "^arn:aws[a-z-]*:"`];
        const names = ["Support_Tools", "grantsDigest.x", "x.spec.owner.contact", "x.spec.approval.approvers[0]", "x.spec.expiresAt", "x.spec.reviewBy",
            "spiffeId", "x.spec.identity.spire.parentId", "spec.approval.grantsDigest"];
        assert.deepStrictEqual(one(fleet), [...names.map((n, i) => badName(n, 8 + i)), ...names.slice(1).map((n, i) => badArn(n, 9 + i))]);
    });

    it("is not valid when a path is missing, even with nothing else wrong", () => {
        const dir = writeFixtures({ "agent.yaml": BASE_AGENT });
        const missing = path.join(dir, "absent");
        const report = validateDeclarations([dir, missing], { now: NOW_DATE });
        assert.deepStrictEqual([report.valid, report.errors, report.missing, report.unreadable, report.agents], [false, [], [missing], [], 1]);
        assert.strictEqual(validateDeclarations([dir], { now: NOW_DATE }).valid, true, "the control");
    });

    it("reports an approver that is no e-mail address at any position, the eleventh too", () => {
        const approvers = [...Array.from({ length: 10 }, (_, i) => `      - a${i}@example.com`), "      - not-an-email"].join("\n");
        const text = line(BASE_AGENT, "  expiresAt: 2027-01-15T00:00:00Z", `  expiresAt: 2027-01-15T00:00:00Z\n  approval:\n    ticket: SEC-1\n    approvers:\n${approvers}`);
        assert.deepStrictEqual(one(text), [["a.yaml", 24, 9, "spec.approval.approvers[10]", "contact-email", "spec.approval.approvers[10] must be an e-mail address such as team@example.com"]]);
    });
});
