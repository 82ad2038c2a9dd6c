import { sampleBases } from './sandbox-data';
import { SandboxRecordStore } from './sandbox-record-store';
import { DEFAULT_TABLE_SIZES, sandboxOptions } from './sandbox.options';

describe('record store', () => {
  const bases = sampleBases();
  const [contacts, companies] = bases[0].tables;

  it('seeds the same records every time, sized per table over the defaults', () => {
    const sizes = sandboxOptions({ tableSizes: { Companies: 3 } }).tableSizes;
    expect(sizes).toEqual({ ...DEFAULT_TABLE_SIZES, Companies: 3 });
    const one = new SandboxRecordStore(bases, sizes);
    const two = new SandboxRecordStore(sampleBases(), sizes);
    expect(one.all(contacts.id)).toEqual(two.all(contacts.id));
    expect(one.count(contacts.id)).toBe(2_500);
    expect(one.count(companies.id)).toBe(3);
    const ids = new Set(one.all(companies.id).map((r) => r.id));
    expect(one.all(contacts.id).every((r) => ((r.fields.Company as string[] | undefined) ?? []).every((id) => ids.has(id)))).toBe(true);
    const times = one.all(contacts.id).map((r) => r.createdTime);
    expect([...times].sort()).toEqual(times);
  });

  it('seeds 50,000 records in well under a second or two', () => {
    const started = performance.now();
    const store = new SandboxRecordStore(bases, { Contacts: 50_000 });
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(new Set(store.all(contacts.id).map((r) => r.id)).size).toBe(50_000);
  });

  it('refuses sizes for a table the sandbox does not have', () => {
    expect(() => new SandboxRecordStore(bases, { Contcts: 5 })).toThrow(/Contcts/);
  });

  it('creates records with fresh ids at the end, replaces them in place, and deletes them', () => {
    const store = new SandboxRecordStore(bases, { Companies: 2 });
    const created = store.create(companies.id, { Name: 'New' });
    expect(created).toEqual({ id: expect.stringMatching(/^rec[A-Za-z0-9]{14}$/), createdTime: expect.any(String), fields: { Name: 'New' } });
    const [first] = store.all(companies.id);
    const replaced = store.replace(companies.id, first.id, { Name: 'Renamed' });
    expect(store.all(companies.id).map((r) => r.fields.Name)).toEqual(['Renamed', expect.any(String), 'New']);
    expect(replaced.createdTime).toBe(first.createdTime);
    expect(first.fields.Name).not.toBe('Renamed');
    expect(store.delete(companies.id, created.id)).toBe(true);
    expect(store.get(companies.id, created.id)).toBeUndefined();
    expect(() => store.all('tblNope')).toThrow();
  });
});
