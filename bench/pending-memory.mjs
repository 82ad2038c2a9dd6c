// Memory per pending login in each store, and RSS after a million of them and after their TTL.
// Run with --expose-gc. Prints one JSON line for the benchmark to read.
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';

const require = createRequire(import.meta.url);
const { Keyv } = require('keyv');
const { memoryKeyv } = require('../dist/storage/memory/expiring-map.store.js');
const { PendingAuthStore } = require('../dist/auth/pending-auth.store.js');

const N = Number(process.argv[2] ?? 1_000_000);
const TTL_MS = Number(process.argv[3] ?? 3_000);
const token = () => randomBytes(32).toString('base64url');
const entry = () => ({ codeVerifier: token(), bindingHash: token(), returnTo: '/' });
const settle = () => {
  for (let i = 0; i < 3; i++) global.gc();
  return process.memoryUsage();
};

async function perEntry(label, save) {
  const before = settle().heapUsed;
  for (let i = 0; i < N; i++) await save(token(), entry());
  const after = settle();
  return { label, bytesPerEntry: Math.round((after.heapUsed - before) / N), rssMb: Math.round(after.rss / 2 ** 20) };
}

// What a hand-rolled server keeps (the peers' shape: three strings and an expiry) in a plain Map.
const map = new Map();
const mapResult = await perEntry('Map (baseline)', async (state, e) => {
  map.set(state, { verifier: e.codeVerifier, bindingHash: e.bindingHash, returnTo: e.returnTo, expiresAt: Date.now() + TTL_MS });
});
map.clear();

const defaultKeyv = new Keyv({ ttl: TTL_MS });
const keyvResult = await perEntry("Keyv's default memory store", (state, e) => defaultKeyv.set(`auth:${state}`, e));
await defaultKeyv.clear();

// The service's own store, through the code the login uses (PendingAuthStore.save).
const startRss = settle().rss;
const pending = new PendingAuthStore({ stores: [memoryKeyv('pending', TTL_MS, N)] }, { requestTtlMs: TTL_MS });
const ours = await perEntry('this service (sweeping, capped)', (state, e) => pending.save(state, e));
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
