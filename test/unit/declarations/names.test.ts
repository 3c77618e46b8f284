import * as assert from "assert";
import Ajv2020 from "ajv/dist/2020";
import fc from "fast-check";
import { catalog } from "../../../provider/connectors/catalog";
import { toolActionId } from "../../../provider/platforms/agentcore/cedar";
import { OAUTH_SCOPES } from "../../../provider/connectors/oauthScopes";
import { cedarPolicyNameOf, GRANTS_POLICY_NAME, hashedName, oauthProviderNameOf, policyEngineNameOf, rbacNameOf, roleNameOf, workloadIdentityNameOf } from "../../../provider/model/names";
import { AGENT_NAME_MAX, fitsLimit, isAgentName, isDns1123Label, NAME_LIMITS, isEmail, isSpireAgentId, isSpireReservedId, isSpireServerId, spireParentPlace } from "../../../provider/declarations/names";
import agentSchema = require("../../../schema/agent.schema.json");

describe("names", () => {
    it("keeps the longest allowed agent name's IAM role within IAM's 64 characters", () => {
        const longest = `a${"b".repeat(AGENT_NAME_MAX - 1)}`;
        assert.strictEqual(isAgentName(longest), true);
        assert.strictEqual(isAgentName(`${longest}c`), false);
        assert.strictEqual(roleNameOf(longest).length, 46);
        assert.ok(roleNameOf(longest).length <= NAME_LIMITS.iamRole.max);
    });

    it("accepts agent names of 2-40 lowercase letters, digits and '-', starting with a letter, not ending with '-'", () => {
        assert.deepStrictEqual(["ab", "a", "a-", "a1", "1a", "aB", "a".repeat(40), "a".repeat(41)].map(isAgentName), [true, false, false, true, false, false, true, false]);
    });

    it("checks both ends of a length limit", () => {
        assert.deepStrictEqual(["ab", "abc", "a".repeat(255), "a".repeat(256)].map((n) => fitsLimit(n, NAME_LIMITS.workloadIdentity)), [false, true, true, false]);
        assert.strictEqual(fitsLimit("", NAME_LIMITS.kubernetesLabelValue), true);
    });

    it("hashes names into [A-Za-z][A-Za-z0-9_]*: leading non-letters dropped, nothing left becomes n, the label cut to fit", () => {
        assert.deepStrictEqual([hashedName(["9-lives"], 20), hashedName(["123"], 20), hashedName(["a", "b"], 48), hashedName(["x"], 12, "long-label-here")],
            ["lives_a197c01e", "n_2f22ba47", "a_b_0473ef2d", "lon_cd65ea2c"]);
    });

    it("accepts DNS-1123 labels only", () => {
        assert.deepStrictEqual(["agents", "a-1", "A", "-a", "a-", "a".repeat(64)].map(isDns1123Label), [true, true, false, false, false, false]);
    });

    it("accepts e-mail addresses only: no mailto:, display names, markup or spaces", () => {
        const cases: [string, boolean][] = [
            ["team@example.com", true], ["a.b+tag@sub.example.org", true], ["o'neil@example.ie", true],
            ["mailto:team@example.com", false], ["<script>@x.yz", false], ["Team <team@example.com>", false],
            ["team @example.com", false], ["team@example", false], ["a..b@example.com", false], ["team@-x.com", false],
            ["team@example.com\n", false], [`${"a".repeat(65)}@example.com`, false],
        ];
        assert.deepStrictEqual(cases.map(([text]) => [text, isEmail(text)]), cases);
    });

    it("agrees with the schema's e-mail definition on every input (one definition)", () => {
        const schemaSays = new Ajv2020({ strict: true }).compile({ ...agentSchema.$defs.email, $schema: undefined });
        const near = fc.string({ unit: fc.constantFrom(..."aZ09.@-_+<>: '\"\n".split(""), "mailto:", "example.com", "\u00e9"), maxLength: 30 });
        fc.assert(fc.property(fc.oneof(near, fc.string({ unit: "binary", maxLength: 30 })), (text) => {
            assert.strictEqual(isEmail(text), schemaSays(text), JSON.stringify(text));
        }), { numRuns: 2000 });
    });
});

describe("generated names within the limits their APIs document", () => {
    const longest = `a${"b".repeat(AGENT_NAME_MAX - 2)}c`;
    const gateway = `g${"w".repeat(61)}z`; // a 63-character DNS label
    const tool = `${"t".repeat(64)}/${"x".repeat(128)}`;
    // [name kind, what is named, the generated name] — every row cites the API's documented rule (NAME_LIMITS.*.source).
    // Names are generated inside each test, not at load, so that mutation testing attributes them to it.
    const table: [keyof typeof NAME_LIMITS, string, () => string][] = [
        ["iamRole", "role of the longest agent name", () => roleNameOf(longest)],
        ["iamInlinePolicy", "grants policy", () => GRANTS_POLICY_NAME],
        ["workloadIdentity", "workload identity of a 2-character agent", () => workloadIdentityNameOf("ab")],
        ["workloadIdentity", "workload identity of the longest agent name", () => workloadIdentityNameOf(longest)],
        ["oauthCredentialProvider", "fleet's salesforce provider", () => oauthProviderNameOf("salesforce")],
        ["oauthCredentialProvider", "longest agent's own salesforce provider", () => oauthProviderNameOf("salesforce", longest)],
        ["agentcorePolicyEngine", "fleet's engine for a 63-character gateway", () => policyEngineNameOf(gateway)],
        ["agentcorePolicyEngine", "longest agent's engine for a 63-character gateway", () => policyEngineNameOf(gateway, longest)],
        ["agentcorePolicy", "longest agent, gateway and tool", () => cedarPolicyNameOf(longest, gateway, tool)],
        ["agentcorePolicy", "the sample's support-triage crm/lookupCustomer", () => cedarPolicyNameOf("support-triage", "support-tools", "crm/lookupCustomer")],
        ["kubernetesObject", "RBAC objects of the longest agent name", () => rbacNameOf(longest)],
        ["kubernetesLabelValue", "the longest agent name as a label", () => longest],
    ];
    for (const [kind, what, generate] of table) {
        it(`${kind}: ${what} — ${NAME_LIMITS[kind].source}`, () => {
            const name = generate();
            assert.ok(fitsLimit(name, NAME_LIMITS[kind]), `${name} (${name.length} characters) breaks ${NAME_LIMITS[kind].source}`);
        });
    }

    it("names the sample's 49-character Cedar policy within 48, keeping it readable", () => {
        assert.strictEqual(cedarPolicyNameOf("support-triage", "support-tools", "crm/lookupCustomer"), "support_triage_crm_lookupCustomer_fbd62f43");
    });

    it("names the fleet's policy engine of a gateway agentid_<gateway>_<hash> and one agent's agentid_<agent>_<gateway>_<hash>", () => {
        // The hash is the first 8 hex digits of sha256 over the JSON of the parts: ["agentid","support-tools"], ["agentid","support-triage","support-tools"].
        assert.deepStrictEqual([policyEngineNameOf("support-tools"), policyEngineNameOf("support-tools", "support-triage")],
            ["agentid_support_tools_b150167c", "agentid_support_triage_support_tools_071c1abf"]);
    });

    it("keeps names distinct where sanitising would merge them", () => {
        assert.notStrictEqual(policyEngineNameOf("b-c", "a"), policyEngineNameOf("c", "a-b"));
        assert.notStrictEqual(cedarPolicyNameOf("a", "g", "crm/look-up"), cedarPolicyNameOf("a", "g", "crm/look_up"));
        assert.notStrictEqual(cedarPolicyNameOf("a", "g1", "crm/x"), cedarPolicyNameOf("a", "g2", "crm/x"));
        // Provider names split at their last '-': unique because no vendor name holds one.
        assert.deepStrictEqual(Object.keys(OAUTH_SCOPES).filter((vendor) => vendor.includes("-")), []);
    });

    it("shortens deterministically: the same inputs give the same name", () => {
        assert.strictEqual(cedarPolicyNameOf(longest, gateway, tool), cedarPolicyNameOf(longest, gateway, tool));
        assert.strictEqual(cedarPolicyNameOf(longest, gateway, tool).length, 48);
    });
});

describe("Cedar action ids", () => {
    it("are unambiguous: a target may not hold __ or end in _, so the first ___ is always the separator", () => {
        const tools = ["crm/lookup", "crm/_lookup", "c_rm/lookup", "crm/look___up"];
        const ids = tools.map(toolActionId);
        assert.strictEqual(new Set(ids).size, tools.length);
        for (const [i, id] of ids.entries()) assert.strictEqual(id.slice(0, id.indexOf("___")), tools[i].split("/")[0]);
        const refused = catalog.validate({ connector: "tool.helpdesk", tools: ["crm_/lookup", "c__rm/lookup"] });
        assert.deepStrictEqual(refused.map((v) => [v.path, v.rule]), [[["tools", 0], "connector-field"], [["tools", 1], "connector-field"]]);
    });
});

describe("SPIRE's reserved IDs and where an entry's parent places its workloads (SPIRE v1.13.3 idutil, k8s AgentID)", () => {
    it("tells the server's and node agents' own IDs from workload IDs and node aliases", () => {
        const ids = ["spiffe://example.org/spire/server", "spiffe://example.org/spire/server/x", "spiffe://example.org/spire/agent/k8s_psat/prod/a",
            "spiffe://example.org/spire/agent", "spiffe://example.org/node/a", "spiffe://example.org/agents/spire/server"];
        assert.deepStrictEqual(ids.map((id) => [isSpireServerId(id), isSpireAgentId(id), isSpireReservedId(id)]),
            [[true, false, true], [false, false, true], [false, true, true], [false, false, true], [false, false, false], [false, false, false]]);
        assert.deepStrictEqual(["spiffe://example.org/spire", "spiffe://example.org/spire-agents/a", "spiffe://example.org/spirex"].map(isSpireReservedId), [true, false, false]);
    });

    it("reads an ID as SPIRE's own, or as a cluster's node agent, only when it starts with spiffe://, not when one is embedded in other text", () => {
        // A parent ID in a stack built by hand is any string: one that merely contains a server's or agent's ID is neither.
        const embedded = ["x-spiffe://example.org/spire/server", "https://proxy.example/spiffe://example.org/spire/agent/k8s_psat/prod/node-1"];
        assert.deepStrictEqual(embedded.map((id) => [isSpireServerId(id), isSpireAgentId(id), isSpireReservedId(id)]), [[false, false, false], [false, false, false]]);
        assert.deepStrictEqual(spireParentPlace(embedded[1]), { key: `parent ${embedded[1]}`, where: `under parent ${embedded[1]}` });
    });

    it("places entries under k8s_psat and k8s_sat node agents on their cluster's nodes, any other parent on what that parent stands for", () => {
        const places = ["spiffe://example.org/spire/agent/k8s_psat/prod/node-1", "spiffe://example.org/spire/agent/k8s_psat/prod/node-2",
            "spiffe://example.org/spire/agent/k8s_sat/prod/node-1", "spiffe://other.org/spire/agent/k8s_psat/prod/node-1",
            "spiffe://example.org/spire/agent/k8s_psat/prod/node-1/extra", "spiffe://example.org/spire/agent/k8s_psat/prod/",
            "spiffe://example.org/spire/agent/x509pop/host-b", "spiffe://example.org/node/a"].map(spireParentPlace);
        assert.deepStrictEqual(places, [
            { key: "cluster spiffe://example.org/spire/agent/k8s_psat/prod/", where: "on the nodes of cluster prod (SPIRE agents spiffe://example.org/spire/agent/k8s_psat/prod/…)" },
            { key: "cluster spiffe://example.org/spire/agent/k8s_psat/prod/", where: "on the nodes of cluster prod (SPIRE agents spiffe://example.org/spire/agent/k8s_psat/prod/…)" },
            { key: "cluster spiffe://example.org/spire/agent/k8s_sat/prod/", where: "on the nodes of cluster prod (SPIRE agents spiffe://example.org/spire/agent/k8s_sat/prod/…)" },
            { key: "cluster spiffe://other.org/spire/agent/k8s_psat/prod/", where: "on the nodes of cluster prod (SPIRE agents spiffe://other.org/spire/agent/k8s_psat/prod/…)" },
            { key: "parent spiffe://example.org/spire/agent/k8s_psat/prod/node-1/extra", where: "under parent spiffe://example.org/spire/agent/k8s_psat/prod/node-1/extra" },
            { key: "parent spiffe://example.org/spire/agent/k8s_psat/prod/", where: "under parent spiffe://example.org/spire/agent/k8s_psat/prod/" },
            { key: "parent spiffe://example.org/spire/agent/x509pop/host-b", where: "under parent spiffe://example.org/spire/agent/x509pop/host-b" },
            { key: "parent spiffe://example.org/node/a", where: "under parent spiffe://example.org/node/a" },
        ]);
    });
});
