import { Keyv } from 'keyv';
import { ExpiringMapStore } from './expiring-map.store';

describe('ExpiringMapStore', () => {
  it('drops expired entries without anyone reading them', async () => {
    const store = new ExpiringMapStore(200, 1000);
    const keyv = new Keyv({ store });
    for (let i = 0; i < 50; i++) await keyv.set(`k${i}`, { i }, 200);
    expect(store.size).toBe(50);
    // The sweep runs every second at the shortest; nothing reads the keys meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    expect(store.size).toBe(0);
  });

  it('caps the number of entries, evicting the oldest', async () => {
    const store = new ExpiringMapStore(60_000, 10);
    const keyv = new Keyv({ store });
    for (let i = 0; i < 25; i++) await keyv.set(`k${i}`, i);
    expect(store.size).toBe(10);
    expect(await keyv.get('k0')).toBeUndefined();
    expect(await keyv.get('k14')).toBeUndefined();
    expect(await keyv.get('k15')).toBe(15);
    expect(await keyv.get('k24')).toBe(24);
  });

  it('tells whether delete removed a live entry, so a take can be single use', async () => {
    const keyv = new Keyv({ store: new ExpiringMapStore(60_000, 10) });
    await keyv.set('k', 1);
    expect(await keyv.delete('k')).toBe(true);
    expect(await keyv.delete('k')).toBe(false);
    await keyv.set('short', 1, 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await keyv.delete('short')).toBe(false);
  });
});
