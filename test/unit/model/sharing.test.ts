import * as assert from "assert";
import { agentSessionPattern, buildCedarSchema, toolActionId } from "../../../provider/platforms/agentcore/cedar";
import { sharedOauthScopesOf } from "../../../provider/model/oauthSharing";
import { IdentityLedger, identityGroups, sharedIdentityViolations } from "../../../provider/guardrails/identities";
import { resolveSettings } from "../../../provider/model/settings";
import type { AgentDeclaration } from "../../../provider/declarations/types";

const NOW = new Date("2026-12-01T00:00:00Z");
function agent(name: string, spec: Record<string, unknown> = {}): AgentDeclaration {
    return {
        apiVersion: "agentid/v1", kind: "Agent", metadata: { name },
        spec: { description: "d", owner: { team: "t", contact: "t@example.com" }, expiresAt: "2027-01-15T00:00:00Z", grants: [], ...spec },
    } as unknown as AgentDeclaration;
}
const github = (...scopes: string[]) => ({ connector: "oauth.github", scopes });

describe("OAuth clients shared across a fleet", () => {
    const fleet = [
        agent("a1", { grants: [github("read:org")] }),
        agent("b2", { grants: [github("repo", "read:org"), { connector: "oauth.slack", scopes: ["chat:write"] }] }),
        agent("c3", { grants: [github("admin:org")], expiresAt: "2026-12-01T00:00:00Z" }),
        agent("d4", { grants: [{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::bkt"] }] }),
        agent("e5", { grants: [github("user:email")], expiresAt: "not a date" }),
    ];

    it("give each agent what the other active agents of the vendor declare, and who they are", () => {
        const shared = sharedOauthScopesOf(fleet, resolveSettings({}), NOW);
        assert.deepStrictEqual(shared("a1")!("github"), { scopes: ["repo", "read:org"], sharedWith: ["b2"] });
        assert.deepStrictEqual(shared("b2")!("github"), { scopes: ["read:org"], sharedWith: ["a1"] });
        assert.deepStrictEqual([shared("b2")!("slack"), shared("d4")!("github"), shared("a1")!("google")], [undefined, { scopes: ["read:org", "repo"], sharedWith: ["a1", "b2"] }, undefined]);
    });

    it("name each co-user once, sorted, whatever the declarations' order", () => {
        const shared = sharedOauthScopesOf([agent("z9", { grants: [github("repo"), github("read:user")] }), agent("a1", { grants: [github("read:org")] }), agent("m5")], resolveSettings({}), NOW);
        assert.deepStrictEqual(shared("m5")!("github"), { scopes: ["repo", "read:user", "read:org"], sharedWith: ["a1", "z9"] });
    });

    it("count a co-user whose grant names no scopes (a declaration not yet valid) as sharing none", () => {
        const shared = sharedOauthScopesOf([agent("a1", { grants: [github("read:org")] }), agent("b2", { grants: [{ connector: "oauth.github" }] })], resolveSettings({}), NOW);
        assert.deepStrictEqual(shared("a1")!("github"), { scopes: [], sharedWith: ["b2"] });
    });

    it("share nothing with per-agent clients", () => {
        const shared = sharedOauthScopesOf(fleet, resolveSettings({ oauthClientSharing: "perAgent" }), NOW);
        assert.deepStrictEqual([shared("a1"), shared("b2")], [undefined, undefined]);
    });
});

describe("one identity, one agent", () => {
    const settings = resolveSettings({});
    const where = (i: number) => `agents/${i}.yaml`;
    const rules = (decls: AgentDeclaration[]) => sharedIdentityViolations(decls, settings, where).map((vs) => vs.map((v) => [v.path.join("."), v.rule]));

    it("lets a program's ledger hold each agent name for one component, which may claim again; a file set's ledger leaves repeated names to validation", () => {
        const messages = (violations: { message: string }[][]) => violations.map((vs) => vs.map((v) => v.message));
        const program = new IdentityLedger(undefined, { oneDeclarationPerAgent: true });
        const twin = agent("twin", { identity: { kubernetes: { serviceAccount: "twin" } } });
        assert.deepStrictEqual(messages(program.claimAll([{ decl: twin, where: 'the Agent component "a"' }], settings)), [[]]);
        assert.deepStrictEqual(messages(program.claimAll([{ decl: twin, where: 'the Agent component "a"' }], settings)), [[]], "the same component again (its SPIRE identity on resolution)");
        assert.deepStrictEqual(messages(program.claimAll([{ decl: agent("twin"), where: 'the Agent component "b"' }], settings)), [[
            'agent "twin" is already declared in this program (the Agent component "a"); one agent, one declaration — give this one another name, or declare it once',
        ]]);
        // A batch refused records no declarer either: the name stays free for the component that does declare it.
        const fresh = new IdentityLedger(undefined, { oneDeclarationPerAgent: true });
        assert.deepStrictEqual(messages(fresh.claimAll([{ decl: twin, where: "x" }, { decl: agent("clash", { identity: { kubernetes: { serviceAccount: "twin" } } }), where: "x" }], settings))[1].length, 1);
        assert.deepStrictEqual(messages(fresh.claimAll([{ decl: twin, where: "y" }], settings)), [[]]);
        // Validation's ledger: two documents with one name share nothing here; validation reports the name itself.
        assert.deepStrictEqual(sharedIdentityViolations([twin, twin], settings, where), [[], []]);
    });

    it("claims a batch's identities all or none: a batch with a clash records nothing of itself, a clear one all of itself", () => {
        const ledger = new IdentityLedger();
        const messages = (violations: { message: string }[][]) => violations.map((vs) => vs.map((v) => v.message));
        const owning = (name: string, account: string) => agent(name, { identity: { kubernetes: { serviceAccount: account } } });
        const onUid = (name: string, ...selectors: string[]) => agent(name, { identity: { spire: { parentId: "spiffe://example.org/node/a", selectors } } });
        assert.deepStrictEqual(messages(ledger.claimAll([{ decl: owning("held", "shared"), where: "held.yaml" }], settings)), [[]]);
        assert.deepStrictEqual(messages(ledger.claimAll([
            { decl: owning("first", "own"), where: "first.yaml" }, { decl: onUid("spired", "unix:uid:1000"), where: "spired.yaml" }, { decl: owning("second", "shared"), where: "second.yaml" },
        ], settings)), [[], [], ['service account agents/shared already belongs to agent "held" (held.yaml); one identity, one agent — give this agent its own']]);
        // Nothing of the batch was recorded: its account and its selectors are free for the next batch, which records both.
        assert.deepStrictEqual(messages(ledger.claimAll([{ decl: owning("third", "own"), where: "third.yaml" }, { decl: onUid("uid", "unix:uid:1000"), where: "uid.yaml" }], settings)), [[], []]);
        const later = messages(ledger.claimAll([{ decl: owning("fourth", "own"), where: "fourth.yaml" }, { decl: onUid("wider", "unix:uid:1000", "unix:gid:5"), where: "wider.yaml" }], settings));
        assert.deepStrictEqual(later[0], ['service account agents/own already belongs to agent "third" (third.yaml); one identity, one agent — give this agent its own']);
        assert.match(later[1][0], /^SPIRE selectors \[unix:gid:5, unix:uid:1000\] contain or lie within agent "uid"'s \[unix:uid:1000\] \(uid\.yaml\)/);
    });

    it("reports each identity claimed a second time, at the later agent, naming the first", () => {
        const spire = (selectors: string[]) => ({ parentId: "spiffe://example.org/node/a", selectors });
        const decls = [
            agent("a1", { identity: { kubernetes: { namespace: "agents", serviceAccount: "shared" }, spire: spire(["k8s:ns:agents", "k8s:sa:shared"]) } }),
            agent("b2", { identity: { spiffeId: "spiffe://example.org/agents/a1" } }),
            agent("c3", { identity: { kubernetes: { namespace: "agents", serviceAccount: "shared" } } }),
            agent("d4", { identity: { spire: spire(["k8s:sa:shared", "k8s:ns:agents"]) } }),
            agent("e5", { identity: { kubernetes: { namespace: "other", serviceAccount: "shared" } } }),
        ];
        assert.deepStrictEqual(rules(decls), [
            [],
            [["spec.identity.spiffeId", "identity-shared"]],
            [["spec.identity.kubernetes", "identity-shared"]],
            [["spec.identity.spire.selectors", "identity-shared"], ["spec.identity.spire.selectors", "identity-shared"]],
            [],
        ]);
        assert.deepStrictEqual(sharedIdentityViolations(decls, settings, where)[2][0].message,
            `service account agents/shared already belongs to agent "a1" (agents/0.yaml); one identity, one agent — give this agent its own`);
    });

    it("counts an agent's default service account and SPIFFE ID as claims", () => {
        assert.deepStrictEqual(rules([agent("a1", { identity: { kubernetes: {} } }), agent("b2", { identity: { kubernetes: { serviceAccount: "a1" } } })]), [[], [["spec.identity.kubernetes", "identity-shared"]]]);
        assert.deepStrictEqual(rules([agent("a1"), agent("b2", { identity: { spiffeId: "spiffe://example.org/agents/a1" } })]).map((v) => v.length), [0, 1]);
        assert.deepStrictEqual(rules([agent("a1", { identity: { kubernetes: {} } }), agent("b2", { identity: { kubernetes: {} } })]), [[], []]);
    });

    it("counts SPIRE Kubernetes selectors as a service account only for an agent without one, and only with exactly one namespace and one account", () => {
        const spire = (...selectors: string[]) => ({ spire: { parentId: "spiffe://example.org/node/a", selectors } });
        const k8s = (serviceAccount: string) => ({ kubernetes: { namespace: "agents", serviceAccount } });
        assert.deepStrictEqual(rules([agent("a1", { identity: { ...k8s("a1"), ...spire("k8s:ns:agents", "k8s:sa:b2") } }), agent("b2", { identity: k8s("b2") })]), [[], []],
            "an agent with its own service account claims only that one");
        assert.deepStrictEqual(rules([agent("a1", { identity: spire("k8s:sa:x", "unix:uid:1") }), agent("b2", { identity: spire("k8s:sa:x", "unix:uid:2") })]), [[], []], "no namespace");
        assert.deepStrictEqual(rules([agent("a1", { identity: spire("k8s:ns:agents", "unix:uid:1") }), agent("b2", { identity: spire("k8s:ns:agents", "unix:uid:2") })]), [[], []], "no account");
        const both = [agent("a1", { identity: spire("k8s:ns:agents", "k8s:sa:x", "unix:uid:1") }), agent("b2", { identity: spire("k8s:ns:agents", "k8s:sa:x", "unix:uid:2") })];
        assert.deepStrictEqual(sharedIdentityViolations(both, settings, where), [[], [{
            path: ["spec", "identity", "spire", "selectors"], rule: "identity-shared",
            message: `service account agents/x (through SPIRE selectors) already belongs to agent "a1" (agents/0.yaml); one identity, one agent — give this agent its own`,
        }]], "one of each: the service account agents/x");
    });

    it("reports a DNS name on two agents' SVIDs, whatever its case, at the later agent's dnsNames entry", () => {
        const spire = (uid: string, ...dnsNames: string[]) => ({ spire: { parentId: "spiffe://example.org/node/a", selectors: [`unix:uid:${uid}`], dnsNames } });
        assert.deepStrictEqual(sharedIdentityViolations([agent("a1", { identity: spire("1", "api.example.org") }), agent("b2", { identity: spire("2", "b2.example.org", "API.example.org") })], settings, where), [[], [{
            path: ["spec", "identity", "spire", "dnsNames", 1], rule: "identity-shared",
            message: `DNS name API.example.org on the SVID already belongs to agent "a1" (agents/0.yaml); one identity, one agent — give this agent its own`,
        }]]);
        // The same lower-case form the DNS-name rule validates: the Kelvin sign (U+212A) lower-cases to "k", so these are one name.
        assert.deepStrictEqual(rules([agent("a1", { identity: spire("1", "kube.example.org") }), agent("b2", { identity: spire("2", "\u212Aube.example.org") })]),
            [[], [["spec.identity.spire.dnsNames.0", "identity-shared"]]]);
    });

    it("reports nested SPIRE selector sets with both sets sorted and the first agent's place, and not disjoint or equal-agent ones", () => {
        const spire = (...selectors: string[]) => ({ spire: { parentId: "spiffe://example.org/node/a", selectors } });
        const found = sharedIdentityViolations([
            agent("a1", { identity: spire("unix:uid:1", "docker:label:x") }),
            agent("b2", { identity: spire("unix:uid:2", "docker:label:x") }),
            agent("c3", { identity: spire("unix:uid:2", "docker:label:x", "aws:tag:z") }),
        ], settings, where);
        assert.deepStrictEqual(found, [[], [], [{
            path: ["spec", "identity", "spire", "selectors"], rule: "identity-shared",
            message: `SPIRE selectors [aws:tag:z, docker:label:x, unix:uid:2] contain or lie within agent "b2"'s [docker:label:x, unix:uid:2] (agents/1.yaml): a workload matching the larger set receives both agents' SVIDs — make each agent's selectors distinct`,
        }]]);
    });

    it("reports a default SPIFFE ID another agent declared at the later agent's name, with the first agent's place", () => {
        const found = sharedIdentityViolations([agent("a1", { identity: { spiffeId: "spiffe://example.org/agents/b2" } }), agent("b2")], settings, where);
        assert.deepStrictEqual(found, [[], [{
            path: ["metadata", "name"], rule: "identity-shared",
            message: `SPIFFE ID spiffe://example.org/agents/b2 already belongs to agent "a1" (agents/0.yaml); one identity, one agent — give this agent its own`,
        }]]);
    });

    it("reports a default service account (Kubernetes grants, no identity.kubernetes) another agent declared at the later agent's name", () => {
        const configmaps = { connector: "kubernetes", namespace: "support", resources: ["configmaps"], verbs: ["get"] };
        const found = sharedIdentityViolations([agent("a1", { identity: { kubernetes: { serviceAccount: "b2" } } }), agent("b2", { grants: [configmaps] })], settings, where);
        assert.deepStrictEqual(found, [[], [{
            path: ["metadata", "name"], rule: "identity-shared",
            message: `service account agents/b2 already belongs to agent "a1" (agents/0.yaml); one identity, one agent — give this agent its own`,
        }]]);
    });

    it("groups agents linked by a SPIFFE ID, a service account, a DNS name or nested SPIRE selectors, and leaves out agents alone", () => {
        const spire = (selectors: string[], dnsNames?: string[]) => ({ spire: { parentId: "spiffe://example.org/node/a", selectors, ...(dnsNames ? { dnsNames } : {}) } });
        const decls = [
            agent("a1", { identity: spire(["unix:uid:1", "docker:label:team:x"]) }),
            agent("b2", { identity: spire(["unix:uid:1"]) }),
            agent("c3", { identity: { spiffeId: "spiffe://example.org/agents/d4" } }),
            agent("d4"),
            agent("e5", { identity: spire(["unix:uid:5"]) }),
            agent("f6", { identity: spire(["unix:uid:6"], ["API.example.org"]) }),
            agent("g7", { identity: spire(["unix:uid:7"], ["api.example.org"]) }),
            agent("h8", { identity: { kubernetes: { serviceAccount: "i9" } } }),
            agent("i9", { identity: { kubernetes: {} } }),
            agent("j10", { identity: spire(["unix:uid:1", "docker:label:team:y"]) }),
        ];
        assert.deepStrictEqual(identityGroups(decls, settings), [[0, 1, 9], [2, 3], [5, 6], [7, 8]]);
        assert.deepStrictEqual(identityGroups([decls[4], decls[0], decls[9]], settings), [], "disjoint sets, and sets that overlap but pin one key (a container label) to different values, are separate identities");
    });

    it("groups SPIRE registrations one workload can match (under one parent, node aliases, or one SPIRE agent), and only those", () => {
        const under = (parentId: string, selectors: string[]) => ({ spire: { parentId, selectors } });
        const pair = (a: string[], b: string[], parentB = "spiffe://example.org/node/a") =>
            identityGroups([agent("a1", { identity: under("spiffe://example.org/node/a", a) }), agent("b2", { identity: under(parentB, b) })], settings);
        const linked = [[0, 1]];
        // Nothing excludes: a pod's process has k8s and unix selectors; a pod runs several images.
        assert.deepStrictEqual(pair(["k8s:ns:x", "k8s:sa:y"], ["unix:uid:1000"]), linked);
        assert.deepStrictEqual(pair(["k8s:pod-image:a", "unix:uid:1"], ["k8s:pod-image:b", "unix:uid:1"]), linked);
        assert.deepStrictEqual(pair(["unix:supplementary_gid:1", "unix:uid:1"], ["unix:supplementary_gid:2", "unix:uid:1"]), linked);
        assert.deepStrictEqual(pair(["tpm:pub_hash:a"], ["tpm:pub_hash:b"]), linked, "selector types not known to be single-valued exclude nothing");
        // One key pinned to different values: one workload has one value.
        for (const [a, b] of [["k8s:ns:x", "k8s:ns:y"], ["k8s:sa:x", "k8s:sa:y"], ["k8s:pod-uid:1", "k8s:pod-uid:2"], ["k8s:pod-name:a", "k8s:pod-name:b"],
            ["k8s:node-name:a", "k8s:node-name:b"], ["k8s:container-name:a", "k8s:container-name:b"],
            ["k8s:pod-image-count:1", "k8s:pod-image-count:2"], ["k8s:pod-init-image-count:0", "k8s:pod-init-image-count:1"],
            ["unix:uid:1", "unix:uid:2"], ["unix:user:a", "unix:user:b"], ["unix:gid:1", "unix:gid:2"], ["unix:group:a", "unix:group:b"],
            ["unix:path:/a", "unix:path:/b"], ["unix:sha256:aa", "unix:sha256:bb"], ["docker:image_id:a", "docker:image_id:b"],
            ["k8s:pod-label:app:a", "k8s:pod-label:app:b"], ["docker:label:team:a", "docker:label:team:b"]]) {
            assert.deepStrictEqual(pair([a, "tpm:pub_hash:h"], [b, "tpm:pub_hash:h"]), [], `${a} / ${b}`);
        }
        // Different keys of a keyed selector do not exclude: a pod has many labels, a container many variables.
        assert.deepStrictEqual(pair(["k8s:pod-label:app:a"], ["k8s:pod-label:tier:b"]), linked);
        assert.deepStrictEqual(pair(["docker:env:A=1"], ["docker:env:A=2"]), linked, "a container's environment is a list");
        assert.deepStrictEqual(pair(["k8s:container-image:nginx:1.27"], ["k8s:container-image:docker.io/library/nginx@sha256:ab"]), linked, "a container has its image and the image's digest");
        assert.deepStrictEqual(pair(["docker:label:team:a"], ["docker:label:team:a:b"]), linked, "a Docker label key may hold a colon: team:a=b");
        // Different parents that are not both nodes' own SPIRE agent IDs: node aliases (or an entry below another) put one node under both.
        assert.deepStrictEqual(pair(["k8s:ns:x", "k8s:sa:y"], ["unix:uid:1000"], "spiffe://example.org/node/b"), linked);
        assert.deepStrictEqual(pair(["k8s:ns:x", "k8s:sa:y"], ["unix:uid:1000"], "spiffe://example.org/spire/agent/join_token/t1"), linked);
        // Two nodes' own SPIRE agent IDs: only nested sets link (they still may under aliases of their own).
        const agents = (a: string[], b: string[]) => identityGroups([agent("a1", { identity: under("spiffe://example.org/spire/agent/join_token/t1", a) }), agent("b2", { identity: under("spiffe://example.org/spire/agent/join_token/t2", b) })], settings);
        assert.deepStrictEqual(agents(["k8s:ns:x", "k8s:sa:y"], ["unix:uid:1000"]), []);
        assert.deepStrictEqual(agents(["unix:uid:1000"], ["unix:uid:1000", "unix:path:/bin/x"]), linked);
    });
    it("reads a keyed selector's key up to its first colon (an empty key too), and a keyed selector with no value pins nothing", () => {
        const pair = (a: string[], b: string[]) => identityGroups([
            agent("a1", { identity: { spire: { parentId: "spiffe://example.org/node/a", selectors: [...a, "tpm:pub_hash:h"] } } }),
            agent("b2", { identity: { spire: { parentId: "spiffe://example.org/node/a", selectors: [...b, "tpm:pub_hash:h"] } } }),
        ], settings);
        // `k8s:pod-label:app` names no value: it pins no key, so it excludes nothing (not label `ap` = `app`).
        assert.deepStrictEqual(pair(["k8s:pod-label:app"], ["k8s:pod-label:ap:x"]), [[0, 1]]);
        // An empty key is a key: `::ab` and `::xb` pin it to different values (the value is all after the first colon).
        for (const prefix of ["k8s:pod-label:", "docker:label:"]) {
            assert.deepStrictEqual(pair([`${prefix}:ab`], [`${prefix}:xb`]), [], prefix);
            assert.deepStrictEqual(pair([`${prefix}:ab`], [`${prefix}:ab`, "unix:uid:1"]), [[0, 1]], `${prefix}: the control, one value`);
        }
    });
    it("links two registrations under one node's own SPIRE agent ID, and reads a selector without a value as pinning nothing", () => {
        const under = (parentId: string, selectors: string[]) => ({ spire: { parentId, selectors } });
        const t1 = "spiffe://example.org/spire/agent/join_token/t1";
        assert.deepStrictEqual(identityGroups([agent("a1", { identity: under(t1, ["k8s:ns:x", "k8s:sa:y"]) }), agent("b2", { identity: under(t1, ["unix:uid:1000"]) })], settings), [[0, 1]],
            "one SPIRE agent receives both entries");
        // `k8s:nsa` has no second colon: no `k8s:ns` value, so it excludes nothing (not k8s:ns = "k8s:nsa").
        const pair = (a: string[], b: string[]) => identityGroups([agent("a1", { identity: under("spiffe://example.org/node/a", a) }), agent("b2", { identity: under("spiffe://example.org/node/a", b) })], settings);
        assert.deepStrictEqual(pair(["k8s:nsa", "unix:uid:1"], ["k8s:ns:x", "unix:uid:1", "unix:path:/bin/x"]), [[0, 1]]);
    });

    it("words a conflict of SPIRE selectors under one parent and under two parents whole", () => {
        const under = (parentId: string, selectors: string[]) => ({ spire: { parentId, selectors } });
        const found = (parentB: string) => sharedIdentityViolations([
            agent("a1", { identity: under("spiffe://example.org/node/a", ["unix:uid:1000", "k8s:ns:x"]) }), agent("b2", { identity: under(parentB, ["unix:uid:1000", "unix:path:/bin/x"]) }),
        ], settings, where)[1].map((v) => [v.path.join("."), v.rule, v.message]);
        const fix = "can match one workload (nothing in them excludes each other): it would receive both agents' SVIDs — add a selector both sets pin with different values (e.g. unix:uid), or register the agents under two nodes' own SPIRE agent IDs (spiffe://<trust domain>/spire/agent/…)";
        assert.deepStrictEqual(found("spiffe://example.org/node/a"), [["spec.identity.spire.selectors", "identity-shared",
            `SPIRE selectors [unix:path:/bin/x, unix:uid:1000] and agent "a1"'s [k8s:ns:x, unix:uid:1000] (agents/0.yaml) under parent spiffe://example.org/node/a ${fix}`]]);
        assert.deepStrictEqual(found("spiffe://example.org/node/b"), [["spec.identity.spire.selectors", "identity-shared",
            `SPIRE selectors [unix:path:/bin/x, unix:uid:1000] and agent "a1"'s [k8s:ns:x, unix:uid:1000] (agents/0.yaml) under parents spiffe://example.org/node/b and spiffe://example.org/node/a (one SPIRE agent receives the entries of its own ID, of its node aliases and of the entries below them) ${fix}`]]);
    });
});

describe("Cedar names", () => {
    it("join target and tool with three underscores, and match only the agent's own role sessions", () => {
        assert.deepStrictEqual(["crm/lookupCustomer", "c_rm/look_up"].map(toolActionId), ["crm___lookupCustomer", "c_rm___look_up"]);
        assert.strictEqual(agentSessionPattern("support-triage", "123456789012"), "arn:aws:sts::123456789012:assumed-role/agent-support-triage/*");
    });

    it("build a schema with one action per distinct tool, sorted", () => {
        assert.strictEqual(buildCedarSchema(["kb/search", "crm/lookup", "kb/search"]), [
            "namespace AgentCore {",
            "  entity IamEntity { id: String };",
            "  entity OAuthUser;",
            "  entity Gateway;",
            `  action "crm___lookup" appliesTo { principal: [IamEntity, OAuthUser], resource: [Gateway] };`,
            `  action "kb___search" appliesTo { principal: [IamEntity, OAuthUser], resource: [Gateway] };`,
            "}",
            "",
        ].join("\n"));
    });
});
