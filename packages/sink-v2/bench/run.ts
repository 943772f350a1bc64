/**
 * Sink throughput on the same 10-column rows (JSON, a DUPLICATE table), against the emulator in
 * its own process in blackhole mode: the raw load manager, sink-v1, sink-v2 at-least-once, and
 * sink-v2 exactly-once with a checkpoint (prepare + commit) every 5 s. Prints rows/s side by side
 * and the exactly-once / at-least-once ratio (target ≥ 0.8). `SRCONNECT_BENCH_SCALE` scales N.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createSink as createSinkV1 } from '@srconnect/sink-v1';
import { createJsonSerializer, createLoadManager, createStreamLoadClient } from '@srconnect/stream-load-sdk';
import mysql from 'mysql2/promise';
import { createSink } from '../src/index.js';

const N = Math.round(1_000_000 * Number(process.env.SRCONNECT_BENCH_SCALE ?? 1));
const columns = ['id', 'k', 'name', 'amount', 'price', 'day', 'ts', 'city', 'n', 'flag'];
const ts = new Date(Date.UTC(2026, 10, 24, 10, 11, 12, 123));
const row = (i: number) => ({
  id: i,
  k: i % 1000,
  name: `name-${i}`,
  amount: i * 1.25,
  price: `${i % 97}.${String(i % 100).padStart(2, '0')}`,
  day: '2026-11-24',
  ts,
  city: `city-${i % 50}`,
  n: i % 30000,
  flag: i % 2 === 0,
});

const require = createRequire(import.meta.url);
const cli = join(require.resolve('@srconnect/emulator/package.json'), '..', 'dist', 'cli.js');
const emuProc = spawn(process.execPath, [cli], { stdio: ['ignore', 'pipe', 'inherit'] });
const ready = await new Promise<string>((resolve) => {
  let out = '';
  emuProc.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('\n')) resolve(out);
  });
});
const [, feUrl, , queryPort] = /fe_http=(\S+) be_http=(\S+) query=\S+:(\d+)/.exec(ready)!;
const sql = await mysql.createConnection({ host: '127.0.0.1', port: Number(queryPort), user: 'root' });
await sql.query('CREATE DATABASE bench');
await sql.query(
  'CREATE TABLE bench.t (id BIGINT, k INT, name VARCHAR(64), amount DOUBLE, price DECIMAL(10,2), day DATE, ts DATETIME, city VARCHAR(32), n INT, flag BOOLEAN) DUPLICATE KEY(id)',
);
await sql.end();
const auth = `Basic ${Buffer.from('root:').toString('base64')}`;
await fetch(`${feUrl}/api/_emulator/faults`, {
  method: 'POST',
  headers: { authorization: auth },
  body: JSON.stringify({ blackhole: true }),
});

const connection = { feUrls: feUrl!, user: 'root' };
const flush = { maxBytes: 32 * 1024 * 1024 };
const results: [string, number][] = [];
async function measure(name: string, fn: () => Promise<void>) {
  const t0 = performance.now();
  await fn();
  const rate = N / ((performance.now() - t0) / 1000);
  results.push([name, rate]);
}

await measure('raw load manager (stream)', async () => {
  const client = createStreamLoadClient({ feUrls: feUrl!, user: 'root' });
  const m = createLoadManager(client, {
    serializer: createJsonSerializer({ columns }),
    maxBatchBytes: flush.maxBytes,
    flushIntervalMs: 0,
  });
  for (let i = 0; i < N; i++) await m.write('bench', 't', row(i));
  await m.close();
  await client.close();
});
await measure('sink-v1', async () => {
  const s = createSinkV1({
    connection,
    database: 'bench',
    table: 't',
    columns,
    flush: { ...flush, intervalMs: 0 },
  });
  for (let i = 0; i < N; i++) await s.write(row(i));
  await s.close();
});
await measure('sink-v2 at-least-once', async () => {
  const s = createSink({
    connection,
    semantic: 'at-least-once',
    database: 'bench',
    table: 't',
    columns,
    flush: { ...flush, intervalMs: 5000 },
  });
  const w = await s.createWriter({ subtaskId: 0, numSubtasks: 1 });
  for (let i = 0; i < N; i++) await w.write(row(i));
  await w.prepareCommit(1);
  await w.close();
  await s.close();
});
await measure('sink-v2 exactly-once (checkpoint every 5 s)', async () => {
  const s = createSink({
    connection,
    labelPrefix: `bench${Date.now()}`,
    database: 'bench',
    table: 't',
    columns,
    flush,
  });
  const w = await s.createWriter({ subtaskId: 0, numSubtasks: 1 });
  const committer = s.createCommitter();
  let checkpoint = 0;
  let last = performance.now();
  for (let i = 0; i < N; i++) {
    await w.write(row(i));
    if ((i & 1023) === 0 && performance.now() - last >= 5000) {
      await committer.commit(await w.prepareCommit(++checkpoint));
      last = performance.now();
    }
  }
  await committer.commit(await w.prepareCommit(++checkpoint));
  await w.close();
  await s.close();
});

emuProc.kill('SIGTERM');
console.log(
  `sink throughput, ${N.toLocaleString('en-US')} rows × 10 columns (JSON), emulator blackhole in its own process`,
);
for (const [name, rate] of results)
  console.log(`  ${name.padEnd(44)} ${Math.round(rate).toLocaleString('en-US').padStart(10)} rows/s`);
const alo = results.find(([n]) => n === 'sink-v2 at-least-once')![1];
const eo = results.find(([n]) => n.startsWith('sink-v2 exactly-once'))![1];
console.log(`  exactly-once / at-least-once: ${(eo / alo).toFixed(2)} (target ≥ 0.8)`);
