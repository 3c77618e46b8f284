import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "../../..");
const PERMISSIVE = /^(MIT|ISC|Apache-2\.0|BSD-2-Clause|BSD-3-Clause|0BSD|BlueOak-1\.0\.0|\(MIT OR Apache-2\.0\))$/;

describe("licences", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    const licenceOf = (name: string) => (JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")) as { license?: string }).license ?? "UNKNOWN";

    it("has only permissive runtime dependencies (AGPL may only be a devDependency)", () => {
        const offending = Object.keys(pkg.dependencies).map((d) => [d, licenceOf(d)]).filter(([, l]) => !PERMISSIVE.test(l));
        assert.deepStrictEqual(offending, []);
    });

    it("keeps the AGPL simulator in devDependencies", () => {
        assert.strictEqual(licenceOf("@cloud-copilot/iam-simulate"), "AGPL-3.0-or-later");
        assert.ok("@cloud-copilot/iam-simulate" in pkg.devDependencies);
        assert.ok(!("@cloud-copilot/iam-simulate" in pkg.dependencies));
    });

    it("pins @pulumi/pulumi to 3.248.0 (Node 20)", () => {
        assert.strictEqual(pkg.dependencies["@pulumi/pulumi"], "3.248.0");
    });
});
