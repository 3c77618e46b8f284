/**
 * Which stack each agent of a sharded fleet (`spec.stacks`) belongs to: pure and deterministic, so
 * `agentid stacks`, the root program and the fleet-wide commands always agree.
 */
import { createHash } from "crypto";
import type { AgentDeclaration, FleetSettings, StackSharding } from "../declarations/types";

/** The first part of every stack name when the fleet does not set `stacks.prefix`. */
export const DEFAULT_STACK_PREFIX = "agents";

/** Pulumi stack names: 1-100 characters of letters, digits, '_', '.' and '-'. */
export const STACK_NAME = { max: 100, pattern: /^[A-Za-z0-9_.-]{1,100}$/ } as const;

/** One stack of a sharded fleet and the agents it holds. */
export interface Shard {
    /** The stack name, `<prefix>-<value>`. */
    name: string;
    /** The team or label value the stack is for. */
    key: string;
    /** Agent names, sorted. */
    agents: string[];
}

/** True when the fleet is split into stacks. */
export function isSharded(settings: FleetSettings): settings is FleetSettings & { stacks: StackSharding } {
    return settings.stacks !== undefined;
}

/**
 * In a sharded fleet every agent owns its OAuth credential providers and gateway policy engines:
 * fleet-shared ones would be created by every stack under the same name.
 */
export function agentsOwnSharedResources(settings: FleetSettings): boolean {
    return settings.oauthClientSharing === "perAgent" || isSharded(settings);
}

/** The label key of `by: label:<key>`, or undefined for `by: team`. */
export function shardLabelOf(sharding: StackSharding): string | undefined {
    return sharding.by.startsWith("label:") ? sharding.by.slice("label:".length) : undefined;
}

/** The team or label value that places an agent; undefined (or blank) when the agent lacks the label. */
export function shardKeyOf(decl: Pick<AgentDeclaration, "metadata" | "spec">, sharding: StackSharding): string | undefined {
    const label = shardLabelOf(sharding);
    return label === undefined ? decl.spec.owner.team : decl.metadata.labels?.[label];
}

/**
 * `<prefix>-<value>`: the value lowercased with every run of other characters than a-z and 0-9 made
 * one '-'. When that changed the value (`Support Platform`) or the name would pass 100 characters, a
 * hash of the exact value is appended. A readable value can still spell another's hashed name
 * (`billing-eng-22cf2c43` and `Billing_Eng`): validation refuses two values sharing one stack.
 */
export function stackNameOf(key: string, sharding: StackSharding): string {
    const prefix = sharding.prefix ?? DEFAULT_STACK_PREFIX;
    const readable = key.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
    const plain = `${prefix}-${readable}`;
    if (readable === key && plain.length <= STACK_NAME.max) return plain;
    const hash = createHash("sha256").update(key).digest("hex").slice(0, 8);
    const room = STACK_NAME.max - prefix.length - hash.length - 2;
    const shortened = readable.slice(0, room).replace(/-+$/, "");
    return shortened ? `${prefix}-${shortened}-${hash}` : `${prefix}-${hash}`;
}

/** The stack an agent belongs to, or undefined when the fleet is not sharded or the agent lacks its label. */
export function stackOfAgent(decl: Pick<AgentDeclaration, "metadata" | "spec">, settings: FleetSettings): string | undefined {
    if (!isSharded(settings)) return undefined;
    const key = shardKeyOf(decl, settings.stacks);
    return key ? stackNameOf(key, settings.stacks) : undefined;
}

/** Every stack of the fleet with its agents, sorted by stack name; agents without their label are left out (validation reports them). */
export function shardsOf(declarations: readonly Pick<AgentDeclaration, "metadata" | "spec">[], sharding: StackSharding): Shard[] {
    const byName = new Map<string, Shard>();
    for (const decl of declarations) {
        const key = shardKeyOf(decl, sharding);
        if (!key) continue;
        const name = stackNameOf(key, sharding);
        const shard = byName.get(name) ?? { name, key, agents: [] };
        shard.agents.push(decl.metadata.name);
        byName.set(name, shard);
    }
    return [...byName.values()]
        .map((s) => ({ ...s, agents: [...s.agents].sort() }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
