import * as assert from "assert";
import { IamActionCatalog } from "../../../provider/connectors/iamData";

/** agentid's reader of iam-data: names, access levels, resource types and ARN templates. */
describe("IAM action catalog", () => {
    // A fresh catalog for every test, so that each test reads iam-data's files itself (the process-wide
    // catalog caches them, and a test reading from a cache another test filled would not see the reader).
    let iamActions: IamActionCatalog;
    beforeEach(() => { iamActions = new IamActionCatalog(); });

    it("finds actions case-insensitively and spells them canonically", () => {
        assert.deepStrictEqual(["s3:getobject", "S3:GetObject", "BEDROCK:invokemodel"].map((a) => iamActions.canonical(a)), ["s3:GetObject", "s3:GetObject", "bedrock:InvokeModel"]);
        assert.deepStrictEqual(["s3:GetObject", "s3:NoSuchAction", "nosuchservice:GetObject"].map((a) => iamActions.exists(a)), [true, false, false]);
    });

    it("refuses malformed names without reading outside iam-data", () => {
        assert.deepStrictEqual(["s3", "s3:", ":GetObject", "", "../actions/s3:GetObject", "s3/../s3:GetObject", "S3 :GetObject"].map((a) => iamActions.lookup(a)), Array(7).fill(undefined));
        assert.deepStrictEqual(["s3", "S3", "bedrock-agentcore", "no-such-service", "../data", ""].map((s) => iamActions.serviceExists(s)), [true, true, true, false, false, false]);
    });

    it("reports iam-data's access level, and Write actions that change who may do what as Permissions management", () => {
        // One example per kind of permission-changing verb that iam-data files under Write.
        const managing = [
            "agent-registry:PutResourcePolicy", "aoss:DeleteAccessPolicy", "clouddirectory:AttachPolicy", "clouddirectory:DetachPolicy",
            "aoss:CreateAccessPolicy", "workmail:SetMobilePolicyDetails", "workdocs:RemoveResourcePermission", "license-manager:CreateGrant",
        ];
        assert.deepStrictEqual(managing.map((a) => iamActions.accessLevel(a)), Array(managing.length).fill("Permissions management"));
        assert.deepStrictEqual(["s3:PutObject", "sqs:SendMessage", "dynamodb:DeleteItem", "lambda:InvokeFunction", "aoss:CreateCollection"].map((a) => iamActions.accessLevel(a)),
            ["Write", "Write", "Write", "Write", "Write"]);
        assert.deepStrictEqual(["s3:GetObject", "s3:ListBucket", "s3:PutObjectTagging", "s3:PutBucketPolicy", "nope:Nope"].map((a) => iamActions.accessLevel(a)),
            ["Read", "List", "Tagging", "Permissions management", undefined]);
    });

    it("treats anything but Read and List as a write, unknown actions included", () => {
        assert.deepStrictEqual(["s3:GetObject", "s3:ListBucket", "s3:PutObject", "s3:PutObjectTagging", "nope:Nope"].map((a) => iamActions.isWrite(a)), [false, false, true, true, true]);
    });

    it("lists an action's resource types, none for actions that only take \"*\"", () => {
        assert.deepStrictEqual(iamActions.resourceTypesOf("dynamodb:Query"), ["index", "table"]);
        assert.deepStrictEqual(iamActions.resourceTypesOf("s3:ListAllMyBuckets"), []);
        assert.deepStrictEqual(iamActions.resourceTypesOf("s3:NoSuchAction"), []);
    });

    it("classifies an ARN as the most specific resource type of the action's service", () => {
        const type = (action: string, arn: string) => iamActions.classify(action, arn)?.name;
        assert.deepStrictEqual([
            type("dynamodb:Query", "arn:aws:dynamodb:us-east-1:123456789012:table/orders/index/by-day"),
            type("dynamodb:Query", "arn:aws:dynamodb:us-east-1:123456789012:table/orders"),
            type("s3:GetObject", "arn:aws:s3:::bucket/a/b/c.json"),
            type("s3:ListBucket", "arn:aws:s3:::bucket"),
            type("s3:GetObject", "arn:aws-cn:s3:::bucket/key"),
            type("sqs:SendMessage", "arn:aws:sqs:us-east-1:123456789012:queue"),
            type("dynamodb:Query", "arn:aws:dynamodb:us-east-1:12345:table/orders"),
            type("dynamodb:Query", "arn:aws:dynamodb:useast1:123456789012:table/orders"),
            type("dynamodb:Query", "arn:aws:s3:::bucket"),
            type("nope:Query", "arn:aws:s3:::bucket"),
            type("dynamodb", "arn:aws:dynamodb:us-east-1:123456789012:table/orders"),
        ], ["index", "table", "object", "bucket", "object", "queue", undefined, undefined, undefined, undefined, undefined]);
    });

    it("classifies by the template with the most characters outside its variables, and the last variable alone takes slashes", () => {
        const type = (action: string, arn: string) => iamActions.classify(action, arn)?.name;
        assert.deepStrictEqual([
            // `${Catalog}/ChangeSet/${ResourceId}` over `${Catalog}/${EntityType}/${ResourceId}`: the literal segment is more specific.
            type("aws-marketplace:DescribeChangeSet", "arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/ChangeSet/cs-1"),
            // `/apis/${ApiId}/cors` holds one segment for the API: a/b/cors is the API `a/b/cors` (`/apis/${ApiId}`, last variable).
            type("apigateway:GET", "arn:aws:apigateway:us-east-1::/apis/a/b/cors"),
            type("apigateway:GET", "arn:aws:apigateway:us-east-1::/apis/a/cors"),
            // `${MajorVersionId}.${MinorVersionId}`: the dot is a dot, not any character.
            type("proton:GetEnvironmentTemplateVersion", "arn:aws:proton:us-east-1:123456789012:environment-template/t:1.2"),
            type("proton:GetEnvironmentTemplateVersion", "arn:aws:proton:us-east-1:123456789012:environment-template/t:12"),
        ], ["ChangeSet", "Api", "Cors", "environment-template-minor-version", "environment-template-major-version"]);
    });

    it("reads no resource types outside iam-data's resourceTypes folder", () => {
        for (const service of ["../resourceTypes/s3", "s3/../s3", "S3 "]) {
            assert.strictEqual(iamActions.classify(`${service}:GetObject`, "arn:aws:s3:::bucket"), undefined, service);
            assert.deepStrictEqual(iamActions.templatesOf(`${service}:GetObject`, ["bucket"]), ["bucket"], service);
        }
    });

    it("reads a service only from service:Name with both parts: no service from s3:, :object or a name without a colon", () => {
        const object = "arn:aws:s3:::bucket/key";
        assert.deepStrictEqual(["s3:", ":object", "s3x", "s3", ":", "s3:GetObject"].map((a) => iamActions.classify(a, object)?.name), [undefined, undefined, undefined, undefined, undefined, "object"]);
        assert.deepStrictEqual(["s3:", "s3x", "s3:GetObject"].map((a) => iamActions.templatesOf(a, ["object"])), [["object"], ["object"], ["arn:${Partition}:s3:::${BucketName}/${ObjectName}"]]);
    });

    it("gives the ARN templates of resource types for messages", () => {
        assert.deepStrictEqual(iamActions.templatesOf("dynamodb:Query", ["table", "nonexistent"]), ["arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}", "nonexistent"]);
        assert.deepStrictEqual(iamActions.templatesOf("dynamodb", ["table"]), ["table"]);
    });

    it("reads each service's files once: a second look-up returns the very same records", () => {
        // Every policy check classifies each declared ARN: the catalog keeps what it parsed (a parse makes new objects).
        const object = iamActions.classify("s3:GetObject", "arn:aws:s3:::bucket/key");
        assert.strictEqual(object?.name, "object");
        assert.strictEqual(iamActions.classify("S3:PutObject", "arn:aws:s3:::other/key"), object);
        const record = iamActions.lookup("s3:GetObject");
        assert.strictEqual(record?.name, "GetObject");
        assert.strictEqual(iamActions.lookup("S3:getobject"), record);
    });
});
