import * as pulumi from "@pulumi/pulumi";
import { computedByAws } from "./awsComputed";
import { programIdentities } from "../../provider/guardrails/identities";

/** A resource registered under mocks: its type, name, parent and resolved inputs. */
export interface Registered {
    type: string;
    name: string;
    custom: boolean;
    inputs: Record<string, any>;
}

/** Every registration the mocks saw, in order. */
export const registrations: Registered[] = [];

pulumi.runtime.setMocks({
    newResource(args) {
        registrations.push({ type: args.type, name: args.name, custom: args.custom ?? true, inputs: args.inputs });
        return { id: `${args.name}-id`, state: { ...args.inputs, ...computedByAws(args.type, args.name, args.inputs), ...computedBySpire(args.type, args.name) } };
    },
    call(args) {
        return args.inputs;
    },
}, "agentid", "test", true);

/** What the SPIRE server assigns a registration entry it creates (agentid's own SpireEntry resource). */
function computedBySpire(type: string, name: string): Record<string, unknown> {
    return type === "agentid:spire:Entry" ? { entryId: `entry-of-${name}`, revisionNumber: 0 } : {};
}

/**
 * Each test is a program of its own: the program-wide identity ledger starts empty (a root hook: this file is
 * loaded by every test file that registers resources). A test that plays two programs calls `newProgram()` between.
 */
export function newProgram(): void {
    programIdentities.clear();
}
beforeEach(newProgram);

/** Parents seen through a transformation that every child inherits from the component. */
export interface Parentage {
    records: { type: string; name: string; parent?: string; deleteBeforeReplace?: boolean }[];
    options: pulumi.ComponentResourceOptions;
}

export function recordParents(): Parentage {
    const records: Parentage["records"] = [];
    return {
        records,
        options: {
            transformations: [(args) => {
                records.push({
                    type: args.type, name: args.name, parent: args.opts.parent ? (args.opts.parent as unknown as { __name?: string }).__name : undefined,
                    ...((args.opts as pulumi.CustomResourceOptions).deleteBeforeReplace ? { deleteBeforeReplace: true } : {}),
                });
                return undefined;
            }],
        },
    };
}

/** Resolves an Output in a mocked program. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((v) => { resolve(v); return v; }));
}

/**
 * The runtime's own count of outstanding registrations and invokes: what Pulumi's language host awaits
 * before it ends a program. Internal to @pulumi/pulumi (pinned at 3.248.0), so its presence is checked.
 */
const waitForRPCs = (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
if (typeof waitForRPCs !== "function") throw new Error("@pulumi/pulumi no longer exports runtime.waitForRPCs; test/helpers/mocks.ts needs another way to await registrations");

/** Resolves once every registration started so far, and every one those started, has reached the mocks. */
export async function settled(): Promise<void> {
    await waitForRPCs!();
}

/** Runs `create` (a program fragment) and returns exactly what it registered, once all of it has. */
export async function registeredBy<T>(create: () => T): Promise<{ result: T; registered: Registered[] }> {
    await settled();
    const start = registrations.length;
    const result = create();
    await settled();
    return { result, registered: registrations.slice(start) };
}

