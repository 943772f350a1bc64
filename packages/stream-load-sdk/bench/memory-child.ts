/**
 * Child process of the (c) benchmark: writes N MiB of pre-serialized CSV rows through the load
 * manager with a memory limit into a server that answers slowly, and reports its peak RSS.
 */
import { readFileSync } from 'node:fs';
import { createLoadManager, createStreamLoadClient } from '../src/index.js';

const [feUrl, mibText, limitText] = process.argv.slice(2);
const MiB = 1024 * 1024;
const totalBytes = Number(mibText) * MiB;
const limit = Number(limitText) * MiB;
const peakRss = () =>
  Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;

const baselineRssMiB = process.memoryUsage().rss / MiB;
const client = createStreamLoadClient({
  feUrls: feUrl!,
  user: 'root',
  properties: { column_separator: ',' },
});
const manager = createLoadManager(client, {
  memoryLimitBytes: limit,
  maxBatchBytes: limit / 4,
  flushIntervalMs: 0,
  maxInFlightLoads: 2,
});
const record = Buffer.from(
  `123456,7890,name-123456,1234.25,2026-11-24,2026-11-24 10:11:12.123456,city-7,12345,1,${'x'.repeat(14)}`,
);
const t0 = performance.now();
let written = 0;
while (written < totalBytes) {
  await manager.write('bench', 'mem', record);
  written += record.length + 1;
}
await manager.close();
await client.close();
process.stdout.write(
  JSON.stringify({
    peakRssMiB: peakRss(),
    baselineRssMiB,
    seconds: (performance.now() - t0) / 1000,
    mib: Math.round(written / MiB),
    peakReservedMiB: manager.stats().peakReservedBytes / MiB,
  }),
);
