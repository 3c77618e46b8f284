import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { parseArgs } from "../../provider/cli/command";
import { COMMANDS } from "../../provider/cli/main";

const DIR = path.join(__dirname, "../../../examples/pipelines");

describe("pipeline examples", () => {
    for (const file of ["pull-request.yml", "nightly.yml"]) {
        it(`${file} calls agentid only with commands and flags that exist`, () => {
            const workflow = parse(fs.readFileSync(path.join(DIR, file), "utf8")) as { jobs: Record<string, { steps: { run?: string }[] }> };
            const calls = Object.values(workflow.jobs).flatMap((job) => job.steps.map((s) => s.run ?? ""))
                .flatMap((run) => [...run.matchAll(/npx agentid ([^|>&\n]+)/g)].map((m) => m[1].trim().split(/\s+/)));
            assert.ok(calls.length >= 3, `${file} should call agentid`);
            for (const [name, ...args] of calls) {
                const command = COMMANDS.find((c) => c.name === name);
                assert.ok(command, `unknown command ${name}`);
                assert.doesNotThrow(() => parseArgs(args.filter((a) => !a.includes("${{")), command!), `${name} ${args.join(" ")}`);
            }
        });
    }
});
