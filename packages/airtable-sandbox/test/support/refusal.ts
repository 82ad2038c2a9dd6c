import { SandboxApiError } from '../../src/sandbox-api-error';

/** The Airtable error type a sandbox step refuses with, or undefined when it accepts. */
export function refusal(read: () => unknown): string | undefined {
  try {
    read();
  } catch (error) {
    if (error instanceof SandboxApiError) return error.type;
    throw error;
  }
  return undefined;
}
