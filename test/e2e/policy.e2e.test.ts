import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { engineEnv, toolchainRoot } from "../../provider/engine/toolchain";
import { openFleetStack, PACKAGE_ROOT } from "../../provider/engine/workspace";
import { GUARDRAILS } from "../../provider/policy/policies";
import { announceEngine, requireEngine, scratch } from "./engine";

const PACK = path.join(PACKAGE_ROOT, "provider", "policy", "pack");
const NOW = "2026-12-01T00:00:00Z";

/**
 * A hand-written stack (no agentid components): an agent's service account bound cluster-wide, and a
 * long-lived service-account token. Kubernetes is rendered to YAML, so no cluster is needed; AWS
 * resources cannot be previewed here (no AWS provider plugin), so the unit tests cover those.
 */
const VIOLATING_PROGRAM = (out: string) => [
    `const k8s = require("@pulumi/kubernetes");`,
    `const render = new k8s.Provider("render", { renderYamlToDirectory: ${JSON.stringify(out)} });`,
    `const annotations = { "agentid.dev/owner-team": "support", "agentid.dev/owner-contact": "support@example.com", "agentid.dev/expires-at": "2027-01-15T00:00:00Z" };`,
    `new k8s.core.v1.ServiceAccount("triage", { metadata: { name: "triage", namespace: "agents", annotations }, automountServiceAccountToken: false }, { provider: render });`,
    `new k8s.rbac.v1.ClusterRoleBinding("triage-view", { metadata: { name: "triage-view" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },`,
    `    subjects: [{ kind: "ServiceAccount", name: "triage", namespace: "agents" }] }, { provider: render });`,
    // Written without a namespace: the provider set to "agents" puts them there, and the pack must read them there.
    `const inAgents = new k8s.Provider("render-agents", { renderYamlToDirectory: ${JSON.stringify(out + "-agents")}, namespace: "agents" });`,
    `new k8s.rbac.v1.Role("admin", { metadata: { name: "admin" }, rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }] }, { provider: inAgents });`,
    `new k8s.rbac.v1.RoleBinding("triage-admin", { metadata: { name: "triage-admin" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "admin" },`,
    `    subjects: [{ kind: "ServiceAccount", name: "triage" }] }, { provider: inAgents });`,
    `new k8s.core.v1.Secret("bot-token", { metadata: { name: "bot-token", namespace: "agents", annotations: { "kubernetes.io/service-account.name": "bot" } }, type: "kubernetes.io/service-account-token" }, { provider: render });`,
].join("\n");

/** A policy config file: every policy reads the same clock; `levels` overrides enforcement per policy. */
function policyConfig(file: string, levels: Record<string, string> = {}): string {
    fs.writeFileSync(file, JSON.stringify(Object.fromEntries(GUARDRAILS.map((g) => [g.name, { now: NOW, ...(levels[g.name] ? { enforcementLevel: levels[g.name] } : {}) }]))));
    return file;
}

describe("e2e: the agentid-guardrails policy pack on the real engine", function () {
    let work: string;
    let violating: Stack;

    before(async function () {
        requireEngine(this);
        announceEngine();
        work = scratch("e2e-policy");
        const dir = path.join(work, "violating");
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: violating\nruntime: nodejs\nmain: index.js\n");
        fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "violating", private: true }));
        fs.symlinkSync(path.join(PACKAGE_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
        fs.writeFileSync(path.join(dir, "index.js"), VIOLATING_PROGRAM(path.join(dir, "out")));
        violating = await LocalWorkspace.createOrSelectStack({ stackName: "policy", workDir: dir }, {
            envVars: engineEnv(path.join(work, "state")), pulumiCommand: await PulumiCommand.get({ root: toolchainRoot() }),
        });
    });

    it("stops a stack with an agent's cluster-wide binding and a static credential, naming both (mandatory)", async () => {
        const failure = await violating.preview({ policyPacks: [PACK], policyPackConfigs: [policyConfig(path.join(work, "mandatory.json"))] }).then(() => undefined, (e: Error) => e);
        assert.ok(failure, "the preview must fail");
        assert.match(failure.message, /\[mandatory\]\s+agent-kubernetes-access/);
        assert.match(failure.message, /kubernetes\.rbac\.authorization\.k8s\.io\.v1\.ClusterRoleBinding "triage-view" binds agent service account agents\/triage to ClusterRole "view" in every namespace of the cluster/);
        // The namespace-less binding is reviewed in the provider's "agents" (pulumi-kubernetes fills it in at check).
        for (const field of ["apiGroups", "resources", "verbs"]) {
            assert.match(failure.message, new RegExp(`kubernetes\\.rbac\\.authorization\\.k8s\\.io\\.v1\\.RoleBinding "triage-admin" \\(agents/triage-admin\\) gives agent service account agents/triage Role "admin": rule 1 holds "\\*" in ${field}`));
        }
        assert.match(failure.message, /\[mandatory\]\s+no-static-credentials/);
        assert.match(failure.message, /kubernetes\.core\.v1\.Secret "bot-token" \(agents\/bot-token\) is a kubernetes\.io\/service-account-token Secret, a token that never expires/);
        const policies = [...failure.message.matchAll(/\[(?:mandatory|advisory)\]\s+([a-z-]+)/g)].map((m) => m[1]);
        assert.deepStrictEqual([...new Set(policies)].sort(), ["agent-kubernetes-access", "no-static-credentials"], "nothing else is reported");
    });

    it("lets the policy config set each policy's enforcement level", async () => {
        const config = policyConfig(path.join(work, "advisory.json"), { "agent-kubernetes-access": "advisory", "no-static-credentials": "advisory" });
        const result = await violating.preview({ policyPacks: [PACK], policyPackConfigs: [config] });
        assert.match(result.stdout, /\[advisory\]\s+agent-kubernetes-access/);
        assert.match(result.stdout, /\[advisory\]\s+no-static-credentials/);
        assert.doesNotMatch(result.stdout, /\[mandatory\]/);
    });

    it("passes the sample fleet (agents/) declared through agentid", async () => {
        const stack = await openFleetStack({ workDir: path.join(work, "fleet"), stackName: "policy", agentPaths: [path.join(PACKAGE_ROOT, "agents")], renderYamlTo: path.join(work, "manifests"), now: NOW });
        const result = await stack.preview({ policyPacks: [PACK], policyPackConfigs: [policyConfig(path.join(work, "fleet.json"))] });
        assert.match(result.stdout, /Policies:\s*\n\s*✅ agentid-guardrails@v0\.1\.0/);
        for (const kind of ["ServiceAccount", "RoleBinding"]) assert.match(result.stdout, new RegExp(`\\+\\s+kubernetes:(core|rbac\\.authorization\\.k8s\\.io)/v1:${kind}`), `the preview checks ${kind}s`);
    });
});
