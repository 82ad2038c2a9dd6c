import { join } from 'node:path';
import Airtable from 'airtable';
import { type AirtableSandbox, startSandbox } from '../src/sandbox.server';
import { ALL_SCOPES } from '../src/sandbox.options';
import { sandboxAccessToken } from '../src/sandbox-access-token';
import { readSeedFile } from '../src/sandbox-seed-file';

const SHOP = 'appShopSeed000001';
const CLIENTS = [{ clientId: 'seeded-app', redirectUris: ['http://localhost:4000/airtable-oauth'], scopes: ALL_SCOPES }];

describe('a sandbox started from a seed file', () => {
  let sandbox: AirtableSandbox;
  let token: string;

  beforeAll(async () => {
    const seed = await readSeedFile(join(__dirname, 'fixtures', 'seed.json'));
    sandbox = await startSandbox({ port: 0, clients: CLIENTS, seed });
    token = await sandboxAccessToken(sandbox);
  });
  afterAll(() => sandbox.stop());

  const get = async (path: string): Promise<any> => (await fetch(`${sandbox.url}/v0/${path}`, { headers: { authorization: `Bearer ${token}` } })).json();

  it("serves the seed's bases and schema instead of the demo data", async () => {
    expect(await get('meta/bases')).toEqual({
      bases: [
        { id: SHOP, name: 'Shop', permissionLevel: 'create' },
        { id: expect.stringMatching(/^app[A-Za-z0-9]{14}$/), name: 'Read only', permissionLevel: 'read' },
      ],
    });
    const { tables } = await get(`meta/bases/${SHOP}/tables`);
    expect(tables).toEqual([
      expect.objectContaining({ name: 'Products', primaryFieldId: tables[0].fields[0].id, views: [expect.objectContaining({ name: 'Grid view', type: 'grid' })] }),
    ]);
    expect(tables[0].fields.map((f: { name: string; type: string }) => `${f.name}:${f.type}`)).toEqual(['Name:singleLineText', 'Price:currency', 'Kind:singleSelect', 'In stock:checkbox']);
  });

  it("serves its records in the seed's order to Airtable's JS client, which can write more", async () => {
    const base = new Airtable({ apiKey: token, endpointUrl: sandbox.url }).base(SHOP);
    const records = await base('Products').select({ sort: [{ field: 'Price', direction: 'desc' }] }).all();
    expect(records.map((r) => r.fields)).toEqual([
      { Name: 'Saw', Price: 20, Kind: 'Tool' },
      { Name: 'Hammer', Price: 12.5, Kind: 'Tool', 'In stock': true },
      { Name: 'Kite', Kind: 'Toy' },
    ]);
    expect((await base('Products').find('recHammer00000001')).get('Name')).toBe('Hammer');
    const text = await base('Products').select({ cellFormat: 'string', timeZone: 'UTC', userLocale: 'en-us', fields: ['Price'], maxRecords: 1 }).firstPage();
    expect(text[0].get('Price')).toBe('€12.50');
    await base('Products').create({ Name: 'Drill', Kind: 'Tool' });
    expect(sandbox.records.all(sandbox.bases[0].tables[0].id).map((r) => r.fields.Name)).toEqual(['Hammer', 'Kite', 'Saw', 'Drill']);
  });

  it('refuses a seed next to table sizes, and a seed file that does not fit, naming the file', async () => {
    const seed = await readSeedFile(join(__dirname, 'fixtures', 'seed.json'));
    await expect(startSandbox({ port: 0, seed, tableSizes: { Products: 5 } })).rejects.toThrow(/tableSizes/);
    const file = join(__dirname, 'fixtures', 'seed.json').replace('seed.json', 'missing.json');
    await expect(readSeedFile(file)).rejects.toThrow(`The seed file ${file} cannot be read`);
    await expect(readSeedFile(__filename)).rejects.toThrow(/is not JSON/);
  });
});
