import * as pulumi from "@pulumi/pulumi";
import { formatInstant } from "../../declarations/clock";
import type { AgentArtefacts, DocumentValues } from "../documents";
import { TYPE_TOKENS } from "../../model/tokens";

export interface SpireEntryArgs {
    /** The workload's SPIFFE ID; changing it replaces the entry. */
    spiffeId: pulumi.Input<string>;
    /** SPIFFE ID of the node or agent the workload runs under; changing it replaces the entry. */
    parentId: pulumi.Input<string>;
    /** Workload selectors; changing them replaces the entry. */
    selectors: pulumi.Input<pulumi.Input<{ type: pulumi.Input<string>; value: pulumi.Input<string> }>[]>;
    /** X.509 SVID lifetime, seconds (default 900). */
    x509SvidTtl?: pulumi.Input<number>;
    /** JWT SVID lifetime, seconds (default 300). */
    jwtSvidTtl?: pulumi.Input<number>;
    /** RFC 3339: SPIRE issues no SVID for the entry after this. */
    expiresAt: pulumi.Input<string>;
    /** DNS names for X.509 SVIDs. */
    dnsNames?: pulumi.Input<pulumi.Input<string>[]>;
    /** A hint for workloads holding several identities (agentid uses the agent name). */
    hint?: pulumi.Input<string>;
    /** The SPIRE server's admin socket (default /tmp/spire-server/private/api.sock). */
    socketPath?: pulumi.Input<string>;
}

/** A SPIRE registration entry managed over the SPIRE server API by agentid's provider plugin. */
export class SpireEntry extends pulumi.CustomResource {
    // `declare`: the engine's outputs are set on the instance by the CustomResource constructor; a class field
    // (ES2022 emits one for a `!` property) would reset each to undefined right after it.
    /** The entry's ID in SPIRE. */
    declare public readonly entryId: pulumi.Output<string>;
    declare public readonly spiffeId: pulumi.Output<string>;
    declare public readonly expiresAt: pulumi.Output<string>;
    /** SPIRE's revision counter (bumps on every update). */
    declare public readonly revisionNumber: pulumi.Output<number>;

    constructor(name: string, args: SpireEntryArgs, opts?: pulumi.CustomResourceOptions) {
        super(TYPE_TOKENS.spireEntry, name, { ...args, entryId: undefined, revisionNumber: undefined }, opts);
    }
}

/** The agent's registration entry: identity from the documents, lifetimes from the structure. */
export function createSpireEntry(resourceName: string, structure: AgentArtefacts, documents: DocumentValues, socketPath: pulumi.Input<string> | undefined, opts: pulumi.CustomResourceOptions): SpireEntry {
    const entry = structure.spire!.entry;
    return new SpireEntry(`${resourceName}-spire`, {
        spiffeId: documents.value((d) => d.spire!.entry.spiffeId),
        parentId: documents.value((d) => d.spire!.entry.parentId),
        selectors: documents.value((d) => d.spire!.entry.selectors),
        x509SvidTtl: entry.x509SvidTtl,
        jwtSvidTtl: entry.jwtSvidTtl,
        expiresAt: formatInstant(new Date(entry.expiresAt * 1000)),
        dnsNames: documents.value((d) => d.spire!.entry.dnsNames),
        hint: entry.hint,
        ...(socketPath !== undefined ? { socketPath } : {}),
    }, opts);
}
