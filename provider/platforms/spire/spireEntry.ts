import * as pulumi from "@pulumi/pulumi";
import { SPIRE_ENTRY_TYPE } from "./entryProvider";

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
    /** The entry's ID in SPIRE. */
    public readonly entryId!: pulumi.Output<string>;
    public readonly spiffeId!: pulumi.Output<string>;
    public readonly expiresAt!: pulumi.Output<string>;
    /** SPIRE's revision counter (bumps on every update). */
    public readonly revisionNumber!: pulumi.Output<number>;

    constructor(name: string, args: SpireEntryArgs, opts?: pulumi.CustomResourceOptions) {
        super(SPIRE_ENTRY_TYPE, name, { ...args, entryId: undefined, revisionNumber: undefined }, opts);
    }
}
