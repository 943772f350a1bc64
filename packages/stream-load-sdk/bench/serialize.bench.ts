/**
 * Micro-benchmark of the row serializers alone: ten-column object rows (ints, short strings, a
 * decimal string, a double, a Date, a boolean) serialized to strings and to Buffers, CSV and JSON.
 *
 *   pnpm exec tsc -p tsconfig.bench.json && node .bench-dist/bench/serialize.bench.js [rows]
 */
import { pathToFileURL } from 'node:url';
import type { Row, RowSerializer } from '../src/serializers/index.js';
import { createCsvSerializer, createJsonSerializer } from '../src/serializers/index.js';

/** One measured serializer and output kind. */
export interface SerializeBenchResult {
  readonly name: string;
  /** Best of the measured passes. */
  readonly rowsPerSecond: number;
  readonly bytesPerRow: number;
}

const COLUMNS = ['id', 'k', 'name', 'amount', 'price', 'day', 'ts', 'city', 'n', 'flag'];

/** The benchmark rows (same shape as `run.ts` part b). */
export function benchRows(count: number): Row[] {
  const base = Date.UTC(2026, 10, 24);
  return Array.from({ length: count }, (_, i) => ({
    id: i,
    k: i % 1000,
    name: `name-${i}`,
    amount: i * 1.25,
    price: `${i % 97}.${String(i % 100).padStart(2, '0')}`,
    day: '2026-11-24',
    ts: new Date(base + i * 1000),
    city: `city-${i % 50}`,
    n: i % 30000,
    flag: i % 2 === 0,
  }));
}

function measure(
  rows: readonly Row[],
  pass: (row: Row, i: number) => number,
): { rate: number; bytes: number } {
  let best = 0;
  let bytes = 0;
  for (let round = 0; round < 4; round++) {
    const t0 = performance.now();
    bytes = 0;
    for (let i = 0; i < rows.length; i++) bytes += pass(rows[i]!, i);
    const rate = rows.length / ((performance.now() - t0) / 1000);
    if (round > 0) best = Math.max(best, rate); // round 0 warms up
  }
  return { rate: best, bytes: bytes / rows.length };
}

/** Runs the benchmark over `rowCount` rows; returns one result per serializer and output kind. */
export function runSerializeBench(rowCount = 1_000_000): SerializeBenchResult[] {
  const rows = benchRows(rowCount);
  const results: SerializeBenchResult[] = [];
  const serializers: [string, RowSerializer][] = [
    ['CSV', createCsvSerializer({ columns: COLUMNS })],
    ['JSON', createJsonSerializer({ columns: COLUMNS })],
  ];
  for (const [name, serializer] of serializers) {
    const asString = measure(rows, (row, i) => serializer.serializeToString(row, i).length);
    results.push({
      name: `${name} serializeToString`,
      rowsPerSecond: asString.rate,
      bytesPerRow: asString.bytes,
    });
    const asBuffer = measure(rows, (row, i) => serializer.serialize(row, i).length);
    results.push({
      name: `${name} serialize (Buffer)`,
      rowsPerSecond: asBuffer.rate,
      bytesPerRow: asBuffer.bytes,
    });
  }
  return results;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const count = Number(process.argv[2] ?? 1_000_000);
  for (const r of runSerializeBench(count)) {
    console.log(
      `${r.name.padEnd(26)} ${Math.round(r.rowsPerSecond).toLocaleString('en-US').padStart(11)} rows/s  (${r.bytesPerRow.toFixed(1)} bytes/row)`,
    );
  }
}
