import { createConnection as createCallbackConnection, type RowDataPacket } from 'mysql2';
import { type Connection, createConnection, createPool, type ResultSetHeader } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startToyServer, type ToyServer } from './toy-server.js';

let toy: ToyServer;
const open: Connection[] = [];

beforeAll(async () => {
  toy = await startToyServer();
});

afterAll(async () => {
  await Promise.all(open.map((c) => c.end().catch(() => {})));
  await toy.server.close();
});

async function connect(
  options: { user?: string; password?: string; database?: string } = {},
): Promise<Connection> {
  const conn = await createConnection({ host: '127.0.0.1', port: toy.port, user: 'root', ...options });
  open.push(conn);
  return conn;
}

async function rejection(
  promise: Promise<unknown>,
): Promise<{ errno?: number; sqlState?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { errno?: number; sqlState?: string; message: string };
  }
  throw new Error('expected a rejection');
}

const EXPECTED_TYPED_ROWS = [
  {
    id: 1,
    tiny: -5,
    small: 300,
    big: 9007199254740991,
    ubig: 4294967296,
    flt: 1.5,
    dbl: 1234.5678,
    dec: '12345.67',
    name: 'héllo 世界 🎉',
    d: new Date(2024, 1, 29),
    dt: new Date(2024, 1, 29, 13, 14, 15, 123),
    ts: new Date(2001, 1, 3, 4, 5, 6),
    t: '-25:30:15',
    j: { a: [1, 2, { b: null }] },
    b: Buffer.from('raw'),
    yr: 2024,
  },
  {
    id: 2,
    tiny: 127,
    small: -32768,
    big: -9007199254740991,
    ubig: 0,
    flt: -0.25,
    dbl: -1e300,
    dec: '-0.01',
    name: 'it\'s "quoted" \\ back',
    d: new Date(1999, 11, 31),
    dt: new Date(1999, 11, 31, 23, 59, 59),
    ts: new Date(1970, 0, 2),
    t: '12:00:00.5',
    j: [],
    b: Buffer.alloc(0),
    yr: 1901,
  },
  {
    id: 3,
    tiny: null,
    small: null,
    big: null,
    ubig: null,
    flt: null,
    dbl: null,
    dec: null,
    name: null,
    d: null,
    dt: null,
    ts: null,
    t: null,
    j: null,
    b: null,
    yr: null,
  },
];

describe('mysql2/promise against the protocol layer', () => {
  it('connects with an empty password and runs a query', async () => {
    const conn = await connect();
    const [rows] = await conn.query('select 1');
    expect(rows).toEqual([{ '1': 1 }]);
    const [user] = await conn.query<RowDataPacket[]>('select user()');
    expect(user[0]!['user()']).toBe('root@127.0.0.1');
  });

  it('connects with a password', async () => {
    const conn = await connect({ user: 'alice', password: 'secret' });
    const [rows] = await conn.query<RowDataPacket[]>('select user()');
    expect(rows[0]!['user()']).toBe('alice@127.0.0.1');
  });

  it('rejects a wrong password or unknown user with 1045 / 28000 and the MySQL wording', async () => {
    const wrong = await rejection(connect({ user: 'alice', password: 'nope' }));
    expect(wrong.errno).toBe(1045);
    expect(wrong.sqlState).toBe('28000');
    expect(wrong.message).toBe("Access denied for user 'alice'@'127.0.0.1' (using password: YES)");
    const missingPassword = await rejection(connect({ user: 'alice' }));
    expect(missingPassword.message).toBe("Access denied for user 'alice'@'127.0.0.1' (using password: NO)");
    const unknown = await rejection(connect({ user: 'mallory', password: 'x' }));
    expect(unknown.errno).toBe(1045);
    expect(unknown.message).toBe("Access denied for user 'mallory'@'127.0.0.1' (using password: YES)");
  });

  it('decodes a typed text result set (numbers, decimals as strings, dates, JSON, blobs, NULLs, unicode)', async () => {
    const conn = await connect();
    const [rows, fields] = await conn.query<RowDataPacket[]>('select * from typed');
    expect(rows).toEqual(EXPECTED_TYPED_ROWS);
    expect(fields.map((f) => f.name)).toEqual(Object.keys(EXPECTED_TYPED_ROWS[0]!));
    const [empty] = await conn.query('select * from empty');
    expect(empty).toEqual([]);
  });

  it('decodes the same values from a binary result set (execute)', async () => {
    const conn = await connect();
    const [binaryRows] = await conn.execute<RowDataPacket[]>('select * from typed');
    const expected = EXPECTED_TYPED_ROWS;
    expect(binaryRows.map((r) => ({ ...r, b: r.b && Buffer.from(r.b) }))).toEqual(
      expected.map((r) => ({ ...r, b: r.b && Buffer.from(r.b) })),
    );
  });

  it('keeps 64-bit integers exact with supportBigNumbers in both protocols', async () => {
    const conn = await createConnection({
      host: '127.0.0.1',
      port: toy.port,
      user: 'root',
      supportBigNumbers: true,
      bigNumberStrings: true,
    });
    open.push(conn);
    const [text] = await conn.query<RowDataPacket[]>('select * from typed');
    const [binary] = await conn.execute<RowDataPacket[]>('select * from typed');
    expect(text.map((r) => [r.big, r.ubig])).toEqual(binary.map((r) => [r.big, r.ubig]));
    expect(binary[0]!.big).toBe('9007199254740991');
  });

  it('substitutes execute() placeholders of several types into the SQL the handler sees', async () => {
    const conn = await connect();
    const sql = "/*echo*/ select ?, ?, '?', ?, ?, ?, ?, ?, ? -- ?\nfrom t where x = ?";
    const params = [
      42,
      -1.25,
      "it's \\ ok",
      null,
      true,
      new Date(2024, 0, 2, 3, 4, 5, 6),
      Buffer.from([0, 1, 0xfe]),
      { k: 'v' },
      'second run',
    ];
    const [rows] = await conn.execute<RowDataPacket[]>(sql, params);
    expect(rows[0]!.sql).toBe(
      "/*echo*/ select 42, -1.25, '?', 'it\\'s \\\\ ok', NULL, 1, '2024-01-02 03:04:05.006000', X'0001fe', " +
        '\'{"k":"v"}\' -- ?\nfrom t where x = \'second run\'',
    );
    // The cached statement runs again with other values (and types).
    const [again] = await conn.execute<RowDataPacket[]>(sql, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 9]);
    expect(again[0]!.sql).toBe(
      "/*echo*/ select 'a', 'b', '?', 'c', 'd', 'e', 'f', 'g', 'h' -- ?\nfrom t where x = 9",
    );
    // A wrong number of parameters is refused.
    const wrongCount = await rejection(conn.execute(sql, [1, 2]));
    expect([wrongCount.errno, wrongCount.message]).toEqual([
      1210,
      'Incorrect arguments to mysqld_stmt_execute',
    ]);
    expect(toy.log).toContain(rows[0]!.sql);
  });

  it('reports handler errors with errno and sqlState and keeps the connection usable', async () => {
    const conn = await connect();
    const mysqlError = await rejection(conn.query('fail mysql'));
    expect([mysqlError.errno, mysqlError.sqlState, mysqlError.message]).toEqual([
      1146,
      '42S02',
      "Table 'db.nope' doesn't exist",
    ]);
    const plain = await rejection(conn.query('fail plain'));
    expect([plain.errno, plain.sqlState, plain.message]).toEqual([1064, '42000', 'boom']);
    const weird = await rejection(conn.execute('fail weird'));
    expect([weird.errno, weird.message]).toEqual([1064, 'not an error object']);
    const unknown = await rejection(conn.execute('select nonsense'));
    expect(unknown.errno).toBe(1064);
    expect(unknown.message).toBe('Unknown statement: select nonsense');
    const broken = await rejection(conn.query('select broken'));
    expect(broken.errno).toBe(1064);
    const brokenBinary = await rejection(conn.execute('select broken'));
    expect(brokenBinary.errno).toBe(1064);
    const [rows] = await conn.query('select 1');
    expect(rows).toEqual([{ '1': 1 }]);
  });

  it('returns OK packets with affected rows and insert id', async () => {
    const conn = await connect();
    const [ok] = await conn.query<ResultSetHeader>('insert into t values (1),(2),(3)');
    expect(ok.affectedRows).toBe(3);
    expect(ok.insertId).toBe(7);
    expect(ok.info).toBe('Records: 3  Duplicates: 0  Warnings: 0');
    const [viaExecute] = await conn.execute<ResultSetHeader>('insert into t values (1),(2),(3)');
    expect(viaExecute.affectedRows).toBe(3);
  });

  it('selects the database given in the connect options, and fails with 1049 for an unknown one', async () => {
    const conn = await connect({ database: 'db' });
    const [rows] = await conn.query<RowDataPacket[]>('select database()');
    expect(rows[0]!['database()']).toBe('db');
    expect(toy.useLog).toContainEqual([conn.threadId, 'db']);
    const unknown = await rejection(connect({ database: 'nope' }));
    expect([unknown.errno, unknown.sqlState, unknown.message]).toEqual([
      1049,
      '42000',
      "Unknown database 'nope'",
    ]);
  });

  it('supports changeUser, ping and reports closed sessions', async () => {
    const conn = await connect();
    await conn.ping();
    await conn.changeUser({ user: 'alice', password: 'secret', database: 'other' });
    const [rows] = await conn.query<RowDataPacket[]>('select user()');
    expect(rows[0]!['user()']).toBe('alice@127.0.0.1');
    const [db] = await conn.query<RowDataPacket[]>('select database()');
    expect(db[0]!['database()']).toBe('other');
    await conn.ping();
    const id = conn.threadId;
    await conn.end();
    await expect.poll(() => toy.closed).toContain(id);

    const other = await connect();
    const denied = await rejection(other.changeUser({ user: 'alice', password: 'bad' }));
    expect(denied.errno).toBe(1045);
  });

  it('serves a pool of connections in parallel, each connection in order', async () => {
    const pool = createPool({ host: '127.0.0.1', port: toy.port, user: 'root', connectionLimit: 6 });
    try {
      const started = Date.now();
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) => pool.query<RowDataPacket[]>(`select sleep(50), ${i}`)),
      );
      expect(results.map(([rows]) => rows[0]!.n)).toEqual(Array.from({ length: 30 }, (_, i) => i));
      // One after the other this takes 1.5 s; six connections in parallel need about 250 ms.
      expect(Date.now() - started).toBeLessThan(1000);
      const ids = await Promise.all(
        Array.from({ length: 6 }, () => pool.query<RowDataPacket[]>('select connection_id()')),
      );
      expect(ids.every(([rows]) => Number(rows[0]!['connection_id()']) > 0)).toBe(true);
    } finally {
      await pool.end();
    }
  });

  it('numbers connections from 1 on a fresh server', async () => {
    const fresh = await startToyServer();
    try {
      const a = await createConnection({ host: '127.0.0.1', port: fresh.port, user: 'root' });
      const b = await createConnection({ host: '127.0.0.1', port: fresh.port, user: 'root' });
      expect([a.threadId, b.threadId]).toEqual([1, 2]);
      const [rows] = await b.query<RowDataPacket[]>('select connection_id()');
      expect(rows[0]!['connection_id()']).toBe(2);
      await a.end();
      // close() also ends connections that are still open.
      await fresh.server.close();
      await expect(b.query('select 1')).rejects.toThrow();
    } finally {
      await fresh.server.close();
    }
  });

  it('streams a 200,000-row result through the callback API', async () => {
    const conn = createCallbackConnection({ host: '127.0.0.1', port: toy.port, user: 'root' });
    try {
      const stream = conn.query('select * from big').stream({ highWaterMark: 100 });
      let count = 0;
      let nulls = 0;
      let last: RowDataPacket | undefined;
      for await (const row of stream as AsyncIterable<RowDataPacket>) {
        if (count === 1000) await new Promise((resolve) => setTimeout(resolve, 50)); // a slow consumer
        if (row.note === null) nulls++;
        count++;
        last = row;
      }
      expect(count).toBe(200_000);
      expect(nulls).toBe(Math.ceil(200_000 / 7));
      expect(last).toEqual({ id: 199_999, name: 'name-199999', price: '999.99', note: 'x' });
      const [check] = await conn.promise().query('select 1');
      expect(check).toEqual([{ '1': 1 }]);
    } finally {
      conn.destroy();
    }
  });
});
