/**
 * Offboarding evidence: what `agentid reap --record DIR` writes for each agent it reaps, read from the
 * stack's state before and after the targeted update — every resource removed (URN and type), among them
 * the SPIRE entries and Kubernetes objects, what was changed in place (a disabled agent's deny-all), and
 * what remains — with the agent's owner, its expiry, the stack and the update that did it. `agentid report
 * --records DIR` cites them (OWASP NHI1 "Improper Offboarding").
 */
import * as fs from "fs";
import * as path from "path";
import type { Deployment } from "@pulumi/pulumi/automation";
import { TYPE_TOKENS } from "../model/tokens";
import { AgentInState, resourcesInState, StateResource } from "./stackState";

/** `kind` of every record: readers refuse JSON that is not one. */
export const OFFBOARDING_RECORD_KIND = "agentid/offboarding-record";

export interface OffboardingRecord {
    kind: typeof OFFBOARDING_RECORD_KIND;
    version: 1;
    /** The agent's name. */
    name: string;
    /** Its owner, from the declaration the stack recorded (null when the state holds none). */
    owner: { team: string; contact: string } | null;
    expiresAt: string;
    /** What expiry did: `delete` removes every resource, `disable` keeps the identity with a deny-all. */
    onExpiry: "delete" | "disable";
    /** When the update that removed the access ended (the engine's clock). */
    reapedAt: string;
    /** The clock `reap` judged expiry by (`--now`). */
    judgedAt: string;
    /** The stack, as the engine names it, and its project. */
    stack: string;
    project: string;
    /**
     * The update that removed the access. `id`: `<stack>#<version>` where the backend numbers updates (Pulumi Cloud),
     * else `<stack>@<checkpoint>`; `checkpoint` is the time of the state checkpoint the update wrote (every backend).
     */
    update: { id: string; version: number; kind: string; result: string; startTime: string; endTime: string; checkpoint: string | null };
    /** Every resource of the agent in the state before the update and not after it. */
    removed: { urn: string; type: string }[];
    /** The agent's resources the update changed in place (a disabled agent's policy becomes a deny-all). */
    changed: { urn: string; type: string }[];
    /** The agent's resources still in the state (its tombstone, or a disabled agent's identity). */
    remaining: { urn: string; type: string }[];
    /** The SPIRE registration entries removed. */
    spireEntries: { urn: string; entryId: string | null; spiffeId: string | null }[];
    /** The Kubernetes objects removed (rendered or applied). */
    kubernetesObjects: { urn: string; kind: string; namespace: string | null; name: string | null }[];
}

export interface ReapContext {
    stack: string;
    judgedAt: Date;
    update: { version: number; kind: string; result: string; startTime: Date | string; endTime: Date | string };
}

/** One record per reaped agent, from the state before and after the targeted update. */
export function offboardingRecords(before: Deployment, after: Deployment, reaped: readonly AgentInState[], context: ReapContext): OffboardingRecord[] {
    const was = new Map(resourcesInState(before).map((r) => [r.urn, r]));
    const is = new Map(resourcesInState(after).map((r) => [r.urn, r]));
    const iso = (t: Date | string) => (t instanceof Date ? t.toISOString() : new Date(t).toISOString());
    const entry = (r: StateResource) => ({ urn: r.urn, type: r.type });
    const time = (after.deployment as { manifest?: { time?: unknown } } | undefined)?.manifest?.time;
    const checkpoint = typeof time === "string" ? time : null;
    return reaped.map((agent) => {
        const mine = [agent.urn, ...agent.descendants].map((urn) => was.get(urn)!).filter((r) => r !== undefined);
        const removed = mine.filter((r) => !is.has(r.urn));
        const kept = mine.filter((r) => is.has(r.urn));
        const changed = kept.filter((r) => JSON.stringify(r.outputs ?? {}) !== JSON.stringify(is.get(r.urn)!.outputs ?? {}) && r.urn !== agent.urn);
        const declaration = agent.source?.declaration;
        return {
            kind: OFFBOARDING_RECORD_KIND, version: 1,
            name: agent.name,
            owner: declaration ? { team: declaration.spec.owner.team, contact: declaration.spec.owner.contact } : null,
            expiresAt: agent.expiresAt ?? declaration?.spec.expiresAt ?? "",
            onExpiry: declaration?.spec.onExpiry ?? "delete",
            reapedAt: iso(context.update.endTime),
            judgedAt: context.judgedAt.toISOString(),
            stack: context.stack,
            project: agent.urn.split("::")[1] ?? "",
            update: {
                id: context.update.version > 0 ? `${context.stack}#${context.update.version}` : `${context.stack}@${checkpoint ?? iso(context.update.endTime)}`,
                version: context.update.version, kind: context.update.kind, result: context.update.result,
                startTime: iso(context.update.startTime), endTime: iso(context.update.endTime), checkpoint,
            },
            removed: removed.map(entry),
            changed: changed.map(entry),
            remaining: kept.map(entry),
            spireEntries: removed.filter((r) => r.type === TYPE_TOKENS.spireEntry).map((r) => ({
                urn: r.urn, entryId: stringOr(r.outputs?.entryId), spiffeId: stringOr(r.outputs?.spiffeId ?? r.inputs?.spiffeId),
            })),
            kubernetesObjects: removed.filter((r) => r.type.startsWith("kubernetes:") && r.custom !== false).map((r) => {
                const metadata = (r.outputs?.metadata ?? r.inputs?.metadata) as { name?: unknown; namespace?: unknown } | undefined;
                return { urn: r.urn, kind: r.type.split(":").pop()!, namespace: stringOr(metadata?.namespace), name: stringOr(metadata?.name) };
            }),
        };
    });
}

/** The file a record is written to: stack, agent and update, so reaps never overwrite each other. */
export function recordFileName(record: OffboardingRecord): string {
    const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, "_");
    const update = record.update.version > 0 ? `update-${record.update.version}` : (record.update.checkpoint ?? record.update.endTime).replace(/[^0-9]/g, "");
    return `${safe(record.stack)}.${safe(record.name)}.${update}.json`;
}

/** Creates `dir` if needed and checks it can be written, before anything is reaped; throws an Error saying why not. */
export function prepareRecordDir(dir: string): void {
    fs.mkdirSync(dir, { recursive: true });
    if (!fs.statSync(dir).isDirectory()) throw new Error(`${dir} is not a directory`);
    fs.accessSync(dir, fs.constants.W_OK);
}

/** Writes each record as one JSON file under `dir` (created if needed); returns the paths. */
export function writeOffboardingRecords(dir: string, records: readonly OffboardingRecord[]): string[] {
    fs.mkdirSync(dir, { recursive: true });
    return records.map((record) => {
        const file = path.join(dir, recordFileName(record));
        fs.writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`, { flag: "wx" });
        return file;
    });
}

/** A record file that is not an offboarding record, and why. */
export class RecordError extends Error {
    constructor(readonly file: string, why: string) {
        super(`${file} is not an agentid offboarding record: ${why}`);
    }
}

/** Every `*.json` record under `dir`, in file-name order; a file that is not a record is a RecordError. */
export function readOffboardingRecords(dir: string): { file: string; record: OffboardingRecord }[] {
    return fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort().map((name) => {
        const file = path.join(dir, name);
        let value: unknown;
        try {
            value = JSON.parse(fs.readFileSync(file, "utf8"));
        } catch (error) {
            throw new RecordError(file, `it is not JSON (${(error as Error).message})`);
        }
        const r = value as Partial<OffboardingRecord> | null;
        if (r === null || typeof r !== "object" || r.kind !== OFFBOARDING_RECORD_KIND) throw new RecordError(file, `its kind is not ${OFFBOARDING_RECORD_KIND}`);
        for (const field of ["name", "reapedAt", "stack", "expiresAt"] as const) {
            if (typeof r[field] !== "string") throw new RecordError(file, `${field} is missing`);
        }
        if (!Array.isArray(r.removed) || typeof r.update?.id !== "string") throw new RecordError(file, "removed or update.id is missing");
        return { file, record: r as OffboardingRecord };
    });
}

function stringOr(value: unknown): string | null {
    return typeof value === "string" ? value : null;
}
