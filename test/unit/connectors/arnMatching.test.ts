import * as assert from "assert";
import { runSimulation } from "@cloud-copilot/iam-simulate";
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
        assert.deepStrictEqual([resourcesOverlap(`${secret}-AbC123`, "*"), resourcesOverlap("*", "*"), resourcesOverlap("*", ""), resourcesOverlap("arn:AWS:*", "*")], [true, true, true, true],
            "* alone overlaps everything, ARN or not, on either side");
    });

    /** Every string over `alphabet` of at most `max` characters. */
    const strings = (alphabet: string[], max: number): string[] => {
        const out = [""];
        for (let n = 1, level = [""]; n <= max; n++) {
            level = level.flatMap((prefix) => alphabet.map((c) => prefix + c));
            out.push(...level);
        }
        return out;
    };
    /** The tests' own reading of a glob, as a regular expression: `*` any run, `?` one character, the rest literal. */
    const oracle = (glob: string, ignoreCase = false) => new RegExp(`^${[...glob].map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("")}$`, ignoreCase ? "is" : "s");
    const literals = (glob: string) => [...glob].filter((c) => c !== "*").length;

    it("matches globs exactly as a regular expression would, over every pattern and text of a small alphabet", () => {
        // A witness never needs a character outside the patterns' literals ("a", "b"); lengths cover every backtrack.
        const differ: string[] = [];
        for (const [patterns, texts, ignoreCase] of [[strings(["a", "b", "*", "?"], 4), strings(["a", "b"], 5), false], [strings(["a", "B", "*", "?"], 3), strings(["a", "A", "b", "B"], 3), true]] as const) {
            for (const pattern of patterns) {
                const re = oracle(pattern, ignoreCase);
                for (const text of texts) if (globMatches(pattern, text, ignoreCase) !== re.test(text)) differ.push(`${pattern} ${text} ${ignoreCase}`);
            }
        }
        assert.deepStrictEqual(differ, []);
        assert.deepStrictEqual([globMatches("A*", "ab"), globMatches("A*", "ab", true)], [false, true], "case counts unless told otherwise");
    });

    it("reaches a prefix exactly when some text the pattern matches starts with it (against the regular expression)", () => {
        const differ: string[] = [];
        for (const [patterns, prefixes, ignoreCase] of [[strings(["a", "b", "*", "?"], 4), strings(["a", "b"], 4), false], [strings(["a", "B", "*", "?"], 3), strings(["a", "A", "B"], 3), true]] as const) {
            for (const pattern of patterns) {
                const re = oracle(pattern, ignoreCase);
                const completions = strings(["a", "b"], literals(pattern));
                for (const prefix of prefixes) {
                    const reaches = completions.some((rest) => re.test(prefix + rest));
                    if (globReachesPrefix(pattern, prefix, ignoreCase) !== reaches) differ.push(`${pattern} ${prefix} ${ignoreCase}`);
                }
            }
        }
        assert.deepStrictEqual(differ, []);
        assert.deepStrictEqual([globReachesPrefix("Ab*", "ab"), globReachesPrefix("Ab*", "aB", true)], [false, true], "case counts unless told otherwise");
    });

    it("finds two globs overlapping exactly when some text matches both (against the regular expressions)", () => {
        const patterns = strings(["a", "b", "*", "?"], 3);
        const differ: string[] = [];
        for (const a of patterns) {
            for (const b of patterns) {
                const [ra, rb] = [oracle(a), oracle(b)];
                const common = strings(["a", "b"], literals(a) + literals(b)).some((text) => ra.test(text) && rb.test(text));
                if (globsOverlap(a, b) !== common) differ.push(`${a} ${b}`);
            }
        }
        assert.deepStrictEqual(differ, []);
    });

    /** Whether IAM (the simulator, which shares no code with agentid) lets an identity policy with this Resource reach the ARN. */
    async function iamAllows(resource: string, arn: string, action: string): Promise<boolean> {
        const result = await runSimulation({
            request: { principal: "arn:aws:iam::123456789012:role/r", action, resource: { resource: arn, accountId: "123456789012" }, contextVariables: {} },
            identityPolicies: [{ name: "p", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: resource }] } }],
            serviceControlPolicies: [], resourceControlPolicies: [],
        }, {});
        if (result.resultType === "error") throw new Error(`simulation error: ${JSON.stringify(result.errors)}`);
        return result.overallResult === "Allowed";
    }

    it("agrees with the IAM simulator on the parts of an ARN: case, and a resource-part * across colons", async () => {
        const group = "arn:aws:logs:us-east-1:123456789012:log-group";
        const cases: [string, string, string][] = [
            [`${group}:a*1`, `${group}:app:log-stream:s1`, "logs:PutLogEvents"],
            [`${group}:a*2`, `${group}:app:log-stream:s1`, "logs:PutLogEvents"],
            ["arn:AWS:S3:::tickets/*", "arn:aws:s3:::tickets/a", "s3:GetObject"],
            ["arn:aws:s3:::Tickets/*", "arn:aws:s3:::tickets/a", "s3:GetObject"],
            ["arn:aws:sqs:*:q", "arn:aws:sqs:us-east-1:123456789012:q", "sqs:SendMessage"],
            ["arn:aws:sqs:*:123456789012:q", "arn:aws:sqs:us-east-1:123456789012:q", "sqs:SendMessage"],
        ];
        const iam = await Promise.all(cases.map(([resource, arn, action]) => iamAllows(resource, arn, action)));
        assert.deepStrictEqual(cases.map(([resource, arn]) => resourceMatches(resource, arn)), iam);
        assert.deepStrictEqual(iam, [true, false, true, false, false, true], "the cases hold both answers");
    });

    it("compares what is not an ARN (fewer than six parts, or not starting arn:) as literal text", () => {
        assert.deepStrictEqual([
            resourceMatches("bucket*", "bucket1"), resourceMatches("arn:aws:*", "arn:aws:s3"), resourceMatches("xarn:aws:s3:::b*", "xarn:aws:s3:::bc"), resourceMatches("bucket*", "bucket*"),
        ], [false, false, false, true]);
    });

    it("reaches a prefix from * alone, from text that starts with it, and through parts compared without case", () => {
        assert.deepStrictEqual([
            resourceReachesArnPrefix("*", "arn:aws:s3:::tickets/"),
            resourceReachesArnPrefix("tickets/inbound/x", "tickets/"), resourceReachesArnPrefix("tickets/inbound/x", "inbound/x"),
            resourceReachesArnPrefix("arn:aws:s3:::tickets/inbound/*", "arn:aws:s3:::tickets/inbound/x"),
            resourceReachesArnPrefix("arn:aws:s3:::tickets/*", "arn:AWS:s3:::tickets/"), resourceReachesArnPrefix("arn:aws:s3:::tickets/*", "arn:aws:S"),
            resourceReachesArnPrefix("arn:aws:s3:::tickets/*", "arn:aws:s3:::Tickets/"),
        ], [true, true, false, true, true, true, false]);
    });

    it("reads a fixed part the prefix has passed as a whole: a part that only starts the pattern's part is another part", () => {
        const queue = "arn:aws:sqs:us-east-1:123456789012:q";
        assert.deepStrictEqual([
            resourceReachesArnPrefix("arn:aws:s3:::tickets/*", "arn:aw:s3:::tickets/"), resourceReachesArnPrefix(queue, "arn:aws:sqs:us-east:"),
            resourceReachesArnPrefix(queue, "arn:aws:sqs:us-east-1:1234:"), resourceReachesArnPrefix(queue, "arn:aws:sqs:us-east"),
            resourceReachesArnPrefix(queue, "arn:aws:sqs:us-east-1:1234"), resourceReachesArnPrefix("arn:aws:sqs:us-*:1234*:q", "arn:aws:sqs:us-west-2:123456789012:"),
        ], [false, false, false, true, true, true]);
    });

    it("overlaps patterns that are not ARNs as globs, and ARNs part by part, the first five without case", () => {
        assert.deepStrictEqual([
            resourcesOverlap("", "arn:aws:s3:::b"), resourcesOverlap("arn:aws:s3:::b", ""), resourcesOverlap("", "*"),
            resourcesOverlap("bucket*", "bucket1"), resourcesOverlap("arn:*", "arn:aws:s3:::b"), resourcesOverlap("arn:aws:s3:::b", "arn:*"),
            resourcesOverlap("arn:aws:S3:::b", "arn:aws:s3:::b"), resourcesOverlap("arn:aws:s3:::B", "arn:aws:s3:::b"),
        ], [false, false, true, true, true, true, true, false]);
    });
});

