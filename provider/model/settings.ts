/**
 * Fleet settings with every default applied, and the fixed limits every fleet lives within: one
 * definition of each default for the guardrails, the resolved agent, the components and the pack.
 */
import type { FleetSettings } from "../declarations/types";

/** Fleet settings with every default filled in. */
export type ResolvedSettings = Required<Pick<FleetSettings, "trustDomain" | "maxLifetimeDays" | "defaultNamespace" | "x509SvidTtl" | "jwtSvidTtl" | "oauthClientSharing">> & FleetSettings;

export const DEFAULT_SETTINGS: ResolvedSettings = {
    trustDomain: "example.org",
    maxLifetimeDays: 90,
    defaultNamespace: "agents",
    x509SvidTtl: 900,
    jwtSvidTtl: 300,
    oauthClientSharing: "fleet",
};

/** AWS role sessions of agents: IAM's range is 900-43200 s; agents get at most an hour. */
export const AWS_SESSION_SECONDS = { min: 900, max: 3600, default: 3600 } as const;

/** No fleet may let an agent live longer than this, whatever its settings say. */
export const MAX_LIFETIME_CEILING_DAYS = 365;

/** Namespaces of the cluster itself: agents are never placed or granted there unless the fleet lists them. */
export const SYSTEM_NAMESPACES = ["kube-system", "kube-public", "kube-node-lease", "default"];

/** Fills in defaults; explicit `undefined` keeps the default. */
export function resolveSettings(settings: FleetSettings = {}): ResolvedSettings {
    const defined = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined));
    return { ...DEFAULT_SETTINGS, ...defined };
}
