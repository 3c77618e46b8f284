import * as assert from "assert";
import { pinnedTrust } from "../../../provider/policy/policies";
import { ACCOUNT, ANCHOR, CLUSTER, CONFIG, doc, EXPIRES, OTHER_ACCOUNT, role, SPIFFE, TAGS, TRUST, until } from "./stacks";
import { AFTER_EXPIRY, assume, AssumeAttempt, ATTACKER, POD_CONTEXT } from "./simulator";

/**
 * The pack's trust checks (provider/policy/trust.ts), one case per check that Stryker found no test
 * failing for: each violating trust with the exact findings, its compliant twin passing, and where the
 * check is a security claim, the IAM policy simulator (sharing no code with the pack) admitting a
 * request through the violating trust that the twin refuses.
 */

const R = `aws.iam.Role "triage-role" (triage-runner)`;
const MODES = "an IAM OIDC provider (irsa), pods.eks.amazonaws.com (podIdentity), rolesanywhere.amazonaws.com (rolesAnywhere), bedrock-agentcore.amazonaws.com (agentcore)";
const POD_PINS = { "aws:RequestTag/kubernetes-namespace": "agents", "aws:RequestTag/kubernetes-service-account": "triage", "aws:SourceAccount": ACCOUNT };
const PODS = { Service: "pods.eks.amazonaws.com" };
const ROLES_ANYWHERE = { Service: "rolesanywhere.amazonaws.com" };
const ANCHORED = { "aws:SourceArn": ANCHOR };
/** The latest expiry the default lifetime (90 days from NOW) allows. */
const LATEST = "2027-03-01T00:00:00Z";
const { "agentid:expires-at": _expires, ...UNDATED_TAGS } = TAGS;
const is = (reason: string, problem: string) => `${R} is an agent role (${reason}) and ${problem}`;
const messages = (trust: object, props: Record<string, unknown> = {}) => pinnedTrust.check([role(trust, props)], CONFIG).map((v) => v.message);

interface TrustCase {
    gap: string;
    violating: object;
    compliant: object;
    /** Props of both roles beyond the trust (e.g. their tags). */
    roleProps?: Record<string, unknown>;
    messages: string[];
    /** A request the violating trust admits and the compliant twin refuses. */
    attempt?: AssumeAttempt;
    /** Why the simulator cannot judge this case. */
    unsimulated?: string;
}

const CASES: TrustCase[] = [
    {
        gap: "a trust of Deny statements only",
        violating: doc({ Sid: "NobodyElse", Effect: "Deny", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }),
        compliant: TRUST.podIdentity,
        messages: [is("it is tagged agentid:name", "has no Allow statement in its trust policy; an agent role trusts exactly one workload")],
        unsimulated: "a trust that allows nothing admits nobody; it is refused because no workload can use the agent, not because it lets anyone in",
    },
    {
        gap: "a trust with no statement at all",
        violating: doc(),
        compliant: TRUST.podIdentity,
        messages: [is("it is tagged agentid:name", "has no Allow statement in its trust policy; an agent role trusts exactly one workload")],
        unsimulated: "a trust with no statement admits nobody",
    },
    {
        gap: "NotAction instead of the mode's actions",
        violating: doc({ Sid: "AllButTag", Effect: "Allow", Principal: PODS, NotAction: ["sts:TagSession"], Condition: { StringEquals: POD_PINS, ArnEquals: { "aws:SourceArn": CLUSTER }, ...until() } }),
        compliant: TRUST.podIdentity,
        messages: [is("it trusts pods.eks.amazonaws.com", "trust statement AllButTag uses NotAction, which allows every action except the ones listed; list the mode's actions in Action")],
        attempt: { principal: "pods.eks.amazonaws.com", action: "sts:SetSourceIdentity", context: POD_CONTEXT },
    },
    {
        gap: "IAM principals of two kinds",
        violating: doc({ Sid: "Outsiders", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root`, CanonicalUser: "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be" }, Action: "sts:AssumeRole", Condition: until() }),
        compliant: TRUST.podIdentity,
        messages: [is("it is tagged agentid:name", `trust statement Outsiders admits AWS principals ("arn:aws:iam::${OTHER_ACCOUNT}:root"), CanonicalUser principals ("79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"); an agent role trusts only its workload's service or OIDC provider (${MODES}), never IAM users, roles or accounts`)],
        attempt: { principal: ATTACKER, action: "sts:AssumeRole", context: {}, crossAccount: true },
    },
    {
        gap: "a second service beside the workload's",
        violating: doc({ Sid: "PodsAndVms", Effect: "Allow", Principal: { Service: ["pods.eks.amazonaws.com", "ec2.amazonaws.com"] }, Action: ["sts:AssumeRole", "sts:TagSession"], Condition: { StringEquals: POD_PINS, ArnEquals: { "aws:SourceArn": CLUSTER }, ...until() } }),
        compliant: TRUST.podIdentity,
        messages: [is("it trusts pods.eks.amazonaws.com", `trust statement PodsAndVms admits 2 principals ({"Service":["pods.eks.amazonaws.com","ec2.amazonaws.com"]}); an agent role trusts exactly one`)],
        attempt: { principal: "ec2.amazonaws.com", action: "sts:AssumeRole", context: POD_CONTEXT },
    },
    {
        gap: "a Principal naming no one",
        violating: doc({ Sid: "Empty", Effect: "Allow", Principal: {}, Action: "sts:AssumeRole", Condition: until() }),
        compliant: TRUST.podIdentity,
        messages: [is("it is tagged agentid:name", "trust statement Empty admits 0 principals ({}); an agent role trusts exactly one")],
        unsimulated: "IAM refuses a trust whose Principal names no one; the pack cannot tell which workload was meant",
    },
    {
        gap: "a service that is no agent trust mode",
        violating: doc({ Sid: "Vms", Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole", Condition: until() }),
        compliant: TRUST.podIdentity,
        messages: [is("it is tagged agentid:name", `trust statement Vms trusts Service "ec2.amazonaws.com", which is no agent trust mode; trust exactly one of ${MODES}`)],
        attempt: { principal: "ec2.amazonaws.com", action: "sts:AssumeRole", context: {} },
    },
    ...([["null", null], ["a bare service name", "pods.eks.amazonaws.com"], ["a list", ["pods.eks.amazonaws.com"]]] as const).map(([what, principal]): TrustCase => ({
        gap: `a Principal that is ${what}`,
        violating: doc({ Sid: "Odd", Effect: "Allow", Principal: principal, Action: "sts:AssumeRole", Condition: until() }),
        compliant: TRUST.podIdentity,
        messages: [is("it is tagged agentid:name", `trust statement Odd has a Principal the pack cannot read (${JSON.stringify(principal)}); name exactly one: ${MODES}`)],
        unsimulated: "IAM accepts only \"*\" or an object of principal kinds as a Principal; the pack cannot tell whom this one admits",
    })),
    {
        gap: "no Principal and no NotPrincipal",
        violating: doc({ Sid: "Nobody", Effect: "Allow", Action: "sts:AssumeRole", Condition: until() }),
        compliant: TRUST.podIdentity,
        messages: [is("it is tagged agentid:name", `trust statement Nobody has no Principal; name exactly one (${MODES})`)],
        unsimulated: "IAM refuses a trust statement without a principal",
    },
    {
        gap: "a pin listing a number beside the one SPIFFE ID",
        violating: doc({ Sid: "Padded", Effect: "Allow", Principal: ROLES_ANYWHERE, Action: ["sts:AssumeRole"], Condition: { StringEquals: { "aws:PrincipalTag/x509SAN/URI": [SPIFFE, 42] }, ArnEquals: ANCHORED, ...until() } }),
        compliant: TRUST.rolesAnywhere,
        messages: [is("it trusts rolesanywhere.amazonaws.com", `trust statement Padded pins the SPIFFE ID (certificate URI SAN) (aws:PrincipalTag/x509SAN/URI) to ["${SPIFFE}",42]; it must name exactly one, e.g. "spiffe://example.org/agents/support-triage"`)],
        attempt: { principal: "rolesanywhere.amazonaws.com", action: "sts:AssumeRole", context: { "aws:PrincipalTag/x509SAN/URI": "42", ...ANCHORED } },
    },
    {
        gap: "a pin's key read only under operators that admit other values",
        violating: doc({ Sid: "NotBilling", Effect: "Allow", Principal: PODS, Action: ["sts:AssumeRole", "sts:TagSession"],
            Condition: { StringEquals: { "aws:RequestTag/kubernetes-namespace": "agents", "aws:SourceAccount": ACCOUNT }, StringLike: { "aws:RequestTag/kubernetes-service-account": "*" }, StringNotEquals: { "aws:RequestTag/kubernetes-service-account": "billing" }, ArnEquals: { "aws:SourceArn": CLUSTER }, ...until() } }),
        compliant: TRUST.podIdentity,
        messages: [is("it trusts pods.eks.amazonaws.com", `trust statement NotBilling does not pin the pod's service account: add StringEquals "aws:RequestTag/kubernetes-service-account": "support-triage" (it reads aws:RequestTag/kubernetes-service-account with StringLike, StringNotEquals, which admits other values or none)`)],
        attempt: { principal: "pods.eks.amazonaws.com", action: "sts:AssumeRole", context: { ...POD_CONTEXT, "aws:RequestTag/kubernetes-service-account": "ci-runner" } },
    },
    {
        gap: "a source account beside a Roles Anywhere trust anchor of another account",
        violating: doc({ Sid: "Mixed", Effect: "Allow", Principal: ROLES_ANYWHERE, Action: ["sts:AssumeRole"], Condition: { StringEquals: { "aws:PrincipalTag/x509SAN/URI": SPIFFE, "aws:SourceAccount": OTHER_ACCOUNT }, ArnEquals: ANCHORED, ...until() } }),
        compliant: doc({ Sid: "Same", Effect: "Allow", Principal: ROLES_ANYWHERE, Action: ["sts:AssumeRole"], Condition: { StringEquals: { "aws:PrincipalTag/x509SAN/URI": SPIFFE, "aws:SourceAccount": ACCOUNT }, ArnEquals: ANCHORED, ...until() } }),
        messages: [is("it trusts rolesanywhere.amazonaws.com", `trust statement Mixed names more than one account (aws:SourceArn: ${ACCOUNT}, aws:SourceAccount: ${OTHER_ACCOUNT}); the source account and every ARN it pins must be the same account`)],
        unsimulated: "no real request carries a source account other than its trust anchor's, so neither document admits more than the other; the pin is refused because one of them is wrong",
    },
    {
        gap: "no expiry on a role without an expiry tag",
        violating: doc({ Sid: "Forever", Effect: "Allow", Principal: ROLES_ANYWHERE, Action: ["sts:AssumeRole"], Condition: { StringEquals: { "aws:PrincipalTag/x509SAN/URI": SPIFFE }, ArnEquals: ANCHORED } }),
        compliant: TRUST.rolesAnywhere,
        roleProps: { tags: UNDATED_TAGS },
        messages: [is("it trusts rolesanywhere.amazonaws.com", `trust statement Forever has no DateLessThan aws:CurrentTime condition, so it never expires; add DateLessThan {"aws:CurrentTime": "<the agent's expiry>"}`)],
        attempt: { principal: "rolesanywhere.amazonaws.com", action: "sts:AssumeRole", context: { "aws:PrincipalTag/x509SAN/URI": SPIFFE, ...ANCHORED, "aws:CurrentTime": AFTER_EXPIRY } },
    },
    {
        gap: "two expiry dates, the agent's and a later one",
        violating: doc({ Sid: "TwoEnds", Effect: "Allow", Principal: ROLES_ANYWHERE, Action: ["sts:AssumeRole"], Condition: { StringEquals: { "aws:PrincipalTag/x509SAN/URI": SPIFFE }, ArnEquals: ANCHORED, DateLessThan: { "aws:CurrentTime": [EXPIRES, "2099-01-01T00:00:00Z"] } } }),
        compliant: TRUST.rolesAnywhere,
        messages: [is("it trusts rolesanywhere.amazonaws.com", `trust statement TwoEnds has DateLessThan aws:CurrentTime ["${EXPIRES}","2099-01-01T00:00:00Z"], which is not one date-time; write the agent's expiry, e.g. 2027-01-15T00:00:00Z`)],
        attempt: { principal: "rolesanywhere.amazonaws.com", action: "sts:AssumeRole", context: { "aws:PrincipalTag/x509SAN/URI": SPIFFE, ...ANCHORED, "aws:CurrentTime": AFTER_EXPIRY } },
    },
    {
        gap: "an expiry one second past the longest lifetime (the twin ends exactly at it)",
        violating: doc({ Sid: "Late", Effect: "Allow", Principal: ROLES_ANYWHERE, Action: ["sts:AssumeRole"], Condition: { StringEquals: { "aws:PrincipalTag/x509SAN/URI": SPIFFE }, ArnEquals: ANCHORED, ...until("2027-03-01T00:00:01Z") } }),
        compliant: doc({ Sid: "OnTime", Effect: "Allow", Principal: ROLES_ANYWHERE, Action: ["sts:AssumeRole"], Condition: { StringEquals: { "aws:PrincipalTag/x509SAN/URI": SPIFFE }, ArnEquals: ANCHORED, ...until(LATEST) } }),
        roleProps: { tags: UNDATED_TAGS },
        messages: [is("it trusts rolesanywhere.amazonaws.com", `trust statement Late ends at 2027-03-01T00:00:01Z, more than 90 days after now (2026-12-01T00:00:00Z); end it on or before ${LATEST}`)],
        attempt: { principal: "rolesanywhere.amazonaws.com", action: "sts:AssumeRole", context: { "aws:PrincipalTag/x509SAN/URI": SPIFFE, ...ANCHORED, "aws:CurrentTime": LATEST } },
    },
];

describe("agent-trust-pinned: each trust check (provider/policy/trust.ts)", () => {
    for (const c of CASES) {
        describe(c.gap, () => {
            it("is stopped, naming the role, the statement and the fix", () => assert.deepStrictEqual(messages(c.violating, c.roleProps), c.messages));
            it("passes the compliant twin", () => assert.deepStrictEqual(messages(c.compliant, c.roleProps), []));
            if (c.attempt) {
                const attempt = c.attempt;
                it(`simulator: the violating trust admits ${attempt.principal} (${attempt.action}); the compliant twin does not`, async () => {
                    assert.strictEqual(await assume(c.violating, attempt), "Allowed");
                    assert.strictEqual(await assume(c.compliant, attempt), "Denied");
                });
            }
        });
    }

    it("flags an agent role without any trust policy as trusting no workload (its twin with the mode's trust passes)", () => {
        assert.deepStrictEqual(messages(TRUST.podIdentity, { assumeRolePolicy: undefined }), [is("it is tagged agentid:name", "has no Allow statement in its trust policy; an agent role trusts exactly one workload")]);
        assert.deepStrictEqual(messages(TRUST.podIdentity), []);
    });

    describe("a maxSessionDuration the provider reads in more forms than digits", () => {
        const long = is("it trusts pods.eks.amazonaws.com", "allows sessions of 43200s; agents get at most 3600s — set maxSessionDuration to 3600 or less");
        const unreadable = (text: string) => is("it trusts pods.eks.amazonaws.com", `has maxSessionDuration ${JSON.stringify(text)}, which the AWS provider may read as a number of seconds (a sign, a base prefix, underscores, a fraction or an exponent) but the pack cannot check; write it as whole seconds, 3600 or less`);
        const session = (maxSessionDuration: unknown) => messages(TRUST.podIdentity, { maxSessionDuration });

        it("reads whole-number text with blanks around it as its number", () => {
            assert.deepStrictEqual(session(" 43200 "), [long]);
            assert.deepStrictEqual(session("\t3600\n"), []);
        });

        it("flags text Go's ParseInt (base 0) or cty reads as a number but the pack cannot: a sign, 0x/0o/0b, underscores, a fraction, an exponent", () => {
            // Each is a number to Go's strconv.ParseInt(text, 0, 0) or to cty's string-to-number conversion (go-cty v1.14.4, run by hand):
            // 43200 for the first nine, 40000, 50000 and 0 for the others. The texts of the next test are numbers to neither.
            for (const text of ["+43200", "+0xA8C0", "+43_200", "0xA8C0", "0o124300", "0b1010100011000000", "43_200", "43200.0", "4.32e4", "4e4", ".5e5", "-0"]) {
                assert.deepStrictEqual(session(text), [unreadable(text)], text);
            }
        });

        it("leaves to the provider what no parser reads as a number, and values of other types", () => {
            for (const value of ["12h", "", " ", "43200s", "0x", "1e", "4 3200", [43200], ["43200"], { seconds: 43200 }, true, null]) {
                assert.deepStrictEqual(session(value), [], JSON.stringify(value));
            }
        });
    });

    describe("a Deny statement beside the pinned trust", () => {
        const guarded = doc({ Effect: "Deny", Principal: { AWS: "*" }, Action: "sts:AssumeRole", Condition: { StringNotEquals: { "aws:SourceAccount": ACCOUNT } } }, TRUST.podIdentity.Statement[0]);
        it("is not read as a grant: the trust passes", () => assert.deepStrictEqual(messages(guarded), []));
        it("names an Allow statement after it by its position in the whole trust", () => {
            const unnamed = { ...TRUST.podIdentity.Statement[0], Sid: undefined, Action: ["sts:AssumeRole", "sts:TagSession", "sts:AssumeRoleWithWebIdentity"] };
            assert.deepStrictEqual(messages(doc(guarded.Statement[0], unnamed)), [
                is("it trusts pods.eks.amazonaws.com", `trust statement 2 allows "sts:AssumeRoleWithWebIdentity"; podIdentity trust allows only sts:AssumeRole, sts:TagSession`),
            ]);
        });
        it("simulator: the Deny only narrows — the pod is still admitted, another account still refused", async () => {
            assert.strictEqual(await assume(guarded, { principal: "pods.eks.amazonaws.com", action: "sts:AssumeRole", context: POD_CONTEXT }), "Allowed");
            assert.strictEqual(await assume(guarded, { principal: ATTACKER, action: "sts:AssumeRole", context: {}, crossAccount: true }), "Denied");
        });
    });

    it("simulator: the compliant twins of the simulated cases admit their own workload (the denials above are not vacuous)", async () => {
        const own = { principal: "rolesanywhere.amazonaws.com", action: "sts:AssumeRole", context: { "aws:PrincipalTag/x509SAN/URI": SPIFFE, ...ANCHORED } };
        assert.strictEqual(await assume(TRUST.rolesAnywhere, own), "Allowed");
        assert.strictEqual(await assume(TRUST.podIdentity, { principal: "pods.eks.amazonaws.com", action: "sts:AssumeRole", context: POD_CONTEXT }), "Allowed");
        const lastMoment = CASES.find((c) => c.gap.startsWith("an expiry one second past"))!.compliant;
        assert.strictEqual(await assume(lastMoment, { ...own, context: { ...own.context, "aws:CurrentTime": "2027-02-28T23:59:59Z" } }), "Allowed");
    });
});
