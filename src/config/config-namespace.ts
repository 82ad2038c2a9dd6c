import type { EnvReader } from './env-reader';

/** A config namespace: how it is read from the environment, and the token it is injected under. */
export type ConfigNamespace<T> = ((env: EnvReader) => T) & { readonly KEY: string; readonly namespace: string };

/**
 * Declares a namespace; features inject its part of the one built config as
 * `@Inject(airtableConfig.KEY) config: AirtableConfig`.
 */
export function configNamespace<T>(namespace: string, read: (env: EnvReader) => T): ConfigNamespace<T> {
  return Object.assign(read, { KEY: `config:${namespace}`, namespace });
}
