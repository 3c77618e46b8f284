import * as assert from "assert";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { complianceReport, FRAMEWORKS } from "../../../provider/review/compliance";
import { inventoryOf, renderBackstage, renderInventoryCsv } from "../../../provider/review/inventory";
import { reviewedAgents } from "../../../provider/review/reviewedAgent";
import { validateDeclarations, validateTexts } from "../../../provider/guardrails/validate";
import { cli, NOW, NOW_DATE } from "../../helpers/fixtures";

const AGENTS = path.join(__dirname, "../../../../agents");
/** The sample fleet's reviewed agents, built inside each test (not at load, where no test would own the work). */
function sampleViews() {
    return reviewedAgents(validateDeclarations([AGENTS], { now: NOW_DATE }), NOW_DATE);
}

describe("inventory", () => {
    it("lists every agent with owner, days left, identities and reach counts", () => {
        const entries = inventoryOf(sampleViews(), NOW_DATE);
        assert.deepStrictEqual(entries.map((e) => [e.name, e.owner.team, e.daysLeft, e.reach!.aws.length, e.reach!.kubernetes.length, e.reach!.saas.length, e.reach!.tools.length]), [
            ["billing-reconciler", "billing-eng", 89, 10, 0, 0, 0],
            ["billing-reporter", "billing-eng", 45, 4, 0, 0, 0],
            ["ops-responder", "sre", 9, 1, 3, 0, 0],
            ["research-assistant", "developer-experience", 61, 2, 0, 2, 2],
            ["support-triage", "support-platform", 76, 3, 2, 0, 2],
        ]);
    });

    it("marks an agent expired once now passes its expiry", () => {
        assert.deepStrictEqual(inventoryOf(sampleViews(), new Date("2026-12-10T00:00:00Z")).filter((e) => e.status === "expired").map((e) => e.name), ["ops-responder"]);
    });

    it("writes one CSV row per agent under a header", () => {
        const lines = renderInventoryCsv(inventoryOf(sampleViews(), NOW_DATE)).trimEnd().split("\n");
        assert.strictEqual(lines[0], "name,owner_team,owner_contact,expires_at,days_left,status,identities,aws,kubernetes,saas,tools,valid,errors");
        assert.strictEqual(lines.length, 6);
        assert.match(lines[3], /^ops-responder,sre,sre@example.com,2026-12-10T00:00:00Z,9,active,/);
    });

    it("emits Backstage Resource entities of type ai-agent owned by the team", () => {
        const docs = parseAllDocuments(renderBackstage(inventoryOf(sampleViews(), NOW_DATE))).map((d) => d.toJS());
        assert.strictEqual(docs.length, 5);
        assert.deepStrictEqual([docs[0].apiVersion, docs[0].kind, docs[0].metadata.name, docs[0].spec], ["backstage.io/v1alpha1", "Resource", "billing-reconciler", { type: "ai-agent", owner: "billing-eng", lifecycle: "production" }]);
    });

    it("marks invalid agents: Backstage tags them, and writes a comment instead of an entity for one that failed the schema", () => {
        const text = (name: string, extra: string) => `apiVersion: agentid/v1\nkind: Agent\nmetadata: { name: ${name} }\nspec:\n  description: d\n  owner: { team: t, contact: t@example.com }\n  expiresAt: 2027-01-15\n${extra}  grants: [{ connector: kubernetes, resources: [configmaps], verbs: [${name === "writer" ? "patch" : "get"}] }]\n`;
        const report = validateTexts([
            { file: "a.yaml", text: text("broken", "  colour: red\n") },
            { file: "b.yaml", text: text("writer", "") },
        ], { now: NOW_DATE });
        const entries = inventoryOf(reviewedAgents(report, NOW_DATE), NOW_DATE);
        assert.deepStrictEqual(entries.map((e) => [e.name, e.valid, e.errors.map((x) => x.rule)]), [["broken", false, ["unknown-field"]], ["writer", false, ["approval-required"]]]);
        const output = renderBackstage(entries);
        assert.strictEqual(output.split("\n")[0], "# agentid: agent broken is not exported: its declaration is invalid (1 error: unknown-field); run agentid validate");
        const docs = parseAllDocuments(output).map((d) => d.toJS()).filter((d) => d !== null);
        assert.deepStrictEqual(docs.map((d) => [d.metadata.name, d.metadata.tags, d.metadata.annotations["agentid.dev/invalid"]]), [["writer", ["ai-agent", "invalid"], "1 error: approval-required"]]);
    });

    it("prints the inventory JSON contract", async () => {
        const result = await cli("inventory", AGENTS, "--now", NOW, "--json");
        const { agents } = JSON.parse(result.stdout);
        assert.deepStrictEqual(Object.keys(agents[0]), ["name", "description", "owner", "expiresAt", "daysLeft", "status", "identities", "reach", "valid", "errors"]);
    });
});

describe("compliance report", () => {
    it("fails NHI5 only for the agents whose reach is high-risk or unapproved", () => {
        const nhi5 = complianceReport("owasp-nhi", sampleViews(), NOW_DATE).controls.find((c) => c.id === "NHI5")!;
        assert.deepStrictEqual(nhi5.agents.map((a) => [a.agent, a.status]), [
            ["billing-reconciler", "pass"], ["billing-reporter", "pass"], ["ops-responder", "fail"], ["research-assistant", "pass"], ["support-triage", "pass"],
        ]);
        // Patching deployments runs pods as any service account of the namespace: high risk, with an unpinned approval.
        assert.strictEqual(nhi5.agents[2].evidence, "1 high-risk permission(s): patch deployments (apps) in namespace production; approved in SEC-1301 but not pinned to a grants digest (agentid digest)");
        assert.strictEqual(nhi5.status, "fail");
    });

    it("fails NHI1 for an agent that expired and is still declared", () => {
        const nhi1 = complianceReport("owasp-nhi", sampleViews(), new Date("2026-12-11T00:00:00Z")).controls.find((c) => c.id === "NHI1")!;
        assert.deepStrictEqual(nhi1.agents.filter((a) => a.status === "fail").map((a) => [a.agent, a.evidence]), [["ops-responder", "expired at 2026-12-10T00:00:00Z and still declared: run agentid reap"]]);
    });

    it("passes NHI7 with the session and SVID lifetimes as evidence", () => {
        const nhi7 = complianceReport("owasp-nhi", sampleViews(), NOW_DATE).controls.find((c) => c.id === "NHI7")!;
        assert.strictEqual(nhi7.status, "pass");
        assert.strictEqual(nhi7.agents[4].evidence, "no access keys; AWS sessions ≤ 3600s via rolesAnywhere; SVID 900s");
    });

    it("covers every framework with controls evidenced per agent", () => {
        for (const framework of FRAMEWORKS) {
            const report = complianceReport(framework, sampleViews(), NOW_DATE);
            assert.ok(report.controls.length >= 3, framework);
            for (const control of report.controls) assert.strictEqual(control.agents.length, 5);
        }
        assert.deepStrictEqual(complianceReport("owasp-asi", sampleViews(), NOW_DATE).controls.map((c) => c.id), ["ASI02", "ASI03", "ASI10"]);
        assert.deepStrictEqual(complianceReport("nist-ai-rmf", sampleViews(), NOW_DATE).controls.map((c) => c.id), ["GOVERN", "MAP", "MEASURE", "MANAGE"]);
    });

    it("refuses an unknown framework with exit 2", async () => {
        const result = await cli("report", AGENTS, "--framework", "iso-27001");
        assert.strictEqual(result.code, 2);
        assert.match(result.stderr, /--framework must be one of owasp-nhi, owasp-asi, maestro, nist-ai-rmf/);
    });
});
