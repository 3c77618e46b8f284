import * as assert from "assert";
import { approvedWrites, leastPrivilege, ResourceView, UNKNOWN } from "../../../provider/policy/policies";
import { ACCOUNT, CONFIG, doc, READ, resource, role, rolePolicy, TAGS, TRUST, until, WRITE } from "./stacks";
import { perform, PermissionAttempt } from "./simulator";

/**
 * How the pack finds an agent role's permissions (provider/policy/permissions.ts): the routes and forms
 * Stryker found no test for — unnamed or unknown inline policies, managed ARNs, attachments and exclusive
 * attachments computed from other resources, an ARN that is no text, a policy without a document, a role
 * without an expiry tag. Each violating stack with its exact findings and a compliant twin; where the
 * finding is that a document allows more, the IAM simulator (sharing no code with the pack) confirms it.
 */

const R = `aws.iam.Role "triage-role" (triage-runner)`;
const BUCKET_ADMIN = doc({ Sid: "Bucket", Effect: "Allow", Action: ["s3:*"], Resource: ["arn:aws:s3:::tickets"], Condition: until() });
const DELETE_BUCKET: PermissionAttempt = { action: "s3:DeleteBucket", resource: "arn:aws:s3:::tickets" };
const WIDE_FINDING = `"s3:*" grants every action of the service; list the exact actions, e.g. s3:Get…`;
const policy = (name: string, document: object) => resource("aws:iam/policy:Policy", name, { name, path: "/", policy: JSON.stringify(document) });
const WIDE = policy("wide", BUCKET_ADMIN);
const READER = policy("reader", doc(READ));
/** A resource of the stack that is no policy, for values computed from something else. */
const BUCKET = resource("aws:s3/bucket:Bucket", "tickets", { bucket: "tickets" });
const computedFrom = (property: string, ...from: ResourceView[]) => ({ propertyDependencies: { [property]: from.map((r) => r.urn) } });
const messages = (resources: ResourceView[]) => leastPrivilege.check(resources, CONFIG).map((v) => v.message);

interface RouteCase {
    gap: string;
    violating: ResourceView[];
    compliant: ResourceView[];
    messages: string[];
    /** The documents the violating stack puts on the role and the twin's, and a call only the first allow. */
    simulate?: { violating: object[]; compliant: object[]; attempt: PermissionAttempt };
}

const CASES: RouteCase[] = [
    {
        gap: "inline policies without a name, named by position",
        violating: [role(TRUST.podIdentity, { inlinePolicies: [{ policy: JSON.stringify(doc(READ)) }, { policy: JSON.stringify(BUCKET_ADMIN) }] })],
        compliant: [role(TRUST.podIdentity, { inlinePolicies: [{ policy: JSON.stringify(doc(READ)) }, { policy: JSON.stringify(doc(WRITE)) }] })],
        messages: [`${R}: inline policy "#2", statement Bucket: ${WIDE_FINDING}`],
        simulate: { violating: [doc(READ), BUCKET_ADMIN], compliant: [doc(READ), doc(WRITE)], attempt: DELETE_BUCKET },
    },
    {
        gap: "an inline policy entry not known at preview",
        violating: [role(TRUST.podIdentity, { inlinePolicies: [UNKNOWN] })],
        compliant: [role(TRUST.podIdentity, { inlinePolicies: [{ name: "read", policy: JSON.stringify(doc(READ)) }] })],
        messages: [`${R}: inline policy "#1" is not known at preview (it is computed from other resources' outputs), so nobody can review what it grants an agent — write it from known values`],
    },
    {
        gap: "managedPolicyArns computed from a Policy of the stack",
        violating: [role(TRUST.podIdentity, { managedPolicyArns: UNKNOWN }, computedFrom("managedPolicyArns", WIDE)), WIDE],
        compliant: [role(TRUST.podIdentity, { managedPolicyArns: UNKNOWN }, computedFrom("managedPolicyArns", READER)), READER],
        messages: [`${R}: managedPolicyArns aws.iam.Policy "wide", statement Bucket: ${WIDE_FINDING}`],
        simulate: { violating: [BUCKET_ADMIN], compliant: [doc(READ)], attempt: DELETE_BUCKET },
    },
    {
        gap: "managedPolicyArns computed from a resource that is no policy",
        violating: [role(TRUST.podIdentity, { managedPolicyArns: UNKNOWN }, computedFrom("managedPolicyArns", BUCKET)), BUCKET],
        compliant: [role(TRUST.podIdentity, { managedPolicyArns: UNKNOWN }, computedFrom("managedPolicyArns", READER)), READER],
        messages: [`${R}: managedPolicyArns is not known at preview (it is computed from other resources' outputs), so nobody can review what it grants an agent — write it from known values`],
    },
    {
        gap: "a PolicyAttachment whose roles are computed from the agent role",
        violating: [role(), WIDE, resource("aws:iam/policyAttachment:PolicyAttachment", "attach", { roles: UNKNOWN, policyArn: `arn:aws:iam::${ACCOUNT}:policy/wide` }, computedFrom("roles", role()))],
        compliant: [role(), WIDE, resource("aws:iam/policyAttachment:PolicyAttachment", "attach", { roles: UNKNOWN, policyArn: `arn:aws:iam::${ACCOUNT}:policy/wide` }, computedFrom("roles", BUCKET)), BUCKET],
        messages: [`aws.iam.PolicyAttachment "attach" on agent role ${R}: policyArn aws.iam.Policy "wide", statement Bucket: ${WIDE_FINDING}`],
        simulate: { violating: [BUCKET_ADMIN], compliant: [], attempt: DELETE_BUCKET },
    },
    {
        gap: "exclusive attachments whose ARNs are computed from a Policy of the stack",
        violating: [role(), WIDE, resource("aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", "exclusive", { roleName: "triage-runner", policyArns: UNKNOWN }, computedFrom("policyArns", WIDE))],
        compliant: [role(), READER, resource("aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", "exclusive", { roleName: "triage-runner", policyArns: UNKNOWN }, computedFrom("policyArns", READER))],
        messages: [`aws.iam.RolePolicyAttachmentsExclusive "exclusive" on agent role ${R}: policyArns aws.iam.Policy "wide", statement Bucket: ${WIDE_FINDING}`],
        simulate: { violating: [BUCKET_ADMIN], compliant: [doc(READ)], attempt: DELETE_BUCKET },
    },
    {
        gap: "a managed policy ARN that is not text",
        violating: [role(TRUST.podIdentity, { managedPolicyArns: [42] })],
        compliant: [role(TRUST.podIdentity, { managedPolicyArns: [`arn:aws:iam::${ACCOUNT}:policy/reader`] }), READER],
        messages: [`${R}: managedPolicyArns cannot be read: 42 is not a policy ARN`],
    },
    {
        gap: "a permission without expiry on a role without an expiry tag",
        violating: [role(TRUST.podIdentity, { tags: { ...TAGS, "agentid:expires-at": undefined } }), rolePolicy("grants", doc({ Sid: "Read", Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::tickets/inbound/*"] }))],
        compliant: [role(TRUST.podIdentity, { tags: { ...TAGS, "agentid:expires-at": undefined } }), rolePolicy("grants", doc(READ))],
        messages: [`aws.iam.RolePolicy "grants" on agent role ${R}: its policy, statement Read: has no DateLessThan aws:CurrentTime condition, so a session issued before the agent's expiry keeps these permissions after it; add DateLessThan {"aws:CurrentTime": "<the agent's expiry>"}`],
        simulate: {
            violating: [doc({ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::tickets/inbound/*"] })], compliant: [doc(READ)],
            attempt: { action: "s3:GetObject", resource: "arn:aws:s3:::tickets/inbound/ticket-1.json", time: "2027-03-01T00:00:00Z" },
        },
    },
];

describe("agent-least-privilege: every route to a role's permissions (provider/policy/permissions.ts)", () => {
    for (const c of CASES) {
        describe(c.gap, () => {
            it("is stopped, naming the holder, the route and the fix", () => assert.deepStrictEqual(messages(c.violating), c.messages));
            it("passes the compliant twin", () => assert.deepStrictEqual(messages(c.compliant), []));
            if (c.simulate) {
                const s = c.simulate;
                it(`simulator: the violating documents allow ${s.attempt.action}; the twin's do not`, async () => {
                    assert.strictEqual(await perform(s.violating, s.attempt), "Allowed");
                    assert.strictEqual(await perform(s.compliant, s.attempt), "Denied");
                });
            }
        });
    }

    it("reads a RolePolicy or exclusive attachment without a document or ARNs as granting nothing", () => {
        assert.deepStrictEqual(messages([role(), rolePolicy("empty", "")]), []);
        assert.deepStrictEqual(messages([role(), resource("aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", "none", { roleName: "triage-runner", policyArns: "not-a-list" })]), []);
    });

    describe("agent-write-approved reads only what the known documents allow", () => {
        const DENY_WRITE = doc({ Sid: "NoWrites", Effect: "Deny", Action: ["s3:PutObject"], Resource: ["arn:aws:s3:::tickets/outbound/*"] });
        it("counts no write for a Deny statement or a document unknown at preview", () => {
            assert.deepStrictEqual(approvedWrites.check([role(), rolePolicy("grants", doc(READ)), rolePolicy("deny", DENY_WRITE), rolePolicy("later", UNKNOWN as never, { policy: UNKNOWN })], CONFIG), []);
        });
        it("counts the write of an Allow beside them (the twin)", () => {
            assert.deepStrictEqual(approvedWrites.check([role(), rolePolicy("grants", doc(WRITE)), rolePolicy("later", UNKNOWN as never, { policy: UNKNOWN })], CONFIG).map((v) => v.message), [
                `${R} holds write actions (s3:PutObject) without an approval; declare spec.approval (tag agentid:approval) with the ticket and approvers`,
            ]);
        });
        it("simulator: the Deny statement leaves the role no write", async () => {
            const put = { action: "s3:PutObject", resource: "arn:aws:s3:::tickets/outbound/reply-1.json" };
            assert.strictEqual(await perform([doc(WRITE), DENY_WRITE], put), "Denied");
            assert.strictEqual(await perform([doc(WRITE)], put), "Allowed");
        });
    });
});
