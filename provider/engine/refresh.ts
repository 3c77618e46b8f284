import type { Deployment } from "@pulumi/pulumi/automation";

interface StateResource {
    urn: string;
    type: string;
    custom?: boolean;
    provider?: string;
    inputs?: Record<string, unknown>;
}

/**
 * URNs worth refreshing: every custom resource except those of a Kubernetes provider that renders
 * YAML to a directory. Rendered manifests are never read back (the v4.25.0 provider fails such a
 * read with "unreachable cluster"), so they cannot drift; everything else can.
 */
export function refreshTargets(deployment: Deployment): string[] {
    const resources = (deployment.deployment?.resources ?? []) as StateResource[];
    const renderProviders = new Set(resources
        .filter((r) => r.type === "pulumi:providers:kubernetes" && r.inputs?.renderYamlToDirectory)
        .map((r) => `${r.urn}::${(r as { id?: string }).id ?? ""}`));
    return resources
        .filter((r) => r.custom !== false && !r.type.startsWith("pulumi:providers:") && r.type !== "pulumi:pulumi:Stack")
        .filter((r) => !(r.provider && renderProviders.has(r.provider)))
        .map((r) => r.urn);
}

/** Fields the API server or controllers write on their own: a change there alone is not drift. */
const KUBERNETES_METADATA_BOOKKEEPING = new Set(["resourceVersion", "managedFields", "generation", "uid", "creationTimestamp"]);

/**
 * The properties a refreshed resource differs in from its recorded state. For Kubernetes objects the
 * provider's own bookkeeping (`__inputs`, …), `status` and server-maintained metadata are left out and
 * metadata is named field by field (`metadata.labels`), so that an edit names what was edited.
 */
export function driftedFields(type: string, before: Record<string, unknown>, after: Record<string, unknown>): string[] {
    const differs = (a: unknown, b: unknown) => JSON.stringify(a) !== JSON.stringify(b);
    const keysOf = (a: Record<string, unknown>, b: Record<string, unknown>) => [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    if (!type.startsWith("kubernetes:")) return keysOf(before, after).filter((k) => differs(before[k], after[k]));
    return keysOf(before, after).filter((k) => !k.startsWith("__") && k !== "status").flatMap((k) => {
        if (k !== "metadata") return differs(before[k], after[k]) ? [k] : [];
        const [was, is] = [(before.metadata ?? {}) as Record<string, unknown>, (after.metadata ?? {}) as Record<string, unknown>];
        return keysOf(was, is).filter((m) => !KUBERNETES_METADATA_BOOKKEEPING.has(m) && differs(was[m], is[m])).map((m) => `metadata.${m}`);
    });
}
