import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import * as protobuf from "protobufjs";
import type { SpireEntrySpec } from "./entry";

/**
 * The part of the SPIRE server API agentid uses (spire.api.server.entry.v1.Entry), written from the
 * public API documentation: only the messages and fields we read or write.
 */
const TYPES = `
syntax = "proto3";
package spire.api.types;
message SPIFFEID { string trust_domain = 1; string path = 2; }
message Selector { string type = 1; string value = 2; }
message Status { int32 code = 1; string message = 2; }
message Entry {
  string id = 1; SPIFFEID spiffe_id = 2; SPIFFEID parent_id = 3; repeated Selector selectors = 4;
  int32 x509_svid_ttl = 5; repeated string federates_with = 6; bool admin = 7; bool downstream = 8;
  int64 expires_at = 9; repeated string dns_names = 10; int64 revision_number = 11; bool store_svid = 12;
  int32 jwt_svid_ttl = 13; string hint = 14; int64 created_at = 15;
}
message EntryMask {
  bool spiffe_id = 2; bool parent_id = 3; bool selectors = 4; bool x509_svid_ttl = 5; bool federates_with = 6;
  bool admin = 7; bool downstream = 8; bool expires_at = 9; bool dns_names = 10; bool revision_number = 11;
  bool store_svid = 12; bool jwt_svid_ttl = 13; bool hint = 14; bool created_at = 15;
}
`;
const ENTRY_SERVICE = `
syntax = "proto3";
package spire.api.server.entry.v1;
message GetEntryRequest { string id = 1; spire.api.types.EntryMask output_mask = 2; }
message BatchCreateEntryRequest { repeated spire.api.types.Entry entries = 1; spire.api.types.EntryMask output_mask = 2; }
message BatchCreateEntryResponse {
  message Result { spire.api.types.Status status = 1; spire.api.types.Entry entry = 2; }
  repeated Result results = 1;
}
message BatchUpdateEntryRequest {
  repeated spire.api.types.Entry entries = 1; spire.api.types.EntryMask input_mask = 2; spire.api.types.EntryMask output_mask = 3;
}
message BatchUpdateEntryResponse {
  message Result { spire.api.types.Status status = 1; spire.api.types.Entry entry = 2; }
  repeated Result results = 1;
}
message BatchDeleteEntryRequest { repeated string ids = 1; }
message BatchDeleteEntryResponse {
  message Result { spire.api.types.Status status = 1; string id = 2; }
  repeated Result results = 1;
}
service Entry {
  rpc GetEntry(GetEntryRequest) returns (spire.api.types.Entry);
  rpc BatchCreateEntry(BatchCreateEntryRequest) returns (BatchCreateEntryResponse);
  rpc BatchUpdateEntry(BatchUpdateEntryRequest) returns (BatchUpdateEntryResponse);
  rpc BatchDeleteEntry(BatchDeleteEntryRequest) returns (BatchDeleteEntryResponse);
}
`;

/** Where the SPIRE server's admin API listens when nothing else is said. */
export const DEFAULT_SPIRE_SOCKET = "/tmp/spire-server/private/api.sock";

/** gRPC status codes the server uses in per-entry results. */
const CODE = { ok: 0, invalidArgument: 3, notFound: 5, alreadyExists: 6, unavailable: 14 } as const;

/**
 * A SPIRE API failure as one line. Its stack is its message: the Pulumi provider host prints
 * `${error}: ${error.stack}`, and users should see what went wrong, not our call frames.
 */
export class SpireApiError extends Error {
    constructor(message: string, readonly code: number) {
        super(message);
        this.name = "SpireApiError";
        this.stack = message;
    }
}

/** An entry as the server holds it. */
export interface SpireEntryState extends SpireEntrySpec {
    id: string;
    revisionNumber: number;
    createdAt: number;
}

interface WireEntry {
    id?: string;
    spiffe_id?: { trust_domain: string; path: string };
    parent_id?: { trust_domain: string; path: string };
    selectors?: { type: string; value: string }[];
    x509_svid_ttl?: number;
    jwt_svid_ttl?: number;
    admin?: boolean;
    downstream?: boolean;
    expires_at?: string | number;
    dns_names?: string[];
    hint?: string;
    revision_number?: string | number;
    created_at?: string | number;
}

interface WireStatus { code: number; message: string }
type Unary<Req, Res> = (request: Req, options: grpc.CallOptions, callback: (error: grpc.ServiceError | null, response: Res) => void) => void;
interface EntryService extends grpc.Client {
    GetEntry: Unary<{ id: string }, WireEntry>;
    BatchCreateEntry: Unary<{ entries: WireEntry[] }, { results: { status: WireStatus; entry?: WireEntry }[] }>;
    BatchUpdateEntry: Unary<{ entries: WireEntry[]; input_mask: Record<string, boolean> }, { results: { status: WireStatus; entry?: WireEntry }[] }>;
    BatchDeleteEntry: Unary<{ ids: string[] }, { results: { status: WireStatus; id: string }[] }>;
}

let serviceConstructor: grpc.ServiceClientConstructor | undefined;

function entryServiceConstructor(): grpc.ServiceClientConstructor {
    if (!serviceConstructor) {
        const root = protobuf.parse(TYPES, { keepCase: true }).root;
        protobuf.parse(ENTRY_SERVICE, root, { keepCase: true });
        const definition = protoLoader.fromJSON(root.toJSON(), { keepCase: true, longs: String, defaults: true, oneofs: true });
        const loaded = grpc.loadPackageDefinition(definition) as unknown as { spire: { api: { server: { entry: { v1: { Entry: grpc.ServiceClientConstructor } } } } } };
        serviceConstructor = loaded.spire.api.server.entry.v1.Entry;
    }
    return serviceConstructor;
}

/** Fields an update may change in place; the identity (SPIFFE ID, parent, selectors) replaces. */
const MUTABLE_MASK = { x509_svid_ttl: true, jwt_svid_ttl: true, expires_at: true, dns_names: true, hint: true, admin: true, downstream: true };

/** A client for the SPIRE server's entry API over its admin socket (local callers are admins). */
export class SpireEntryClient {
    private readonly client: EntryService;
    private readonly target: string;

    constructor(socketPath: string = DEFAULT_SPIRE_SOCKET, private readonly timeoutMs = 10_000) {
        this.target = `unix://${socketPath}`;
        const Service = entryServiceConstructor();
        this.client = new Service(this.target, grpc.credentials.createInsecure()) as unknown as EntryService;
    }

    close(): void {
        this.client.close();
    }

    /** Creates one entry; per-entry statuses become errors naming the field. */
    async create(spec: SpireEntrySpec): Promise<SpireEntryState> {
        const response = await this.call(this.client.BatchCreateEntry, { entries: [toWire(spec)] }, "create");
        const [result] = response.results;
        if (result.status.code !== CODE.ok) throw statusError("create", spec.spiffeId, result.status);
        return fromWire(result.entry!);
    }

    /** The entry, or undefined when the server does not have it (deleted out of band). */
    async get(id: string): Promise<SpireEntryState | undefined> {
        try {
            return fromWire(await this.call(this.client.GetEntry, { id }, "read"));
        } catch (error) {
            if (error instanceof SpireApiError && error.code === CODE.notFound) return undefined;
            throw error;
        }
    }

    /** Updates the mutable fields of an entry in place. */
    async update(id: string, spec: SpireEntrySpec): Promise<SpireEntryState> {
        const response = await this.call(this.client.BatchUpdateEntry, { entries: [{ ...toWire(spec), id }], input_mask: MUTABLE_MASK }, "update");
        const [result] = response.results;
        if (result.status.code !== CODE.ok) throw statusError("update", spec.spiffeId, result.status);
        return fromWire(result.entry!);
    }

    /** Deletes an entry; one that is already gone counts as deleted. */
    async delete(id: string): Promise<void> {
        const response = await this.call(this.client.BatchDeleteEntry, { ids: [id] }, "delete");
        const [result] = response.results;
        if (result.status.code !== CODE.ok && result.status.code !== CODE.notFound) throw statusError("delete", id, result.status);
    }

    private call<Req, Res>(method: Unary<Req, Res>, request: Req, operation: string): Promise<Res> {
        return new Promise((resolve, reject) => {
            method.call(this.client, request, { deadline: Date.now() + this.timeoutMs }, (error, response) => {
                if (!error) return resolve(response);
                if (error.code === grpc.status.UNAVAILABLE || error.code === grpc.status.DEADLINE_EXCEEDED) {
                    return reject(new SpireApiError(`SPIRE server not reachable at ${this.target} (${operation}): ${error.details}; start it, or point config agentid:spireSocket at its admin socket`, CODE.unavailable));
                }
                reject(new SpireApiError(`SPIRE ${operation} failed: ${error.details}`, error.code));
            });
        });
    }
}

/** `spiffe://example.org/agents/x` → `{trust_domain: "example.org", path: "/agents/x"}`. */
export function splitSpiffeId(id: string): { trust_domain: string; path: string } {
    const m = /^spiffe:\/\/([^/]+)(\/.*)?$/.exec(id);
    if (!m) throw new SpireApiError(`"${id}" is not a SPIFFE ID (spiffe://<trust-domain>/<path>)`, CODE.invalidArgument);
    return { trust_domain: m[1], path: m[2] ?? "" };
}

function joinSpiffeId(id?: { trust_domain: string; path: string }): string {
    return id ? `spiffe://${id.trust_domain}${id.path}` : "";
}

function toWire(spec: SpireEntrySpec): WireEntry {
    return {
        spiffe_id: splitSpiffeId(spec.spiffeId),
        parent_id: splitSpiffeId(spec.parentId),
        selectors: spec.selectors.map((s) => ({ type: s.type, value: s.value })),
        x509_svid_ttl: spec.x509SvidTtl,
        jwt_svid_ttl: spec.jwtSvidTtl,
        expires_at: spec.expiresAt,
        dns_names: [...spec.dnsNames],
        hint: spec.hint,
        admin: spec.admin,
        downstream: spec.downstream,
    };
}

function fromWire(entry: WireEntry): SpireEntryState {
    return {
        id: entry.id ?? "",
        spiffeId: joinSpiffeId(entry.spiffe_id),
        parentId: joinSpiffeId(entry.parent_id),
        selectors: (entry.selectors ?? []).map((s) => ({ type: s.type, value: s.value })),
        x509SvidTtl: entry.x509_svid_ttl ?? 0,
        jwtSvidTtl: entry.jwt_svid_ttl ?? 0,
        expiresAt: Number(entry.expires_at ?? 0),
        dnsNames: [...(entry.dns_names ?? [])],
        hint: entry.hint ?? "",
        admin: entry.admin ?? false,
        downstream: entry.downstream ?? false,
        revisionNumber: Number(entry.revision_number ?? 0),
        createdAt: Number(entry.created_at ?? 0),
    };
}

/** A per-entry status as one line naming what was refused and, where the server says, the field. */
function statusError(operation: string, subject: string, status: WireStatus): SpireApiError {
    const reasons: Record<number, string> = {
        [CODE.alreadyExists]: "an entry with the same SPIFFE ID, parent ID and selectors already exists (spiffeId, parentId, selectors); delete it or change one of them",
        [CODE.invalidArgument]: `the server refused a field: ${status.message}`,
        [CODE.notFound]: "the entry does not exist on the server",
    };
    return new SpireApiError(`SPIRE ${operation} of ${subject}: ${reasons[status.code] ?? status.message} (code ${status.code}${status.code === CODE.invalidArgument ? "" : `: ${status.message}`})`, status.code);
}
