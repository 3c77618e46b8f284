import * as assert from "assert";
import { catalog } from "../../provider/connectors/catalog";
import { OAUTH_SCOPES } from "../../provider/connectors/oauthScopes";
import {
    cedarPoliciesOf, expand, GoldenGrant, KUBERNETES_GRANTS, parseCedar, parseKubernetes, parsePermissions, parseScopes, parseTrust,
    PERMISSION_GRANTS, permissionPolicyOf, policyFromPermissions, readGolden, renderGolden, Representative, TOOL_GRANTS, TRUST_MODES, trustPolicyOf,
} from "../golden/golden";

/**
 * The checked-in golden tables (test/golden/*.md) against the catalog's output, exactly: a connector that
 * grants one action more or less, another resource, condition, risk or approval fails here with the table
 * to review. Regenerate with `npm run golden -- --write` and review the diff.
 */

const REGENERATE = "the catalog's output differs from the golden table; if the change is intended, run `npm run golden -- --write` and review the diff";

/** The golden rows name the same representative grants, in the same order, as the generator. */
function assertSameGrants(golden: readonly GoldenGrant[], representatives: readonly Representative[]): void {
    assert.deepStrictEqual(golden.map((g) => [g.connector, g.label, g.grant]), representatives.map((r) => [r.connector, r.label, r.grant]));
}

function assertExpansionSummary(g: GoldenGrant): void {
    const e = expand({ connector: g.connector, label: g.label, grant: g.grant });
    assert.deepStrictEqual({ access: e.access, risk: e.risk, needsApproval: e.needsApproval }, { access: g.access, risk: g.risk, needsApproval: g.needsApproval }, `${g.connector} ${g.label}: ${REGENERATE}`);
}

describe("golden tables", () => {
    it("are exactly what `npm run golden -- --write` renders from the catalog", () => {
        for (const [file, text] of Object.entries(renderGolden())) assert.strictEqual(readGolden(file), text, `test/golden/${file}: ${REGENERATE}`);
    });

    describe("permissions.md", () => {
        const golden = parsePermissions();
        it("lists every representative grant of every connector that becomes IAM statements", () => assertSameGrants(golden, PERMISSION_GRANTS));
        for (const g of golden) {
            it(`${g.connector} ${g.label}: the policy is exactly the table's statements, each ending at expiry`, () => {
                const representative = { connector: g.connector, label: g.label, grant: g.grant };
                assert.deepStrictEqual(permissionPolicyOf(representative), policyFromPermissions(g.permissions), `${g.connector} ${g.label}: ${REGENERATE}`);
                assert.deepStrictEqual(expand(representative).actions.map((a) => [a.action, a.accessLevel]),
                    [...new Map(g.permissions.map((p) => [p.action, p.level])).entries()], `${g.connector} ${g.label}: access levels`);
                assertExpansionSummary(g);
            });
        }
    });

    describe("kubernetes.md", () => {
        const golden = parseKubernetes();
        it("lists every representative Kubernetes grant", () => assertSameGrants(golden, KUBERNETES_GRANTS));
        for (const g of golden) {
            it(`${g.label}: the RBAC rules are exactly the table's`, () => {
                const e = expand({ connector: g.connector, label: g.label, grant: g.grant });
                assert.deepStrictEqual(e.rbac, { namespace: g.namespace, rules: g.rules }, `${g.label}: ${REGENERATE}`);
                assert.deepStrictEqual([e.actions, e.statements], [[], []], "Kubernetes grants carry no IAM permissions");
                assertExpansionSummary(g);
            });
        }
    });

    describe("trust.md", () => {
        const golden = parseTrust();
        it("lists every trust mode", () => assert.deepStrictEqual(golden.map((g) => g.mode), TRUST_MODES));
        for (const g of golden) {
            it(`${g.mode}: the trust policy is exactly the table's one statement`, () => {
                assert.deepStrictEqual(trustPolicyOf(g.mode), { Version: "2012-10-17", Statement: [g.statement] }, `${g.mode}: ${REGENERATE}`);
            });
        }
    });

    describe("cedar.md", () => {
        const golden = parseCedar();
        it("lists every representative tool grant", () => assertSameGrants(golden, TOOL_GRANTS));
        for (const g of golden) {
            it(`${g.connector} ${g.label}: one policy per tool, exactly as in the table`, () => {
                assert.deepStrictEqual(cedarPoliciesOf({ connector: g.connector, label: g.label, grant: g.grant }), g.policies, `${g.label}: ${REGENERATE}`);
                assertExpansionSummary(g);
            });
        }
    });

    it("oauth-scopes.md: every vendor's known scopes and their levels", () => {
        assert.deepStrictEqual(OAUTH_SCOPES, parseScopes());
    });

    it("cover every connector of the catalog", () => {
        const covered = [...parsePermissions(), ...parseKubernetes(), ...parseCedar()].map((g) => catalog.find(g.connector)!.name);
        assert.deepStrictEqual(catalog.list().map((c) => c.name).filter((n) => !covered.includes(n)), []);
        // Every access level a connector accepts (asked of the catalog itself) has its table.
        for (const connector of catalog.list().filter((c) => c.name.startsWith("aws.") && c.name !== "aws.iam")) {
            const accepted = (["read", "write", "readwrite"] as const).filter((access) => catalog.validate({ connector: connector.name, access, resources: [connector.example!] }).length === 0);
            const tabled = parsePermissions().filter((g) => g.connector === connector.name).map((g) => g.grant.access);
            assert.deepStrictEqual([...new Set(tabled)].sort(), [...accepted].sort(), `${connector.name}: every accepted access level has a table`);
        }
    });
});
