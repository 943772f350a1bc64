/**
 * stream-load-sdk benchmarks, against the emulator's blackhole mode (bytes are read and counted,
 * nothing is parsed or stored) running in its own process:
 *   (a) SDK throughput for 1 GiB of pre-serialized CSV vs `curl -T` of the same file to the same
 *       endpoint — target ratio ≥ 0.8;
 *   (b) rows/s of 10-column object rows through serializer + load manager, CSV and JSON, vs
 *       serializing the same rows to bytes alone (`serialize()`) — target ratio ≥ 0.5;
 *   (c) peak RSS of a process writing 2 GiB through the manager into a server that answers slowly —
 *       target ≤ 2 × memory limit + 150 MiB.
 * Sizes can be reduced with SRCONNECT_BENCH_SCALE (e.g. 0.1). Run: `pnpm bench`.
 */
import { execFile, spawn } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  createCsvSerializer,
  createJsonSerializer,
  createLoadManager,
  createStreamLoadClient,
  type RowSerializer,
} from '../src/index.js';
import { startEmulatorProcess } from './emulator-process.js';

const SCALE = Number(process.env.SRCONNECT_BENCH_SCALE ?? 1);
const MiB = 1024 * 1024;
const sh = promisify(execFile);

function line(name: string, value: string, ratio: number, target: string) {
  console.log(`${name.padEnd(44)} ${value.padEnd(44)} ratio ${ratio.toFixed(2)} (target ${target})`);
}

async function makeCsvFile(path: string, bytes: number): Promise<number> {
  const block = Buffer.from(
    Array.from(
      { length: 10_000 },
      (_, i) =>
        `${i},${i * 7},name-${i},${i % 1000}.25,2026-11-24,2026-11-24 10:11:12.123456,city-${i % 50},${i % 30000},1,tag-${i % 10}\n`,
    ).join(''),
  );
  const out = createWriteStream(path);
  let written = 0;
  while (written < bytes) {
    if (!out.write(block)) await new Promise<void>((r) => out.once('drain', () => r()));
    written += block.length;
  }
  await new Promise<void>((r) => out.end(r));
  return statSync(path).size;
}

const emu = await startEmulatorProcess();
const dir = mkdtempSync(join(tmpdir(), 'sdk-bench-'));
try {
  const mysql = await import('mysql2/promise');
  const conn = await mysql.createConnection({ host: '127.0.0.1', port: emu.queryPort, user: 'root' });
  await conn.query('CREATE DATABASE bench');
  await conn.query('CREATE TABLE bench.t (id BIGINT) DUPLICATE KEY(id)');
  await conn.query('CREATE TABLE bench.mem (id BIGINT) DUPLICATE KEY(id)');
  await conn.end();
  await emu.faults({ blackhole: true });
  // ---- (a) 1 GiB pre-serialized CSV: SDK vs curl -T ----
  const file = join(dir, 'data.csv');
  const size = await makeCsvFile(file, Math.round(1024 * MiB * SCALE));
  const url = `${emu.feUrl}/api/bench/t/_stream_load`;
  const curlRuns: number[] = [];
  const sdkRuns: number[] = [];
  const bufferRuns: number[] = [];
  const client = createStreamLoadClient({
    feUrls: emu.feUrl,
    user: 'root',
    properties: { column_separator: ',' },
  });
  const inMemory = readFileSync(file);
  const rate = (t0: number) => size / MiB / ((performance.now() - t0) / 1000);
  for (let run = 0; run < 2; run++) {
    let t0 = performance.now();
    const { stdout } = await sh('curl', [
      '-sS',
      '--location-trusted',
      '-u',
      'root:',
      '-H',
      'Expect: 100-continue',
      '-H',
      `label: curl_${run}`,
      '-H',
      'column_separator: ,',
      '-T',
      file,
      url,
    ]);
    curlRuns.push(rate(t0));
    if (!stdout.includes('"Success"')) throw new Error(`curl load failed: ${stdout}`);
    // the same file, streamed (1 MiB reads, like curl's large buffers)
    t0 = performance.now();
    const r = await client.load({
      database: 'bench',
      table: 't',
      label: `sdk_${run}`,
      body: () => createReadStream(file, { highWaterMark: MiB }),
      contentLength: size,
    });
    sdkRuns.push(rate(t0));
    if (r.loadBytes !== size) throw new Error(`SDK load sent ${r.loadBytes} of ${size} bytes`);
    // pre-serialized bytes in memory
    t0 = performance.now();
    await client.load({ database: 'bench', table: 't', label: `sdk_buf_${run}`, body: inMemory });
    bufferRuns.push(rate(t0));
  }
  const curlMBs = Math.max(...curlRuns);
  const sdkMBs = Math.max(...sdkRuns);
  const bufMBs = Math.max(...bufferRuns);
  console.log(`stream-load-sdk benchmarks (emulator blackhole, separate process; best of 2 runs)`);
  line(
    `(a) ${(size / MiB).toFixed(0)} MiB CSV file, one load`,
    `SDK ${sdkMBs.toFixed(0)} MiB/s vs curl -T ${curlMBs.toFixed(0)} MiB/s`,
    sdkMBs / curlMBs,
    '≥ 0.8',
  );
  line(
    `(a) the same bytes from memory (Buffer body)`,
    `SDK ${bufMBs.toFixed(0)} MiB/s vs curl -T ${curlMBs.toFixed(0)} MiB/s`,
    bufMBs / curlMBs,
    '≥ 0.8',
  );
  rmSync(file);

  // ---- (b) object rows through serializer + manager vs serializing alone ----
  const N = Math.round(1_000_000 * SCALE);
  const columns = ['id', 'k', 'name', 'amount', 'price', 'day', 'ts', 'city', 'n', 'flag'];
  const day = new Date(Date.UTC(2026, 10, 24));
  const rows = Array.from({ length: N }, (_, i) => ({
    id: i,
    k: i % 1000,
    name: `name-${i}`,
    amount: i * 1.25,
    price: `${i % 97}.${String(i % 100).padStart(2, '0')}`,
    day: '2026-11-24',
    ts: day,
    city: `city-${i % 50}`,
    n: i % 30000,
    flag: i % 2 === 0,
  }));
  for (const [name, serializer] of [
    ['CSV', createCsvSerializer({ columns })],
    ['JSON', createJsonSerializer({ columns })],
  ] as [string, RowSerializer][]) {
    let t0 = performance.now();
    let bytes = 0;
    for (let i = 0; i < N; i++) bytes += serializer.serialize(rows[i]!, i).length;
    const aloneRate = N / ((performance.now() - t0) / 1000);
    const manager = createLoadManager(client, {
      serializer,
      memoryLimitBytes: 256 * MiB,
      maxBatchBytes: 32 * MiB,
      flushIntervalMs: 0,
    });
    t0 = performance.now();
    for (let i = 0; i < N; i++) await manager.write('bench', 't', rows[i]!);
    await manager.flush();
    const managerRate = N / ((performance.now() - t0) / 1000);
    await manager.close();
    line(
      `(b) ${N.toLocaleString('en-US')} rows × 10 columns, ${name}`,
      `manager ${Math.round(managerRate).toLocaleString('en-US')} rows/s vs serialize() alone ${Math.round(aloneRate).toLocaleString('en-US')} rows/s`,
      managerRate / aloneRate,
      '≥ 0.5',
    );
    if (bytes === 0) throw new Error('nothing serialized');
  }
  await client.close();

  // ---- (c) peak RSS writing 2 GiB into a slow server ----
  const limitMiB = 64;
  await emu.faults({ delayReplies: { ms: 250 } });
  const child = spawn(
    process.execPath,
    [
      join(import.meta.dirname, 'memory-child.js'),
      emu.feUrl,
      String(Math.round(2048 * SCALE)),
      String(limitMiB),
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  if (code !== 0) throw new Error(`memory child failed (${code}): ${out}`);
  const res = JSON.parse(out) as {
    peakRssMiB: number;
    baselineRssMiB: number;
    seconds: number;
    mib: number;
    peakReservedMiB: number;
  };
  const target = 2 * limitMiB + 150;
  line(
    `(c) ${res.mib} MiB through a ${limitMiB} MiB limit, slow replies`,
    `peak RSS ${res.peakRssMiB.toFixed(0)} MiB (baseline ${res.baselineRssMiB.toFixed(0)}, reserved ≤ ${res.peakReservedMiB.toFixed(0)}) in ${res.seconds.toFixed(1)} s`,
    res.peakRssMiB / target,
    `≤ 1.0, i.e. ≤ ${target} MiB`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
  await emu.stop();
}
