import { CliUsageError, parseCliOptions, USAGE } from './sandbox-cli-options';
import { readSeedFile } from './sandbox-seed-file';
import { sandboxLifetimes } from './sandbox.options';
import { startSandbox } from './sandbox.server';

/** Runs the sandbox alone, e.g. to point another Airtable client at it. */
async function main(): Promise<void> {
  let command;
  try {
    command = parseCliOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    console.error(`airtable-sandbox: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (command.help) {
    console.log(USAGE);
    return;
  }
  const seed = command.seedFile === undefined ? undefined : await readSeedFile(command.seedFile);
  const sandbox = await startSandbox({ ...sandboxLifetimes(process.env), ...command.options, ...(seed ? { seed } : {}) });
  // One write, so whoever reads the output finds every line together.
  const lines = [`listening on ${sandbox.url}`];
  for (const client of sandbox.options.clients) {
    const kind = client.clientSecret ? 'confidential' : 'public';
    lines.push(`client ${client.clientId} (${kind}) redirect URIs: ${client.redirectUris.join(' ')}`);
  }
  lines.push(
    `  authorize: ${sandbox.url}/oauth2/v1/authorize`,
    `  token:     ${sandbox.url}/oauth2/v1/token`,
    `  Web API:   ${sandbox.url}/v0/...`,
    `  webhooks:  ${sandbox.url}/v0/bases/{baseId}/webhooks`,
  );
  if (sandbox.options.dataFile) lines.push(`  data file: ${sandbox.options.dataFile}`);
  console.log(lines.join('\n'));

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    sandbox.stop().then(
      () => {
        console.log(`stopped (${signal})`);
        process.exit(0);
      },
      (error: Error) => {
        console.error(`airtable-sandbox: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: Error) => {
  console.error(`airtable-sandbox: ${error.message}`);
  process.exit(1);
});
