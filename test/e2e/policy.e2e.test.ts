import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import { engineEnv, toolchainRoot } from "../../provider/engine/toolchain";
import { openFleetStack, PACKAGE_ROOT } from "../../provider/engine/workspace";
import { announceEngine, requireEngine, scratch } from "./engine";

const PACK = path.join(PACKAGE_ROOT, "provider", "policy", "pack");

describe("e2e: the agentid-guardrails policy pack on the real engine", function () {
    let work: string;

    before(function () {
        requireEngine(this);
        announceEngine();
        work = scratch("e2e-policy");
    });

    it("stops a preview whose stack holds a long-lived service-account token (mandatory)", async () => {
        const dir = path.join(work, "violating");
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: violating\nruntime: nodejs\nmain: index.js\n");
        fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "violating", private: true }));
        fs.symlinkSync(path.join(PACKAGE_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
        fs.writeFileSync(path.join(dir, "index.js"), [
            `const k8s = require("@pulumi/kubernetes");`,
            `const render = new k8s.Provider("render", { renderYamlToDirectory: ${JSON.stringify(path.join(dir, "out"))} });`,
            `new k8s.core.v1.Secret("bot-token", { metadata: { name: "bot-token", annotations: { "kubernetes.io/service-account.name": "bot" } }, type: "kubernetes.io/service-account-token" }, { provider: render });`,
        ].join("\n"));
        const stack = await LocalWorkspace.createOrSelectStack({ stackName: "policy", workDir: dir }, {
            envVars: engineEnv(path.join(work, "state")), pulumiCommand: await PulumiCommand.get({ root: toolchainRoot() }),
        });
        const failure = await stack.preview({ policyPacks: [PACK] }).then(() => undefined, (e: Error) => e);
        assert.ok(failure, "the preview must fail");
        assert.match(failure.message, /\[mandatory\]\s+no-static-credentials/);
        assert.match(failure.message, /bot-token: a kubernetes.io\/service-account-token Secret is a long-lived token/);
    });

    it("lets a fleet declared through agentid pass every guardrail", async () => {
        const agents = path.join(work, "agents");
        fs.mkdirSync(agents, { recursive: true });
        fs.copyFileSync(path.join(PACKAGE_ROOT, "agents", "ops.yaml"), path.join(agents, "ops.yaml"));
        fs.copyFileSync(path.join(PACKAGE_ROOT, "agents", "fleet.yaml"), path.join(agents, "fleet.yaml"));
        const stack = await openFleetStack({ workDir: path.join(work, "fleet"), stackName: "policy", agentPaths: [agents], renderYamlTo: path.join(work, "manifests"), now: "2026-12-01T00:00:00Z" });
        const result = await stack.preview({ policyPacks: [PACK] });
        assert.match(result.stdout, /Policies:\s*\n\s*✅ agentid-guardrails@v0\.1\.0/);
    });
});
