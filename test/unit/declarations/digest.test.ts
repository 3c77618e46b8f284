import * as assert from "assert";
import { createHash } from "crypto";
import { canonicalJson, grantsDigest } from "../../../provider/declarations/digest";

describe("grants digest", () => {
    it("sorts keys, keeps array order and drops whitespace", () => {
        assert.strictEqual(canonicalJson([{ resources: ["b", "a"], access: "read", connector: "aws.s3" }]),
            `[{"access":"read","connector":"aws.s3","resources":["b","a"]}]`);
    });
    it("is sha256 of the canonical JSON", () => {
        const grants = [{ connector: "aws.s3", access: "read" as const, resources: ["arn:aws:s3:::b/*"] }];
        const expected = createHash("sha256").update(`[{"access":"read","connector":"aws.s3","resources":["arn:aws:s3:::b/*"]}]`).digest("hex");
        assert.strictEqual(grantsDigest(grants), `sha256:${expected}`);
    });
    it("does not depend on key order but does on list order", () => {
        const a = grantsDigest([{ connector: "aws.s3", access: "read", resources: ["x", "y"] }]);
        const b = grantsDigest([{ resources: ["x", "y"], access: "read", connector: "aws.s3" }]);
        const c = grantsDigest([{ connector: "aws.s3", access: "read", resources: ["y", "x"] }]);
        assert.strictEqual(a, b);
        assert.notStrictEqual(a, c);
    });
});
