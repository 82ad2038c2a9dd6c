import { sampleBases } from './sandbox-data';
import { ListIterations } from './sandbox-iterations';
import { listQueryFromParams } from './sandbox-list-query';
import { SandboxRecordReads } from './sandbox-record-reads';
import { SandboxRecordStore } from './sandbox-record-store';

describe('record reads', () => {
  const bases = sampleBases();
  const [base] = bases;
  const [contacts] = base.tables;
  let store: SandboxRecordStore;
  let reads: SandboxRecordReads;
  beforeAll(() => {
    store = new SandboxRecordStore(bases, { Contacts: 50_000 });
    reads = new SandboxRecordReads(store, new ListIterations(60_000, 10));
  });
  const list = (query: string) => reads.list(base, contacts, listQueryFromParams(new URLSearchParams(query)));

  it('pages a filtered, sorted table of 50,000 records with every page after the first reading only its own records', () => {
    const query = 'filterByFormula=%7BScore%7D+%3E+10&sort[0][field]=Name&sort[1][field]=Score&sort[1][direction]=desc';
    let page = list(query);
    const times: number[] = [];
    let count = page.records.length;
    while (page.offset) {
      const started = performance.now();
      page = list(`${query}&offset=${encodeURIComponent(page.offset)}`);
      JSON.stringify(page);
      times.push(performance.now() - started);
      count += page.records.length;
    }
    expect(count).toBe(store.all(contacts.id).filter((r) => (r.fields.Score as number) > 10).length);
    times.sort((a, b) => a - b);
    expect(times[Math.floor(times.length / 2)]).toBeLessThan(2);
    expect(times[Math.floor(times.length * 0.95)]).toBeLessThan(10);
  });
});
