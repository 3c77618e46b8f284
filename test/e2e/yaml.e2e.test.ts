import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import { engineEnv, toolchainBin, toolchainRoot } from "../../provider/engine/toolchain";
import { PACKAGE_ROOT } from "../../provider/engine/workspace";
import { announceEngine, filesUnder, requireEngine, scratch } from "./engine";

describe("e2e: agentid from Pulumi YAML through the provider plugin", function () {
    let work: string;
    let env: Record<string, string>;

    before(function () {
        requireEngine(this);
        announceEngine();
        if (!fs.existsSync(path.join(toolchainBin(), "pulumi-language-yaml"))) {
            if (process.env.CI === "true") throw new Error("pulumi-language-yaml is not built: run npm run toolchain");
            console.warn("  skipping: pulumi-language-yaml is not built (npm run toolchain)");
            this.skip();
        }
        work = scratch("e2e-yaml");
        env = engineEnv(path.join(work, "state"));
    });

    it("serves the committed schema to the engine (pulumi package get-schema)", () => {
        const schema = execFileSync(path.join(toolchainBin(), "pulumi"), ["package", "get-schema", path.join(PACKAGE_ROOT, "provider", "bin", "pulumi-resource-agentid")], { cwd: work, env: { ...process.env, ...env }, encoding: "utf8" });
        const committed = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, "schema", "schema.json"), "utf8"));
        assert.deepStrictEqual(Object.keys(JSON.parse(schema).resources), Object.keys(committed.resources));
        assert.deepStrictEqual(JSON.parse(schema).resources["agentid:index:Agent"].inputProperties, committed.resources["agentid:index:Agent"].inputProperties);
    });

    it("previews and updates examples/yaml: the Agent component and its Kubernetes identity", async () => {
        const dir = path.join(work, "yaml");
        fs.cpSync(path.join(PACKAGE_ROOT, "examples", "yaml"), dir, { recursive: true });
        const stack = await LocalWorkspace.createOrSelectStack({ stackName: "yaml", workDir: dir }, { envVars: env, pulumiCommand: await PulumiCommand.get({ root: toolchainRoot() }) });
        const preview = await stack.preview();
        assert.deepStrictEqual(preview.changeSummary, { create: 6 });
        const up = await stack.up();
        assert.deepStrictEqual([up.outputs.serviceAccount.value, up.outputs.status.value], ["agents/release-notes", "active"]);
        assert.deepStrictEqual(filesUnder(path.join(dir, "out")), [
            "1-manifest/rbac.authorization.k8s.io_v1-role-releases-agent-release-notes.yaml",
            "1-manifest/rbac.authorization.k8s.io_v1-rolebinding-releases-agent-release-notes.yaml",
            "1-manifest/v1-serviceaccount-agents-release-notes.yaml",
        ]);
        await stack.destroy();
        await stack.workspace.removeStack("yaml");
    });
});
