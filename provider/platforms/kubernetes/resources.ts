import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AgentArtefacts, DocumentValues, KubernetesManifest } from "../documents";

type Kind<K extends KubernetesManifest["kind"]> = Extract<KubernetesManifest, { kind: K }>;

/**
 * The agent's Kubernetes objects: its ServiceAccount, a Role and RoleBinding per namespace its grants
 * reach, and (when allowed) a ClusterSPIFFEID. Names and namespaces come from the structure (they decide
 * which objects exist); rules, subjects and annotations from the documents.
 */
export function createKubernetesObjects(resourceName: string, structure: AgentArtefacts, documents: DocumentValues, parentOpts: pulumi.CustomResourceOptions): k8s.core.v1.ServiceAccount {
    // Objects have fixed names: a replacement must delete the old object before creating the new
    // one, or the create (an apply) would adopt the object that the delete then removes.
    const opts = { ...parentOpts, deleteBeforeReplace: true };
    const manifests = structure.kubernetes!.manifests;
    const at = (i: number) => <T>(pick: (m: KubernetesManifest) => T) => documents.value((d) => pick(d.kubernetes!.manifests[i]));
    const sa = manifests[0] as Kind<"ServiceAccount">;
    const serviceAccount = new k8s.core.v1.ServiceAccount(`${resourceName}-sa`, {
        metadata: { name: sa.metadata.name, namespace: sa.metadata.namespace, labels: sa.metadata.labels, annotations: at(0)((m) => (m as Kind<"ServiceAccount">).metadata.annotations as Record<string, string>) },
        automountServiceAccountToken: sa.automountServiceAccountToken,
    }, opts);
    for (const [i, manifest] of manifests.entries()) {
        const value = at(i);
        const metadata = { name: manifest.metadata.name, labels: manifest.metadata.labels, annotations: manifest.metadata.annotations as Record<string, string>, ...("namespace" in manifest.metadata ? { namespace: manifest.metadata.namespace } : {}) };
        switch (manifest.kind) {
            case "Role":
                new k8s.rbac.v1.Role(`${resourceName}-rbac-${manifest.metadata.namespace}`, { metadata, rules: value((m) => (m as Kind<"Role">).rules) }, opts);
                break;
            case "RoleBinding":
                new k8s.rbac.v1.RoleBinding(`${resourceName}-rbac-binding-${manifest.metadata.namespace}`, {
                    metadata, roleRef: value((m) => (m as Kind<"RoleBinding">).roleRef), subjects: value((m) => (m as Kind<"RoleBinding">).subjects),
                }, { ...opts, dependsOn: [serviceAccount] });
                break;
            case "ClusterSPIFFEID":
                new k8s.apiextensions.CustomResource(`${resourceName}-spiffe`, { apiVersion: manifest.apiVersion, kind: manifest.kind, metadata, spec: value((m) => (m as Kind<"ClusterSPIFFEID">).spec) }, opts);
                break;
        }
    }
    return serviceAccount;
}
