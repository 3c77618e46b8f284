import { createHash } from "crypto";
import type { Grant } from "./types";

/** Canonical JSON: object keys sorted, no insignificant whitespace, arrays in declared order. */
export function canonicalJson(value: unknown): string {
    if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
    if (value !== null && typeof value === "object") {
        const entries = Object.keys(value as Record<string, unknown>)
            .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
            .sort()
            .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
        return `{${entries.join(",")}}`;
    }
    return JSON.stringify(value);
}

/** `sha256:` + hex SHA-256 of the canonical JSON of the grants: what an approval pins. */
export function grantsDigest(grants: readonly Grant[]): string {
    return `sha256:${createHash("sha256").update(canonicalJson(grants)).digest("hex")}`;
}
