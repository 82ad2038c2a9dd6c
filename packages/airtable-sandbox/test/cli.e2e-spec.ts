import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Airtable from 'airtable';
import { sandboxAccessToken, type SandboxAddress } from '../src/sandbox-access-token';

const ROOT = join(__dirname, '..', '..', '..');
const CLI = join(__dirname, '..', 'dist', 'cli.js');
const SEED = join(__dirname, 'fixtures', 'seed.json');
const SHOP = 'appShopSeed000001';
const REDIRECT = 'http://localhost:4000/airtable-oauth';
const CLIENT_LINE = /^client (\S+) \((public|confidential)\) redirect URIs: (.+)$/m;

interface Running extends SandboxAddress {
  child: ChildProcessWithoutNullStreams;
  output: string;
}

/** The command as its users run it, from the repository root. */
function run(args: string[], command = [CLI]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [...command, ...args], { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' } });
}

/** Starts the command and reads the address and client it prints. */
async function start(args: string[]): Promise<Running> {
  const child = run(['--port', '0', ...args]);
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (/listening on .*\n[\s\S]*client .*\n[\s\S]*webhooks: .*\n/.test(output)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`The sandbox exited (${code}): ${output}`)));
  });
  const url = /^listening on (http:\/\/\S+)$/m.exec(output)![1];
  const [, clientId, kind, uris] = CLIENT_LINE.exec(output)!;
  const clientSecret = kind === 'confidential' ? args[args.indexOf('--client-secret') + 1] : undefined;
  return { child, output, url, clients: [{ clientId, clientSecret, redirectUris: uris.split(' ') }] };
}

/** Runs the command to its end: how it exited and what it said. */
async function finish(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

async function stop(running: Running, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => running.child.once('exit', resolve));
  running.child.kill(signal);
  return exited;
}

describe('the airtable-sandbox command', () => {
  let folder: string;
  const started: Running[] = [];
  const launch = async (args: string[]) => {
    const running = await start(args);
    started.push(running);
    return running;
  };

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'sandbox-cli-'));
  });
  afterEach(() => {
    for (const running of started.splice(0)) if (running.child.exitCode === null) running.child.kill('SIGKILL');
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  it("serves a seed file to Airtable's JS client with a token from its OAuth login, and stops on SIGINT", async () => {
    const running = await launch(['--client-id', 'cli-app', '--redirect-uri', REDIRECT, '--redirect-uri', 'https://app.example.com/cb', '--seed', SEED]);
    expect(running.clients).toEqual([{ clientId: 'cli-app', redirectUris: [REDIRECT, 'https://app.example.com/cb'] }]);
    expect(running.output).toContain(`authorize: ${running.url}/oauth2/v1/authorize`);
    expect(running.output).toContain(`token:     ${running.url}/oauth2/v1/token`);
    const token = await sandboxAccessToken(running);
    const base = new Airtable({ apiKey: token, endpointUrl: running.url }).base(SHOP);
    expect((await base('Products').select().all()).map((r) => r.get('Name'))).toEqual(['Hammer', 'Kite', 'Saw']);
    const created = await base('Products').create({ Name: 'Drill', Kind: 'Tool' });
    expect((await base('Products').find(created.id)).fields).toEqual({ Name: 'Drill', Kind: 'Tool' });
    expect(await stop(running, 'SIGINT')).toBe(0);
  });

  it('registers a confidential client when given a secret', async () => {
    const running = await launch(['--client-id', 'secret-app', '--client-secret', 's3cret', '--redirect-uri', REDIRECT, '--table-sizes', 'Contacts=3']);
    expect(running.clients[0]).toMatchObject({ clientId: 'secret-app', clientSecret: 's3cret' });
    const token = await sandboxAccessToken(running);
    const records = await new Airtable({ apiKey: token, endpointUrl: running.url }).base('appSandboxCRM0001')('Contacts').select().all();
    expect(records).toHaveLength(3);
  });

  it('keeps its tokens and records in a --data file across a restart', async () => {
    const dataFile = join(folder, 'data', 'sandbox.json');
    const args = ['--client-id', 'kept-app', '--redirect-uri', REDIRECT, '--seed', SEED, '--data', dataFile];
    const first = await launch(args);
    const token = await sandboxAccessToken(first);
    const created = await new Airtable({ apiKey: token, endpointUrl: first.url }).base(SHOP)('Products').create({ Name: 'Kept' });
    const refused = await finish(run([...args, '--port', '0']));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`data file ${dataFile} is in use by process ${first.child.pid}`);
    expect(await stop(first)).toBe(0);

    const second = await launch(args);
    const kept = await new Airtable({ apiKey: token, endpointUrl: second.url }).base(SHOP)('Products').find(created.id);
    expect(kept.get('Name')).toBe('Kept');
  });

  it('refuses bad options with a message and the usage, without starting', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--redirect-uri', REDIRECT], /--client-id is required/],
      [['--client-id', 'a'], /--redirect-uri is required/],
      [['--client-id', 'a', '--redirect-uri', REDIRECT, '--port', '99999'], /--port: "99999" is not a port number/],
      [['--client-id', 'a', '--redirect-uri', REDIRECT, '--verbose'], /Unknown option '--verbose'/],
    ];
    for (const [args, message] of cases) {
      const { code, stdout, stderr } = await finish(run(args));
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
      expect(stderr).toContain('Usage: airtable-sandbox');
      expect(stdout).not.toContain('listening on');
    }
  });

  it('refuses a seed file that does not fit, and a data file that is corrupt, naming the file', async () => {
    const badSeed = join(folder, 'bad-seed.json');
    await writeFile(badSeed, JSON.stringify({ bases: [{ name: 'A', tables: [{ name: 'T', fields: [{ name: 'F', type: 'formula' }] }] }] }));
    const seeded = await finish(run(['--client-id', 'a', '--redirect-uri', REDIRECT, '--seed', badSeed]));
    expect(seeded.code).toBe(1);
    expect(seeded.stderr).toContain(`The seed file ${badSeed} does not fit the seed format: bases[0].tables[0].fields[0].type: "formula"`);
    const corrupt = join(folder, 'corrupt.json');
    await writeFile(corrupt, '{"version": 1');
    const loaded = await finish(run(['--client-id', 'a', '--redirect-uri', REDIRECT, '--port', '0', '--data', corrupt]));
    expect(loaded.code).toBe(1);
    expect(loaded.stderr).toContain(`data file ${corrupt} cannot be used`);
    expect(loaded.stdout).not.toContain('listening on');
  });

  it('runs through npx from the repository root, as the workspace links it', async () => {
    const npx = join(process.execPath, '..', 'npx');
    const child = spawn(npx, ['--no-install', 'airtable-sandbox', '--help'], { cwd: ROOT });
    const { code, stdout } = await finish(child as ChildProcessWithoutNullStreams);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: airtable-sandbox --client-id ID --redirect-uri URL');
  });
});
