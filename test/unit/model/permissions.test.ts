import * as assert from "assert";
import type { GrantExpansion } from "../../../provider/connectors/contract";
import { awsPermissionsOf, iamActionLevels, mountedPermissionsOf, permissionsOfExpansions, rbacPermissionsOf, saasPermissionsOf, toolPermissionsOf } from "../../../provider/model/permissions";

/** One reading of every document as permissions (provider/model/permissions.ts), asserted whole. */

describe("permissions read from documents", () => {
    it("reads an IAM action's level from iam-data; a pattern may be either, an unknown action writes", () => {
        assert.deepStrictEqual(["s3:GetObject", "s3:ListBucket", "s3:PutObject", "nope:Nope", "s3:Get*", "*"].map(iamActionLevels),
            [["read"], ["read"], ["write"], ["write"], ["read", "write"], ["read", "write"]]);
    });

    it("reads every action × resource of a stack's statements, Deny as Deny, conditions only when an object, no grant when none is given", () => {
        const statements = [
            { Effect: "Deny", Action: "s3:getobject", Resource: ["arn:aws:s3:::b/*", 7] },
            { Effect: "Allow", Action: ["*", 3], Resource: "*", Condition: { Bool: { "aws:SecureTransport": "true" } } },
            { Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:123456789012:q", Condition: ["not", "an", "object"] },
            { Effect: "Allow", Action: { not: "a list" }, Resource: "*" },
        ];
        assert.deepStrictEqual(awsPermissionsOf(statements), [
            { kind: "aws", effect: "Deny", action: "s3:GetObject", service: "s3", resource: "arn:aws:s3:::b/*", level: "read" },
            { kind: "aws", effect: "Allow", action: "*", service: "*", resource: "*", level: "read", condition: { Bool: { "aws:SecureTransport": "true" } } },
            { kind: "aws", effect: "Allow", action: "*", service: "*", resource: "*", level: "write", condition: { Bool: { "aws:SecureTransport": "true" } } },
            { kind: "aws", effect: "Allow", action: "sqs:SendMessage", service: "sqs", resource: "arn:aws:sqs:us-east-1:123456789012:q", level: "write" },
        ]);
    });

    it("reads RBAC rules verb by verb, with object names when the rule has them and the grant when one is given", () => {
        const rules = [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "patch"] }, { apiGroups: ["apps"], resources: ["deployments"], resourceNames: ["web"], verbs: ["list"] }];
        assert.deepStrictEqual(rbacPermissionsOf("agents", rules), [
            { kind: "kubernetes", namespace: "agents", apiGroups: [""], resource: "configmaps", verb: "get", level: "read" },
            { kind: "kubernetes", namespace: "agents", apiGroups: [""], resource: "configmaps", verb: "patch", level: "write" },
            { kind: "kubernetes", namespace: "agents", apiGroups: ["apps"], resource: "deployments", verb: "list", level: "read", resourceNames: ["web"] },
        ]);
        assert.deepStrictEqual(rbacPermissionsOf("agents", [rules[0]], 2).map((p) => p.grant), [2, 2]);
    });

    it("gives whoever may create pods every secret and config map of the namespace, read, saying why", () => {
        const reason = "writing pods runs pods as any service account of the namespace and mounts any secret or config map there";
        assert.deepStrictEqual(mountedPermissionsOf("payments", [{ apiGroups: [""], resources: ["pods"], verbs: ["create"] }]), [
            { kind: "kubernetes", namespace: "payments", apiGroups: [""], resource: "secrets", verb: "get", level: "read", indirect: reason },
            { kind: "kubernetes", namespace: "payments", apiGroups: [""], resource: "configmaps", verb: "get", level: "read", indirect: reason },
        ]);
        assert.deepStrictEqual(mountedPermissionsOf("payments", [{ apiGroups: [""], resources: ["pods"], verbs: ["create"] }], 1).map((p) => p.grant), [1, 1]);
        assert.deepStrictEqual(mountedPermissionsOf("payments", [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }]), []);
    });

    it("reads each effective scope at its vendor's level, noting the co-users a scope comes through, and the grant when given", () => {
        const oauth = { vendor: "slack", scopes: ["channels:read"], effectiveScopes: ["channels:read", "chat:write", "admin"], sharedWith: ["poster"] };
        assert.deepStrictEqual(saasPermissionsOf(oauth), [
            { kind: "saas", vendor: "slack", scope: "channels:read", level: "read" },
            { kind: "saas", vendor: "slack", scope: "chat:write", level: "write", through: ["poster"] },
            { kind: "saas", vendor: "slack", scope: "admin", level: "write", through: ["poster"] },
        ]);
        assert.deepStrictEqual(saasPermissionsOf({ vendor: "myspace", scopes: ["x"], effectiveScopes: ["x"], sharedWith: [] }, 4), [{ kind: "saas", vendor: "myspace", scope: "x", level: "write", grant: 4 }]);
    });

    it("reads tools at the grant's access, readwrite as both, and the grant when given", () => {
        assert.deepStrictEqual(toolPermissionsOf("helpdesk", ["crm/a", "crm/b"], "readwrite"), [
            { kind: "tool", gateway: "helpdesk", tool: "crm/a", level: "read" }, { kind: "tool", gateway: "helpdesk", tool: "crm/a", level: "write" },
            { kind: "tool", gateway: "helpdesk", tool: "crm/b", level: "read" }, { kind: "tool", gateway: "helpdesk", tool: "crm/b", level: "write" },
        ]);
        assert.deepStrictEqual(toolPermissionsOf("helpdesk", ["crm/a"], "write", 3), [{ kind: "tool", gateway: "helpdesk", tool: "crm/a", level: "write", grant: 3 }]);
    });

    it("reads no condition from a statement whose Condition is a string or null, and an empty action as no service", () => {
        const statements = [
            { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*", Condition: "not an object" },
            { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::c/*", Condition: null },
            { Effect: "Allow", Action: "", Resource: "*" },
        ];
        assert.deepStrictEqual(awsPermissionsOf(statements), [
            { kind: "aws", effect: "Allow", action: "s3:GetObject", service: "s3", resource: "arn:aws:s3:::b/*", level: "read" },
            { kind: "aws", effect: "Allow", action: "s3:GetObject", service: "s3", resource: "arn:aws:s3:::c/*", level: "read" },
            { kind: "aws", effect: "Allow", action: "", service: "", resource: "*", level: "write" },
        ]);
    });

    it("reads an expansion with statements only as its IAM permissions and nothing else", () => {
        const expansion: GrantExpansion = {
            index: 2, connector: "aws.s3", access: "read", actions: [], risk: "low", needsApproval: false, reach: [],
            statements: [{ Sid: "S", Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::b/*"] }],
        };
        assert.deepStrictEqual(permissionsOfExpansions([expansion]), [
            { kind: "aws", effect: "Allow", action: "s3:GetObject", service: "s3", resource: "arn:aws:s3:::b/*", level: "read", grant: 2 },
        ]);
    });
});
