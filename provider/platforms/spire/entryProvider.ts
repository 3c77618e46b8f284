import type * as provider from "@pulumi/pulumi/provider";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { parseInstant } from "../../declarations/clock";
import { DEFAULT_SPIRE_SOCKET, SpireEntryClient, SpireEntryState } from "./client";
import type { SpireEntrySpec } from "./entry";
import { DEFAULT_SETTINGS } from "../../model/settings";

/** Type token of the native SPIRE registration entry. */

/** Inputs of `agentid:spire:Entry`, as the engine sends them (camelCase). */
export interface EntryInputs {
    spiffeId: string;
    parentId: string;
    selectors: { type: string; value: string }[];
    x509SvidTtl: number;
    jwtSvidTtl: number;
    /** RFC 3339; SPIRE stops issuing SVIDs for the entry after it. */
    expiresAt: string;
    dnsNames: string[];
    hint: string;
    admin: boolean;
    downstream: boolean;
    /** The SPIRE server's admin socket. */
    socketPath: string;
}

/** Fields that identify an entry in SPIRE: changing one replaces it. */
export const IDENTITY_FIELDS = ["spiffeId", "parentId", "selectors"] as const;
/** Fields updated in place. */
export const MUTABLE_FIELDS = ["x509SvidTtl", "jwtSvidTtl", "expiresAt", "dnsNames", "hint", "admin", "downstream"] as const;

const SPIFFE_ID = /^spiffe:\/\/[a-z0-9._-]+(\/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)+$/;

/**
 * How the engine hands a provider's check a value not known yet (at preview: computed from other resources'
 * outputs): the SDK's marker text in place of the value (@pulumi/pulumi runtime/rpc `unknownValue`). It is checked when
 * known, at update, and passed on as it is so that the engine, and the policy pack, still see it as unknown.
 */
export const UNKNOWN_INPUT = unknownValue;

/** Validates and normalises inputs; every failure names the property and the fix. Values not known yet pass. */
export function checkEntryInputs(news: Record<string, unknown>): { inputs: EntryInputs; failures: provider.CheckFailure[] } {
    const failures: provider.CheckFailure[] = [];
    const fail = (property: string, reason: string) => failures.push({ property, reason });
    const str = (key: string) => (typeof news[key] === "string" ? (news[key] as string) : undefined);
    const unknown = (value: unknown) => value === UNKNOWN_INPUT;

    for (const key of ["spiffeId", "parentId"]) {
        const value = str(key);
        if (value === undefined) fail(key, `${key} is required: a SPIFFE ID such as spiffe://example.org/agents/name`);
        else if (!unknown(value) && !SPIFFE_ID.test(value)) fail(key, `"${value}" is not a SPIFFE ID with a path (spiffe://<trust-domain>/<path>)`);
    }
    const selectors = Array.isArray(news.selectors) ? (news.selectors as { type?: unknown; value?: unknown }[]) : undefined;
    if (!unknown(news.selectors) && (!selectors || selectors.length === 0)) fail("selectors", "at least one selector {type, value} is required, e.g. {type: k8s, value: ns:agents}");
    selectors?.forEach((s, i) => {
        if (unknown(s)) return;
        if (!unknown(s?.type) && (typeof s?.type !== "string" || !/^[a-z0-9_]+$/.test(s.type))) fail(`selectors[${i}].type`, "selector type must be a plugin name such as k8s, unix or join_token");
        if (!unknown(s?.value) && (typeof s?.value !== "string" || s.value === "")) fail(`selectors[${i}].value`, "selector value must not be empty");
    });
    const ttl = (key: string, fallback: number) => {
        const value = news[key] ?? fallback;
        if (unknown(value)) return value as unknown as number;
        if (typeof value !== "number" || !Number.isInteger(value) || value < 60 || value > 86_400) {
            fail(key, `${key} must be whole seconds between 60 and 86400 (agents use short-lived SVIDs)`);
        }
        return value as number;
    };
    const x509SvidTtl = ttl("x509SvidTtl", DEFAULT_SETTINGS.x509SvidTtl);
    const jwtSvidTtl = ttl("jwtSvidTtl", DEFAULT_SETTINGS.jwtSvidTtl);
    const expiresAt = str("expiresAt");
    if (expiresAt === undefined || (!unknown(expiresAt) && !parseInstant(expiresAt))) fail("expiresAt", "expiresAt must be an RFC 3339 date-time such as 2027-02-28T00:00:00Z");
    for (const key of ["admin", "downstream"]) {
        if (news[key] === true) fail(key, `${key} entries can mint identities for others; agentid does not create them for agents`);
    }
    const dnsNames = Array.isArray(news.dnsNames) ? (news.dnsNames as unknown[]) : [];
    dnsNames.forEach((d, i) => { if (!unknown(d) && (typeof d !== "string" || d === "")) fail(`dnsNames[${i}]`, "DNS names must be non-empty strings"); });
    // A flag not known yet stays unknown (refused at update if true): never reported as a known false.
    const flag = (key: string) => (unknown(news[key]) ? (news[key] as unknown as boolean) : false);

    const inputs: EntryInputs = {
        spiffeId: str("spiffeId") ?? "",
        parentId: str("parentId") ?? "",
        selectors: unknown(news.selectors) ? (news.selectors as unknown as EntryInputs["selectors"])
            : (selectors ?? []).map((s) => (unknown(s) ? s as unknown as EntryInputs["selectors"][number] : { type: String(s?.type ?? ""), value: String(s?.value ?? "") })),
        x509SvidTtl, jwtSvidTtl,
        expiresAt: expiresAt ?? "",
        dnsNames: unknown(news.dnsNames) ? (news.dnsNames as unknown as string[]) : dnsNames.map(String),
        hint: str("hint") ?? "",
        admin: flag("admin"),
        downstream: flag("downstream"),
        socketPath: str("socketPath") ?? DEFAULT_SPIRE_SOCKET,
    };
    return { inputs, failures };
}

/** Identity fields replace, the rest update in place; the socket path is where, not what. */
export function diffEntry(olds: Partial<EntryInputs>, news: EntryInputs): provider.DiffResult {
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    const selectorKey = (s?: { type: string; value: string }[]) => (s ?? []).map((x) => `${x.type}:${x.value}`).sort();
    const replaces = IDENTITY_FIELDS.filter((field) => field === "selectors"
        ? !same(selectorKey(olds.selectors), selectorKey(news.selectors))
        : olds[field] !== news[field]);
    const updates = MUTABLE_FIELDS.filter((field) => !same(olds[field], news[field]));
    return { changes: replaces.length + updates.length > 0, replaces: [...replaces], deleteBeforeReplace: replaces.length > 0 };
}

/** The wire form of validated inputs. */
export function specOf(inputs: EntryInputs): SpireEntrySpec {
    return {
        spiffeId: inputs.spiffeId, parentId: inputs.parentId, selectors: inputs.selectors,
        x509SvidTtl: inputs.x509SvidTtl, jwtSvidTtl: inputs.jwtSvidTtl,
        expiresAt: Math.floor(parseInstant(inputs.expiresAt)!.getTime() / 1000),
        dnsNames: inputs.dnsNames, hint: inputs.hint, admin: inputs.admin, downstream: inputs.downstream,
    };
}

/** What the server holds, as the resource's inputs (so a refresh records out-of-band edits). */
export function inputsOf(entry: SpireEntryState, socketPath: string): EntryInputs {
    return {
        spiffeId: entry.spiffeId, parentId: entry.parentId, selectors: entry.selectors,
        x509SvidTtl: entry.x509SvidTtl, jwtSvidTtl: entry.jwtSvidTtl,
        expiresAt: new Date(entry.expiresAt * 1000).toISOString().replace(/\.000Z$/, "Z"),
        dnsNames: entry.dnsNames, hint: entry.hint, admin: entry.admin, downstream: entry.downstream, socketPath,
    };
}

function outputsOf(entry: SpireEntryState, socketPath: string): Record<string, unknown> {
    return { ...inputsOf(entry, socketPath), entryId: entry.id, revisionNumber: entry.revisionNumber };
}

/** CRUD for `agentid:spire:Entry` over the SPIRE server API. */
export class SpireEntryOperations {
    constructor(private readonly clientFor: (socketPath: string) => SpireEntryClient = (socket) => new SpireEntryClient(socket)) {}

    async create(inputs: EntryInputs): Promise<provider.CreateResult> {
        return this.with(inputs.socketPath, async (client) => {
            const entry = await client.create(specOf(inputs));
            return { id: entry.id, outs: outputsOf(entry, inputs.socketPath) };
        });
    }

    async read(id: string, props: Partial<EntryInputs>): Promise<provider.ReadResult> {
        const socketPath = props.socketPath ?? DEFAULT_SPIRE_SOCKET;
        return this.with(socketPath, async (client) => {
            const entry = await client.get(id);
            if (!entry) return { id: "", props: {} }; // deleted out of band: the engine drops it from state
            return { id, props: outputsOf(entry, socketPath), inputs: inputsOf(entry, socketPath) };
        });
    }

    async update(id: string, news: EntryInputs): Promise<provider.UpdateResult> {
        return this.with(news.socketPath, async (client) => ({ outs: outputsOf(await client.update(id, specOf(news)), news.socketPath) }));
    }

    async delete(id: string, props: Partial<EntryInputs>): Promise<void> {
        await this.with(props.socketPath ?? DEFAULT_SPIRE_SOCKET, (client) => client.delete(id));
    }

    private async with<T>(socketPath: string, use: (client: SpireEntryClient) => Promise<T>): Promise<T> {
        const client = this.clientFor(socketPath);
        try {
            return await use(client);
        } finally {
            client.close();
        }
    }
}
