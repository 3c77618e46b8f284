import { parseInstant } from "../../declarations/clock";
import type { ResolvedAgent } from "../../model/resolvedAgent";

/** A SPIRE registration entry as agentid manages it (the SPIRE server API's Entry, camelCased). */
export interface SpireEntrySpec {
    spiffeId: string;
    parentId: string;
    selectors: { type: string; value: string }[];
    x509SvidTtl: number;
    jwtSvidTtl: number;
    /** Unix seconds: SPIRE stops issuing SVIDs for the entry after this (see entryExpiryOf). */
    expiresAt: number;
    dnsNames: string[];
    hint: string;
    admin: boolean;
    downstream: boolean;
}

/** Splits `k8s:ns:agents` into `{type: "k8s", value: "ns:agents"}`. */
export function parseSelector(selector: string): { type: string; value: string } {
    const colon = selector.indexOf(":");
    return { type: selector.slice(0, colon), value: selector.slice(colon + 1) };
}

/** SPIRE deletes expired entries on this cadence (pkg/server/registration/manager.go), not when signing. */
export const SPIRE_PRUNING_SECONDS = 300;

/**
 * When the entry stops: early enough that the last SVID SPIRE can sign — at the entry's expiry plus one
 * pruning period, valid for its TTL — ends by the agent's expiry.
 */
export function entryExpiryOf(agent: ResolvedAgent): number {
    const agentEnd = Math.floor(parseInstant(agent.expiresAt)!.getTime() / 1000);
    return agentEnd - Math.max(agent.svid.x509SvidTtl, agent.svid.jwtSvidTtl) - SPIRE_PRUNING_SECONDS;
}

/** The agent's registration entry: its SPIFFE ID, short SVID TTLs, and an expiry no SVID outlives the agent by. */
export function buildSpireEntry(agent: ResolvedAgent): SpireEntrySpec {
    const spire = agent.spire!;
    return {
        spiffeId: agent.spiffeId,
        parentId: spire.parentId,
        selectors: spire.selectors.map(parseSelector),
        x509SvidTtl: agent.svid.x509SvidTtl,
        jwtSvidTtl: agent.svid.jwtSvidTtl,
        expiresAt: entryExpiryOf(agent),
        dnsNames: [...spire.dnsNames],
        hint: agent.name,
        admin: false,
        downstream: false,
    };
}
