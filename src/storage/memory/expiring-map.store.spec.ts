import { FakeClock } from '../../../test/support/fake-clock';
import { ExpiringMapStore, memoryKeyv } from './expiring-map.store';

describe('ExpiringMapStore', () => {
  let clock: FakeClock;
  beforeEach(() => {
    clock = new FakeClock();
    // The sweep's timer is faked too, so that a test runs it without waiting for it.
    vi.useFakeTimers({ toFake: ['setInterval'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('drops expired entries without anyone reading them', async () => {
    const keyv = memoryKeyv('test', 200, 1000, clock);
    const store = keyv.store as ExpiringMapStore;
    for (let i = 0; i < 50; i++) await keyv.set(`k${i}`, { i }, 200);
    expect(store.size).toBe(50);
    // The sweep runs every second at the shortest; nothing reads the keys meanwhile.
    clock.advance(1_000);
    vi.advanceTimersByTime(1_000);
    expect(store.size).toBe(0);
  });

  it('caps the number of entries, evicting the oldest', async () => {
    const keyv = memoryKeyv('test', 60_000, 10, clock);
    const store = keyv.store as ExpiringMapStore;
    for (let i = 0; i < 25; i++) await keyv.set(`k${i}`, i);
    expect(store.size).toBe(10);
    expect(await keyv.get('k0')).toBeUndefined();
    expect(await keyv.get('k14')).toBeUndefined();
    expect(await keyv.get('k15')).toBe(15);
    expect(await keyv.get('k24')).toBe(24);
  });

  it('tells whether delete removed a live entry, so a take can be single use', async () => {
    const keyv = memoryKeyv('test', 60_000, 10, clock);
    await keyv.set('k', 1);
    expect(await keyv.delete('k')).toBe(true);
    expect(await keyv.delete('k')).toBe(false);
    await keyv.set('short', 1, 1);
    clock.advance(5);
    expect(await keyv.delete('short')).toBe(false);
  });

  it('keeps string values (packed with their expiry) exactly, and expires and sweeps them too', async () => {
    const keyv = memoryKeyv('test', 200, 1000, clock);
    const store = keyv.store as ExpiringMapStore;
    const value = 'verifier hash /a path?with=spaces and 0123456789';
    for (let i = 0; i < 20; i++) await keyv.set(`short${i}`, `${value}${i}`, 200);
    // Last: the sweep goes from the front and stops at the first live entry (one TTL per store).
    await keyv.set('kept', value, 60_000);
    expect(await keyv.get('kept')).toBe(value);
    expect(await keyv.get('short7')).toBe(`${value}7`);
    clock.advance(1_000);
    vi.advanceTimersByTime(1_000);
    expect(store.size).toBe(1);
    expect(await keyv.get('kept')).toBe(value);
  });
});
