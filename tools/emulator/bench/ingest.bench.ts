/**
 * Emulator ingest throughput: loads 1,000,000 CSV rows of 10 columns into a DUPLICATE KEY table
 * through the real HTTP path (FE 307 → BE, parse, convert, stage, commit) and prints rows/s with
 * the ratio to the 100,000 rows/s target, so the emulator is never the bottleneck of client
 * benchmarks. Run: `pnpm bench` (from tools/emulator, or the root).
 */
import { request } from 'node:http';
import { startEmulator } from '../src/index.js';

const TOTAL_ROWS = Number(process.env.SRCONNECT_BENCH_ROWS ?? 1_000_000);
const ROWS_PER_LOAD = 100_000;
const TARGET_ROWS_PER_SEC = 100_000;

function put(
  url: string,
  headers: Record<string, string>,
  body: Buffer,
): Promise<{ status: number; location?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'PUT', headers: { ...headers, 'Content-Length': body.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            location: res.headers.location,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.on('continue', () => req.end(body));
    req.on('response', () => req.end());
    req.flushHeaders();
  });
}

function csvChunk(start: number, n: number): Buffer {
  const lines: string[] = [];
  for (let i = start; i < start + n; i++) {
    lines.push(
      `${i}\t${i % 1000}\tname-${i}\t${(i * 1.25).toFixed(2)}\t${i % 97}.${i % 100}\t2026-11-${String((i % 28) + 1).padStart(2, '0')}\t2026-11-24 10:${String(i % 60).padStart(2, '0')}:00.123456\tcity-${i % 50}\t${i % 30000}\t${i % 2 === 0 ? 'true' : 'false'}`,
    );
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

const emu = await startEmulator();
const mysql = await import('mysql2/promise');
const conn = await mysql.createConnection({ host: emu.host, port: emu.queryPort, user: 'root' });
await conn.query('CREATE DATABASE bench');
await conn.query(`CREATE TABLE bench.events (
  id BIGINT, k INT, name VARCHAR(64), amount DOUBLE, price DECIMAL(10, 2), day DATE, ts DATETIME,
  city VARCHAR(32), n SMALLINT, flag BOOLEAN) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 8`);
const chunks: Buffer[] = [];
for (let start = 0; start < TOTAL_ROWS; start += ROWS_PER_LOAD)
  chunks.push(csvChunk(start, Math.min(ROWS_PER_LOAD, TOTAL_ROWS - start)));
const bytes = chunks.reduce((a, c) => a + c.length, 0);
const auth = { Authorization: `Basic ${Buffer.from('root:').toString('base64')}`, Expect: '100-continue' };

const t0 = process.hrtime.bigint();
for (const [i, chunk] of chunks.entries()) {
  const headers = { ...auth, label: `bench_${i}` };
  const fe = await put(`${emu.feHttpUrl}/api/bench/events/_stream_load`, headers, chunk);
  const be = await put(fe.location!, headers, chunk);
  const reply = JSON.parse(be.body) as { Status: string; Message: string };
  if (reply.Status !== 'Success') throw new Error(`load ${i} failed: ${reply.Message}`);
}
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const [rows] = (await conn.query('SELECT count(*) AS n FROM bench.events')) as unknown as [{ n: number }[]];
await conn.end();
await emu.close();
if (Number(rows[0]!.n) !== TOTAL_ROWS) throw new Error(`expected ${TOTAL_ROWS} rows, found ${rows[0]!.n}`);
const rate = TOTAL_ROWS / seconds;
console.log(
  `emulator ingest: ${TOTAL_ROWS.toLocaleString('en-US')} rows × 10 columns (${(bytes / 1048576).toFixed(1)} MiB CSV, ${chunks.length} loads) in ${seconds.toFixed(2)} s = ${Math.round(rate).toLocaleString('en-US')} rows/s (${(bytes / 1048576 / seconds).toFixed(1)} MiB/s); ratio to the ${TARGET_ROWS_PER_SEC.toLocaleString('en-US')} rows/s target: ${(rate / TARGET_ROWS_PER_SEC).toFixed(2)}×`,
);
