/** The Airtable sandbox: a local Airtable (OAuth, Web API, webhooks) that Airtable's own clients run against. */
export { AirtableSandbox, startSandbox } from './sandbox.server';
export { ALL_SCOPES, DEFAULT_TABLE_SIZES, SANDBOX_CLIENT_ID, sandboxLifetimes, sandboxOptions, sandboxTableSizes } from './sandbox.options';
export type { SandboxClient, SandboxClock, SandboxOptions } from './sandbox.options';
export { sandboxAccessToken, sandboxTokens } from './sandbox-access-token';
export type { SandboxAddress, SandboxTokenRequest, SandboxTokens } from './sandbox-access-token';
export { readSeedFile, seedContents } from './sandbox-seed-file';
export { SeedError } from './sandbox-seed-input';
export { SEED_FIELD_TYPES } from './sandbox-seed-schema';
export type { SandboxSeed, SeedBase, SeedField, SeedRecord, SeedTable, SeedView } from './sandbox-seed-types';
export type { SandboxState } from './sandbox-state';
export type { Grant } from './sandbox-grants';
export type { CellValue, SandboxRecord } from './sandbox-record-types';
export type { ReceivedRequest, SandboxFault, TokenRequestRecord } from './sandbox-recorder';
