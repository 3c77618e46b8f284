import * as assert from "assert";
import { boundedMap } from "../../provider/cli/engineCommand";
import { BASE_AGENT, cli, NOW, replaceLine, writeFixtures } from "../helpers/fixtures";

const FLEET = "apiVersion: agentid/v1\nkind: Fleet\nmetadata: { name: fleet }\nspec: { stacks: { by: \"label:cost-center\", prefix: prod } }\n";
const labelled = (name: string, center: string) => replaceLine(BASE_AGENT, "  name: fixture-agent", `  name: ${name}\n  labels: { cost-center: ${center} }`);

describe("agentid stacks", () => {
    it("lists each stack with its agents, for people and as JSON", async () => {
        const dir = writeFixtures({ "fleet.yaml": FLEET, "a.yaml": labelled("a-agent", "CC 10"), "b.yaml": labelled("b-agent", "cc-20"), "c.yaml": labelled("c-agent", "cc-20") });
        const json = await cli("stacks", dir, "--now", NOW, "--json");
        assert.deepStrictEqual([json.code, JSON.parse(json.stdout)], [0, { stacks: [{ name: "prod-cc-10-3d33e123", agents: ["a-agent"] }, { name: "prod-cc-20", agents: ["b-agent", "c-agent"] }] }]);
        const text = await cli("stacks", dir, "--now", NOW);
        assert.deepStrictEqual([text.code, text.stdout], [0, "prod-cc-10-3d33e123  a-agent\nprod-cc-20  b-agent, c-agent\n"]);
    });

    it("refuses invalid declarations (exit 1, with the errors): the program would register nothing", async () => {
        const dir = writeFixtures({ "fleet.yaml": FLEET, "a.yaml": labelled("a-agent", "cc-10"), "b.yaml": replaceLine(BASE_AGENT, "  name: fixture-agent", "  name: no-label") });
        const result = await cli("stacks", dir, "--now", NOW, "--json");
        const document = JSON.parse(result.stdout);
        assert.deepStrictEqual([result.code, document.error.code, document.errors.map((e: { rule: string; agent?: string }) => [e.rule, e.agent])], [1, "invalid", [["stack-shard", "no-label"]]]);
        assert.match(result.stderr, /b\.yaml:3:1: error: the fleet is split into stacks by label "cost-center" \(spec\.stacks\.by\), but agent no-label has no value for it/);
    });

    it("takes --cwd and --wait only with --move", async () => {
        const dir = writeFixtures({ "fleet.yaml": FLEET, "a.yaml": labelled("a-agent", "cc-10") });
        const result = await cli("stacks", dir, "--now", NOW, "--wait", "1m", "--json");
        assert.deepStrictEqual([result.code, JSON.parse(result.stdout).error], [2, { code: "usage", message: "--wait works with --move; give --move to move agents between stacks" }]);
    });
});

describe("--all: stacks at a bounded concurrency", () => {
    it("runs at most N at once and keeps the results in the stacks' order", async () => {
        let running = 0;
        let most = 0;
        const finished: number[] = [];
        const results = await boundedMap([30, 5, 20, 1, 10], 2, async (ms) => {
            running++;
            most = Math.max(most, running);
            await new Promise((r) => setTimeout(r, ms));
            running--;
            finished.push(ms);
            return ms * 2;
        });
        assert.deepStrictEqual([results, most], [[60, 10, 40, 2, 20], 2]);
        assert.notDeepStrictEqual(finished, [30, 5, 20, 1, 10], "shorter runs finish first: they did overlap");
    });
});
