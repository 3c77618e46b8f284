/**
 * The args each component takes, from one source: the package schema (schema/schema.json, generated from the
 * args' JSDoc by `npm run schema`), plus the args only TypeScript programs can pass. A program written in
 * JavaScript, or with `as any`, that misspells an arg (`reviewby`, `path`) would otherwise lose it without a
 * word — an AgentFleet with `path: "agents/"` validates no file and removes every agent its stack holds.
 */
import packageSchema = require("../../schema/schema.json");
import type { Violation } from "../declarations/diagnostics";
import { TYPE_TOKENS } from "../model/tokens";

/** Args left out of the package schema: they take in-code declarations as objects (scripts/schema.ts reads this too). */
export const TYPESCRIPT_ONLY_ARGS: Readonly<Record<string, readonly string[]>> = { AgentFleetArgs: ["agents"] };

type ComponentToken = typeof TYPE_TOKENS.agent | typeof TYPE_TOKENS.fleet;
const ARGS_TYPE: Record<ComponentToken, string> = { [TYPE_TOKENS.agent]: "AgentArgs", [TYPE_TOKENS.fleet]: "AgentFleetArgs" };

/** Every arg the component takes, in the schema's order. */
export function argNamesOf(component: ComponentToken): string[] {
    const resources = packageSchema.resources as Record<string, { inputProperties: Record<string, unknown> }>;
    return [...Object.keys(resources[component].inputProperties), ...(TYPESCRIPT_ONLY_ARGS[ARGS_TYPE[component]] ?? [])];
}

/** Args the component does not take, each named with the one it most likely meant, or the list of all. */
export function unknownArgViolations(component: ComponentToken, args: object): Violation[] {
    const known = argNamesOf(component);
    const what = component === TYPE_TOKENS.agent ? "an Agent" : "an AgentFleet";
    return Object.keys(args).filter((key) => !known.includes(key)).map((key) => {
        const meant = likelyMeant(key, known);
        return {
            path: [key], rule: "unknown-argument",
            message: `${what} takes no arg "${key}"${meant ? `; did you mean ${meant}?` : ""} (its args: ${known.join(", ")}); an arg it does not take would be ignored`,
        };
    });
}

/** The known name a misspelling most likely meant: the same letters in another case, or at most two edits away. */
function likelyMeant(key: string, known: readonly string[]): string | undefined {
    const sameLetters = known.find((k) => k.toLowerCase() === key.toLowerCase());
    if (sameLetters) return sameLetters;
    const scored = known.map((k) => ({ k, d: editDistance(key.toLowerCase(), k.toLowerCase()) })).filter((s) => s.d <= 2);
    scored.sort((a, b) => a.d - b.d);
    return scored[0]?.k;
}

/** Levenshtein distance: insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        previous = current;
    }
    return previous[b.length];
}
