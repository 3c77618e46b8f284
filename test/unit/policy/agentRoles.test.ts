import * as assert from "assert";
import { workloadTrustReason } from "../../../provider/policy/agentRoles";

/** Which trust policies make a role an agent's (provider/policy/agentRoles.ts), reason by reason. */

describe("agent roles: what a trust policy says about its role", () => {
    const trustReading = (key: string) => [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "sts:AssumeRole", Condition: { StringEquals: { [key]: "x" } } }];

    it("takes a trust reading a workload's session keys (any case) for an agent's, and only AWS's own global keys", () => {
        const keys = ["aws:RequestTag/kubernetes-namespace", "AWS:principaltag/X509SAN/URI", "aws:RequestTag/team", "aws:PrincipalTag/department",
            "saml:aws:PrincipalTag/x509SAN/URI", "myorg:aws:RequestTag/kubernetes-namespace"];
        assert.deepStrictEqual(keys.map((key) => workloadTrustReason(trustReading(key))), [
            "its trust reads the workload condition key aws:RequestTag/kubernetes-namespace", "its trust reads the workload condition key AWS:principaltag/X509SAN/URI",
            undefined, undefined, undefined, undefined,
        ]);
    });
});
