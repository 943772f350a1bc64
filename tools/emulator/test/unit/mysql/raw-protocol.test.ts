import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeTextRow, parseErr, RawClient, type RawPacket } from './raw-client.js';
import { startToyServer, type ToyServer, TYPED_ROWS } from './toy-server.js';

let toy: ToyServer;
const clients: RawClient[] = [];

beforeAll(async () => {
  toy = await startToyServer();
});

afterAll(async () => {
  for (const c of clients) c.close();
  await toy.server.close();
});

const COM = { QUIT: 1, INIT_DB: 2, QUERY: 3, FIELD_LIST: 4, CREATE_DB: 5, PING: 14 } as const;
const COM_STMT = {
  PREPARE: 22,
  EXECUTE: 23,
  CLOSE: 25,
  RESET: 26,
  SET_OPTION: 27,
  RESET_CONNECTION: 31,
} as const;

async function login(
  options: { deprecateEof?: boolean; user?: string; password?: string } = {},
): Promise<RawClient> {
  const client = await RawClient.open(toy.port);
  clients.push(client);
  const { result } = await client.login({
    user: options.user ?? 'root',
    password: options.password ?? '',
    ...options,
  });
  expect(result.payload[0]).toBe(0x00);
  return client;
}

function isEof(p: RawPacket): boolean {
  return p.payload[0] === 0xfe && p.payload.length === 5;
}

function isOkTerminator(p: RawPacket): boolean {
  return p.payload[0] === 0xfe && p.payload.length === 7;
}

describe('raw protocol', () => {
  it('sends result sets with EOF packets when CLIENT_DEPRECATE_EOF is not set', async () => {
    const client = await login();
    client.command(COM.QUERY, 'select * from typed');
    const packets = await client.readResponse();
    expect(packets.map((p) => p.seq)).toEqual(packets.map((_, i) => (i + 1) & 0xff));
    expect(packets[0]!.payload).toEqual(Buffer.from([16]));
    expect(isEof(packets[17]!)).toBe(true);
    expect(packets.slice(18, 21).map((p) => decodeTextRow(p.payload))).toEqual(TYPED_ROWS);
    const last = packets[21]!;
    expect(isEof(last)).toBe(true);
    expect(last.payload.readUInt16LE(3)).toBe(2); // SERVER_STATUS_AUTOCOMMIT
    expect(packets).toHaveLength(22);
  });

  it('ends result sets with an OK (0xFE) packet and no EOF when CLIENT_DEPRECATE_EOF is set', async () => {
    const client = await login({ deprecateEof: true });
    expect(client.deprecateEof).toBe(true);
    client.command(COM.QUERY, 'select * from typed');
    const packets = await client.readResponse();
    expect(packets).toHaveLength(1 + 16 + 3 + 1);
    expect(packets.slice(17, 20).map((p) => decodeTextRow(p.payload))).toEqual(TYPED_ROWS);
    const last = packets[20]!;
    expect(isOkTerminator(last)).toBe(true);
    expect(last.payload.readUInt16LE(3)).toBe(2); // status after affected rows and insert id
    client.command(COM.FIELD_LIST, Buffer.from('typed\0'));
    const fieldList = await client.read();
    expect(isOkTerminator(fieldList!)).toBe(true);
    client.command(COM_STMT.PREPARE, 'select ?, ?');
    const prepared = await client.read();
    expect(prepared!.payload.readUInt16LE(7)).toBe(2);
    const params = [await client.read(), await client.read()];
    expect(params.every((p) => p!.payload[0] === 3)).toBe(true); // 'def' column definitions, no EOF after
    client.command(COM.PING);
    expect((await client.read())!.payload[0]).toBe(0x00);
  });

  it('switches clients that ask for another auth plugin to mysql_native_password', async () => {
    for (const [user, password, ok] of [
      ['alice', 'secret', true],
      ['root', '', true],
      ['alice', 'wrong', false],
    ] as const) {
      const client = await RawClient.open(toy.port);
      clients.push(client);
      const { result, switched } = await client.login({ user, password, plugin: 'caching_sha2_password' });
      expect(switched).toBe(true);
      expect(result.seq).toBe(4);
      if (ok) expect(result.payload[0]).toBe(0x00);
      else {
        expect(parseErr(result.payload)).toEqual({
          errno: 1045,
          sqlState: '28000',
          message: "Access denied for user 'alice'@'127.0.0.1' (using password: YES)",
        });
        expect(await client.read()).toBeNull(); // and the server hangs up
      }
    }
  });

  it('closes the connection after an unknown database in the handshake', async () => {
    const client = await RawClient.open(toy.port);
    clients.push(client);
    const { result } = await client.login({ user: 'root', password: '', database: 'nope' });
    expect(parseErr(result.payload)).toEqual({
      errno: 1049,
      sqlState: '42000',
      message: "Unknown database 'nope'",
    });
    expect(await client.read()).toBeNull();
  });

  it('answers the small commands and refuses unknown ones with 1047', async () => {
    const client = await login();
    client.command(COM.CREATE_DB, 'x');
    const unknown = await client.read();
    expect(parseErr(unknown!.payload)).toEqual({
      errno: 1047,
      sqlState: '08S01',
      message: 'Unknown command',
    });
    client.command(COM.FIELD_LIST, Buffer.from('typed\0'));
    expect(isEof((await client.read())!)).toBe(true);
    client.command(COM_STMT.SET_OPTION, Buffer.from([1, 0]));
    expect(isEof((await client.read())!)).toBe(true);
    client.command(COM.INIT_DB, 'other');
    expect((await client.read())!.payload[0]).toBe(0x00);
    client.command(COM.INIT_DB, 'nope');
    expect(parseErr((await client.read())!.payload).errno).toBe(1049);
    client.command(COM.QUERY, 'select database()');
    const db = await client.readResponse();
    expect(decodeTextRow(db[3]!.payload)).toEqual(['other']);
  });

  it('handles the prepared statement life cycle', async () => {
    const client = await login();
    client.command(COM_STMT.PREPARE, "/*echo*/ select ? from t where a = '?'");
    const ok = (await client.read())!.payload;
    expect(ok[0]).toBe(0x00);
    const id = ok.readUInt32LE(1);
    expect([ok.readUInt16LE(5), ok.readUInt16LE(7)]).toEqual([0, 1]); // columns, params
    const def = await client.read();
    expect(def!.payload.includes(Buffer.from('?'))).toBe(true);
    expect(isEof((await client.read())!)).toBe(true);

    const execute = (newParams: boolean, value: number) => {
      const body = Buffer.alloc(newParams ? 4 + 1 + 4 + 1 + 1 + 2 + 1 : 4 + 1 + 4 + 1 + 1 + 1);
      body.writeUInt32LE(id, 0);
      body.writeUInt32LE(1, 5);
      body[9] = 0; // null bitmap
      body[10] = newParams ? 1 : 0;
      if (newParams) {
        body[11] = 1; // TINY
        body[12] = 0x80; // unsigned
      }
      body[body.length - 1] = value;
      client.command(COM_STMT.EXECUTE, body);
    };
    execute(true, 200);
    let result = await client.readResponse();
    expect(result[3]!.payload.includes(Buffer.from("select 200 from t where a = '?'"))).toBe(true);
    execute(false, 201); // types remembered from the previous execute
    result = await client.readResponse();
    expect(result[3]!.payload.includes(Buffer.from("select 201 from t where a = '?'"))).toBe(true);

    client.command(COM_STMT.RESET, Buffer.from(Uint32Array.of(id).buffer));
    expect((await client.read())!.payload[0]).toBe(0x00);
    client.command(COM_STMT.CLOSE, Buffer.from(Uint32Array.of(id).buffer)); // no reply
    client.command(COM.PING);
    const pong = await client.read();
    expect([pong!.seq, pong!.payload[0]]).toEqual([1, 0x00]);
    execute(true, 1);
    expect(parseErr((await client.read())!.payload)).toEqual({
      errno: 1243,
      sqlState: 'HY000',
      message: `Unknown prepared statement handler (${id}) given to mysqld_stmt_execute`,
    });

    client.command(COM_STMT.PREPARE, 'select 1');
    const second = (await client.read())!.payload.readUInt32LE(1);
    expect(second).toBe(id + 1);
    client.command(COM_STMT.RESET_CONNECTION);
    expect((await client.read())!.payload[0]).toBe(0x00);
    client.command(COM_STMT.RESET, Buffer.from(Uint32Array.of(second).buffer));
    expect(parseErr((await client.read())!.payload).errno).toBe(1243);
  });

  it('runs pipelined commands in order, whether they share a TCP chunk or arrive byte by byte', async () => {
    const client = await login();
    const commands = [
      RawClient.frame(Buffer.from('\x03select sleep(30), 1')),
      RawClient.frame(Buffer.from('\x03select 1')),
      RawClient.frame(Buffer.from('\x0e')),
      RawClient.frame(Buffer.from('\x03select sleep(1), 2')),
    ];
    client.socket.write(Buffer.concat(commands));
    const answers = [await client.readResponse(), await client.readResponse(), await client.readResponse()];
    const fourth = await client.readResponse();
    expect(decodeTextRow(answers[0]![3]!.payload)).toEqual(['1']);
    expect(decodeTextRow(answers[1]![3]!.payload)).toEqual(['1']);
    expect(answers[2]![0]!.payload[0]).toBe(0x00);
    expect(decodeTextRow(fourth[3]!.payload)).toEqual(['2']);

    const bytes = Buffer.concat([RawClient.frame(Buffer.from('\x03select connection_id()'))]);
    for (const byte of bytes) {
      client.socket.write(Buffer.from([byte]));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const id = await client.readResponse();
    expect(Number(decodeTextRow(id[3]!.payload)[0])).toBeGreaterThan(0);
    client.command(COM.QUIT);
    expect(await client.read()).toBeNull();
  });
});

describe('large results', () => {
  /** Runs `select * from series(n)` on a raw connection, counting rows without keeping them. */
  async function countRows(
    client: RawClient,
    n: number,
    binary = false,
  ): Promise<{ rows: number; bytes: number; ms: number }> {
    let rows = -1;
    let bytes = 0;
    let stage = 0; // 0: header, 1: definitions, 2: rows
    // Timed from the first packet, so the toy handler's generation of the rows is not counted.
    let start = 0;
    const done = new Promise<void>((resolve) => {
      client.sink = (payload) => {
        bytes += payload.length + 4;
        if (stage === 0) {
          stage = 1;
          start = performance.now();
        } else if (stage === 1) {
          if (payload[0] === 0xfe && payload.length < 9) stage = 2;
        } else if (payload[0] === 0xfe && payload.length < 9) {
          client.sink = null;
          resolve();
        } else rows++;
      };
    });
    rows = 0;
    if (binary) {
      const body = Buffer.alloc(9);
      body.writeUInt32LE(1, 0); // statement id 1: the first one prepared on this connection
      body.writeUInt32LE(1, 5);
      client.command(COM_STMT.EXECUTE, body);
    } else client.command(COM.QUERY, `select * from series(${n})`);
    await done;
    return { rows, bytes, ms: performance.now() - start };
  }

  it('streams a 1,000,000-row text result quickly', async () => {
    const client = await login();
    await countRows(client, 1000); // warm-up
    const n = 1_000_000;
    const { rows, bytes, ms } = await countRows(client, n);
    expect(rows).toBe(n);
    const rate = Math.round(n / (ms / 1000));
    console.log(
      `text result: ${n} rows (${(bytes / 1e6).toFixed(1)} MB) in ${ms.toFixed(0)} ms = ${rate} rows/s`,
    );
    expect(rate).toBeGreaterThan(150_000); // loose bound for slow CI machines; typically well above 500k
  }, 60_000);

  it('streams a 1,000,000-row binary result (COM_STMT_EXECUTE)', async () => {
    const client = await login();
    const n = 1_000_000;
    client.command(COM_STMT.PREPARE, `select * from series(${n})`);
    expect((await client.read())!.payload.readUInt32LE(1)).toBe(1);
    const { rows, bytes, ms } = await countRows(client, n, true);
    expect(rows).toBe(n);
    const rate = Math.round(n / (ms / 1000));
    console.log(
      `binary result: ${n} rows (${(bytes / 1e6).toFixed(1)} MB) in ${ms.toFixed(0)} ms = ${rate} rows/s`,
    );
    expect(rate).toBeGreaterThan(100_000);
  }, 60_000);

  it('respects backpressure: a 2,000,000-row result to a paused client does not pile up in memory', async () => {
    const client = await login();
    // The encoded result is about 65 MB.
    const before = process.memoryUsage().arrayBuffers;
    client.socket.pause();
    client.command(3, 'select * from series(2000000)');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const during = process.memoryUsage().arrayBuffers;
    // Only socket buffers and one output buffer are in flight, not the whole 50+ MB result.
    expect(during - before).toBeLessThan(16 * 1024 * 1024);
    let rows = 0;
    const done = new Promise<void>((resolve) => {
      let definitions = 0;
      client.sink = (payload) => {
        if (definitions < 6)
          definitions++; // count, 4 definitions, EOF
        else if (payload[0] === 0xfe && payload.length < 9) resolve();
        else rows++;
      };
    });
    client.socket.resume();
    await done;
    expect(rows).toBe(2_000_000);
  }, 60_000);
});
