/**
 * Known OAuth scopes per SaaS vendor, each with the level of access it gives. A declared scope
 * must be on its vendor's list: a typo is an error, not a silently useless (or broader) grant.
 */
export type ScopeLevel = "read" | "write" | "admin";

export const OAUTH_SCOPES: Record<string, Record<string, ScopeLevel>> = {
    github: {
        "repo": "write", "repo:status": "write", "repo_deployment": "write", "public_repo": "write",
        "read:org": "read", "write:org": "write", "admin:org": "admin", "read:user": "read", "user:email": "read",
        "read:project": "read", "project": "write", "read:packages": "read", "write:packages": "write",
        "workflow": "write", "gist": "write", "notifications": "write", "security_events": "write", "delete_repo": "admin",
    },
    slack: {
        "channels:read": "read", "channels:history": "read", "groups:read": "read", "groups:history": "read",
        "im:read": "read", "im:history": "read", "users:read": "read", "users:read.email": "read", "team:read": "read",
        "files:read": "read", "reactions:read": "read", "chat:write": "write", "files:write": "write",
        "reactions:write": "write", "channels:manage": "write", "admin": "admin",
    },
    atlassian: {
        "read:jira-work": "read", "read:jira-user": "read", "write:jira-work": "write", "manage:jira-project": "admin",
        "manage:jira-configuration": "admin", "read:confluence-content.all": "read", "read:confluence-space.summary": "read",
        "write:confluence-content": "write", "offline_access": "read",
    },
    google: {
        "openid": "read", "email": "read", "profile": "read",
        "https://www.googleapis.com/auth/gmail.readonly": "read", "https://www.googleapis.com/auth/gmail.send": "write",
        "https://www.googleapis.com/auth/drive.readonly": "read", "https://www.googleapis.com/auth/drive.file": "write",
        "https://www.googleapis.com/auth/drive": "admin", "https://www.googleapis.com/auth/calendar.readonly": "read",
        "https://www.googleapis.com/auth/calendar.events": "write", "https://www.googleapis.com/auth/spreadsheets.readonly": "read",
        "https://www.googleapis.com/auth/spreadsheets": "write",
    },
    microsoft: {
        "User.Read": "read", "Mail.Read": "read", "Mail.Send": "write", "Files.Read": "read", "Files.ReadWrite": "write",
        "Calendars.Read": "read", "Calendars.ReadWrite": "write", "Sites.Read.All": "read", "Chat.Read": "read",
        "ChannelMessage.Send": "write", "Directory.ReadWrite.All": "admin", "offline_access": "read",
    },
    salesforce: {
        "api": "write", "refresh_token": "read", "offline_access": "read", "id": "read", "profile": "read", "email": "read",
        "chatter_api": "write", "cdp_query_api": "read", "full": "admin", "web": "write",
    },
};

/** Token endpoints and vendors as `aws.bedrock.AgentcoreOauth2CredentialProvider` names them. */
export const OAUTH_VENDOR_IDS: Record<string, string> = {
    github: "GithubOauth2", slack: "SlackOauth2", atlassian: "AtlassianOauth2",
    google: "GoogleOauth2", microsoft: "MicrosoftOauth2", salesforce: "SalesforceOauth2",
};

/** A vendor's scopes, by own keys only: `oauth.constructor` is an unknown vendor, not a crash. */
export function scopesOf(vendor: string): Record<string, ScopeLevel> | undefined {
    return Object.hasOwn(OAUTH_SCOPES, vendor) ? OAUTH_SCOPES[vendor] : undefined;
}

/** The `credentialProviderVendor` of a vendor, by own keys only. */
export function vendorIdOf(vendor: string): string | undefined {
    return Object.hasOwn(OAUTH_VENDOR_IDS, vendor) ? OAUTH_VENDOR_IDS[vendor] : undefined;
}
