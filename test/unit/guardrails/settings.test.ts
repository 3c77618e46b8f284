import * as assert from "assert";
import { checkSettings, clusterNameViolations, mergeFleetSettings, namespaceViolations, trustSettingViolations } from "../../../provider/guardrails/fleetSettings";
import { DEFAULT_SETTINGS, resolveSettings } from "../../../provider/model/settings";

const ACCOUNT = "123456789012";
const OTHER = "210987654321";
const ANCHOR = `arn:aws:rolesanywhere:us-east-1:${ACCOUNT}:trust-anchor/anchor-a`;

describe("fleet settings", () => {
    it("fills in the documented defaults, and explicit undefined keeps them", () => {
        assert.deepStrictEqual(DEFAULT_SETTINGS, { trustDomain: "example.org", maxLifetimeDays: 90, defaultNamespace: "agents", x509SvidTtl: 900, jwtSvidTtl: 300, oauthClientSharing: "fleet" });
        assert.deepStrictEqual(resolveSettings({ trustDomain: undefined, maxLifetimeDays: 30 }), { ...DEFAULT_SETTINGS, maxLifetimeDays: 30 });
        assert.deepStrictEqual(resolveSettings(), DEFAULT_SETTINGS);
    });

    describe("a Fleet document combined with settings from code", () => {
        it("may tighten: the lower lifetime and TTLs, the common namespaces and accounts, per-agent OAuth clients", () => {
            const code = { maxLifetimeDays: 60, x509SvidTtl: 600, jwtSvidTtl: 120, allowedNamespaces: ["agents", "support"], trustedAccountIds: [OTHER, "111111111111"], oauthClientSharing: "fleet" as const };
            const doc = { maxLifetimeDays: 30, x509SvidTtl: 900, jwtSvidTtl: 60, allowedNamespaces: ["support", "billing"], trustedAccountIds: [OTHER], oauthClientSharing: "perAgent" as const };
            const { settings, violations } = mergeFleetSettings(code, doc);
            assert.deepStrictEqual(violations, []);
            assert.deepStrictEqual(settings, { ...DEFAULT_SETTINGS, maxLifetimeDays: 30, x509SvidTtl: 600, jwtSvidTtl: 60, allowedNamespaces: ["support"], trustedAccountIds: [OTHER], oauthClientSharing: "perAgent" });
        });

        it("may not loosen: a longer lifetime, more namespaces or fleet-shared OAuth clients from the document do not win", () => {
            const { settings } = mergeFleetSettings({ maxLifetimeDays: 30, allowedNamespaces: ["agents"], oauthClientSharing: "perAgent" }, { maxLifetimeDays: 365, allowedNamespaces: ["agents", "kube-system"], oauthClientSharing: "fleet" });
            assert.deepStrictEqual([settings.maxLifetimeDays, settings.allowedNamespaces, settings.oauthClientSharing], [30, ["agents"], "perAgent"]);
        });

        it("may not lengthen the program's SVID lifetimes", () => {
            const { settings } = mergeFleetSettings({ x509SvidTtl: 600, jwtSvidTtl: 120 }, { x509SvidTtl: 3600, jwtSvidTtl: 600 });
            assert.deepStrictEqual([settings.x509SvidTtl, settings.jwtSvidTtl], [600, 120]);
        });

        it("may not add a trusted account to a program that names its own account and no other", () => {
            const anchorElsewhere = ANCHOR.replace(ACCOUNT, OTHER);
            const added = mergeFleetSettings({ awsAccountId: ACCOUNT }, { trustedAccountIds: [OTHER] });
            assert.deepStrictEqual([added.violations, added.settings.trustedAccountIds], [[], []]);
            assert.deepStrictEqual(trustSettingViolations("trustAnchorArn", anchorElsewhere, added.settings, ["spec", "trustAnchorArn"]), [{
                path: ["spec", "trustAnchorArn"], rule: "trust-setting",
                message: `trustAnchorArn "${anchorElsewhere}" is in account ${OTHER}, not the fleet's account ${ACCOUNT}; list ${OTHER} in the Fleet's trustedAccountIds if that is intended`,
            }]);
            // The twin: the program trusts the account itself, and the document repeats it.
            const repeated = mergeFleetSettings({ awsAccountId: ACCOUNT, trustedAccountIds: [OTHER] }, { trustedAccountIds: [OTHER] });
            assert.deepStrictEqual(repeated.settings.trustedAccountIds, [OTHER]);
            assert.deepStrictEqual(trustSettingViolations("trustAnchorArn", anchorElsewhere, repeated.settings, ["spec", "trustAnchorArn"]), []);
        });

        it("may require independent approval where the program is silent, but not lift the program's requirement", () => {
            const lifted = mergeFleetSettings({ independentApproval: true }, { independentApproval: false });
            assert.deepStrictEqual([lifted.settings.independentApproval, lifted.violations], [true, [{
                path: ["spec", "independentApproval"], rule: "fleet-setting",
                message: "the Fleet document sets independentApproval false but the program sets true; a document beside the agents may tighten the program's settings, never replace them — make them agree",
            }]]);
            assert.deepStrictEqual(mergeFleetSettings({}, { independentApproval: true }), { settings: { ...DEFAULT_SETTINGS, independentApproval: true }, violations: [] });
            assert.deepStrictEqual(mergeFleetSettings({ independentApproval: false }, { independentApproval: true }), { settings: { ...DEFAULT_SETTINGS, independentApproval: true }, violations: [] },
                "a document may require it where the program says false");
            // Requiring independent approval excuses that one setting only: the document's other replacements are still refused.
            assert.deepStrictEqual(mergeFleetSettings({ trustDomain: "acme.internal" }, { independentApproval: true, trustDomain: "evil.example" }), {
                settings: { ...DEFAULT_SETTINGS, independentApproval: true, trustDomain: "acme.internal" },
                violations: [{ path: ["spec", "trustDomain"], rule: "fleet-setting", message: `the Fleet document sets trustDomain "evil.example" but the program sets "acme.internal"; a document beside the agents may tighten the program's settings, never replace them — make them agree` }],
            });
        });

        it("takes what only one side sets, from either side", () => {
            assert.deepStrictEqual(mergeFleetSettings({ allowedNamespaces: ["agents"], x509SvidTtl: 600 }, { trustedAccountIds: [OTHER], jwtSvidTtl: 60 }).settings,
                { ...DEFAULT_SETTINGS, allowedNamespaces: ["agents"], trustedAccountIds: [OTHER], x509SvidTtl: 600, jwtSvidTtl: 60 });
            assert.deepStrictEqual(mergeFleetSettings(undefined, { maxLifetimeDays: 45 }).settings, { ...DEFAULT_SETTINGS, maxLifetimeDays: 45 });
            assert.deepStrictEqual(mergeFleetSettings({ maxLifetimeDays: 45 }, undefined).settings, { ...DEFAULT_SETTINGS, maxLifetimeDays: 45 });
        });

        it("takes a document's key set to undefined (a Fleet document written in code) as left out: the program's settings stay, none is cleared", () => {
            const code = {
                trustDomain: "acme.internal", permissionsBoundaryArn: `arn:aws:iam::${ACCOUNT}:policy/agent-boundary`, trustAnchorArn: ANCHOR, awsAccountId: ACCOUNT, trustedAccountIds: [OTHER],
                allowedNamespaces: ["agents"], maxLifetimeDays: 30, oauthClientSharing: "perAgent" as const, separationOfDuties: [{ name: "pay-and-approve", forbid: [{ connector: "aws.s3", access: "write" as const }, { connector: "aws.sqs", access: "write" as const }] }],
            };
            const unset = Object.fromEntries(Object.keys(code).map((key) => [key, undefined]));
            assert.deepStrictEqual(mergeFleetSettings(code, unset), { settings: { ...DEFAULT_SETTINGS, ...code }, violations: [] });
            assert.deepStrictEqual(mergeFleetSettings(code, { ...unset, maxLifetimeDays: 20 }), { settings: { ...DEFAULT_SETTINGS, ...code, maxLifetimeDays: 20 }, violations: [] });
        });

        it("refuses a document that changes the trust domain, account or region, and accepts one that repeats them", () => {
            const code = { trustDomain: "acme.internal", awsAccountId: ACCOUNT, awsRegion: "us-east-1" };
            assert.deepStrictEqual(mergeFleetSettings(code, code).violations, []);
            assert.deepStrictEqual(mergeFleetSettings(code, { trustDomain: "evil.example", awsAccountId: OTHER, awsRegion: "eu-west-1" }).violations, [
                { path: ["spec", "trustDomain"], rule: "fleet-setting", message: `the Fleet document sets trustDomain "evil.example" but the program sets "acme.internal"; a document beside the agents may tighten the program's settings, never replace them — make them agree` },
                { path: ["spec", "awsAccountId"], rule: "fleet-setting", message: `the Fleet document sets awsAccountId "${OTHER}" but the program sets "${ACCOUNT}"; a document beside the agents may tighten the program's settings, never replace them — make them agree` },
                { path: ["spec", "awsRegion"], rule: "fleet-setting", message: `the Fleet document sets awsRegion "eu-west-1" but the program sets "us-east-1"; a document beside the agents may tighten the program's settings, never replace them — make them agree` },
            ]);
            assert.deepStrictEqual(mergeFleetSettings({}, { trustDomain: "acme.internal" }).violations, []);
        });
    });

    describe("checks", () => {
        it("reports every bad setting at its path with its rule", () => {
            const violations = checkSettings({
                maxLifetimeDays: 366, awsAccountId: "12345", awsRegion: "useast1", trustedAccountIds: [OTHER, "x"], defaultNamespace: "kube-system",
                allowedNamespaces: ["agents", "Bad_NS"], oidcProviderArn: "arn:aws:iam::*:oidc-provider/x", clusterName: "-prod", gateways: { helpdesk: "arn:aws:s3:::bucket" },
            });
            assert.deepStrictEqual(violations.map((v) => [v.path.join("."), v.rule]), [
                ["spec.maxLifetimeDays", "fleet-setting"], ["spec.awsAccountId", "fleet-setting"], ["spec.awsRegion", "fleet-setting"], ["spec.trustedAccountIds.1", "fleet-setting"],
                ["spec.defaultNamespace", "kubernetes-namespace"], ["spec.allowedNamespaces.1", "kubernetes-name"], ["spec.oidcProviderArn", "trust-setting"],
                ["spec.clusterName", "trust-setting"], ["spec.gateways.helpdesk", "trust-setting"],
            ]);
            assert.strictEqual(violations[0].message, "maxLifetimeDays 366 is outside 1-365: no agent may live longer than 365 days");
        });

        it("accepts lifetimes from 1 to 365 whole days only", () => {
            assert.deepStrictEqual([0, 1, 365, 366, 1.5, -1].map((d) => checkSettings({ maxLifetimeDays: d }).length), [1, 0, 0, 1, 1, 1]);
        });

        it("accepts a complete, valid fleet", () => {
            assert.deepStrictEqual(checkSettings({
                maxLifetimeDays: 90, awsAccountId: ACCOUNT, awsRegion: "eu-central-1", trustedAccountIds: [OTHER], defaultNamespace: "agents", allowedNamespaces: ["agents"],
                trustAnchorArn: ANCHOR, oidcProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/X`, permissionsBoundaryArn: `arn:aws:iam::${ACCOUNT}:policy/agent-boundary`,
                clusterName: "prod_1", gateways: { helpdesk: `arn:aws:bedrock-agentcore:us-east-1:${OTHER}:gateway/helpdesk-1` },
            }), []);
        });

        it("pins trust settings to their service and type, no wildcard, and the fleet's or a trusted account", () => {
            const settings = { awsAccountId: ACCOUNT, trustedAccountIds: [OTHER] };
            const check = (kind: Parameters<typeof trustSettingViolations>[0], arn: string, s: object = settings) => trustSettingViolations(kind, arn, s, ["x"]).map((v) => v.message);
            assert.deepStrictEqual(check("trustAnchorArn", ANCHOR), []);
            assert.deepStrictEqual(check("trustAnchorArn", ANCHOR.replace(ACCOUNT, OTHER)), []);
            assert.deepStrictEqual(check("trustAnchorArn", ANCHOR.replace(ACCOUNT, "999999999999")), [
                `trustAnchorArn "${ANCHOR.replace(ACCOUNT, "999999999999")}" is in account 999999999999, not the fleet's account ${ACCOUNT}; list 999999999999 in the Fleet's trustedAccountIds if that is intended`,
            ]);
            assert.deepStrictEqual(check("trustAnchorArn", ANCHOR.replace(ACCOUNT, "999999999999"), {}), [], "without a fleet account any account is allowed");
            assert.deepStrictEqual(check("trustAnchorArn", ANCHOR.replace("anchor-a", "anchor-*")), [
                `trustAnchorArn "${ANCHOR.replace("anchor-a", "anchor-*")}" holds a wildcard; it must name exactly one resource, e.g. arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/0f6e3a4c-8d9b-4f1e-9c2a-1b2c3d4e5f60`,
            ]);
            assert.deepStrictEqual(check("gateway", "arn:aws:s3:::bucket"), [
                `gateway ARN "arn:aws:s3:::bucket" is not an AgentCore gateway ARN; expected the form arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/support-tools-a1b2c3d4e5`,
            ]);
            assert.deepStrictEqual(check("permissionsBoundaryArn", "arn:aws:iam::aws:policy/ReadOnlyAccess"), [
                `permissionsBoundaryArn "arn:aws:iam::aws:policy/ReadOnlyAccess" is an AWS managed policy; a boundary must be the platform team's own policy (AWS managed ones such as AdministratorAccess bound nothing an agent holds)`,
            ]);
        });

        it("knows EKS cluster names", () => {
            assert.deepStrictEqual(["prod", "0prod", "p_r-o-d", "-prod", "_prod", "", "a".repeat(100), "a".repeat(101), "prod.x"].map((n) => clusterNameViolations(n, ["c"]).length), [0, 0, 0, 1, 1, 1, 0, 1, 1]);
        });

        it("keeps agents out of the cluster's own namespaces unless the fleet lists them, and inside the list when there is one", () => {
            const rules = (ns: string, settings: object = {}) => namespaceViolations(ns, settings, ["n"]).map((v) => v.rule);
            assert.deepStrictEqual(["kube-system", "kube-public", "kube-node-lease", "default", "agents"].map((ns) => rules(ns)), [["kubernetes-namespace"], ["kubernetes-namespace"], ["kubernetes-namespace"], ["kubernetes-namespace"], []]);
            assert.deepStrictEqual([rules("kube-system", { allowedNamespaces: ["kube-system"] }), rules("agents", { allowedNamespaces: ["support"] }), rules("support", { allowedNamespaces: [] })], [[], ["kubernetes-namespace"], ["kubernetes-namespace"]]);
            assert.deepStrictEqual([rules("Bad_NS"), rules("supp*")], [["kubernetes-name"], []], "wildcards are the wildcard guardrail's to report");
            assert.match(namespaceViolations("agents", { allowedNamespaces: [] }, ["n"])[0].message, /not in the fleet's allowedNamespaces \(none\)/);
        });
    });
});

describe("fleet settings checks, word for word", () => {
    const NOT_LABEL = (ns: string) => `namespace "${ns}" is not a DNS-1123 label (lowercase letters, digits, '-', at most 63)`;

    it("reports every malformed setting at its path", () => {
        assert.deepStrictEqual(checkSettings({ awsAccountId: "12345", awsRegion: "mars-1", trustedAccountIds: [OTHER, "abc"], allowedNamespaces: ["agents", "Bad_NS"], clusterName: "-bad", defaultNamespace: "Bad_Default" }), [
            { path: ["spec", "awsAccountId"], rule: "fleet-setting", message: `awsAccountId "12345" is not a 12-digit AWS account ID` },
            { path: ["spec", "awsRegion"], rule: "fleet-setting", message: `awsRegion "mars-1" is not an AWS region such as us-east-1` },
            { path: ["spec", "trustedAccountIds", 1], rule: "fleet-setting", message: `"abc" is not a 12-digit AWS account ID` },
            { path: ["spec", "defaultNamespace"], rule: "kubernetes-name", message: NOT_LABEL("Bad_Default") },
            { path: ["spec", "allowedNamespaces", 1], rule: "kubernetes-name", message: NOT_LABEL("Bad_NS") },
            { path: ["spec", "clusterName"], rule: "trust-setting", message: `clusterName "-bad" is not an EKS cluster name (1-100 letters, digits, '-' or '_', starting with a letter or digit)` },
        ]);
        assert.deepStrictEqual(checkSettings({ awsAccountId: ACCOUNT, awsRegion: "us-east-1", trustedAccountIds: [OTHER], allowedNamespaces: ["agents", "support"], clusterName: "prod", defaultNamespace: "agents" }), []);
    });

    it("names the namespaces an agent may use when it uses another", () => {
        const outside = (allowed: string) => `namespace "billing" is not in the fleet's allowedNamespaces (${allowed}); add it to the Fleet document if agents belong there`;
        assert.deepStrictEqual([
            namespaceViolations("billing", { allowedNamespaces: ["agents", "support"] }, ["x"]),
            namespaceViolations("billing", { allowedNamespaces: [] }, ["x"]),
            namespaceViolations("kube-system", {}, ["x"]),
        ], [
            [{ path: ["x"], rule: "kubernetes-namespace", message: outside("agents, support") }],
            [{ path: ["x"], rule: "kubernetes-namespace", message: outside("none") }],
            [{ path: ["x"], rule: "kubernetes-namespace", message: `namespace "kube-system" belongs to the cluster itself (kube-system, kube-public, kube-node-lease, default); agents are placed or granted there only when the Fleet's allowedNamespaces lists it` }],
        ]);
    });

    it("refuses an AWS managed policy as the boundary, even in a fleet that names its account, and leaves accounts open when the fleet names none", () => {
        assert.deepStrictEqual(trustSettingViolations("permissionsBoundaryArn", "arn:aws:iam::aws:policy/AdministratorAccess", { awsAccountId: ACCOUNT }, ["b"]), [{
            path: ["b"], rule: "trust-setting",
            message: `permissionsBoundaryArn "arn:aws:iam::aws:policy/AdministratorAccess" is an AWS managed policy; a boundary must be the platform team's own policy (AWS managed ones such as AdministratorAccess bound nothing an agent holds)`,
        }]);
        assert.deepStrictEqual(trustSettingViolations("permissionsBoundaryArn", `arn:aws:iam::${ACCOUNT}:policy/agent-boundary`, { awsAccountId: ACCOUNT }, ["b"]), []);
        assert.deepStrictEqual(trustSettingViolations("trustAnchorArn", ANCHOR.replace(ACCOUNT, OTHER), {}, ["b"]), []);
    });

    it("adds a document's separation-of-duties rules to the program's, each once, the document's first", () => {
        const rule = (name: string, connector: string) => ({ name, forbid: [{ connector, access: "read" as const }] });
        const { settings, violations } = mergeFleetSettings({ separationOfDuties: [rule("a", "aws.s3"), rule("c", "aws.sqs")] }, { separationOfDuties: [rule("a", "aws.s3"), rule("b", "aws.sns")] });
        assert.deepStrictEqual([settings.separationOfDuties, violations], [[rule("a", "aws.s3"), rule("b", "aws.sns"), rule("c", "aws.sqs")], []]);
    });
});
