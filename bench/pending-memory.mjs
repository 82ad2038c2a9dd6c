// Memory per pending login in each store, and RSS after a million of them and after their TTL.
// Run with --expose-gc. Prints one JSON line for the benchmark to read.
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';

const require = createRequire(import.meta.url);
const { Keyv } = require('keyv');
const { ExpiringMapStore } = require('../dist/cache/expiring-map.store.js');

const N = Number(process.argv[2] ?? 1_000_000);
const TTL_MS = Number(process.argv[3] ?? 3_000);
const token = () => randomBytes(32).toString('base64url');
const entry = () => ({ codeVerifier: token(), bindingHash: token(), returnTo: '/', createdAt: Date.now() });
const settle = () => {
  for (let i = 0; i < 3; i++) global.gc();
  return process.memoryUsage();
};

async function perEntry(label, store) {
  const before = settle().heapUsed;
  for (let i = 0; i < N; i++) await store.set(`auth:${token()}`, entry());
  const after = settle();
  return { label, bytesPerEntry: Math.round((after.heapUsed - before) / N), rssMb: Math.round(after.rss / 2 ** 20) };
}

// The shape of the data itself (three 43-character strings and a small object) in a plain Map.
const map = new Map();
const mapResult = await perEntry('Map (baseline)', { set: async (k, v) => void map.set(k, v) });
map.clear();

const defaultKeyv = new Keyv({ ttl: TTL_MS });
const keyvResult = await perEntry("Keyv's default memory store", defaultKeyv);
await defaultKeyv.clear();

const startRss = settle().rss;
const sweeping = new Keyv({ store: new ExpiringMapStore(TTL_MS, N), ttl: TTL_MS, namespace: 'pending' });
sweeping.serialize = undefined;
sweeping.deserialize = undefined;
const ours = await perEntry('this service (sweeping, capped)', sweeping);
// Nobody reads the entries again: the sweep alone must give the memory back.
await new Promise((resolve) => setTimeout(resolve, TTL_MS + Math.max(1_000, TTL_MS / 10) + 500));
const afterTtl = settle();
console.log(
  JSON.stringify({
    entries: N,
    results: [mapResult, keyvResult, ours],
    rssStartMb: Math.round(startRss / 2 ** 20),
    rssFullMb: ours.rssMb,
    rssAfterTtlMb: Math.round(afterTtl.rss / 2 ** 20),
    heapAfterTtlMb: Math.round(afterTtl.heapUsed / 2 ** 20),
  }),
);
process.exit(0);
