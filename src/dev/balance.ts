import { LoadBalancer } from './load-balancer';

/** `node dist/dev/balance.js 4000 4101 4102 4103`: listen on 4000, spread over the other ports. */
async function main(): Promise<void> {
  const [listen, ...ports] = process.argv.slice(2).map(Number);
  if (!listen || ports.length === 0 || ports.some((p) => !p)) {
    console.error('usage: balance <listen port> <instance port> [<instance port> ...]');
    process.exit(2);
  }
  const balancer = new LoadBalancer(ports.map((port) => `http://127.0.0.1:${port}`));
  await balancer.listen(listen, 'localhost');
  console.log(`Load balancer on http://localhost:${listen} -> ${ports.join(', ')}`);
}

void main();
