import * as assert from "assert";
import { globMatches, globReachesPrefix, globsOverlap, resourceMatches, resourceReachesArnPrefix, resourcesOverlap } from "../../../provider/connectors/arnMatching";

describe("ARN matching as IAM reads a Resource element", () => {
    it("matches * as any run and ? as exactly one character", () => {
        assert.strictEqual(globMatches("a*c", "abbbc"), true);
        assert.strictEqual(globMatches("a*c", "ac"), true);
        assert.strictEqual(globMatches("a??c", "abbc"), true);
        assert.strictEqual(globMatches("a??c", "abc"), false);
        assert.strictEqual(globMatches("a*b*c", "axbxbxd"), false);
    });

    it("compares partition, service, region and account without case, the resource part case by case", () => {
        assert.strictEqual(resourceMatches("arn:aws:S3:::bucket/a/*", "arn:aws:s3:::bucket/a/x"), true);
        assert.strictEqual(resourceMatches("arn:aws:s3:::bucket/a/*", "arn:aws:s3:::bucket/A/x"), false);
    });

    it("keeps a wildcard in one of the first five parts within that part", () => {
        assert.strictEqual(resourceMatches("arn:aws:sqs:us-*:123456789012:q", "arn:aws:sqs:us-east-1:123456789012:q"), true);
        assert.strictEqual(resourceMatches("arn:aws:sqs:*:q", "arn:aws:sqs:us-east-1:123456789012:q"), false);
        assert.strictEqual(resourceMatches("*", "arn:aws:sqs:us-east-1:123456789012:q"), true);
    });

    it("lets the resource part span colons and slashes", () => {
        assert.strictEqual(resourceMatches("arn:aws:bedrock:us-east-1::foundation-model/*", "arn:aws:bedrock:us-east-1::foundation-model/anthropic.x-v1:0"), true);
    });

    it("decides whether a pattern reaches anything under a prefix", () => {
        assert.strictEqual(globReachesPrefix("inbound/*", "inbound/"), true);
        assert.strictEqual(globReachesPrefix("inbound/*", "inbound"), true, "inbound/x starts with inbound");
        assert.strictEqual(globReachesPrefix("inbound/*", "outbound/"), false);
        assert.strictEqual(globReachesPrefix("key-??????", "key-ab"), true);
        assert.strictEqual(globReachesPrefix("key-??????", "key-abcdefg"), false);
        assert.strictEqual(resourceReachesArnPrefix("arn:aws:s3:::tickets/inbound/*", "arn:aws:s3:::tickets/*"), true);
        assert.strictEqual(resourceReachesArnPrefix("arn:aws:s3:::tickets/inbound/*", "arn:aws:s3:::tickets/inbound-x/"), false);
        assert.strictEqual(resourceReachesArnPrefix("arn:aws:s3:::tickets", "arn:aws:s3:::tickets/"), false, "the bucket is not under its own objects");
        assert.strictEqual(resourceReachesArnPrefix("arn:aws:sqs:us-east-1:123456789012:q", "arn:aws:sqs:us-east-1:"), true);
        assert.strictEqual(resourceReachesArnPrefix("arn:aws:sqs:us-east-1:123456789012:q", "arn:aws:sqs:us-west-2:"), false);
        assert.strictEqual(resourceReachesArnPrefix("arn:aws:secretsmanager:us-east-1:123456789012:secret:billing/k-??????", "arn:aws:secretsmanager:us-east-1:123456789012:secret:billing/*"), true);
    });

    it("decides whether two patterns match some ARN in common", () => {
        assert.strictEqual(globsOverlap("key-??????", "key-AbC123"), true);
        assert.strictEqual(globsOverlap("key-??????", "key-??????"), true);
        assert.strictEqual(globsOverlap("key-??????", "key-AbC1234"), false);
        assert.strictEqual(globsOverlap("key-??????", "key-x-??????"), false, "8 characters after key- against 6");
        assert.strictEqual(globsOverlap("a*b", "*c"), false, "one ends in b, the other in c");
        assert.strictEqual(globsOverlap("a*", "*z"), true);
        assert.strictEqual(globsOverlap("in*/x", "in?"), false);
        assert.strictEqual(globsOverlap("ABC", "abc", true), true);
        assert.strictEqual(globsOverlap("ABC", "abc"), false);
        const secret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:billing/k";
        assert.strictEqual(resourcesOverlap(`${secret}-??????`, `${secret}-??????`), true);
        assert.strictEqual(resourcesOverlap(`${secret}-AbC123`, `${secret}-??????`), true);
        assert.strictEqual(resourcesOverlap(`${secret}-AbC123`, `${secret.replace("us-east-1", "us-west-2")}-??????`), false);
        assert.strictEqual(resourcesOverlap("*", `${secret}-??????`), true);
    });
});
