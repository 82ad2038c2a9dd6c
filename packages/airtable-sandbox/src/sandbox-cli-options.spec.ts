import { CliUsageError, parseCliOptions } from './sandbox-cli-options';
import { ALL_SCOPES } from './sandbox.options';

const REQUIRED = ['--client-id', 'my-app', '--redirect-uri', 'http://localhost:3000/callback'];

function refusal(args: string[]): string {
  try {
    parseCliOptions(args);
  } catch (error) {
    if (error instanceof CliUsageError) return error.message;
    throw error;
  }
  throw new Error(`${args.join(' ')} was accepted`);
}

describe('command line options', () => {
  it('registers one public client with every scope, on port 4001 by default', () => {
    expect(parseCliOptions(REQUIRED)).toEqual({
      help: false,
      options: { port: 4001, clients: [{ clientId: 'my-app', redirectUris: ['http://localhost:3000/callback'], scopes: ALL_SCOPES }] },
    });
  });

  it('reads every option, a repeated redirect URI and a secret included', () => {
    const command = parseCliOptions([
      ...REQUIRED,
      '--redirect-uri=https://app.example.com/cb',
      '--client-secret',
      's3cret',
      '--port',
      '0',
      '--host',
      '0.0.0.0',
      '--table-sizes',
      'Contacts=100, Deals=5',
      '--data',
      'data/sandbox.json',
    ]);
    expect(command).toEqual({
      help: false,
      options: {
        port: 0,
        host: '0.0.0.0',
        clients: [{ clientId: 'my-app', clientSecret: 's3cret', redirectUris: ['http://localhost:3000/callback', 'https://app.example.com/cb'], scopes: ALL_SCOPES }],
        tableSizes: { Contacts: 100, Deals: 5 },
        dataFile: 'data/sandbox.json',
      },
    });
    expect(parseCliOptions([...REQUIRED, '--seed', 'seed.json'])).toMatchObject({ seedFile: 'seed.json' });
  });

  it('answers --help without asking for anything else', () => {
    expect(parseCliOptions(['--help'])).toEqual({ help: true });
    expect(parseCliOptions(['-h', '--port', 'nope'])).toEqual({ help: true });
  });

  it('refuses a command line that is missing the client or its redirect URI', () => {
    expect(refusal([])).toMatch(/--client-id is required/);
    expect(refusal(['--client-id', ' '])).toMatch(/--client-id is required/);
    expect(refusal(['--client-id', 'my-app'])).toMatch(/--redirect-uri is required/);
  });

  it('refuses unknown options, positionals and options without their value', () => {
    expect(refusal([...REQUIRED, '--verbose'])).toMatch(/--verbose/);
    expect(refusal([...REQUIRED, 'extra'])).toMatch(/extra/);
    expect(refusal([...REQUIRED, '--port'])).toMatch(/--port/);
  });

  it('refuses bad values, naming the option', () => {
    for (const port of ['abc', '-1', '65536', '80.5']) expect(refusal([...REQUIRED, '--port', port])).toMatch(/--port/);
    expect(refusal(['--client-id', 'a', '--redirect-uri', 'not a url'])).toMatch(/--redirect-uri.*absolute URL/);
    expect(refusal(['--client-id', 'a', '--redirect-uri', 'http://example.com/cb'])).toMatch(/--redirect-uri.*https/);
    expect(refusal([...REQUIRED, '--client-secret', ''])).toMatch(/--client-secret/);
    expect(refusal([...REQUIRED, '--table-sizes', 'Contacts:5'])).toMatch(/--table-sizes/);
    expect(refusal([...REQUIRED, '--seed', 'seed.json', '--table-sizes', 'Contacts=5'])).toMatch(/--table-sizes.*--seed/);
    expect(refusal([...REQUIRED, '--data', ''])).toMatch(/--data/);
  });
});
