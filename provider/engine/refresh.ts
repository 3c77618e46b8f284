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
