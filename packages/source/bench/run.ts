/**
 * Scan throughput of a 2,000,000-row table (8 columns) on the emulator, run in its own process:
 * `rows()` of the source (query plan + BE scanners + Arrow) against a plain mysql2 streaming SELECT
 * of the same rows over the emulator's MySQL port. Prints rows/s side by side and the ratio (target
 * ≥ 2×); `batches()` (Arrow only, no row objects) for reference. `SRCONNECT_BENCH_SCALE` scales N.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createStreamLoadClient } from '@srconnect/stream-load-sdk';
import mysql from 'mysql2';
import { createSource } from '../src/index.js';

const N = Math.round(2_000_000 * Number(process.env.SRCONNECT_BENCH_SCALE ?? 1));
const COLUMNS = 'id, k, name, amount, price, day, ts, flag';

const require = createRequire(import.meta.url);
const cli = join(require.resolve('@srconnect/emulator/package.json'), '..', 'dist', 'cli.js');
const emu = spawn(process.execPath, [cli], { stdio: ['ignore', 'pipe', 'inherit'] });
const ready = await new Promise<string>((resolve) => {
  let out = '';
  emu.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('\n')) resolve(out);
  });
});
const [, feUrl, queryPort] = /fe_http=(\S+) .*query=\S+:(\d+)/.exec(ready) as RegExpExecArray;
const conn = mysql.createConnection({ host: '127.0.0.1', port: Number(queryPort), user: 'root' });
const query = (s: string) => conn.promise().query(s);
await query('CREATE DATABASE bench');
await query(
  'CREATE TABLE bench.t (id BIGINT NOT NULL, k INT, name VARCHAR(64), amount DOUBLE, price DECIMAL(10,2), day DATE, ts DATETIME, flag BOOLEAN) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 8',
);

const t0 = performance.now();
const client = createStreamLoadClient({ feUrls: feUrl as string, user: 'root' });
const CHUNK = 250_000;
for (let start = 0; start < N; start += CHUNK) {
  const lines: string[] = [];
  for (let i = start; i < Math.min(N, start + CHUNK); i++) {
    lines.push(
      `${i}\t${i % 1000}\tname-${i}\t${i * 1.25}\t${i % 97}.${String(i % 100).padStart(2, '0')}\t2026-11-24\t2026-11-24 10:11:12\t${i % 2}`,
    );
  }
  await client.load({ database: 'bench', table: 't', body: lines.join('\n') });
}
await client.close();
console.log(`loaded ${N} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

async function measure(name: string, fn: () => Promise<number>): Promise<number> {
  const start = performance.now();
  const rows = await fn();
  const rate = rows / ((performance.now() - start) / 1000);
  if (rows !== N) throw new Error(`${name} read ${rows} rows, expected ${N}`);
  console.log(`${name.padEnd(40)} ${Math.round(rate).toLocaleString('en-US').padStart(12)} rows/s`);
  return rate;
}

const source = createSource({
  feUrls: feUrl as string,
  user: 'root',
  database: 'bench',
  table: 't',
  columns: COLUMNS.split(', '),
  parallelism: 4,
  batchRows: 8192,
});
const viaMysql = await measure('mysql2 streaming SELECT', () => {
  let n = 0;
  let sum = 0;
  return new Promise((resolve, reject) => {
    conn
      .query(`SELECT ${COLUMNS} FROM bench.t`)
      .stream()
      .on('data', (r: { k: number }) => {
        n++;
        sum += r.k;
      })
      .on('end', () => resolve(sum >= 0 ? n : -1))
      .on('error', reject);
  });
});
const viaRows = await measure('source rows()', async () => {
  let n = 0;
  let sum = 0;
  for await (const r of source.rows()) {
    n++;
    sum += r.k as number;
  }
  return sum >= 0 ? n : -1;
});
await measure('source batches() (Arrow, no row objects)', async () => {
  let n = 0;
  for await (const b of source.batches()) n += b.batch.numRows;
  return n;
});
console.log(`ratio rows() / mysql2: ${(viaRows / viaMysql).toFixed(2)}× (target ≥ 2×)`);

await source.close();
conn.end();
emu.kill('SIGTERM');
