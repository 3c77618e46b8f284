import * as assert from "assert";
import { driftedFields } from "../../../provider/engine/refresh";

const ROLE = "kubernetes:rbac.authorization.k8s.io/v1:Role";
const recorded = {
    apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role",
    metadata: { name: "agent-kappa", namespace: "support", labels: { "agentid.dev/agent": "kappa" }, resourceVersion: "41", managedFields: [{ manager: "pulumi-kubernetes" }] },
    rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }],
    __inputs: { rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }] },
};

describe("drifted fields of a refreshed resource", () => {
    it("names the edited field of a Kubernetes object, not the provider's or the server's bookkeeping", () => {
        const edited = {
            ...recorded,
            metadata: { ...recorded.metadata, resourceVersion: "57", managedFields: [{ manager: "kubectl-edit" }] },
            rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "delete"] }],
            __inputs: { rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "delete"] }] },
        };
        assert.deepStrictEqual(driftedFields(ROLE, recorded, edited), ["rules"]);
    });

    it("names metadata fields one by one", () => {
        const relabelled = { ...recorded, metadata: { ...recorded.metadata, resourceVersion: "58", labels: { "agentid.dev/agent": "other" } } };
        assert.deepStrictEqual(driftedFields(ROLE, recorded, relabelled), ["metadata.labels"]);
    });

    it("finds nothing when only the server's bookkeeping or a controller's status changed", () => {
        const touched = { ...recorded, metadata: { ...recorded.metadata, resourceVersion: "59", generation: 2 }, status: { ready: true } };
        assert.deepStrictEqual(driftedFields(ROLE, recorded, touched), []);
    });

    it("compares every top-level property of other resources", () => {
        assert.deepStrictEqual(driftedFields("agentid:spire:Entry", { x509SvidTtl: 900, revisionNumber: 1, hint: "a" }, { x509SvidTtl: 7200, revisionNumber: 2, hint: "a" }),
            ["revisionNumber", "x509SvidTtl"]);
    });
});
