/** Fields the API server or controllers write on their own: a change there alone is not drift. */
const KUBERNETES_METADATA_BOOKKEEPING = new Set(["resourceVersion", "managedFields", "generation", "uid", "creationTimestamp"]);

/** A resource as recorded in the state, or as a refresh read it back. */
export interface RecordedResource {
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
}

/**
 * The properties a refreshed resource has drifted in: those that changed since they were recorded,
 * and for a Kubernetes object also those where the live object no longer matches what was declared
 * (a refresh that was accepted earlier hides the first kind, not the second). For Kubernetes objects
 * the provider's own bookkeeping (`__inputs`, …), `status` and server-maintained metadata are left out
 * and metadata is named field by field (`metadata.labels`), so that an edit names what was edited.
 */
export function driftedFields(type: string, recorded: RecordedResource, live: RecordedResource): string[] {
    const [before, after] = [recorded.outputs ?? {}, live.outputs ?? {}];
    const keysOf = (a: Record<string, unknown>, b: Record<string, unknown>) => [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    if (!type.startsWith("kubernetes:")) return keysOf(before, after).filter((k) => differs(before[k], after[k]));
    const changed = keysOf(before, after).filter((k) => !k.startsWith("__") && k !== "status").flatMap((k) => {
        if (k !== "metadata") return differs(before[k], after[k]) ? [k] : [];
        const [was, is] = [(before.metadata ?? {}) as Record<string, unknown>, (after.metadata ?? {}) as Record<string, unknown>];
        return keysOf(was, is).filter((m) => !KUBERNETES_METADATA_BOOKKEEPING.has(m) && differs(was[m], is[m])).map((m) => `metadata.${m}`);
    });
    return [...new Set([...changed, ...divergedFromDeclared(recorded.inputs ?? {}, after)])].sort();
}

/**
 * Declared fields the live Kubernetes object does not match. Lists must match in length and item by
 * item (an added verb is drift); objects must hold every declared key (fields the server fills in are
 * not drift); labels and annotations must match exactly (an added annotation can change what the
 * object grants, e.g. an IRSA role on a service account).
 */
function divergedFromDeclared(declared: Record<string, unknown>, live: Record<string, unknown>): string[] {
    return Object.keys(declared).filter((k) => !k.startsWith("__") && k !== "apiVersion" && k !== "kind").flatMap((k) => {
        if (k !== "metadata") return covers(declared[k], live[k]) ? [] : [k];
        const [want, have] = [(declared.metadata ?? {}) as Record<string, unknown>, (live.metadata ?? {}) as Record<string, unknown>];
        return Object.keys(want).filter((m) => (m === "labels" || m === "annotations" ? differs(want[m] ?? {}, have[m] ?? {}) : !covers(want[m], have[m])))
            .map((m) => `metadata.${m}`);
    });
}

function covers(declared: unknown, live: unknown): boolean {
    if (Array.isArray(declared)) return Array.isArray(live) && live.length === declared.length && declared.every((d, i) => covers(d, live[i]));
    if (declared !== null && typeof declared === "object") {
        return live !== null && typeof live === "object" && !Array.isArray(live)
            && Object.entries(declared).every(([k, v]) => covers(v, (live as Record<string, unknown>)[k]));
    }
    return declared === live;
}

/** Deep inequality of plain JSON values, whatever the order of object keys. */
function differs(a: unknown, b: unknown): boolean {
    return JSON.stringify(canonical(a)) !== JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(canonical);
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
    }
    return value;
}
