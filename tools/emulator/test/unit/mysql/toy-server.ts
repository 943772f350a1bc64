import {
  MysqlError,
  type MysqlServer,
  type MysqlSession,
  MysqlType,
  type QueryResult,
  type ResultColumn,
  startMysqlServer,
} from '../../../src/mysql/index.js';

/** Columns of the `typed` toy table: one of most types, so clients' decoding can be checked. */
export const TYPED_COLUMNS: ResultColumn[] = [
  { name: 'id', type: MysqlType.LONG, notNull: true },
  { name: 'tiny', type: MysqlType.TINY },
  { name: 'small', type: MysqlType.SHORT },
  { name: 'big', type: MysqlType.LONGLONG },
  { name: 'ubig', type: MysqlType.LONGLONG, unsigned: true },
  { name: 'flt', type: MysqlType.FLOAT },
  { name: 'dbl', type: MysqlType.DOUBLE },
  { name: 'dec', type: MysqlType.NEWDECIMAL, decimals: 2, length: 12 },
  { name: 'name', type: MysqlType.VAR_STRING },
  { name: 'd', type: MysqlType.DATE },
  { name: 'dt', type: MysqlType.DATETIME, decimals: 6 },
  { name: 'ts', type: MysqlType.TIMESTAMP },
  { name: 't', type: MysqlType.TIME },
  { name: 'j', type: MysqlType.JSON },
  { name: 'b', type: MysqlType.BLOB, binary: true },
  { name: 'yr', type: MysqlType.YEAR },
];

/** Rows of the `typed` toy table, in TEXT form. */
export const TYPED_ROWS: (string | null)[][] = [
  [
    '1',
    '-5',
    '300',
    '9007199254740991',
    '4294967296',
    '1.5',
    '1234.5678',
    '12345.67',
    'héllo 世界 🎉',
    '2024-02-29',
    '2024-02-29 13:14:15.123456',
    '2001-02-03 04:05:06',
    '-25:30:15',
    '{"a":[1,2,{"b":null}]}',
    'raw',
    '2024',
  ],
  [
    '2',
    '127',
    '-32768',
    '-9007199254740991',
    '0',
    '-0.25',
    '-1e+300',
    '-0.01',
    'it\'s "quoted" \\ back',
    '1999-12-31',
    '1999-12-31 23:59:59',
    '1970-01-02 00:00:00',
    '12:00:00.5',
    '[]',
    '',
    '1901',
  ],
  ['3', null, null, null, null, null, null, null, null, null, null, null, null, null, null, null],
];

/** A toy database: users root (no password) and alice ('secret'), databases `db` and `other`. */
export interface ToyServer {
  server: MysqlServer;
  port: number;
  /** Every SQL string the handler was called with. */
  log: string[];
  /** (session id, database) of every useDatabase call. */
  useLog: [number, string][];
  /** Ids of closed sessions. */
  closed: number[];
}

const USERS = new Map([
  ['root', ''],
  ['alice', 'secret'],
]);
const DATABASES = new Set(['db', 'other']);

function rows(columns: ResultColumn[], data: (string | null)[][]): QueryResult {
  return { kind: 'rows', columns, rows: data };
}

function single(name: string, type: ResultColumn['type'], value: string | null): QueryResult {
  return rows([{ name, type }], [[value]]);
}

let bigRows: (string | null)[][] | null = null;

/** 200,000 rows of (id LONG, name VAR_STRING, price NEWDECIMAL, note VAR_STRING with some NULLs). */
export function bigTable(count = 200_000): (string | null)[][] {
  if (count === 200_000 && bigRows) return bigRows;
  const out: (string | null)[][] = new Array(count);
  for (let i = 0; i < count; i++) {
    out[i] = [
      String(i),
      `name-${i}`,
      `${i % 1000}.${String(i % 100).padStart(2, '0')}`,
      i % 7 === 0 ? null : 'x',
    ];
  }
  if (count === 200_000) bigRows = out;
  return out;
}

export const BIG_COLUMNS: ResultColumn[] = [
  { name: 'id', type: MysqlType.LONG },
  { name: 'name', type: MysqlType.VAR_STRING },
  { name: 'price', type: MysqlType.NEWDECIMAL },
  { name: 'note', type: MysqlType.VAR_STRING },
];

/** Undoes the quoting of a single-quoted SQL literal (backslash escapes, doubled quotes). */
export function unquote(literal: string): string {
  return literal.slice(1, -1).replace(/\\(.)|''/gs, (_m, c: string | undefined) => c ?? "'");
}

async function handle(session: MysqlSession, sql: string): Promise<QueryResult> {
  const text = sql.trim().replace(/;$/, '');
  const lower = text.toLowerCase();
  if (lower.startsWith('/*echo*/')) return single('sql', MysqlType.VAR_STRING, text);
  const bigLiteral = /^select ('.*') as big$/s.exec(text);
  if (bigLiteral) return single('big', MysqlType.VAR_STRING, unquote(bigLiteral[1]!));
  const sleep = /^select sleep\((\d+)\), (\d+)$/.exec(lower);
  if (sleep) {
    await new Promise((resolve) => setTimeout(resolve, Number(sleep[1])));
    return single('n', MysqlType.LONGLONG, sleep[2]!);
  }
  const series = /^select \* from series\((\d+)\)$/.exec(lower);
  if (series) {
    const n = Number(series[1]);
    return rows(BIG_COLUMNS, bigTable(n));
  }
  switch (lower) {
    case 'select 1':
      return single('1', MysqlType.LONGLONG, '1');
    case 'select @@version_comment limit 1':
      return single('@@version_comment', MysqlType.VAR_STRING, 'StarRocks emulator');
    case 'select database()':
      return single('database()', MysqlType.VAR_STRING, session.database);
    case 'select user()':
      return single('user()', MysqlType.VAR_STRING, `${session.user}@${session.remoteAddress}`);
    case 'select connection_id()':
      return single('connection_id()', MysqlType.LONGLONG, String(session.id));
    case 'select * from typed':
      return rows(TYPED_COLUMNS, TYPED_ROWS);
    case 'select * from big':
      return rows(BIG_COLUMNS, bigTable());
    case 'select * from empty':
      return rows([{ name: 'x', type: MysqlType.LONG }], []);
    case 'show databases':
      return rows(
        [{ name: 'Database', type: MysqlType.VAR_STRING }],
        [...DATABASES].map((d) => [d]),
      );
    case 'show tables':
      return rows(
        [{ name: `Tables_in_${session.database}`, type: MysqlType.VAR_STRING }],
        [['typed'], ['big']],
      );
    case 'insert into t values (1),(2),(3)':
      return { kind: 'ok', affectedRows: 3, insertId: 7, info: 'Records: 3  Duplicates: 0  Warnings: 0' };
    case 'select broken':
      // A handler bug: the second row is missing, found only while the result is being written.
      return rows([{ name: 'x', type: MysqlType.LONG }], [['1'], undefined as unknown as string[]]);
    case 'fail mysql':
      throw new MysqlError("Table 'db.nope' doesn't exist", 1146, '42S02');
    case 'fail plain':
      throw new Error('boom');
    case 'fail weird':
      throw 'not an error object';
  }
  if (lower.startsWith('set ')) return { kind: 'ok' };
  throw new MysqlError(`Unknown statement: ${text}`);
}

/** Starts the toy server on a free port. */
export async function startToyServer(): Promise<ToyServer> {
  const log: string[] = [];
  const useLog: [number, string][] = [];
  const closed: number[] = [];
  const server = await startMysqlServer({
    host: '127.0.0.1',
    port: 0,
    serverVersion: '8.0.33-emulator',
    lookupPassword: (user) => USERS.get(user),
    query: async (session, sql) => {
      log.push(sql);
      return handle(session, sql);
    },
    useDatabase: async (session, database) => {
      useLog.push([session.id, database]);
      if (!DATABASES.has(database)) throw new MysqlError(`Unknown database '${database}'`, 1049, '42000');
    },
    onSessionClosed: (session) => closed.push(session.id),
  });
  return { server, port: server.port, log, useLog, closed };
}
