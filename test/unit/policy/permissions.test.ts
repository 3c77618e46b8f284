import * as assert from "assert";
import { approvedWrites, leastPrivilege, ResourceView, UNKNOWN } from "../../../provider/policy/policies";
import { ACCOUNT, CONFIG, doc, EXPIRES, READ, resource, role, rolePolicy, TAGS, TRUST, until, WRITE } from "./stacks";
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

/** A role of some other workload (a Lambda function's), beside the agent role. */
const OTHER_ROLE = resource("aws:iam/role:Role", "fn-role", {
    name: "fn-runner", path: "/", assumeRolePolicy: JSON.stringify(doc({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" })),
});
const WIDE_ARN = `arn:aws:iam::${ACCOUNT}:policy/wide`;
const rpa = (name: string, props: Record<string, unknown>, extra = {}) => resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", name, props, extra);
const pa = (name: string, props: Record<string, unknown>, extra = {}) => resource("aws:iam/policyAttachment:PolicyAttachment", name, props, extra);
const exclusive = (name: string, props: Record<string, unknown>, extra = {}) => resource("aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", name, props, extra);
const on = (holder: string, type: string) => `${type} "${holder}" on agent role ${R}`;
const undefinedPolicy = (holder: string, type: string, field: string, arn: string) =>
    `${on(holder, type)}: ${field} ${arn} is a managed policy this stack does not define, so the pack cannot review what it grants — define it here as an aws.iam.Policy or grant inline`;
/** A stack Policy under a path, and one AWS reports under another name than its own (imported). */
const TEAM_WIDE = resource("aws:iam/policy:Policy", "team-wide", { name: "team-wide", path: "/team/agents/", policy: JSON.stringify(BUCKET_ADMIN) });
const TEAM_READER = resource("aws:iam/policy:Policy", "team-reader", { name: "team-reader", path: "/team/agents/", policy: JSON.stringify(doc(READ)) });
const IMPORTED = resource("aws:iam/policy:Policy", "imported", { name: "bucket-admin", path: "/", arn: `arn:aws:iam::${ACCOUNT}:policy/legacy-admin`, policy: JSON.stringify(BUCKET_ADMIN) });

const MORE_CASES: RouteCase[] = [
    {
        gap: "an inline policy whose name is not text, named by position",
        violating: [role(TRUST.podIdentity, { inlinePolicies: [{ name: 42, policy: JSON.stringify(BUCKET_ADMIN) }] })],
        compliant: [role(TRUST.podIdentity, { inlinePolicies: [{ name: 42, policy: JSON.stringify(doc(READ)) }] })],
        messages: [`${R}: inline policy "#1", statement Bucket: ${WIDE_FINDING}`],
    },
    {
        gap: "a managedPolicyArns entry unknown at preview, computed from a Policy of the stack",
        violating: [role(TRUST.podIdentity, { managedPolicyArns: [UNKNOWN] }, computedFrom("managedPolicyArns", WIDE)), WIDE],
        compliant: [role(TRUST.podIdentity, { managedPolicyArns: [UNKNOWN] }, computedFrom("managedPolicyArns", READER)), READER],
        messages: [`${R}: managedPolicyArns aws.iam.Policy "wide", statement Bucket: ${WIDE_FINDING}`],
    },
    {
        gap: "a RolePolicyAttachment whose role is computed from the agent role",
        violating: [role(), WIDE, rpa("attach", { role: UNKNOWN, policyArn: WIDE_ARN }, computedFrom("role", role()))],
        compliant: [role(), OTHER_ROLE, WIDE, rpa("attach", { role: UNKNOWN, policyArn: WIDE_ARN }, computedFrom("role", OTHER_ROLE))],
        messages: [`${on("attach", "aws.iam.RolePolicyAttachment")}: policyArn aws.iam.Policy "wide", statement Bucket: ${WIDE_FINDING}`],
    },
    {
        gap: "a PolicyAttachment listing another role and the agent role",
        violating: [role(), OTHER_ROLE, WIDE, pa("attach", { roles: ["fn-runner", "triage-runner"], policyArn: WIDE_ARN })],
        compliant: [role(), OTHER_ROLE, WIDE, pa("attach", { roles: ["fn-runner"], policyArn: WIDE_ARN })],
        messages: [`${on("attach", "aws.iam.PolicyAttachment")}: policyArn aws.iam.Policy "wide", statement Bucket: ${WIDE_FINDING}`],
    },
    {
        gap: "a PolicyAttachment whose roles entry and policy ARN are computed from the agent role and a Policy",
        violating: [role(), WIDE, pa("attach", { roles: [UNKNOWN], policyArn: UNKNOWN }, { propertyDependencies: { roles: [role().urn], policyArn: [WIDE.urn] } })],
        compliant: [role(), OTHER_ROLE, WIDE, pa("attach", { roles: [UNKNOWN], policyArn: UNKNOWN }, { propertyDependencies: { roles: [OTHER_ROLE.urn], policyArn: [WIDE.urn] } })],
        messages: [`${on("attach", "aws.iam.PolicyAttachment")}: policyArn aws.iam.Policy "wide", statement Bucket: ${WIDE_FINDING}`],
    },
    {
        gap: "exclusive attachments whose role name and ARN entry are computed from the agent role and a Policy",
        violating: [role(), WIDE, exclusive("exclusive", { roleName: UNKNOWN, policyArns: [UNKNOWN] }, { propertyDependencies: { roleName: [role().urn], policyArns: [WIDE.urn] } })],
        compliant: [role(), OTHER_ROLE, WIDE, exclusive("exclusive", { roleName: UNKNOWN, policyArns: [UNKNOWN] }, { propertyDependencies: { roleName: [OTHER_ROLE.urn], policyArns: [WIDE.urn] } })],
        messages: [`${on("exclusive", "aws.iam.RolePolicyAttachmentsExclusive")}: policyArns aws.iam.Policy "wide", statement Bucket: ${WIDE_FINDING}`],
    },
    {
        gap: "a stack Policy attached by the ARN AWS reports for it, not its name (another Policy listed first)",
        violating: [role(), READER, IMPORTED, rpa("attach", { role: "triage-runner", policyArn: `arn:aws:iam::${ACCOUNT}:policy/legacy-admin` })],
        compliant: [role(), READER, IMPORTED, rpa("attach", { role: "triage-runner", policyArn: `arn:aws:iam::${ACCOUNT}:policy/reader` })],
        messages: [`${on("attach", "aws.iam.RolePolicyAttachment")}: policyArn aws.iam.Policy "imported" (bucket-admin), statement Bucket: ${WIDE_FINDING}`],
    },
    {
        gap: "a stack Policy under a path, attached by path and name",
        violating: [role(), TEAM_WIDE, rpa("attach", { role: "triage-runner", policyArn: `arn:aws:iam::${ACCOUNT}:policy/team/agents/team-wide` })],
        compliant: [role(), READER, rpa("attach", { role: "triage-runner", policyArn: `arn:aws:iam::${ACCOUNT}:policy/reader` })],
        messages: [`${on("attach", "aws.iam.RolePolicyAttachment")}: policyArn aws.iam.Policy "team-wide", statement Bucket: ${WIDE_FINDING}`],
    },
    ...([
        ["another path", `arn:aws:iam::${ACCOUNT}:policy/other/team-reader`],
        ["no path", `arn:aws:iam::${ACCOUNT}:policy/team-reader`],
        ["a trailing slash", `arn:aws:iam::${ACCOUNT}:policy/team/agents/team-reader/`],
        ["another name", `arn:aws:iam::${ACCOUNT}:policy/team/agents/team-readers`],
        ["text before the ARN", `xarn:aws:iam::${ACCOUNT}:policy/team/agents/team-reader`],
        ["an AWS managed policy's ARN as its path", `arn:aws:iam::${ACCOUNT}:policy/arn:aws:iam::aws:policy/team/agents/team-reader`],
    ] as const).map(([what, arn]): RouteCase => ({
        gap: `an ARN that names no stack Policy (${what}); the twin names it exactly`,
        violating: [role(), TEAM_READER, rpa("attach", { role: "triage-runner", policyArn: arn })],
        compliant: [role(), TEAM_READER, rpa("attach", { role: "triage-runner", policyArn: `arn:aws:iam::${ACCOUNT}:policy/team/agents/team-reader` })],
        messages: [undefinedPolicy("attach", "aws.iam.RolePolicyAttachment", "policyArn", arn)],
    })),
    {
        gap: "a permission with two expiry dates, the agent's and a later one",
        violating: [role(), rolePolicy("grants", doc({ Sid: "TwoEnds", Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::tickets/inbound/*"], Condition: { DateLessThan: { "aws:CurrentTime": [EXPIRES, "2099-01-01T00:00:00Z"] } } }))],
        compliant: [role(), rolePolicy("grants", doc(READ))],
        messages: [`aws.iam.RolePolicy "grants" on agent role ${R}: its policy, statement TwoEnds: has no DateLessThan aws:CurrentTime condition, so a session issued before the agent's expiry keeps these permissions after it; add DateLessThan {"aws:CurrentTime": "${EXPIRES}"}`],
        simulate: {
            violating: [doc({ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::tickets/inbound/*"], Condition: { DateLessThan: { "aws:CurrentTime": [EXPIRES, "2099-01-01T00:00:00Z"] } } })], compliant: [doc(READ)],
            attempt: { action: "s3:GetObject", resource: "arn:aws:s3:::tickets/inbound/ticket-1.json", time: "2027-03-01T00:00:00Z" },
        },
    },
];
CASES.push(...MORE_CASES);

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

    it("skips a null inline policy entry and reads the others", () => {
        assert.deepStrictEqual(messages([role(TRUST.podIdentity, { inlinePolicies: [null, { name: "wide", policy: JSON.stringify(BUCKET_ADMIN) }] })]), [
            `${R}: inline policy "wide", statement Bucket: ${WIDE_FINDING}`,
        ]);
    });

    it("leaves attachments of another role's policies alone, by every route", () => {
        const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
        assert.deepStrictEqual(messages([role(), OTHER_ROLE, WIDE,
            rpa("fn-admin", { role: "fn-runner", policyArn: ADMIN }),
            pa("fn-wide", { roles: ["fn-runner"], policyArn: WIDE_ARN }),
            exclusive("fn-exclusive", { roleName: "fn-runner", policyArns: [ADMIN] }),
        ]), []);
    });

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
