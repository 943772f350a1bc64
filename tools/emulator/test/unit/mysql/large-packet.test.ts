import type { RowDataPacket } from 'mysql2';
import { createConnection } from 'mysql2/promise';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startToyServer, type ToyServer } from './toy-server.js';

let toy: ToyServer;

beforeAll(async () => {
  toy = await startToyServer();
});

afterAll(async () => {
  await toy.server.close();
});

it('round-trips a row value larger than 16 MiB (split packets in both directions)', async () => {
  const conn = await createConnection({ host: '127.0.0.1', port: toy.port, user: 'root' });
  try {
    // 17 MiB plus a multi-byte tail, so the UTF-8 payload is not a multiple of the split size.
    const big = `${'ab'.repeat(17 * 512 * 1024)}é'\\🎉`;
    const [viaExecute] = await conn.execute<RowDataPacket[]>('select ? as big', [big]);
    expect(viaExecute[0]!.big.length).toBe(big.length);
    expect(viaExecute[0]!.big === big).toBe(true);
    const [viaQuery] = await conn.query<RowDataPacket[]>(`select ${conn.escape(big)} as big`);
    expect(viaQuery[0]!.big === big).toBe(true);
    const [after] = await conn.query('select 1');
    expect(after).toEqual([{ '1': 1 }]);
  } finally {
    await conn.end();
  }
}, 30_000);
