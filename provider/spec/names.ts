/** Naming rules shared by the loader, the components and the policy pack. */
import agentSchema = require("../../schema/agent.schema.json");

/** Agent names: 2-40 chars, lowercase letters, digits and '-', starting with a letter. */
export const AGENT_NAME = /^[a-z][a-z0-9-]*[a-z0-9]$/;
export const AGENT_NAME_MAX = 40;

/** IAM role names are limited to 64 characters. */
export const IAM_ROLE_NAME_MAX = 64;

export function isAgentName(name: string): boolean {
    return name.length >= 2 && name.length <= AGENT_NAME_MAX && AGENT_NAME.test(name);
}

/** DNS-1123 label: namespaces, service accounts, most Kubernetes names. */
export function isDns1123Label(name: string): boolean {
    return name.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name);
}

/** The IAM role of an agent. */
export function roleNameOf(agent: string): string {
    return `agent-${agent}`;
}

/** The schema's e-mail pattern, the one definition: editors, the loader, the components and the policy pack agree. */
const EMAIL = new RegExp(agentSchema.$defs.email.pattern, "u");

/** An e-mail address and nothing else: local@domain.tld (no display name, `mailto:`, spaces or markup). */
export function isEmail(text: string): boolean {
    return EMAIL.test(text);
}
