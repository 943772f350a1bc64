/** Spec §7, §8: the MySQL-protocol side (mysql2 and the stock mariadb CLI): session, DDL, metadata, SELECT. */
import type { FieldPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../src/index.js';
import {
  type Conn,
  count,
  createDb,
  mariadbCli,
  mysqlError,
  ONE_BUCKET,
  openMysql,
  pollUntil,
  q,
  qText,
  streamLoad,
  uniq,
} from './helpers.js';

let emu: Emulator;
let conn: Conn;
let db: string;

beforeAll(async () => {
  emu = await startEmulator({ alterJobDelayMs: 50, onError: () => {} });
  conn = await openMysql(emu);
  db = await createDb(conn, 'my');
});

afterAll(async () => {
  await conn?.end();
  await emu?.close();
});

async function fields(sql: string): Promise<string[]> {
  const [, f] = await conn.query(sql);
  return (f as FieldPacket[]).map((x) => x.name);
}

const ids = async (sql: string) => (await q(conn, sql)).map((r) => r.id);

describe('session', () => {
  it('answers SELECT current_version() with a version string', async () => {
    const rows = await qText(conn, 'SELECT current_version()');
    expect(rows).toHaveLength(1);
    expect(rows[0]![0]).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('answers select @@version_comment limit 1 and SET NAMES utf8mb4', async () => {
    const rows = await q(conn, 'select @@version_comment limit 1');
    expect(rows).toHaveLength(1);
    const v = Object.values(rows[0]!)[0];
    expect(typeof v).toBe('string');
    expect(String(v).length).toBeGreaterThan(0);
    await conn.query('SET NAMES utf8mb4');
    expect(await q(conn, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });
});

describe('databases', () => {
  it('CREATE DATABASE shows in SHOW DATABASES and information_schema.schemata (CATALOG_NAME NULL)', async () => {
    const d = uniq('newdb');
    await conn.query(`CREATE DATABASE ${d}`);
    expect(await fields('SHOW DATABASES')).toEqual(['Database']);
    expect((await q(conn, 'SHOW DATABASES')).map((r) => r.Database)).toContain(d);
    expect(
      await q(
        conn,
        `SELECT SCHEMA_NAME, CATALOG_NAME FROM information_schema.schemata WHERE SCHEMA_NAME = '${d}'`,
      ),
    ).toEqual([{ SCHEMA_NAME: d, CATALOG_NAME: null }]);
  });

  it('CREATE DATABASE of an existing one fails with 1007 unless IF NOT EXISTS', async () => {
    const d = await createDb(conn, 'exists');
    const e = await mysqlError(conn.query(`CREATE DATABASE ${d}`));
    expect(e.errno).toBe(1007);
    await conn.query(`CREATE DATABASE IF NOT EXISTS ${d}`);
  });

  it('DROP DATABASE removes it; dropping a missing one fails with 1008 unless IF EXISTS', async () => {
    const d = await createDb(conn, 'drop');
    await conn.query(`CREATE TABLE ${d}.t (id INT) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) ${ONE_BUCKET}`);
    await conn.query(`DROP DATABASE ${d}`);
    expect((await q(conn, 'SHOW DATABASES')).map((r) => r.Database)).not.toContain(d);
    const e = await mysqlError(conn.query(`DROP DATABASE ${d}`));
    expect(e.errno).toBe(1008);
    await conn.query(`DROP DATABASE IF EXISTS ${d}`);
    const load = await streamLoad(emu, d, 't', {}, '1\n');
    expect(load.json.Message).toBe(`unknown database, database=${d}`);
  });

  it('refuses a database name that does not match the naming rule', async () => {
    await mysqlError(conn.query('CREATE DATABASE `1abc`'));
    await mysqlError(conn.query('CREATE DATABASE `a-b`'));
  });

  it('USE switches the database (text and COM_INIT_DB); an unknown one is 5501 (ERR_BAD_DB_ERROR); no database is 1046', async () => {
    const c = await openMysql(emu);
    try {
      expect((await mysqlError(c.query('SHOW TABLES'))).errno).toBe(1046);
      await c.query(`USE ${db}`);
      expect(await q(c, 'SELECT database() AS d')).toEqual([{ d: db }]);
      expect((await mysqlError(c.query('USE nosuchdb_xyz'))).errno).toBe(5501);
      expect((await mysqlError(openMysql(emu, { database: 'nosuchdb_xyz' }))).errno).toBe(5501);
      const c2 = await openMysql(emu, { database: db });
      expect(await q(c2, 'SELECT database() AS d')).toEqual([{ d: db }]);
      await c2.end();
    } finally {
      await c.end();
    }
  });
});

describe('tables and metadata (§7.1–§7.4)', () => {
  const ALL_TYPES = `(
    k INT NOT NULL COMMENT "the key",
    b BOOLEAN,
    ti TINYINT,
    si SMALLINT,
    i INT,
    bi BIGINT,
    li LARGEINT,
    f FLOAT,
    d DOUBLE,
    dc DECIMAL(38, 10),
    dc2 DECIMAL(10,2) DEFAULT "0",
    c CHAR(5),
    vc VARCHAR(20),
    s STRING,
    dt DATE,
    dtm DATETIME,
    j JSON,
    arr ARRAY<INT>,
    m MAP<VARCHAR(10), INT>,
    st STRUCT<a INT, b VARCHAR(10)>
  ) DUPLICATE KEY(k) COMMENT "all the types" DISTRIBUTED BY HASH(k) ${ONE_BUCKET}`;

  // §7.2: DATA_TYPE and COLUMN_TYPE per column type.
  const EXPECTED_TYPES: [string, string, string][] = [
    ['k', 'int', 'int(11)'],
    ['b', 'tinyint', 'tinyint(1)'],
    ['ti', 'tinyint', 'tinyint(4)'],
    ['si', 'smallint', 'smallint(6)'],
    ['i', 'int', 'int(11)'],
    ['bi', 'bigint', 'bigint(20)'],
    ['li', 'bigint unsigned', 'bigint(20) unsigned'],
    ['f', 'float', 'float'],
    ['d', 'double', 'double'],
    ['dc', 'decimal', 'decimal(38, 10)'],
    ['dc2', 'decimal', 'decimal(10, 2)'],
    ['c', 'char', 'char(5)'],
    ['vc', 'varchar', 'varchar(20)'],
    ['s', 'varchar', 'varchar(65533)'],
    ['dt', 'date', 'date'],
    ['dtm', 'datetime', 'datetime'],
    ['j', 'json', 'json'],
    ['arr', 'array', 'array<int(11)>'],
    ['m', 'map', 'map<varchar(10),int(11)>'],
    ['st', 'struct', 'struct<a int(11), b varchar(10)>'],
  ];

  beforeAll(async () => {
    await conn.query(`CREATE TABLE ${db}.alltypes ${ALL_TYPES}`);
  });

  it('prints FLOAT as the shortest decimal of the float32 (1.1, not 1.100000023841858)', async () => {
    await conn.query(
      `CREATE TABLE ${db}.floats (k INT NOT NULL, f FLOAT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) ${ONE_BUCKET}`,
    );
    const r = await streamLoad(
      emu,
      db,
      'floats',
      { column_separator: ',' },
      '1,1.1\n2,0.3\n3,-3.4028234e38\n4,16777217',
    );
    expect(r.json.Status, r.body).toBe('Success');
    const [rows] = await conn.query({
      sql: `SELECT k, f FROM ${db}.floats ORDER BY k`,
      typeCast: (field, next) => (field.name === 'f' ? field.string() : next()),
    });
    expect((rows as { f: string }[]).map((r) => r.f)).toEqual(['1.1', '0.3', '-3.4028235e+38', '16777216']);
  });

  it('lists tables in SHOW TABLES (column Tables_in_<db>)', async () => {
    const rows = await q(conn, `SHOW TABLES FROM ${db}`);
    expect(Object.keys(rows[0]!)).toEqual([`Tables_in_${db}`]);
    expect(rows.map((r) => r[`Tables_in_${db}`])).toContain('alltypes');
    const c = await openMysql(emu, { database: db });
    expect((await q(c, 'SHOW TABLES')).map((r) => Object.values(r)[0])).toContain('alltypes');
    await c.end();
  });

  it('CREATE TABLE of an existing table is 1050 unless IF NOT EXISTS', async () => {
    expect((await mysqlError(conn.query(`CREATE TABLE ${db}.alltypes ${ALL_TYPES}`))).errno).toBe(1050);
    await conn.query(`CREATE TABLE IF NOT EXISTS ${db}.alltypes ${ALL_TYPES}`);
  });

  it('information_schema.columns: DATA_TYPE and COLUMN_TYPE of every type, positions, nullability, keys', async () => {
    const rows = await q(
      conn,
      `SELECT COLUMN_NAME, ORDINAL_POSITION, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, COLUMN_KEY, COLUMN_DEFAULT, COLUMN_COMMENT
       FROM information_schema.columns WHERE TABLE_SCHEMA = '${db}' AND TABLE_NAME = 'alltypes' ORDER BY ORDINAL_POSITION`,
    );
    expect(rows.map((r) => [r.COLUMN_NAME, r.DATA_TYPE, r.COLUMN_TYPE])).toEqual(EXPECTED_TYPES);
    expect(rows.map((r) => Number(r.ORDINAL_POSITION))).toEqual(EXPECTED_TYPES.map((_, i) => i + 1));
    expect(rows[0]).toMatchObject({ IS_NULLABLE: 'NO', COLUMN_KEY: 'DUP', COLUMN_COMMENT: 'the key' });
    for (const r of rows.slice(1)) {
      expect(r.IS_NULLABLE, String(r.COLUMN_NAME)).toBe('YES');
      expect(r.COLUMN_KEY, String(r.COLUMN_NAME)).toBe('');
    }
    expect(rows.find((r) => r.COLUMN_NAME === 'dc2')!.COLUMN_DEFAULT).toBe('0');
    expect(rows.find((r) => r.COLUMN_NAME === 'vc')!.COLUMN_DEFAULT).toBeNull();
  });

  it('information_schema.columns: decimal precision/scale and varchar length', async () => {
    const rows = await q(
      conn,
      `SELECT COLUMN_NAME, NUMERIC_PRECISION, NUMERIC_SCALE, CHARACTER_MAXIMUM_LENGTH FROM information_schema.columns
       WHERE TABLE_SCHEMA = '${db}' AND TABLE_NAME = 'alltypes' AND COLUMN_NAME IN ('dc', 'dc2', 'vc') ORDER BY ORDINAL_POSITION`,
    );
    expect(rows.map((r) => [r.COLUMN_NAME, r.NUMERIC_PRECISION, r.NUMERIC_SCALE].map(String))).toEqual([
      ['dc', '38', '10'],
      ['dc2', '10', '2'],
      ['vc', 'null', 'null'],
    ]);
    expect(Number(rows[2]!.CHARACTER_MAXIMUM_LENGTH)).toBe(20);
  });

  it('COLUMN_KEY is PRI / UNI / DUP for key columns of each model; PK key columns are NOT NULL', async () => {
    await conn.query(
      `CREATE TABLE ${db}.m_pk (id INT, v INT) PRIMARY KEY(id) DISTRIBUTED BY HASH(id) ${ONE_BUCKET}`,
    );
    await conn.query(
      `CREATE TABLE ${db}.m_uq (a INT, b INT, v INT) UNIQUE KEY(a, b) DISTRIBUTED BY HASH(a) ${ONE_BUCKET}`,
    );
    await conn.query(
      `CREATE TABLE ${db}.m_dup (a INT, b INT, v INT) DUPLICATE KEY(a, b) DISTRIBUTED BY HASH(a) ${ONE_BUCKET}`,
    );
    const keys = async (t: string) =>
      (
        await q(
          conn,
          `SELECT COLUMN_NAME, COLUMN_KEY, IS_NULLABLE FROM information_schema.columns
           WHERE TABLE_SCHEMA = '${db}' AND TABLE_NAME = '${t}' ORDER BY ORDINAL_POSITION`,
        )
      ).map((r) => [r.COLUMN_NAME, r.COLUMN_KEY, r.IS_NULLABLE]);
    expect(await keys('m_pk')).toEqual([
      ['id', 'PRI', 'NO'],
      ['v', '', 'YES'],
    ]);
    expect((await keys('m_uq')).map((x) => x.slice(0, 2))).toEqual([
      ['a', 'UNI'],
      ['b', 'UNI'],
      ['v', ''],
    ]);
    expect((await keys('m_dup')).map((x) => x.slice(0, 2))).toEqual([
      ['a', 'DUP'],
      ['b', 'DUP'],
      ['v', ''],
    ]);
  });

  it('information_schema.tables_config: TABLE_MODEL and PRIMARY_KEY', async () => {
    const rows = await q(
      conn,
      `SELECT TABLE_NAME, TABLE_MODEL, PRIMARY_KEY FROM information_schema.tables_config
       WHERE TABLE_SCHEMA = '${db}' AND TABLE_NAME IN ('alltypes', 'm_pk', 'm_uq', 'm_dup') ORDER BY TABLE_NAME`,
    );
    const byName = Object.fromEntries(rows.map((r) => [r.TABLE_NAME, r]));
    expect(byName.alltypes).toMatchObject({ TABLE_MODEL: 'DUP_KEYS', PRIMARY_KEY: '' });
    expect(byName.m_dup).toMatchObject({ TABLE_MODEL: 'DUP_KEYS', PRIMARY_KEY: '' });
    expect(byName.m_pk!.TABLE_MODEL).toBe('PRIMARY_KEYS');
    expect(String(byName.m_pk!.PRIMARY_KEY)).toContain('id');
    expect(byName.m_uq!.TABLE_MODEL).toBe('UNIQUE_KEYS');
    expect(String(byName.m_uq!.PRIMARY_KEY)).toMatch(/a.*b/);
  });

  it('information_schema.tables: BASE TABLE, engine StarRocks, the table comment', async () => {
    const rows = await q(
      conn,
      `SELECT TABLE_NAME, TABLE_TYPE, TABLE_COMMENT, ENGINE FROM information_schema.tables
       WHERE TABLE_SCHEMA = '${db}' AND TABLE_NAME = 'alltypes'`,
    );
    expect(rows).toEqual([
      {
        TABLE_NAME: 'alltypes',
        TABLE_TYPE: 'BASE TABLE',
        TABLE_COMMENT: 'all the types',
        ENGINE: 'StarRocks',
      },
    ]);
  });

  it('answers the §7.1 metadata queries as prepared statements with ? parameters', async () => {
    const [rows] = await conn.execute(
      'SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.columns WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
      [db, 'alltypes'],
    );
    expect((rows as { COLUMN_NAME: string }[]).map((r) => r.COLUMN_NAME)).toEqual(
      EXPECTED_TYPES.map((x) => x[0]),
    );
  });

  it('SHOW CREATE TABLE has the §7.3 shape', async () => {
    await conn.query(
      `CREATE TABLE ${db}.orders (
        id BIGINT NOT NULL,
        name VARCHAR(64),
        amount DECIMAL(18, 2) DEFAULT "0",
        dt DATE
      ) PRIMARY KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 8 PROPERTIES ("replication_num" = "1")`,
    );
    const rows = await q(conn, `SHOW CREATE TABLE ${db}.orders`);
    expect(Object.keys(rows[0]!)).toEqual(['Table', 'Create Table']);
    expect(rows[0]!.Table).toBe('orders');
    const lines = String(rows[0]!['Create Table'])
      .split('\n')
      .map((l) => l.trimEnd());
    expect(lines.slice(0, 10)).toEqual([
      'CREATE TABLE `orders` (',
      '  `id` bigint(20) NOT NULL COMMENT "",',
      '  `name` varchar(64) NULL COMMENT "",',
      '  `amount` decimal(18, 2) NULL DEFAULT "0" COMMENT "",',
      '  `dt` date NULL COMMENT ""',
      ') ENGINE=OLAP',
      'PRIMARY KEY(`id`)',
      'COMMENT "OLAP"',
      'DISTRIBUTED BY HASH(`id`) BUCKETS 8',
      'PROPERTIES (',
    ]);
    expect(lines.at(-1)).toBe(');');
    const props = lines.slice(10, -1).map((l) => l.replace(/,$/, ''));
    for (const p of props) expect(p).toMatch(/^"[^"]+" = "[^"]*"$/);
    const names = props.map((p) => p.split('"')[1]!);
    expect(names).toEqual([...names].sort());
    expect(props).toContain('"replication_num" = "1"');
    // Commas between properties, none after the last.
    expect(lines.slice(10, -2).every((l) => l.endsWith(','))).toBe(true);
    expect(lines.at(-2)!.endsWith(',')).toBe(false);
  });

  it('SHOW CREATE TABLE prints the key clause of each model, the table comment, and no BUCKETS when not given', async () => {
    await conn.query(
      `CREATE TABLE ${db}.sc_dup (a INT, b VARCHAR(10), v INT) DUPLICATE KEY(a, b) COMMENT "dups" DISTRIBUTED BY HASH(a) PROPERTIES ("replication_num" = "1")`,
    );
    const ddl = async (t: string) =>
      String((await q(conn, `SHOW CREATE TABLE ${db}.${t}`))[0]!['Create Table']);
    const dup = await ddl('sc_dup');
    expect(dup).toContain('DUPLICATE KEY(`a`, `b`)');
    expect(dup).toContain('COMMENT "dups"');
    expect(dup).toMatch(/DISTRIBUTED BY HASH\(`a`\)\s*\n/);
    expect(dup).not.toContain('BUCKETS');
    expect(await ddl('m_uq')).toContain('UNIQUE KEY(`a`, `b`)');
    expect(await ddl('m_pk')).toContain('PRIMARY KEY(`id`)');
    // PK key columns are always NOT NULL.
    expect(await ddl('m_pk')).toContain('`id` int(11) NOT NULL');
  });

  it('DESC lists the columns with Field/Type/Null/Key/Default/Extra', async () => {
    const [rows, f] = await conn.query(`DESC ${db}.orders`);
    expect((f as FieldPacket[]).map((x) => x.name)).toEqual([
      'Field',
      'Type',
      'Null',
      'Key',
      'Default',
      'Extra',
    ]);
    expect((rows as { Field: string }[]).map((r) => r.Field)).toEqual(['id', 'name', 'amount', 'dt']);
  });

  it('refuses FLOAT/DOUBLE key columns', async () => {
    await mysqlError(
      conn.query(
        `CREATE TABLE ${db}.fk (f FLOAT, v INT) DUPLICATE KEY(f) DISTRIBUTED BY HASH(f) ${ONE_BUCKET}`,
      ),
    );
  });

  it('SHOW FULL COLUMNS lists Field/Type/Null/Key/Default/Extra', async () => {
    const [rows, f] = await conn.query(`SHOW FULL COLUMNS FROM ${db}.orders`);
    const names = (f as FieldPacket[]).map((x) => x.name);
    for (const n of ['Field', 'Type', 'Null', 'Key', 'Default', 'Extra']) expect(names).toContain(n);
    expect((rows as { Field: string }[]).map((r) => r.Field)).toEqual(['id', 'name', 'amount', 'dt']);
  });

  it('prints column comments and NOT NULL defaults in SHOW CREATE TABLE', async () => {
    await conn.query(
      `CREATE TABLE ${db}.cm (id INT NOT NULL COMMENT "identifier", n INT NOT NULL DEFAULT "3" COMMENT "") DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) ${ONE_BUCKET}`,
    );
    const ddl = String((await q(conn, `SHOW CREATE TABLE ${db}.cm`))[0]!['Create Table']);
    expect(ddl).toContain('  `id` int(11) NOT NULL COMMENT "identifier",');
    expect(ddl).toContain('  `n` int(11) NOT NULL DEFAULT "3" COMMENT ""');
  });

  it('applies type defaults: DECIMAL = (10,0), CHAR and VARCHAR without a length = 1', async () => {
    await conn.query(
      `CREATE TABLE ${db}.dflt (id INT, d DECIMAL, c CHAR, v VARCHAR) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) ${ONE_BUCKET}`,
    );
    const rows = await q(
      conn,
      `SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.columns WHERE TABLE_SCHEMA = '${db}' AND TABLE_NAME = 'dflt' ORDER BY ORDINAL_POSITION`,
    );
    expect(rows.map((r) => r.COLUMN_TYPE)).toEqual(['int(11)', 'decimal(10, 0)', 'char(1)', 'varchar(1)']);
  });

  it('refuses CHAR over 255, a DECIMAL scale over its precision, and reserved or invalid column names', async () => {
    const mk = (cols: string) =>
      conn.query(
        `CREATE TABLE ${db}.${uniq('bad')} (${cols}) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) ${ONE_BUCKET}`,
      );
    await mysqlError(mk('id INT, c CHAR(256)'));
    await mysqlError(mk('id INT, d DECIMAL(10, 11)'));
    await mysqlError(mk('id INT, __op INT'));
    await mysqlError(mk('id INT, `a=b` INT'));
    await mysqlError(mk('id INT, `a*b` INT'));
  });

  it('fills DEFAULT CURRENT_TIMESTAMP at load time', async () => {
    await conn.query(
      `CREATE TABLE ${db}.ts (id INT, created DATETIME DEFAULT CURRENT_TIMESTAMP) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) ${ONE_BUCKET}`,
    );
    const r = await streamLoad(emu, db, 'ts', { columns: 'id' }, '1\n');
    expect(r.json.Status, r.body).toBe('Success');
    const [row] = await qText(conn, `SELECT created FROM ${db}.ts`);
    expect(row![0]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
  });

  it('treats database names case-sensitively', async () => {
    const d = uniq('CaseDb');
    await conn.query(`CREATE DATABASE ${d}`);
    await conn.query(`CREATE DATABASE ${d.toLowerCase()}`);
    const names = (await q(conn, 'SHOW DATABASES')).map((r) => r.Database);
    expect(names).toContain(d);
    expect(names).toContain(d.toLowerCase());
  });

  it('TRUNCATE TABLE empties a table, DROP TABLE removes it (5502 when missing unless IF EXISTS)', async () => {
    await conn.query(
      `CREATE TABLE ${db}.tr (id INT) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) ${ONE_BUCKET}`,
    );
    expect((await streamLoad(emu, db, 'tr', {}, '1\n2\n')).json.Status).toBe('Success');
    await conn.query(`TRUNCATE TABLE ${db}.tr`);
    expect(await count(conn, db, 'tr')).toBe(0);
    expect((await streamLoad(emu, db, 'tr', {}, '3\n')).json.Status).toBe('Success');
    expect(await count(conn, db, 'tr')).toBe(1);
    // StarRocks ErrorCode.ERR_BAD_FIELD_ERROR(5509, "42S22")
    const badField = await mysqlError(conn.query(`SELECT nope FROM ${db}.tr`));
    expect([badField.errno, badField.sqlState]).toEqual([5509, '42S22']);
    await conn.query(`DROP TABLE ${db}.tr`);
    expect((await q(conn, `SHOW TABLES FROM ${db}`)).map((r) => Object.values(r)[0])).not.toContain('tr');
    const badTable = await mysqlError(conn.query(`DROP TABLE ${db}.tr`));
    expect([badTable.errno, badTable.sqlState]).toEqual([5502, '42602']);
    await conn.query(`DROP TABLE IF EXISTS ${db}.tr`);
    const load = await streamLoad(emu, db, 'tr', {}, '1\n');
    expect(load.json.Message).toBe(`unknown table "${db}.tr"`);
  });

  it('renders every type as text in the text protocol', async () => {
    const row =
      '{"k":1,"b":true,"ti":-5,"si":300,"i":-70000,"bi":9223372036854775807,' +
      '"li":"170141183460469231731687303715884105727","f":1.5,"d":2.25,"dc":"12345.678","dc2":"1.5",' +
      '"c":"ab","vc":"héllo","s":"a long string","dt":"2024-01-02","dtm":"2024-01-02 03:04:05",' +
      '"j":{"a":1,"b":[1,2]},"arr":[1,2,3],"m":{"k":1},"st":{"a":1,"b":"x"}}\n{"k":2}';
    const r = await streamLoad(emu, db, 'alltypes', { format: 'json' }, row);
    expect(r.json.Status, r.body).toBe('Success');
    const rows = await qText(conn, `SELECT * FROM ${db}.alltypes ORDER BY k`);
    expect(rows).toHaveLength(2);
    const [a, n] = rows as [(string | null)[], (string | null)[]];
    expect(a.slice(0, 16)).toEqual([
      '1',
      '1',
      '-5',
      '300',
      '-70000',
      '9223372036854775807',
      '170141183460469231731687303715884105727',
      '1.5',
      '2.25',
      '12345.6780000000',
      '1.50',
      'ab',
      'héllo',
      'a long string',
      '2024-01-02',
      '2024-01-02 03:04:05',
    ]);
    expect(JSON.parse(a[16]!)).toEqual({ a: 1, b: [1, 2] });
    expect(JSON.parse(a[17]!)).toEqual([1, 2, 3]);
    expect(JSON.parse(a[18]!)).toEqual({ k: 1 });
    expect(JSON.parse(a[19]!)).toEqual({ a: 1, b: 'x' });
    expect(n).toEqual(['2', ...Array(18).fill(null), null]);
  });

  it('returns typed values through prepared statements (binary protocol)', async () => {
    const [rows] = await conn.execute(
      `SELECT k, i, d, dc2, vc, dt, dtm FROM ${db}.alltypes WHERE k = ?`,
      [1],
    );
    const row = (rows as Record<string, unknown>[])[0]!;
    expect(row.k).toBe(1);
    expect(row.i).toBe(-70000);
    expect(row.d).toBe(2.25);
    expect(row.dc2).toBe('1.50');
    expect(row.vc).toBe('héllo');
    expect(row.dt).toBeInstanceOf(Date);
    expect((row.dtm as Date).getMinutes()).toBe(4);
  });

  it('types the result columns so that mysql2 converts numbers, decimals and dates', async () => {
    const [row] = await q(conn, `SELECT i, d, dc2, dt, vc FROM ${db}.alltypes WHERE k = 1`);
    expect(row!.i).toBe(-70000);
    expect(row!.d).toBe(2.25);
    expect(row!.dc2).toBe('1.50');
    expect(row!.dt).toBeInstanceOf(Date);
    expect(row!.vc).toBe('héllo');
  });
});

describe('ALTER TABLE (§7.5)', () => {
  const TITLES = [
    'JobId',
    'TableName',
    'CreateTime',
    'FinishTime',
    'IndexName',
    'IndexId',
    'OriginIndexId',
    'SchemaVersion',
    'TransactionId',
    'State',
    'Msg',
    'Progress',
    'Timeout',
  ];
  const STATES = ['PENDING', 'WAITING_TXN', 'RUNNING', 'FINISHED', 'CANCELLED'];

  /** A fresh table `(id INT, a INT, b VARCHAR(10))` holding (1, 10, 'x') and (2, 20, 'y'). */
  async function altTable(): Promise<string> {
    const t = uniq('alt');
    await conn.query(
      `CREATE TABLE ${db}.${t} (id INT, a INT, b VARCHAR(10)) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) ${ONE_BUCKET}`,
    );
    const r = await streamLoad(emu, db, t, { column_separator: ',' }, '1,10,x\n2,20,y\n');
    expect(r.json.Status).toBe('Success');
    return t;
  }

  const jobs = (t: string, tail = '') =>
    q(conn, `SHOW ALTER TABLE COLUMN FROM ${db} WHERE TableName = "${t}" ORDER BY CreateTime DESC${tail}`);

  /** Polls `... ORDER BY CreateTime DESC LIMIT 1` (the spec's query) until FINISHED or CANCELLED. */
  async function waitLatest(t: string): Promise<Record<string, unknown>> {
    const rows = await pollUntil(
      async () => {
        const r = await jobs(t, ' LIMIT 1');
        for (const x of r) expect(STATES).toContain(x.State);
        return r;
      },
      (r) => r.length === 1 && (r[0]!.State === 'FINISHED' || r[0]!.State === 'CANCELLED'),
      10_000,
      20,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.State, String(rows[0]!.Msg)).toBe('FINISHED');
    return rows[0]!;
  }

  /**
   * Runs an ALTER and waits for the job it created. CreateTime has one-second resolution, so with
   * several jobs in one second `LIMIT 1` may show an older one; the new job is found by JobId.
   */
  async function alter(t: string, clause: string, stepMs = 20): Promise<Record<string, unknown>> {
    const before = new Set((await jobs(t)).map((r) => String(r.JobId)));
    await conn.query(`ALTER TABLE ${db}.${t} ${clause}`);
    const rows = await pollUntil(
      async () => {
        const r = await jobs(t);
        for (const x of r) expect(STATES).toContain(x.State);
        return r.filter((x) => !before.has(String(x.JobId)));
      },
      (r) => r.length === 1 && (r[0]!.State === 'FINISHED' || r[0]!.State === 'CANCELLED'),
      10_000,
      stepMs,
    );
    expect(rows, `no new alter job for: ${clause}`).toHaveLength(1);
    expect(rows[0]!.State, `${clause}: ${String(rows[0]!.Msg)}`).toBe('FINISHED');
    expect(rows[0]!.TableName).toBe(t);
    return rows[0]!;
  }

  const cols = async (t: string) =>
    (
      await q(
        conn,
        `SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.columns WHERE TABLE_SCHEMA = '${db}' AND TABLE_NAME = '${t}' ORDER BY ORDINAL_POSITION`,
      )
    ).map((r) => `${r.COLUMN_NAME} ${r.COLUMN_TYPE}`);

  it('SHOW ALTER TABLE COLUMN has the SchemaChangeProcDir columns', async () => {
    const t = await altTable();
    expect(
      await fields(
        `SHOW ALTER TABLE COLUMN FROM ${db} WHERE TableName = "${t}" ORDER BY CreateTime DESC LIMIT 1`,
      ),
    ).toEqual(TITLES);
  });

  it('ADD COLUMN with a DEFAULT is a job that reaches FINISHED; then the column exists and old rows have the default', async () => {
    const t = await altTable();
    await conn.query(`ALTER TABLE ${db}.${t} ADD COLUMN c INT DEFAULT "5"`);
    const job = await waitLatest(t);
    expect(job.TableName).toBe(t);
    expect(await cols(t)).toEqual(['id int(11)', 'a int(11)', 'b varchar(10)', 'c int(11)']);
    expect(await q(conn, `SELECT id, c FROM ${db}.${t} ORDER BY id`)).toEqual([
      { id: 1, c: 5 },
      { id: 2, c: 5 },
    ]);
  });

  it('ADD COLUMN ... AFTER and ADD COLUMN (c1 t1, c2 t2), one job after the other', async () => {
    const t = await altTable();
    await alter(t, 'ADD COLUMN d INT AFTER a');
    expect(await cols(t)).toEqual(['id int(11)', 'a int(11)', 'd int(11)', 'b varchar(10)']);
    await alter(t, 'ADD COLUMN (e INT, f VARCHAR(5))');
    expect(await cols(t)).toEqual([
      'id int(11)',
      'a int(11)',
      'd int(11)',
      'b varchar(10)',
      'e int(11)',
      'f varchar(5)',
    ]);
  });

  it('DROP COLUMN reaches FINISHED; then the column is gone from metadata and SELECT *', async () => {
    const t = await altTable();
    await alter(t, 'DROP COLUMN a');
    expect(await cols(t)).toEqual(['id int(11)', 'b varchar(10)']);
    expect(await q(conn, `SELECT * FROM ${db}.${t} ORDER BY id`)).toEqual([
      { id: 1, b: 'x' },
      { id: 2, b: 'y' },
    ]);
  });

  it('MODIFY COLUMN reaches FINISHED; then the type is changed and the values are kept', async () => {
    const t = await altTable();
    await alter(t, 'MODIFY COLUMN a BIGINT');
    expect((await cols(t))[1]).toBe('a bigint(20)');
    expect(await q(conn, `SELECT id, a FROM ${db}.${t} ORDER BY id`)).toEqual([
      { id: 1, a: 10 },
      { id: 2, a: 20 },
    ]);
  });

  it('RENAME COLUMN keeps the values under the new name', async () => {
    const t = await altTable();
    await conn.query(`ALTER TABLE ${db}.${t} RENAME COLUMN b TO bb`);
    await pollUntil(
      () => cols(t),
      (c) => c.includes('bb varchar(10)'),
      5000,
      20,
    );
    expect(await cols(t)).toEqual(['id int(11)', 'a int(11)', 'bb varchar(10)']);
    expect(await q(conn, `SELECT id, bb FROM ${db}.${t} ORDER BY id`)).toEqual([
      { id: 1, bb: 'x' },
      { id: 2, bb: 'y' },
    ]);
  });

  it('the new schema is in effect the moment a job reports FINISHED (repeated ADD/DROP)', async () => {
    const t = await altTable();
    // Polls without pause so that a window between FINISHED and the schema change shows up.
    for (let i = 0; i < 8; i++) {
      await alter(t, `ADD COLUMN x${i} INT DEFAULT "${i}"`, 0);
      expect(await cols(t), `after ADD x${i}`).toContain(`x${i} int(11)`);
      expect(await q(conn, `SELECT x${i} AS v FROM ${db}.${t} WHERE id = 1`)).toEqual([{ v: i }]);
      await alter(t, `DROP COLUMN x${i}`, 0);
      expect(await cols(t), `after DROP x${i}`).toEqual(['id int(11)', 'a int(11)', 'b varchar(10)']);
      expect(await q(conn, `SELECT * FROM ${db}.${t} WHERE id = 1`)).toEqual([{ id: 1, a: 10, b: 'x' }]);
    }
  });

  it('Stream Load uses the new schema as soon as the job is FINISHED', async () => {
    const t = await altTable();
    await alter(t, 'ADD COLUMN c INT');
    const r = await streamLoad(emu, db, t, { column_separator: ',' }, '3,30,z,7\n');
    expect(r.json.Status, r.body).toBe('Success');
    expect(await q(conn, `SELECT * FROM ${db}.${t} WHERE id = 3`)).toEqual([{ id: 3, a: 30, b: 'z', c: 7 }]);
  });
});

describe('SELECT', () => {
  beforeAll(async () => {
    await conn.query(
      `CREATE TABLE ${db}.sel (id INT, name VARCHAR(16), score INT, dt DATE) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) ${ONE_BUCKET}`,
    );
    const r = await streamLoad(
      emu,
      db,
      'sel',
      { column_separator: ',' },
      '1,alice,90,2024-01-01\n2,bob,\\N,2024-02-01\n3,carol,75,\\N\n4,dave,60,2024-03-01\n5,\\N,90,2024-04-01\n',
    );
    expect(r.json.Status).toBe('Success');
  });

  it('projects the requested columns in order', async () => {
    expect(await fields(`SELECT name, id FROM ${db}.sel WHERE id = 2`)).toEqual(['name', 'id']);
    expect(await q(conn, `SELECT name, id FROM ${db}.sel WHERE id = 2`)).toEqual([{ name: 'bob', id: 2 }]);
    expect(await q(conn, `SELECT id AS x FROM ${db}.sel WHERE id = 1`)).toEqual([{ x: 1 }]);
  });

  it('filters with comparisons on ints, strings and dates', async () => {
    const S = `SELECT id FROM ${db}.sel`;
    expect(await ids(`${S} WHERE score > 70 ORDER BY id`)).toEqual([1, 3, 5]);
    expect(await ids(`${S} WHERE score >= 75 ORDER BY id`)).toEqual([1, 3, 5]);
    expect(await ids(`${S} WHERE score < 75 ORDER BY id`)).toEqual([4]);
    expect(await ids(`${S} WHERE score <= 75 ORDER BY id`)).toEqual([3, 4]);
    expect(await ids(`${S} WHERE score != 90 ORDER BY id`)).toEqual([3, 4]);
    expect(await ids(`${S} WHERE score <> 90 ORDER BY id`)).toEqual([3, 4]);
    expect(await ids(`${S} WHERE name = 'carol'`)).toEqual([3]);
    expect(await ids(`${S} WHERE dt >= '2024-02-01' ORDER BY id`)).toEqual([2, 4, 5]);
  });

  it('combines predicates with AND / OR / NOT and parentheses', async () => {
    const S = `SELECT id FROM ${db}.sel`;
    expect(await ids(`${S} WHERE score >= 75 AND id < 5 ORDER BY id`)).toEqual([1, 3]);
    expect(await ids(`${S} WHERE score < 70 OR name = 'bob' ORDER BY id`)).toEqual([2, 4]);
    expect(await ids(`${S} WHERE NOT (score = 90) ORDER BY id`)).toEqual([3, 4]);
    expect(await ids(`${S} WHERE (id = 1 OR id = 2) AND NOT name = 'bob'`)).toEqual([1]);
  });

  it('supports IN / NOT IN and IS [NOT] NULL', async () => {
    const S = `SELECT id FROM ${db}.sel`;
    expect(await ids(`${S} WHERE id IN (1, 3, 9) ORDER BY id`)).toEqual([1, 3]);
    expect(await ids(`${S} WHERE id NOT IN (1, 3) ORDER BY id`)).toEqual([2, 4, 5]);
    expect(await ids(`${S} WHERE name IN ('bob', 'dave') ORDER BY id`)).toEqual([2, 4]);
    expect(await ids(`${S} WHERE score IS NULL`)).toEqual([2]);
    expect(await ids(`${S} WHERE score IS NOT NULL ORDER BY id`)).toEqual([1, 3, 4, 5]);
    expect(await ids(`${S} WHERE name IS NULL OR dt IS NULL ORDER BY id`)).toEqual([3, 5]);
  });

  it('orders by several keys and directions, and limits', async () => {
    const S = `SELECT id FROM ${db}.sel`;
    expect(await ids(`${S} WHERE score IS NOT NULL ORDER BY score DESC, id ASC`)).toEqual([1, 5, 3, 4]);
    expect(await ids(`${S} WHERE score IS NOT NULL ORDER BY score DESC, id DESC`)).toEqual([5, 1, 3, 4]);
    expect(await ids(`${S} ORDER BY id DESC LIMIT 2`)).toEqual([5, 4]);
    expect(await ids(`${S} ORDER BY id LIMIT 1, 2`)).toEqual([2, 3]);
    expect(await ids(`${S} ORDER BY id LIMIT 2 OFFSET 3`)).toEqual([4, 5]);
    expect(await ids(`${S} ORDER BY id LIMIT 0`)).toEqual([]);
  });

  it('counts with COUNT(*)', async () => {
    expect(await q(conn, `SELECT COUNT(*) FROM ${db}.sel`)).toEqual([{ 'COUNT(*)': 5 }]);
    expect(await q(conn, `SELECT count(*) AS n FROM ${db}.sel WHERE score = 90`)).toEqual([{ n: 2 }]);
    expect(await q(conn, `SELECT count(*) AS n FROM ${db}.sel WHERE id > 100`)).toEqual([{ n: 0 }]);
  });

  it('resolves column names case-insensitively and table names case-sensitively', async () => {
    expect(await qText(conn, `SELECT ID, Name FROM ${db}.sel WHERE Id = 1`)).toEqual([['1', 'alice']]);
    await mysqlError(conn.query(`SELECT * FROM ${db}.SEL`));
  });

  it('answers unknown tables and columns with an error and keeps the connection', async () => {
    await mysqlError(conn.query(`SELECT * FROM ${db}.nosuch`));
    await mysqlError(conn.query(`SELECT nosuchcol FROM ${db}.sel`));
    expect(await count(conn, db, 'sel')).toBe(5);
  });
});

describe('unsupported statements', () => {
  it('answer a MySQL error naming what is unsupported; the connection survives', async () => {
    const v = await mysqlError(conn.query(`CREATE VIEW ${db}.v AS SELECT id FROM ${db}.sel`));
    expect(v.message).toMatch(/view/i);
    const j = await mysqlError(conn.query(`SELECT a.id FROM ${db}.sel a JOIN ${db}.sel b ON a.id = b.id`));
    expect(j.message).toMatch(/join/i);
    const s = await mysqlError(conn.query('SELEKT 1'));
    expect(s.errno).toBe(1064);
    expect(await qText(conn, 'SELECT current_version()')).toHaveLength(1);
    expect(await count(conn, db, 'sel')).toBe(5);
  });
});

describe('the stock mariadb CLI', () => {
  it('connects and runs SHOW DATABASES and a SELECT in batch mode', async () => {
    const dbs = await mariadbCli(emu.queryPort, '-u', 'root', '--batch', '-e', 'SHOW DATABASES');
    const lines = dbs.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('Database');
    expect(lines).toContain(db);
    const sel = await mariadbCli(
      emu.queryPort,
      '-u',
      'root',
      '--batch',
      '-e',
      `SELECT id, name, score FROM ${db}.sel WHERE id IN (1, 2) ORDER BY id`,
    );
    expect(sel.stdout).toBe('id\tname\tscore\n1\talice\t90\n2\tbob\tNULL\n');
  });

  it('selects a database with -D and runs several statements', async () => {
    const r = await mariadbCli(
      emu.queryPort,
      '-u',
      'root',
      '-D',
      db,
      '--batch',
      '-e',
      'SELECT count(*) FROM sel; SELECT current_version()',
    );
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 2)).toEqual(['count(*)', '5']);
    expect(lines[3]).toMatch(/^\d+\.\d+\.\d+/);
  });
});
