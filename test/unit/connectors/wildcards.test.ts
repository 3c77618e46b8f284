import * as assert from "assert";
import { hasWildcard, isScopingForm, SCOPING_FORMS, wildcardActionProblem, wildcardParts, wildcardResourceProblem } from "../../../provider/connectors/wildcards";

/** The wildcard module's own answers and messages (the property and attack suites judge it from outside). */
describe("wildcards", () => {
    it("see * and ? anywhere, and nothing else", () => {
        assert.deepStrictEqual(["*", "?", "a*b", "a?b", "a", "", "a+b", "[ab]"].map(hasWildcard), [true, true, true, true, false, false, false, false]);
    });

    it("see ${ policy variables, and not a lone $ or {", () => {
        assert.deepStrictEqual(["${aws:username}", "a${b}", "${", "$", "{", "$x{", "a$b{c}", "}${"].map(hasWildcard), [true, true, true, false, false, false, false, true]);
    });

    it("name each ARN part that holds one", () => {
        assert.deepStrictEqual([
            "arn:*:s3:::b", "arn:aws:s?:::b", "arn:aws:sqs:us-east-?:*:q", "arn:aws:s3:::b*/k", "arn:aws:sqs:us-east-1:123456789012:q:x*", "arn:aws:s3:::b/k", "x*", "configmaps",
            "arn:a*", "arn:aws:s*", "arn:aws:sqs:*", "arn:aws:sqs:us-east-1:1*", "arn:", "arn:aws:s3", "arn:aws:sqs:us-east-1:123456789012:q$:{x}",
        ].map(wildcardParts), [["partition"], ["service"], ["region", "account"], ["resource id"], ["resource id"], [], ["value"], [],
            ["partition"], ["service"], ["region"], ["account"], [], [], []]);
    });

    it("explain why an action is refused", () => {
        assert.deepStrictEqual(["*", " * ", "iam:*", "sts:Assume*", "IAM:Pass?ole", "s3:*", "s3:Get*", "s3:GetObject", "s3:Get${x}", "sts:${a}", "iamx:Get*", "notiam:Get*", "s3:*Object", "s3:Get:*"].map(wildcardActionProblem), [
            `"*" grants every action of every service; list the exact actions`,
            `"*" grants every action of every service; list the exact actions`,
            `"iam:*" grants IAM/STS administration; agents may not hold it`,
            `"sts:Assume*" grants IAM/STS administration; agents may not hold it`,
            `"IAM:Pass?ole" grants IAM/STS administration; agents may not hold it`,
            `"s3:*" grants every action of the service; list the exact actions, e.g. s3:Get…`,
            `"s3:Get*" is a pattern; list the exact actions it should cover`,
            undefined,
            `"s3:Get\${x}" is a pattern; list the exact actions it should cover`,
            `"sts:\${a}" grants IAM/STS administration; agents may not hold it`,
            `"iamx:Get*" is a pattern; list the exact actions it should cover`,
            `"notiam:Get*" is a pattern; list the exact actions it should cover`,
            `"s3:*Object" is a pattern; list the exact actions it should cover`,
            `"s3:Get:*" is a pattern; list the exact actions it should cover`,
        ]);
    });

    it("explain why a resource is refused", () => {
        assert.deepStrictEqual(["*", " * ", "x*", "arn:aws:sqs:us-east-?:*:q", "arn:aws:s3:::b/k", "arn:aws:s3:::b/${aws:username}", "${aws:userid}", "arn:${p}:s3:::b"].map(wildcardResourceProblem), [
            `"*" as a resource means everything; name the exact resources`,
            `"*" as a resource means everything; name the exact resources`,
            `"x*" is a pattern ("*" or "?"); name the exact value`,
            `"arn:aws:sqs:us-east-?:*:q" has a wildcard in its region, account; "*" and "?" match other resources too — name the exact resource`,
            undefined,
            `"arn:aws:s3:::b/\${aws:username}" holds an IAM policy variable: AWS fills it from the request (the caller chooses its User-Agent, for one), so it matches whatever the caller names — name the exact resource`,
            `"\${aws:userid}" holds an IAM policy variable: AWS fills it from the request (the caller chooses its User-Agent, for one), so it matches whatever the caller names — name the exact resource`,
            `"arn:\${p}:s3:::b" holds an IAM policy variable: AWS fills it from the request (the caller chooses its User-Agent, for one), so it matches whatever the caller names — name the exact resource`,
        ]);
    });

    it("recognise only the connectors' own scoping forms in generated documents", () => {
        assert.deepStrictEqual(SCOPING_FORMS.map((f) => f.connector), ["aws.s3", "aws.secretsmanager"]);
        assert.deepStrictEqual([
            "arn:aws:s3:::bkt/*", "arn:aws:s3:::bkt/a/b/*", "arn:aws-cn:s3:::bkt/p/*", "arn:aws:s3:::bkt/p*", "arn:aws:s3:::bkt/*/x/*", "arn:aws:s3:::b/*", "arn:aws:s3:::*",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-??????", "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-?????",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:*-??????", "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-*", "arn:aws:sqs:us-east-1:123456789012:q-??????",
        ].map(isScopingForm), [true, true, true, false, false, false, false, true, false, false, false, false]);
    });
});
