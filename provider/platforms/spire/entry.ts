import { parseInstant } from "../../spec/clock";
import type { ResolvedAgent } from "../../spec/resolve";

/** A SPIRE registration entry as agentid manages it (the SPIRE server API's Entry, camelCased). */
export interface SpireEntrySpec {
    spiffeId: string;
    parentId: string;
    selectors: { type: string; value: string }[];
    x509SvidTtl: number;
    jwtSvidTtl: number;
    /** Unix seconds: SPIRE stops issuing SVIDs for the entry after this. */
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

/** The agent's registration entry: its SPIFFE ID, short SVID TTLs, expiry = the agent's. */
export function buildSpireEntry(agent: ResolvedAgent): SpireEntrySpec {
    const spire = agent.spire!;
    return {
        spiffeId: agent.spiffeId,
        parentId: spire.parentId,
        selectors: spire.selectors.map(parseSelector),
        x509SvidTtl: agent.svid.x509SvidTtl,
        jwtSvidTtl: agent.svid.jwtSvidTtl,
        expiresAt: Math.floor(parseInstant(agent.expiresAt)!.getTime() / 1000),
        dnsNames: [...spire.dnsNames],
        hint: agent.name,
        admin: false,
        downstream: false,
    };
}
