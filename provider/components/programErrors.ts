import * as pulumi from "@pulumi/pulumi";
import { resolveNow } from "../declarations/clock";
import { formatPath, Violation } from "../declarations/diagnostics";
import { terminalText } from "../output/terminal";

/** A program-stopping error shown without a stack trace: what is wrong and how to fix it. */
export class AgentidError extends pulumi.RunError {}

/** An agent's violations as one readable error naming the agent, each field, the rule and the fix. */
export function invalidAgentError(agent: string, violations: readonly Violation[]): AgentidError {
    // The schema's messages start with the field already ("spec.description must be a string"): named once.
    const lines = violations.map((v) => {
        const field = formatPath(v.path);
        return `  ${v.message.startsWith(`${field} `) ? "" : `${field}: `}${terminalText(v.message)} (${v.rule})`;
    });
    return new AgentidError(`agent ${terminalText(agent)} is invalid:\n${lines.join("\n")}`);
}

/** The program's clock: explicit arg, then AGENTID_NOW, then config `agentid:now`, then the system clock. */
export function programClock(explicit?: string): Date {
    return pinnedClock(explicit) ?? new Date();
}

/** The clock given to the program (explicit arg, then AGENTID_NOW, then config `agentid:now`); undefined for the system clock. */
export function pinnedClock(explicit?: string): Date | undefined {
    // AGENTID_NOW wins over the stack's config so that `agentid reap --now` can move the clock.
    const text = explicit ?? process.env.AGENTID_NOW ?? new pulumi.Config("agentid").get("now");
    if (text === undefined || text === "") return undefined;
    try {
        return resolveNow(text);
    } catch (error) {
        throw new AgentidError(`agentid:now: ${(error as Error).message}`);
    }
}
