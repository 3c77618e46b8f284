import { sharedOauthScopesOf } from "../../model/oauthSharing";
import { resolveAgent } from "../../model/resolvedAgent";
import { terminalText } from "../../output/terminal";
import { buildAgentArtefacts, AgentArtefacts } from "../../platforms/documents";
import { buildAccessMatrix } from "../../platforms/kubernetes/accessMatrix";
import { AccessReview, renderAccessReview, reviewAccess } from "../../platforms/kubernetes/accessReview";
import { KubernetesApi, readKubeconfig } from "../../platforms/kubernetes/apiClient";
import { Command, EXIT, printJson, requireFlag, stringFlag, UsageError } from "../command";
import { findAgent, invalidAgent, loadFleet, nowFrom } from "../fleetInput";

export const showCommand: Command = {
    name: "show",
    summary: "the resolved agent and every artefact it would create (IAM documents, manifests, SPIRE entry, Cedar)",
    usage: "show PATH… --agent NAME [--kubeconfig FILE [--context NAME]] [--now ISO] [--json]",
    example: "agentid show agents/ --agent support-triage --kubeconfig ~/.kube/config --json",
    flags: {
        agent: { type: "string", value: "NAME", description: "the agent to show" },
        kubeconfig: { type: "string", value: "FILE", description: "also ask this cluster's API server what the agent's service account may do (SubjectAccessReview); exit 1 when it disagrees with the declaration" },
        context: { type: "string", value: "NAME", description: "the kubeconfig context (default its current-context)" },
    },
    takesPaths: true,
    async run(args, io) {
        const name = requireFlag(args, "agent", "the agent to show");
        const now = nowFrom(args);
        const report = loadFleet(args.positionals, now);
        const found = findAgent(report, name, "show");
        if (!found.valid) throw invalidAgent(found, name, "show");
        const shared = sharedOauthScopesOf(report.declarations.map((d) => d.declaration), report.settings, now);
        const agent = resolveAgent(found.declaration, report.settings, now);
        const artefacts = buildAgentArtefacts(agent, report.settings, { sharedOauthScopes: shared(name) });
        const kubeconfig = stringFlag(args, "kubeconfig");
        if (kubeconfig === undefined && stringFlag(args, "context") !== undefined) throw new UsageError("--context needs --kubeconfig FILE");
        let apiServer: AccessReview | undefined;
        if (kubeconfig !== undefined) {
            const matrix = buildAccessMatrix(agent, report.settings);
            if (matrix) apiServer = await reviewAccess(new KubernetesApi(readKubeconfig(kubeconfig, stringFlag(args, "context"))), matrix);
            else io.err(`agentid show: agent "${name}" has no Kubernetes identity: nothing to ask the API server\n`);
        }
        if (args.flags.json) printJson(io, apiServer ? { ...artefacts, apiServer } : artefacts);
        else io.out(renderArtefacts(artefacts) + (apiServer ? "\n" + renderAccessReview(apiServer).split("\n").map(terminalText).join("\n") : ""));
        return apiServer && apiServer.disagreements > 0 ? EXIT.findings : EXIT.ok;
    },
};

/** The human view: owner and expiry first, then each grant's reach, then the documents. */
export function renderArtefacts(a: AgentArtefacts): string {
    const lines = [
        `agent ${terminalText(a.name)} (${a.status}${a.effect !== "active" ? `, ${a.effect}` : ""})`,
        `  owner       ${terminalText(a.owner.team)} <${terminalText(a.owner.contact)}>`,
        `  expires     ${a.expiresAt}`,
        `  spiffe id   ${a.spiffeId}`,
        `  digest      ${a.grantsDigest}`,
        "", "grants:",
        ...a.grants.flatMap((g) => [
            `  [${g.index}] ${g.connector} ${g.access} — risk ${g.risk}${g.needsApproval ? ", needs approval" : ""}`,
            ...g.reach.map((r) => `      ${terminalText(r)}`),
            ...g.actions.map((x) => `      · ${x.action} (${x.accessLevel})`),
        ]),
    ];
    if (a.effect === "deleted") lines.push("", "expired with onExpiry: delete — no resources remain");
    for (const warning of a.warnings ?? []) lines.push("", `warning: ${warning}`);
    if (a.aws) {
        lines.push("", `aws role /agents/${a.aws.roleName} (max session ${a.aws.maxSessionDuration}s)`,
            "  trust policy:", indent(JSON.stringify(a.aws.trustPolicy, null, 2), 4));
        if (a.aws.permissionPolicy) lines.push("  permission policy:", indent(JSON.stringify(a.aws.permissionPolicy, null, 2), 4));
    }
    if (a.kubernetes) {
        lines.push("", "kubernetes:", ...a.kubernetes.manifests.map((m) => {
            const meta = (m as { kind: string; metadata: { name: string; namespace?: string } });
            return `  ${meta.kind} ${meta.metadata.namespace ? `${meta.metadata.namespace}/` : ""}${meta.metadata.name}`;
        }));
    }
    if (a.spire) lines.push("", "spire entry:", indent(JSON.stringify(a.spire.entry, null, 2), 2));
    if (a.cedar) lines.push("", "cedar:", ...a.cedar.map((c) => indent(c.statement, 2)));
    // Fields are escaped above, so every line break left is one of ours; JSON leaves C1 and bidi characters raw.
    return lines.join("\n").split("\n").map(terminalText).join("\n") + "\n";
}

function indent(text: string, spaces: number): string {
    return text.split("\n").map((l) => " ".repeat(spaces) + l).join("\n");
}
