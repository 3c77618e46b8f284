import * as assert from "assert";
import { AgentDocuments } from "../../../provider/components/agentDocuments";
import type { AgentDeclaration } from "../../../provider/declarations/types";
import { resolveSettings } from "../../../provider/model/settings";
import { buildAgentArtefacts } from "../../../provider/platforms/documents";
import { NOW_DATE } from "../../helpers/fixtures";

const SETTINGS = resolveSettings({
    trustDomain: "example.org", clusterName: "prod", awsAccountId: "123456789012", awsRegion: "us-east-1",
    oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE",
});

function irsaAgent(name: string): AgentDeclaration {
    return {
        apiVersion: "agentid/v1", kind: "Agent", metadata: { name },
        spec: {
            description: "Reads reports", owner: { team: "data", contact: "data@example.com" }, expiresAt: "2027-01-15T00:00:00Z",
            identity: { aws: { trust: "irsa" }, kubernetes: { namespace: "bots", serviceAccount: name } },
            grants: [{ connector: "aws.s3", access: "read", resources: ["arn:aws:s3:::reports/weekly/*"] }],
        },
    };
}

const documentsOf = (name: string) => new AgentDocuments(irsaAgent(name), SETTINGS, NOW_DATE, { validated: false, where: "a test" });
const pickAll = (documents: AgentDocuments, arns: Parameters<AgentDocuments["with"]>[0]) => documents.with(arns).value((d) => d) as unknown;

describe("AgentDocuments", () => {
    it("reuses the structure when the ARNs given are the ones the names give", () => {
        const documents = documentsOf("docs-named");
        const roleArn = "arn:aws:iam::123456789012:role/agents/agent-docs-named";
        assert.strictEqual(documents.structure.aws?.roleArn, roleArn);
        assert.strictEqual(pickAll(documents, {}), documents.structure);
        assert.strictEqual(pickAll(documents, { roleArn, oauthProviderArns: {} }), documents.structure);
    });

    it("builds the documents again for an ARN the names do not give, with that ARN in them", () => {
        const documents = documentsOf("docs-other-role");
        const roleArn = "arn:aws:iam::210987654321:role/agents/agent-docs-other-role";
        const built = pickAll(documents, { roleArn }) as typeof documents.structure;
        assert.notStrictEqual(built, documents.structure);
        assert.deepStrictEqual(built, buildAgentArtefacts(documents.agent, SETTINGS, { roleArn }));
        const serviceAccount = built.kubernetes!.manifests[0] as { metadata: { annotations: Record<string, string> } };
        assert.strictEqual(serviceAccount.metadata.annotations["eks.amazonaws.com/role-arn"], roleArn);
        assert.strictEqual(pickAll(documents, { roleArn }), built, "built once per distinct set of ARNs");
    });
});
