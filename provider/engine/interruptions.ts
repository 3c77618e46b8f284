/**
 * What an interrupted update leaves behind, read from the engine's own words and records: the lock
 * of a stack (`the stack is currently locked … created by user@host (pid N) at T`) and the pending
 * operations in its checkpoint. Pure, apart from asking whether a process on this host is alive.
 */
import type { Deployment } from "@pulumi/pulumi/automation";
import * as os from "os";

/** Who holds a stack's lock, as the engine reports it. */
export interface StackLock {
    user: string;
    host: string;
    pid: number;
    /** When the lock was taken (RFC 3339). */
    at: string;
}

/** The engine's error for an operation on a locked stack (DIY backends, PostgreSQL included). */
const LOCKED = /the stack is currently locked by \d+ lock\(s\)/;
const HOLDER = /created by (\S+?)@(\S+) \(pid (\d+)\) at (\S+)/;

/** True when the engine refused the operation because another one holds the stack's lock. */
export function isLockedError(text: string): boolean {
    return LOCKED.test(text);
}

/** The lock's holder, when the engine's message names one. */
export function lockHolderOf(text: string): StackLock | undefined {
    if (!isLockedError(text)) return undefined;
    const match = HOLDER.exec(text);
    return match ? { user: match[1], host: match[2], pid: Number(match[3]), at: match[4] } : undefined;
}

/**
 * A lock whose holder is known to be gone: taken on this host by a process that no longer runs (the
 * update was killed). A lock from another host cannot be judged from here, so it is never called stale.
 */
export function isStaleLock(lock: StackLock, host = os.hostname(), alive: (pid: number) => boolean = processAlive): boolean {
    return lock.host === host && !alive(lock.pid);
}

function processAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (error) {
        return (error as NodeJS.ErrnoException).code === "EPERM";
    }
}

/** An operation the engine began and never finished: the resource may or may not exist. */
export interface PendingOperation {
    /** creating, updating, deleting, reading, importing. */
    op: string;
    type: string;
    name: string;
    urn: string;
}

interface RecordedPending { type?: string; resource?: { urn?: string; type?: string } }

/** The pending operations a checkpoint records (an update that was killed leaves them). */
export function pendingOperationsOf(deployment: Deployment): PendingOperation[] {
    const pending = ((deployment.deployment?.pending_operations ?? []) as RecordedPending[]);
    return pending.map((p) => {
        const urn = p.resource?.urn ?? "";
        return { op: p.type ?? "unknown", type: p.resource?.type ?? "", name: urn.split("::").pop() ?? "", urn };
    });
}
