import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { parseArgs } from "../../provider/cli/command";
import { COMMANDS } from "../../provider/cli/main";
import { BASE_AGENT, cli, NOW, replaceLine, writeFixtures } from "../helpers/fixtures";

const DIR = path.join(__dirname, "../../../examples/pipelines");

interface Workflow { jobs: Record<string, { needs?: string; strategy?: { matrix?: unknown }; steps: { id?: string; run?: string }[] }> }
const read = (file: string) => parse(fs.readFileSync(path.join(DIR, file), "utf8")) as Workflow;

describe("pipeline examples", () => {
    for (const file of ["pull-request.yml", "nightly.yml", "shards.yml"]) {
        it(`${file} calls agentid only with commands and flags that exist`, () => {
            const calls = Object.values(read(file).jobs).flatMap((job) => job.steps.map((s) => s.run ?? ""))
                .flatMap((run) => [...run.matchAll(/npx agentid ([^|>&\n]+)/g)].map((m) => m[1].replace(/\$\{\{[^}]*\}\}/g, "VALUE").trim().split(/\s+/)));
            assert.ok(calls.length >= 3, `${file} should call agentid`);
            for (const [name, ...args] of calls) {
                const command = COMMANDS.find((c) => c.name === name);
                assert.ok(command, `unknown command ${name}`);
                let parsed: ReturnType<typeof parseArgs> | undefined;
                assert.doesNotThrow(() => { parsed = parseArgs(args, command!); }, `${name} ${args.join(" ")}`);
                const takesPaths = command!.takesPaths || (command!.pathsWith !== undefined && parsed!.flags[command!.pathsWith] === true);
                assert.strictEqual(parsed!.positionals.length > 0, takesPaths, `${name} ${args.join(" ")}: paths only where the command takes them`);
            }
        });
    }

    it("shards.yml fans the stacks that agentid stacks --json lists out over a job matrix, one stack per job", async () => {
        const workflow = read("shards.yml");
        const matrixStep = workflow.jobs.stacks.steps.find((s) => s.id === "stacks")!;
        assert.strictEqual(matrixStep.run, `echo "matrix=$(jq -c '{stack:[.stacks[].name]}' stacks.json)" >> "$GITHUB_OUTPUT"`);
        assert.deepStrictEqual([workflow.jobs.update.needs, workflow.jobs.update.strategy?.matrix], ["stacks", "${{ fromJSON(needs.stacks.outputs.matrix) }}"]);
        assert.ok(workflow.jobs.update.steps.some((s) => s.run?.includes("npx agentid up --stack ${{ matrix.stack }}")));
        // The document the jq filter reads: {stacks:[{name, agents}]}.
        const dir = writeFixtures({
            "fleet.yaml": "apiVersion: agentid/v1\nkind: Fleet\nmetadata: { name: fleet }\nspec: { stacks: { by: team } }\n",
            "a.yaml": BASE_AGENT,
            "b.yaml": replaceLine(replaceLine(BASE_AGENT, "  name: fixture-agent", "  name: other-agent"), "    team: platform", "    team: data"),
        });
        const listed = JSON.parse((await cli("stacks", dir, "--now", NOW, "--json")).stdout) as { stacks: { name: string }[] };
        assert.deepStrictEqual({ stack: listed.stacks.map((s) => s.name) }, { stack: ["agents-data", "agents-platform"] });
    });
});
