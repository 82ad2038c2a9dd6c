/** The Airtable sandbox: a local Airtable (OAuth, Web API, webhooks) that Airtable's own clients run against. */
export { AirtableSandbox, startSandbox } from './sandbox.server';
export { ALL_SCOPES, DEFAULT_TABLE_SIZES, SANDBOX_CLIENT_ID, sandboxLifetimes, sandboxOptions, sandboxTableSizes } from './sandbox.options';
export type { SandboxClient, SandboxOptions } from './sandbox.options';
export { sandboxAccessToken } from './sandbox-access-token';
export type { SandboxTokenRequest } from './sandbox-access-token';
export type { Grant } from './sandbox-grants';
export type { CellValue, SandboxRecord } from './sandbox-record-store';
export type { ReceivedRequest, SandboxFault, TokenRequestRecord } from './sandbox-recorder';
