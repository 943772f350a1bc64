import { describe, expect, it } from 'vitest';
import { benchRows } from '../../../bench/serialize.bench.js';
import {
  createCsvSerializer,
  createJsonSerializer,
  type RowSerializer,
} from '../../../src/serializers/index.js';

const COLUMNS = ['id', 'k', 'name', 'amount', 'price', 'day', 'ts', 'city', 'n', 'flag'];

/** Best rows/s of a few passes of serializeToString over the rows. */
function rowsPerSecond(serializer: RowSerializer, rows: ReturnType<typeof benchRows>): number {
  let best = 0;
  for (let round = 0; round < 4; round++) {
    const t0 = performance.now();
    let length = 0;
    for (let i = 0; i < rows.length; i++) length += serializer.serializeToString(rows[i]!, i).length;
    expect(length).toBeGreaterThan(rows.length * 50);
    if (round > 0) best = Math.max(best, rows.length / ((performance.now() - t0) / 1000));
  }
  return best;
}

describe('serializer throughput (ten-column typical rows, serializeToString)', () => {
  const rows = benchRows(200_000);
  // The target is ≥ 1,000,000 rows/s measured alone (bench/serialize.bench.ts); vitest runs test
  // files in parallel, so the bound here only catches gross regressions.
  for (const [name, serializer] of [
    ['CSV', createCsvSerializer({ columns: COLUMNS })],
    ['JSON', createJsonSerializer({ columns: COLUMNS })],
  ] as const) {
    it(`${name} serializes well over 250,000 rows/s`, () => {
      const rate = rowsPerSecond(serializer, rows);
      console.log(`${name} serializeToString: ${Math.round(rate).toLocaleString('en-US')} rows/s`);
      expect(rate).toBeGreaterThan(250_000);
    });
  }
});
