import * as pulumi from "@pulumi/pulumi";
import { checkAgent } from "../guardrails/agentRules";
import { declarationDutyViolations } from "../guardrails/separationOfDuties";
import { checkSettings } from "../guardrails/fleetSettings";
import { ResolvedSettings } from "../model/settings";
import { programIdentities } from "../guardrails/identities";
import { readableViolations } from "../declarations/readable";
import { schemaViolations } from "../guardrails/validate";
import type { AgentDeclaration } from "../declarations/types";
import type { Violation } from "../declarations/diagnostics";
import { AgentArtefacts, buildAgentArtefacts, DocumentContext, DocumentValues } from "../platforms/documents";
import { placeholderContext, resolveAgent, ResolvedAgent } from "../model/resolvedAgent";
import type { Inputs } from "./inputs";
import { deferredStructureViolations, structuralDeclaration } from "./inputs";
import { invalidAgentError } from "./programErrors";

/** ARNs of resources created beside the agent's documents: known strings, or Outputs of those resources. */
export interface DocumentArns {
    workloadIdentityArn?: pulumi.Input<string>;
    oauthProviderArns?: Record<string, pulumi.Input<string>>;
    roleArn?: pulumi.Input<string>;
}


/**
 * The one accessor the component reads an agent's documents through, handling known and unknown inputs
 * once. `structure` — which resources exist — is built from plain fields (values known only after apply
 * replaced by stand-ins), so previews show every resource. Values come from the same pure builders as
 * `agentid show`: plain when every input and ARN is known, an Output (validated when it resolves) otherwise.
 */
export class AgentDocuments {
    readonly agent: ResolvedAgent;
    readonly structure: AgentArtefacts;
    readonly known: boolean;
    private realAgent?: pulumi.Output<ResolvedAgent>;
    private readonly knownSource?: string;
    private readonly built = new Map<string, AgentArtefacts>();
    /** Whether the account in the laid-out ARNs came from a stand-in (an OIDC provider's ARN given as an Output). */
    private readonly accountFromStandIn: boolean;
    /** The component whose SPIRE identity is claimed once its Output values resolve (they were stand-ins at construction). */
    private claimWhenResolved?: string;

    /**
     * Checks what can be read now and claims the agent's identities in the program (`where`: the component, for
     * the message of a clash). `validated`: an AgentFleet's agent, whose guardrails the fleet ran and whose
     * identities it claimed with the whole fleet (`grantsDigest`: the digest validation computed from these
     * grants, if it did).
     */
    constructor(private readonly declaration: Inputs<AgentDeclaration> | AgentDeclaration, readonly settings: ResolvedSettings,
        private readonly now: Date, options: { validated: true; grantsDigest?: string } | { validated: false; where: string }) {
        // A declaration the fleet validated is plain data (the schema refuses anything else): nothing to defer.
        const structural = options.validated ? { declaration: declaration as AgentDeclaration, deferred: [] } : structuralDeclaration(declaration);
        this.known = structural.deferred.length === 0;
        this.accountFromStandIn = structural.deferred.some((path) => path.join(".") === "spec.identity.aws.oidcProviderArn");
        if (!options.validated) {
            // The declaration's schema first, as for a file (formats, enums, unknown fields, lengths), except where a
            // stand-in holds a value not known yet; the guardrails assume the schema's shape, so they run after it.
            const unreadable = { declaration: structural.declaration, unreadable: structural.deferred };
            const allSchema = schemaViolations(structural.declaration);
            const schema = [...deferredStructureViolations(structural.deferred, allSchema), ...readableViolations(allSchema, unreadable, [])];
            if (schema.length > 0) throw invalidAgentError(structural.declaration.metadata.name, schema);
            const violations: Violation[] = [...checkSettings(settings), ...checkAgent(structural.declaration, settings, now),
                ...(this.known ? dutyViolationsOf(structural.declaration, settings, now) : [])];
            // A plain value is judged now; one beside an Output too, unless its rule reads a stand-in.
            const judged = this.known ? violations : readableViolations(violations, { declaration: structural.declaration, unreadable: structural.deferred }, []);
            if (judged.length > 0) throw invalidAgentError(structural.declaration.metadata.name, judged);
        }
        // One identity, one agent across the whole program: fleets (which claim their agents' all at once) and standalone
        // agents alike, whatever of theirs is an Output. The identity fields are plain (STRUCTURAL_FIELDS) except SPIRE's
        // parent and selectors: when those are stand-ins, the rest is claimed now and the SPIRE identity once they resolve.
        if (!options.validated) {
            const spireLater = structural.deferred.some((path) => path[0] === "spec" && path[1] === "identity" && path[2] === "spire");
            const [shared] = programIdentities.claimAll([{ decl: spireLater ? withoutSpire(structural.declaration) : structural.declaration, where: options.where }], settings);
            if (shared.length > 0) throw invalidAgentError(structural.declaration.metadata.name, shared);
            if (spireLater) this.claimWhenResolved = options.where;
        }
        this.agent = resolveAgent(structural.declaration, settings, now, options.validated ? options.grantsDigest : undefined);
        this.structure = buildAgentArtefacts(this.agent, settings);
        // Built with the documents: a fleet builds every agent's before registering any (AgentFleet).
        if (this.known) this.knownSource = JSON.stringify({ declaration, settings });
    }

    /** The declaration as it will be applied: plain when known, an Output once its inputs resolve. */
    source(): pulumi.Input<string> {
        return this.knownSource ?? pulumi.output(this.declaration as pulumi.Input<AgentDeclaration>).apply((decl) => JSON.stringify({ declaration: decl, settings: this.settings }));
    }

    /** The documents with these ARNs. */
    with(arns: DocumentArns = {}): DocumentValues {
        const plainArns = plainOnly(arns);
        if (this.known && plainArns) {
            const documents = this.plainDocuments(plainArns);
            return { value: (pick) => pick(documents, this.agent) };
        }
        let built: pulumi.Output<{ documents: AgentArtefacts; agent: ResolvedAgent }> | undefined;
        const documents = () => (built ??= pulumi.all([this.resolved(), pulumi.output(arns as pulumi.Input<DocumentArns>)]).apply(([agent, resolvedArns]) =>
            ({ documents: buildAgentArtefacts(agent, this.settings, contextOf(resolvedArns as ResolvedArns)), agent })));
        return { value: (pick) => documents().apply(({ documents: d, agent }) => pick(d, agent)) };
    }

    /** Documents for known ARNs: the structure itself when they are the ARNs names give (the usual case), built otherwise. */
    private plainDocuments(arns: ResolvedArns): AgentArtefacts {
        // At fleet scale, building every agent's documents once per platform is measurable (bench/README.md).
        if (this.namedArns(arns)) return this.structure;
        const key = JSON.stringify(arns);
        let documents = this.built.get(key);
        if (!documents) this.built.set(key, (documents = buildAgentArtefacts(this.agent, this.settings, contextOf(arns))));
        return documents;
    }

    /** Whether every ARN given is the one the structure was built with. */
    private namedArns(arns: ResolvedArns): boolean {
        const named = placeholderContext(this.agent.name, this.settings);
        return (arns.workloadIdentityArn === undefined || arns.workloadIdentityArn === named.workloadIdentityArn)
            && (arns.roleArn === undefined || arns.roleArn === this.structure.aws?.roleArn)
            && Object.entries(arns.oauthProviderArns ?? {}).every(([vendor, arn]) => arn === named.oauthProviderArn(vendor));
    }

    /** The role's ARN from its name and account when both are known now; undefined when only the created role can tell. */
    knownRoleArn(): string | undefined {
        return this.accountFromStandIn ? undefined : this.structure.aws?.roleArn;
    }

    /** A value of the resolved agent (no documents needed). */
    agentValue<T>(pick: (agent: ResolvedAgent) => T): pulumi.Input<T> {
        return this.known ? pick(this.agent) : this.resolved().apply(pick);
    }

    /** The real agent once every input resolves, judged by the guardrails then. */
    private resolved(): pulumi.Output<ResolvedAgent> {
        return (this.realAgent ??= this.known ? pulumi.output(this.agent) : pulumi.output(this.declaration as pulumi.Input<AgentDeclaration>).apply((decl) => {
            // The schema on the real values first: the stand-ins passed it for them at construction.
            const schema = schemaViolations(decl);
            if (schema.length > 0) throw invalidAgentError(decl.metadata.name, schema);
            const violations = [...checkAgent(decl, this.settings, this.now), ...dutyViolationsOf(decl, this.settings, this.now)];
            if (violations.length > 0) throw invalidAgentError(decl.metadata.name, violations);
            if (this.claimWhenResolved !== undefined) {
                const [shared] = programIdentities.claimAll([{ decl, where: this.claimWhenResolved }], this.settings);
                if (shared.length > 0) throw invalidAgentError(decl.metadata.name, shared);
            }
            return resolveAgent(decl, this.settings, this.now);
        }));
    }
}

/** The fleet's separation-of-duties rules over one agent in code (a fleet's agents are judged together by AgentFleet). */
function dutyViolationsOf(decl: AgentDeclaration, settings: ResolvedSettings, now: Date): Violation[] {
    return declarationDutyViolations([decl], settings, now, (_, grant) => `spec.grants[${grant}]`)[0];
}

interface ResolvedArns {
    workloadIdentityArn?: string;
    oauthProviderArns?: Record<string, string>;
    roleArn?: string;
}

/** The ARNs when none is an Output or a Promise. */
function plainOnly(arns: DocumentArns): ResolvedArns | undefined {
    const values = [arns.workloadIdentityArn, arns.roleArn, ...Object.values(arns.oauthProviderArns ?? {})];
    return values.every((v) => v === undefined || typeof v === "string") ? (arns as ResolvedArns) : undefined;
}

function contextOf(arns: ResolvedArns): DocumentContext {
    return {
        ...(arns.workloadIdentityArn ? { workloadIdentityArn: arns.workloadIdentityArn } : {}),
        ...(arns.oauthProviderArns ? { oauthProviderArn: (vendor: string) => arns.oauthProviderArns![vendor] } : {}),
        ...(arns.roleArn ? { roleArn: arns.roleArn } : {}),
    };
}

/** The declaration without its SPIRE identity: what can be claimed while SPIRE's parent or selectors are not known. */
function withoutSpire(declaration: AgentDeclaration): AgentDeclaration {
    const { spire: _later, ...identity } = declaration.spec.identity ?? {};
    return { ...declaration, spec: { ...declaration.spec, identity } };
}
