import * as assert from "assert";
import { driftedFields } from "../../../provider/engine/driftedFields";

const ROLE = "kubernetes:rbac.authorization.k8s.io/v1:Role";
const DECLARED_RULES = [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list"] }];
const declared = {
    apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role",
    metadata: { name: "agent-kappa", namespace: "support", labels: { "agentid.dev/agent": "kappa" }, annotations: { "pulumi.com/patchForce": "true" } },
    rules: DECLARED_RULES,
};
/** The live object as the provider records it: the declaration plus what the server and the provider add. */
const liveRole = (rules: unknown, metadata: Record<string, unknown> = {}) => ({
    ...declared,
    metadata: { ...declared.metadata, resourceVersion: "41", uid: "u-1", managedFields: [{ manager: "pulumi-kubernetes" }], ...metadata },
    rules,
    __inputs: { ...declared, rules },
    __fieldManager: "pulumi-kubernetes-1",
});
const recorded = { inputs: declared, outputs: liveRole(DECLARED_RULES) };
const withVerb = (verb: string) => [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", verb] }];

describe("drifted fields of a refreshed resource", () => {
    it("names the edited field of a Kubernetes object, not the provider's or the server's bookkeeping", () => {
        const live = { outputs: liveRole(withVerb("delete"), { resourceVersion: "57", managedFields: [{ manager: "kubectl-edit" }] }) };
        assert.deepStrictEqual(driftedFields(ROLE, recorded, live), ["rules"]);
    });

    it("still sees a verb added out of band after a refresh recorded it: the live object no longer matches the declaration", () => {
        const absorbed = { inputs: declared, outputs: liveRole(withVerb("delete")) };
        assert.deepStrictEqual(driftedFields(ROLE, absorbed, { outputs: liveRole(withVerb("delete")) }), ["rules"]);
        const extraRule = [...DECLARED_RULES, { apiGroups: [""], resources: ["secrets"], verbs: ["get"] }];
        assert.deepStrictEqual(driftedFields(ROLE, { inputs: declared, outputs: liveRole(extraRule) }, { outputs: liveRole(extraRule) }), ["rules"]);
    });

    it("names metadata fields one by one, and an annotation added to the live object is drift", () => {
        const relabelled = { outputs: liveRole(DECLARED_RULES, { resourceVersion: "58", labels: { "agentid.dev/agent": "other" } }) };
        assert.deepStrictEqual(driftedFields(ROLE, recorded, relabelled), ["metadata.labels"]);
        const annotated = liveRole(DECLARED_RULES, { annotations: { ...declared.metadata.annotations, "eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/x" } });
        assert.deepStrictEqual(driftedFields(ROLE, { inputs: declared, outputs: annotated }, { outputs: annotated }), ["metadata.annotations"]);
    });

    it("finds nothing when only the server's bookkeeping, a controller's status or server-filled fields differ", () => {
        const touched = { outputs: { ...liveRole(DECLARED_RULES, { resourceVersion: "59", generation: 2 }), status: { ready: true } } };
        assert.deepStrictEqual(driftedFields(ROLE, recorded, touched), []);
        const binding = { subjects: [{ kind: "ServiceAccount", name: "kappa", namespace: "agents" }] };
        const filled = { outputs: { subjects: [{ kind: "ServiceAccount", name: "kappa", namespace: "agents", apiGroup: "" }] } };
        assert.deepStrictEqual(driftedFields("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", { inputs: binding, outputs: filled.outputs }, filled), []);
    });

    it("compares every top-level property of other resources with what was recorded", () => {
        assert.deepStrictEqual(driftedFields("agentid:spire:Entry",
            { inputs: { x509SvidTtl: 900 }, outputs: { x509SvidTtl: 900, revisionNumber: 1, hint: "a" } },
            { outputs: { x509SvidTtl: 7200, revisionNumber: 2, hint: "a" } }), ["revisionNumber", "x509SvidTtl"]);
    });
});
