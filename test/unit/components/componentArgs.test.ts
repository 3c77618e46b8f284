import * as assert from "assert";
import { argNamesOf, unknownArgViolations } from "../../../provider/components/componentArgs";
import { TYPE_TOKENS } from "../../../provider/model/tokens";

describe("componentArgs: the args each component takes, from the package schema", () => {
    it("lists the schema's input properties, and the TypeScript-only `agents` for AgentFleet", () => {
        assert.deepStrictEqual(argNamesOf(TYPE_TOKENS.fleet), ["paths", "settings", "now", "platforms", "oauthClients", "spireSocket", "stack", "agents"]);
        assert.deepStrictEqual(argNamesOf(TYPE_TOKENS.agent).slice(0, 4), ["agentName", "labels", "settings", "now"]);
        assert.strictEqual(argNamesOf(TYPE_TOKENS.agent).length, 17);
    });

    it("names each unknown arg once, with the known one of the same letters or at most two edits away", () => {
        const meant = (key: string) => /did you mean (\w+)\?/.exec(unknownArgViolations(TYPE_TOKENS.agent, { [key]: 1 })[0].message)?.[1];
        assert.deepStrictEqual(["REVIEWBY", "grant", "grnts", "expiresat", "owners", "idntty", "ttl", "approvals2x"].map(meant),
            ["reviewBy", "grants", "grants", "expiresAt", "owner", "identity", undefined, undefined]);
        assert.deepStrictEqual(unknownArgViolations(TYPE_TOKENS.agent, { grants: [], owner: {}, undefinedButKnown: undefined }).map((v) => [v.path, v.rule]), [[["undefinedButKnown"], "unknown-argument"]]);
        assert.deepStrictEqual(unknownArgViolations(TYPE_TOKENS.fleet, { paths: [], agents: [], stack: "prod" }), []);
    });
});
