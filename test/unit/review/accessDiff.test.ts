import * as assert from "assert";
import { diffFleets, diffFleetSettings, renderDiffMarkdown } from "../../../provider/review/accessDiff";
import { viewOf } from "../../../provider/review/accessView";
import { NOW_DATE } from "../../helpers/fixtures";
import { resolveSettings } from "../../../provider/model/settings";
import type { AgentDeclaration, AgentSpec } from "../../../provider/declarations/types";

const SETTINGS = resolveSettings({ trustAnchorArn: "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/a", clusterName: "prod" });
const BUCKET = "arn:aws:s3:::tickets/inbound/*";

function agent(name: string, spec: Partial<AgentSpec> = {}): AgentDeclaration {
    return {
        apiVersion: "agentid/v1", kind: "Agent", metadata: { name },
        spec: {
            description: "d", owner: { team: "support", contact: "support@example.com" }, expiresAt: "2027-01-15T00:00:00Z",
            identity: { aws: { trust: "rolesAnywhere" } }, grants: [{ connector: "aws.s3", access: "read", resources: [BUCKET] }], ...spec,
        },
    };
}
const diff = (base: AgentDeclaration[], head: AgentDeclaration[]) =>
    diffFleets(base.map((d) => viewOf(d, SETTINGS, NOW_DATE)), head.map((d) => viewOf(d, SETTINGS, NOW_DATE))).flatMap((d) => d.changes).map((c) => [c.kind, c.risk, c.detail]);

describe("access diff", () => {
    it("reports nothing for identical fleets", () => assert.deepStrictEqual(diff([agent("a")], [agent("a")]), []));

    it("reports an added agent at least medium, high when it reaches high-risk permissions", () => {
        assert.deepStrictEqual(diff([], [agent("a")]), [["added", "medium", "new agent owned by support, expires 2027-01-15T00:00:00Z, 2 permissions"]]);
        const admin = agent("b", { grants: [{ connector: "kubernetes", resources: ["secrets"], verbs: ["get"] }] });
        assert.strictEqual(diff([], [admin])[0][1], "high");
    });

    it("reports a removed agent as low risk", () => {
        assert.deepStrictEqual(diff([agent("a")], []), [["removed", "low", "agent removed with all its identities and 2 permissions"]]);
    });

    it("reports a grant on new resources as grant-added, at least medium", () => {
        const head = agent("a", { grants: [{ connector: "aws.s3", access: "read", resources: [BUCKET] }, { connector: "aws.sqs", access: "read", resources: ["arn:aws:sqs:us-east-1:123456789012:q"] }] });
        assert.deepStrictEqual(diff([agent("a")], [head]), [["grant-added", "medium", "aws.sqs: sqs:ReceiveMessage on arn:aws:sqs:us-east-1:123456789012:q; sqs:GetQueueAttributes on arn:aws:sqs:us-east-1:123456789012:q"]]);
    });

    it("reports a dropped grant as grant-removed, low", () => {
        const base = agent("a", { grants: [{ connector: "aws.s3", access: "read", resources: [BUCKET] }, { connector: "kubernetes", resources: ["pods"], verbs: ["get"] }] });
        // The service account existed only for that grant, so it goes too.
        assert.deepStrictEqual(diff([base], [agent("a")]), [
            ["grant-removed", "low", "kubernetes: get pods in namespace agents"],
            ["identity-changed", "high", "Kubernetes service account agents/a → none"],
        ]);
    });

    it("reports read → readwrite as access-widened, medium", () => {
        assert.deepStrictEqual(diff([agent("a")], [agent("a", { grants: [{ connector: "aws.s3", access: "readwrite", resources: [BUCKET] }] })]),
            [["access-widened", "medium", `aws.s3: + s3:PutObject on ${BUCKET}`]]);
    });

    it("reports widening to a destructive verb as high", () => {
        const base = agent("a", { grants: [{ connector: "kubernetes", resources: ["pods"], verbs: ["get"] }] });
        const head = agent("a", { grants: [{ connector: "kubernetes", resources: ["pods"], verbs: ["get", "delete"] }] });
        assert.deepStrictEqual(diff([base], [head]), [["access-widened", "high", "kubernetes: + delete pods in namespace agents"]]);
    });

    it("reports readwrite → read as access-narrowed, low", () => {
        assert.deepStrictEqual(diff([agent("a", { grants: [{ connector: "aws.s3", access: "readwrite", resources: [BUCKET] }] })], [agent("a")]),
            [["access-narrowed", "low", `aws.s3: - s3:PutObject on ${BUCKET}`]]);
    });

    it("reports a later expiry as expiry-extended (medium) and an earlier one as expiry-shortened (low)", () => {
        assert.deepStrictEqual(diff([agent("a")], [agent("a", { expiresAt: "2027-01-25" })]), [["expiry-extended", "medium", "2027-01-15T00:00:00Z → 2027-01-25T00:00:00Z (+10 days)"]]);
        assert.deepStrictEqual(diff([agent("a")], [agent("a", { expiresAt: "2027-01-05" })]), [["expiry-shortened", "low", "2027-01-15T00:00:00Z → 2027-01-05T00:00:00Z (-10 days)"]]);
    });

    it("reports an owner change as medium and identity changes as high", () => {
        assert.deepStrictEqual(diff([agent("a")], [agent("a", { owner: { team: "sre", contact: "sre@example.com" } })]),
            [["owner-changed", "medium", "support <support@example.com> → sre <sre@example.com>"]]);
        assert.deepStrictEqual(diff([agent("a")], [agent("a", { identity: { aws: { trust: "podIdentity" } } })]), [
            ["identity-changed", "high", "AWS trust rolesAnywhere (session 3600s) → podIdentity (session 3600s)"],
            ["identity-changed", "high", "Kubernetes service account none → agents/a"],
        ]);
    });

    it("reports sharding a fleet into stacks as a low-risk Fleet change: it moves agents, not their access", () => {
        const changes = diffFleetSettings({ maxLifetimeDays: 60 }, { maxLifetimeDays: 60, stacks: { by: "team" } })?.changes.map((c) => [c.agent, c.kind, c.risk, c.detail]);
        assert.deepStrictEqual(changes, [["(fleet)", "fleet-setting-changed", "low", `stacks: (unset) → {"by":"team"} (moves agents between stacks, not their access; agentid plan --all shows each move)`]]);
        assert.strictEqual(diffFleetSettings({ stacks: { by: "team" } }, { stacks: { by: "label:env", prefix: "prod" } })?.changes[0].risk, "low");
    });

    it("renders a pull-request comment with a summary line and before/after permissions", () => {
        const md = renderDiffMarkdown(diffFleets([viewOf(agent("a"), SETTINGS, NOW_DATE)], [viewOf(agent("a", { grants: [{ connector: "aws.s3", access: "readwrite", resources: [BUCKET] }] }), SETTINGS, NOW_DATE)]));
        assert.strictEqual(md.split("\n")[0], "**agentid access diff**: 1 change to 1 agent — 0 high, 1 medium, 0 low risk.");
        assert.match(md, /### `a`\n\n\| change \| risk \| detail \|\n\|---\|---\|---\|\n\| access-widened \| 🟠 medium \| `aws\.s3: \+ s3:PutObject on arn:aws:s3:::tickets\/inbound\/\*` \|/);
        assert.match(md, /```diff\n  s3:GetObject on arn:aws:s3:::tickets\/inbound\/\*\n  s3:ListBucket on arn:aws:s3:::tickets \(prefix-scoped\)\n\+ s3:PutObject on arn:aws:s3:::tickets\/inbound\/\*\n```/);
    });
});
