import { describe, expect, it } from 'vitest';
import { parseStatement, SqlSyntaxError, UnsupportedStatementError } from '../../../src/sql/parser.js';
import type { ColumnDef, Statement } from '../../../src/sql/statement.js';

function col(name: string, over: Partial<ColumnDef> = {}): ColumnDef {
  return {
    name,
    type: { kind: 'INT' },
    nullable: null,
    default: null,
    comment: '',
    autoIncrement: false,
    aggregate: null,
    key: false,
    ...over,
  };
}

function select(sql: string) {
  const s = parseStatement(sql);
  if (s.kind !== 'select') throw new Error(`not a select: ${s.kind}`);
  return s;
}

describe('SELECT', () => {
  it('a bare expression', () => {
    expect(parseStatement('SELECT 1')).toEqual({
      kind: 'select',
      items: [{ expr: { k: 'lit', v: 1, text: '1' }, alias: null, text: '1' }],
      from: null,
      where: null,
      orderBy: [],
      limit: null,
      offset: 0,
    });
  });

  it('aliases: AS ident, bare ident, quoted, string', () => {
    const s = select("SELECT a AS x, b y, c `z w`, d 'v', e AS 'u', f AS `t` FROM tbl");
    expect(s.items.map((i) => [i.text, i.alias])).toEqual([
      ['a', 'x'],
      ['b', 'y'],
      ['c', 'z w'],
      ['d', 'v'],
      ['e', 'u'],
      ['f', 't'],
    ]);
    expect(s.from).toEqual({ db: null, name: 'tbl' });
  });

  it('keeps the item text as written', () => {
    const s = select('SELECT  a + 1 ,  concat(b, "x")  FROM t');
    expect(s.items.map((i) => i.text)).toEqual(['a + 1', 'concat(b, "x")']);
  });

  it('qualified FROM with a table alias, WHERE and ORDER BY', () => {
    const s = select('SELECT t.a FROM db1.tbl AS t WHERE t.a > 1 AND b IS NULL ORDER BY a DESC, b ASC, c');
    expect(s.from).toEqual({ db: 'db1', name: 'tbl' });
    expect(s.where).toMatchObject({ k: 'bin', op: 'AND' });
    expect(s.orderBy.map((o) => [o.expr, o.desc])).toEqual([
      [{ k: 'col', name: 'a' }, true],
      [{ k: 'col', name: 'b' }, false],
      [{ k: 'col', name: 'c' }, false],
    ]);
  });

  it('a bare table alias', () => {
    expect(select('SELECT x FROM tbl t WHERE x = 1').from).toEqual({ db: null, name: 'tbl' });
    expect(select('SELECT x FROM tbl `t`').from).toEqual({ db: null, name: 'tbl' });
  });

  it.each([
    ['SELECT a FROM t LIMIT 10', 10, 0],
    ['SELECT a FROM t LIMIT 5, 10', 10, 5],
    ['SELECT a FROM t LIMIT 10 OFFSET 5', 10, 5],
    ['SELECT a FROM t LIMIT 0', 0, 0],
    ['SELECT a FROM t ORDER BY a LIMIT 1;', 1, 0],
    ['SELECT a FROM t', null, 0],
  ])('%s', (sql, limit, offset) => {
    const s = select(sql);
    expect(s.limit).toBe(limit);
    expect(s.offset).toBe(offset);
  });

  it('system variables', () => {
    const s = select('SELECT @@version_comment LIMIT 1');
    expect(s.items).toEqual([
      { expr: { k: 'var', name: 'version_comment' }, alias: null, text: '@@version_comment' },
    ]);
    expect(s.limit).toBe(1);
    const v = select('select @@session.transaction_isolation AS iso, @@max_allowed_packet');
    expect(v.items.map((i) => [i.expr, i.alias])).toEqual([
      [{ k: 'var', name: 'session.transaction_isolation' }, 'iso'],
      [{ k: 'var', name: 'max_allowed_packet' }, null],
    ]);
  });

  it('star and functions', () => {
    const s = select('SELECT *, COUNT(*) FROM information_schema.tables WHERE TABLE_SCHEMA = "db1"');
    expect(s.items[0]!.expr).toEqual({ k: 'star' });
    expect(s.items[1]!.expr).toEqual({ k: 'call', name: 'count', args: [{ k: 'star' }], distinct: false });
    expect(s.from).toEqual({ db: 'information_schema', name: 'tables' });
  });

  it.each([
    ['SELECT a FROM t LIMIT x', /expected a LIMIT count near 'x'/],
    ['SELECT a FROM t LIMIT 1, y', /expected a LIMIT count near 'y'/],
    ['SELECT a FROM t LIMIT 1 OFFSET z', /expected an OFFSET near 'z'/],
    ['SELECT a FROM t WHERE', /expected an expression near end of input/],
    ['SELECT a FROM t x y', /unexpected input near 'y'/],
    ['SELECT a FROM', /expected a table name near end of input/],
  ])('syntax error: %s', (sql, message) => {
    expect(() => parseStatement(sql)).toThrow(SqlSyntaxError);
    expect(() => parseStatement(sql)).toThrow(message);
  });
});

describe('unsupported statements name themselves', () => {
  it.each([
    ['INSERT INTO t VALUES (1)', /INSERT/],
    ['insert into t select 1', /INSERT/],
    ['UPDATE t SET a = 1', /UPDATE/],
    ['DELETE FROM t WHERE a = 1', /DELETE/],
    ['REPLACE INTO t VALUES (1)', /REPLACE/],
    ['WITH x AS (SELECT 1) SELECT * FROM x', /WITH/],
    ['EXPLAIN SELECT 1', /EXPLAIN/],
    ['GRANT SELECT ON *.* TO u', /GRANT/],
    ['SELECT a FROM t JOIN u ON t.id = u.id', /join/i],
    ['SELECT a FROM t LEFT JOIN u ON t.id = u.id', /join/i],
    ['SELECT a FROM t INNER JOIN u ON t.id = u.id', /join/i],
    ['SELECT a FROM t x JOIN u ON x.id = u.id', /join/i],
    ['SELECT a FROM t, u', /join/i],
    ['SELECT a, COUNT(*) FROM t GROUP BY a', /GROUP BY/],
    ['SELECT 1 UNION SELECT 2', /UNION/],
    ['SELECT a FROM t UNION ALL SELECT b FROM u', /UNION/],
    ['SELECT DISTINCT a FROM t', /DISTINCT/],
    ['SHOW PROCESSLIST', /SHOW PROCESSLIST/],
    ['SHOW GRANTS', /SHOW GRANTS/],
    ['CREATE VIEW v AS SELECT 1', /CREATE VIEW/],
    ['CREATE MATERIALIZED VIEW mv AS SELECT 1', /CREATE MATERIALIZED/],
    ['ALTER TABLE t ADD PARTITION p1 VALUES LESS THAN ("1")', /ADD PARTITION/],
    ['ALTER TABLE t ADD INDEX i (a)', /ADD INDEX/],
    ['ALTER TABLE t COMPACT', /ALTER TABLE COMPACT/],
  ])('%s', (sql, message) => {
    expect(() => parseStatement(sql)).toThrow(UnsupportedStatementError);
    expect(() => parseStatement(sql)).toThrow(message);
  });

  it('unknown statements are syntax errors that quote the text', () => {
    expect(() => parseStatement('FROBNICATE everything')).toThrow(SqlSyntaxError);
    expect(() => parseStatement('FROBNICATE everything')).toThrow(
      "unsupported statement near 'FROBNICATE everything'",
    );
    expect(() => parseStatement('CREATE INDEX i ON t (a)')).toThrow(
      /expected DATABASE or TABLE after CREATE/,
    );
    expect(() => parseStatement('DROP VIEW v')).toThrow(/expected DATABASE or TABLE after DROP/);
  });
});

describe('SHOW', () => {
  it.each([
    ['SHOW DATABASES', { kind: 'show_databases', like: null }],
    ['show schemas', { kind: 'show_databases', like: null }],
    ["SHOW DATABASES LIKE 'te%'", { kind: 'show_databases', like: 'te%' }],
    ['SHOW TABLES', { kind: 'show_tables', db: null, full: false, like: null }],
    ['SHOW TABLES FROM db1', { kind: 'show_tables', db: 'db1', full: false, like: null }],
    ['SHOW TABLES IN `db 2`', { kind: 'show_tables', db: 'db 2', full: false, like: null }],
    ["SHOW FULL TABLES FROM db1 LIKE 't%'", { kind: 'show_tables', db: 'db1', full: true, like: 't%' }],
    ["SHOW FULL TABLES LIKE 'x'", { kind: 'show_tables', db: null, full: true, like: 'x' }],
    ['SHOW CREATE TABLE t', { kind: 'show_create_table', table: { db: null, name: 't' } }],
    ['SHOW CREATE TABLE `d`.`t`;', { kind: 'show_create_table', table: { db: 'd', name: 't' } }],
    ['SHOW COLUMNS FROM t', { kind: 'describe', table: { db: null, name: 't' }, full: false }],
    ['SHOW FULL COLUMNS FROM t', { kind: 'describe', table: { db: null, name: 't' }, full: true }],
    ['SHOW FULL COLUMNS FROM t FROM d', { kind: 'describe', table: { db: 'd', name: 't' }, full: true }],
    ['SHOW COLUMNS IN d.t', { kind: 'describe', table: { db: 'd', name: 't' }, full: false }],
    ['SHOW FIELDS FROM t IN d', { kind: 'describe', table: { db: 'd', name: 't' }, full: false }],
    ['DESC t', { kind: 'describe', table: { db: null, name: 't' }, full: false }],
    ['DESCRIBE d.t', { kind: 'describe', table: { db: 'd', name: 't' }, full: false }],
    ['DESC t ALL', { kind: 'describe', table: { db: null, name: 't' }, full: false }],
    ['SHOW VARIABLES', { kind: 'show_variables', like: null }],
    ["SHOW VARIABLES LIKE 'version%'", { kind: 'show_variables', like: 'version%' }],
    ["SHOW SESSION VARIABLES LIKE 'a'", { kind: 'show_variables', like: 'a' }],
    ["SHOW GLOBAL VARIABLES LIKE 'b'", { kind: 'show_variables', like: 'b' }],
  ] as [string, Statement][])('%s', (sql, expected) => {
    expect(parseStatement(sql)).toEqual(expected);
  });

  it('SHOW ALTER TABLE COLUMN bare', () => {
    expect(parseStatement('SHOW ALTER TABLE COLUMN')).toEqual({
      kind: 'show_alter',
      db: null,
      where: null,
      orderBy: [],
      limit: null,
    });
  });

  it('SHOW ALTER TABLE COLUMN FROM db WHERE … ORDER BY … LIMIT', () => {
    expect(
      parseStatement(
        'SHOW ALTER TABLE COLUMN FROM db1 WHERE TableName = "t1" ORDER BY CreateTime DESC LIMIT 1',
      ),
    ).toEqual({
      kind: 'show_alter',
      db: 'db1',
      where: { k: 'bin', op: '=', l: { k: 'col', name: 'TableName' }, r: { k: 'lit', v: 't1' } },
      orderBy: [{ expr: { k: 'col', name: 'CreateTime' }, desc: true }],
      limit: 1,
    });
  });

  it('SHOW ALTER TABLE COLUMN IN db with only WHERE', () => {
    expect(parseStatement("SHOW ALTER TABLE COLUMN IN d WHERE State = 'FINISHED'")).toMatchObject({
      kind: 'show_alter',
      db: 'd',
      where: { k: 'bin', op: '=' },
      limit: null,
    });
  });

  it('SHOW … LIKE needs a string', () => {
    expect(() => parseStatement('SHOW TABLES LIKE abc')).toThrow(/expected string literal near 'abc'/);
  });
});

describe('databases and USE', () => {
  it.each([
    ['CREATE DATABASE d1', { kind: 'create_database', name: 'd1', ifNotExists: false }],
    ['CREATE DATABASE IF NOT EXISTS d1', { kind: 'create_database', name: 'd1', ifNotExists: true }],
    ['create schema `my-db`', { kind: 'create_database', name: 'my-db', ifNotExists: false }],
    ['DROP DATABASE d1', { kind: 'drop_database', name: 'd1', ifExists: false }],
    ['DROP DATABASE IF EXISTS d1', { kind: 'drop_database', name: 'd1', ifExists: true }],
    ['DROP DATABASE IF EXISTS d1 FORCE', { kind: 'drop_database', name: 'd1', ifExists: true }],
    ['DROP SCHEMA d1;', { kind: 'drop_database', name: 'd1', ifExists: false }],
    ['USE d1', { kind: 'use', db: 'd1' }],
    ['use `weird db`', { kind: 'use', db: 'weird db' }],
  ] as [string, Statement][])('%s', (sql, expected) => {
    expect(parseStatement(sql)).toEqual(expected);
  });

  it.each([
    ['CREATE DATABASE IF EXISTS d', /unexpected input near 'EXISTS d'|expected/],
    ['USE', /expected a database name near end of input/],
    ['DROP DATABASE', /expected a database name near end of input/],
  ])('%s is an error', (sql, message) => {
    expect(() => parseStatement(sql)).toThrow(message);
  });
});

describe('DROP / TRUNCATE TABLE', () => {
  it.each([
    ['DROP TABLE t', { kind: 'drop_table', table: { db: null, name: 't' }, ifExists: false }],
    ['DROP TABLE IF EXISTS d.t', { kind: 'drop_table', table: { db: 'd', name: 't' }, ifExists: true }],
    ['DROP TABLE t FORCE', { kind: 'drop_table', table: { db: null, name: 't' }, ifExists: false }],
    ['TRUNCATE TABLE t', { kind: 'truncate_table', table: { db: null, name: 't' } }],
    ['TRUNCATE d.t', { kind: 'truncate_table', table: { db: 'd', name: 't' } }],
  ] as [string, Statement][])('%s', (sql, expected) => {
    expect(parseStatement(sql)).toEqual(expected);
  });
});

describe('SET and no-ops', () => {
  it.each([
    ['SET NAMES utf8mb4', { kind: 'set' }],
    ['SET autocommit=1', { kind: 'set' }],
    ["SET @@session.time_zone = '+00:00'", { kind: 'set' }],
    ['set character_set_results = NULL', { kind: 'set' }],
    ['SET SESSION query_timeout = 10, sql_mode = ""', { kind: 'set' }],
    ['', { kind: 'noop' }],
    ['   ', { kind: 'noop' }],
    [';', { kind: 'noop' }],
    ['-- only a comment', { kind: 'noop' }],
    ['BEGIN', { kind: 'noop' }],
    ['COMMIT', { kind: 'noop' }],
    ['ROLLBACK', { kind: 'noop' }],
    ['START TRANSACTION', { kind: 'noop' }],
  ] as [string, Statement][])('%j', (sql, expected) => {
    expect(parseStatement(sql)).toEqual(expected);
  });
});

describe('CREATE TABLE (spec §7.4)', () => {
  it('parses every clause', () => {
    const sql = `CREATE TABLE IF NOT EXISTS db1.orders (
      id BIGINT NOT NULL COMMENT "order id",
      name VARCHAR(64) NULL DEFAULT "none" COMMENT 'the name',
      amount DECIMAL(18, 2) DEFAULT "0",
      ts DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
      ts2 DATETIME DEFAULT current_timestamp(),
      n INT DEFAULT -5,
      m INT DEFAULT 7,
      z INT DEFAULT NULL,
      tags ARRAY<VARCHAR(10)>
    ) ENGINE=OLAP
    PRIMARY KEY(id)
    COMMENT "orders table"
    DISTRIBUTED BY HASH(id) BUCKETS 8
    ORDER BY(name, ts)
    PROPERTIES ("replication_num" = "1", "enable_persistent_index" = "true");`;
    expect(parseStatement(sql)).toEqual({
      kind: 'create_table',
      table: { db: 'db1', name: 'orders' },
      ifNotExists: true,
      columns: [
        col('id', { type: { kind: 'BIGINT' }, nullable: false, comment: 'order id' }),
        col('name', {
          type: { kind: 'VARCHAR', length: 64 },
          nullable: true,
          default: { kind: 'literal', value: 'none' },
          comment: 'the name',
        }),
        col('amount', {
          type: { kind: 'DECIMAL', precision: 18, scale: 2 },
          default: { kind: 'literal', value: '0' },
        }),
        col('ts', { type: { kind: 'DATETIME' }, nullable: false, default: { kind: 'current_timestamp' } }),
        col('ts2', { type: { kind: 'DATETIME' }, default: { kind: 'current_timestamp' } }),
        col('n', { default: { kind: 'literal', value: '-5' } }),
        col('m', { default: { kind: 'literal', value: '7' } }),
        col('z'),
        col('tags', { type: { kind: 'ARRAY', element: { kind: 'VARCHAR', length: 10 } } }),
      ],
      keysType: 'PRIMARY_KEYS',
      keys: ['id'],
      comment: 'orders table',
      distribution: { type: 'HASH', columns: ['id'], buckets: 8 },
      orderBy: ['name', 'ts'],
      properties: { replication_num: '1', enable_persistent_index: 'true' },
      partitioned: false,
    });
  });

  it('a minimal table has no key model and no distribution', () => {
    expect(parseStatement('CREATE TABLE t (a INT)')).toEqual({
      kind: 'create_table',
      table: { db: null, name: 't' },
      ifNotExists: false,
      columns: [col('a')],
      keysType: null,
      keys: [],
      comment: '',
      distribution: null,
      orderBy: null,
      properties: {},
      partitioned: false,
    });
  });

  it.each([
    ['DUPLICATE KEY(a, b)', 'DUP_KEYS', ['a', 'b']],
    ['PRIMARY KEY(a)', 'PRIMARY_KEYS', ['a']],
    ['UNIQUE KEY(`a`)', 'UNIQUE_KEYS', ['a']],
    ['AGGREGATE KEY(a, b)', 'AGG_KEYS', ['a', 'b']],
    ['duplicate key (a)', 'DUP_KEYS', ['a']],
  ])('key model %s', (clause, keysType, keys) => {
    const s = parseStatement(`CREATE TABLE t (a INT, b INT, c INT) ${clause} DISTRIBUTED BY HASH(a)`);
    expect(s).toMatchObject({ kind: 'create_table', keysType, keys });
  });

  it.each([
    ['DISTRIBUTED BY HASH(a, b)', { type: 'HASH', columns: ['a', 'b'], buckets: null }],
    ['DISTRIBUTED BY HASH(`a`) BUCKETS 3', { type: 'HASH', columns: ['a'], buckets: 3 }],
    ['DISTRIBUTED BY RANDOM', { type: 'RANDOM', columns: [], buckets: null }],
    ['DISTRIBUTED BY RANDOM BUCKETS 4', { type: 'RANDOM', columns: [], buckets: 4 }],
  ])('%s', (clause, distribution) => {
    expect(parseStatement(`CREATE TABLE t (a INT, b INT) ${clause}`)).toMatchObject({ distribution });
  });

  it('column aggregate functions and KEY / AUTO_INCREMENT flags are recorded', () => {
    const s = parseStatement(
      'CREATE TABLE t (k INT KEY, id BIGINT NOT NULL AUTO_INCREMENT, v BIGINT SUM DEFAULT "0", r VARCHAR(5) REPLACE_IF_NOT_NULL) AGGREGATE KEY(k)',
    );
    expect(s).toMatchObject({
      columns: [
        { name: 'k', key: true },
        { name: 'id', autoIncrement: true, nullable: false },
        { name: 'v', aggregate: 'SUM', default: { kind: 'literal', value: '0' } },
        { name: 'r', aggregate: 'REPLACE_IF_NOT_NULL' },
      ],
    });
  });

  it('ORDER BY with a space, COMMENT with =, empty PROPERTIES, quoted names', () => {
    expect(
      parseStatement('CREATE TABLE `d`.`my t` (`a b` INT, c INT) COMMENT = "x" ORDER BY (c) PROPERTIES ()'),
    ).toMatchObject({
      table: { db: 'd', name: 'my t' },
      columns: [{ name: 'a b' }, { name: 'c' }],
      comment: 'x',
      orderBy: ['c'],
      properties: {},
    });
  });

  it('clauses are accepted in any order', () => {
    expect(
      parseStatement(
        'CREATE TABLE t (a INT) PROPERTIES ("k" = "v") DISTRIBUTED BY HASH(a) DUPLICATE KEY(a) ENGINE = olap',
      ),
    ).toMatchObject({
      keysType: 'DUP_KEYS',
      distribution: { type: 'HASH' },
      properties: { k: 'v' },
    });
  });

  it.each([
    ['CREATE TABLE t (a INT) PARTITION BY RANGE(a) ()', UnsupportedStatementError, /PARTITION BY/],
    ['CREATE TABLE t (a INT) ENGINE=mysql', UnsupportedStatementError, /ENGINE=mysql/],
    ['CREATE TABLE t (a INT, INDEX i (a) USING BITMAP)', UnsupportedStatementError, /indexes/],
    ['CREATE TABLE t (a INT DEFAULT (1 + 1))', UnsupportedStatementError, /DEFAULT \(expression\)/],
    ['CREATE TABLE t (a INT, b INT AS a + 1)', UnsupportedStatementError, /generated columns/],
    ['CREATE EXTERNAL TABLE t (a INT)', UnsupportedStatementError, /CREATE EXTERNAL/],
    ['CREATE TABLE t (a FOO)', SqlSyntaxError, /Unknown type: FOO/],
    ['CREATE TABLE t (a INT', SqlSyntaxError, /expected '\)' near end of input/],
    ['CREATE TABLE t a INT', SqlSyntaxError, /expected '\(' near 'a INT'/],
    ['CREATE TABLE t (a INT) DISTRIBUTED BY LIST(a)', SqlSyntaxError, /expected HASH or RANDOM near 'LIST/],
    ['CREATE TABLE t (a INT) DISTRIBUTED BY HASH(a) BUCKETS x', SqlSyntaxError, /expected a bucket count/],
    ['CREATE TABLE t (a INT) PROPERTIES ("k" = 1)', SqlSyntaxError, /expected a property value near '1\)'/],
    ['CREATE TABLE t (a INT DEFAULT)', SqlSyntaxError, /expected a default value near '\)'/],
    ['CREATE TABLE t (a INT COMMENT 5)', SqlSyntaxError, /expected a comment near '5\)'/],
    ['CREATE TABLE t (a INT) PRIMARY (a)', SqlSyntaxError, /expected KEY near '\(a\)'/],
    ['CREATE TABLE t (a INT) BOGUS', SqlSyntaxError, /unexpected input near 'BOGUS'/],
  ])('%s', (sql, cls, message) => {
    expect(() => parseStatement(sql)).toThrow(cls);
    expect(() => parseStatement(sql)).toThrow(message);
  });
});

describe('ALTER TABLE', () => {
  it('ADD COLUMN with AFTER', () => {
    expect(
      parseStatement('ALTER TABLE t ADD COLUMN c VARCHAR(10) NULL DEFAULT "x" COMMENT "c" AFTER b'),
    ).toEqual({
      kind: 'alter_table',
      table: { db: null, name: 't' },
      ops: [
        {
          op: 'add',
          columns: [
            col('c', {
              type: { kind: 'VARCHAR', length: 10 },
              nullable: true,
              default: { kind: 'literal', value: 'x' },
              comment: 'c',
            }),
          ],
          after: 'b',
          first: false,
        },
      ],
    });
  });

  it('ADD COLUMN FIRST, KEY columns, and without the COLUMN word', () => {
    expect(parseStatement('ALTER TABLE d.t ADD COLUMN k2 INT KEY FIRST')).toEqual({
      kind: 'alter_table',
      table: { db: 'd', name: 't' },
      ops: [{ op: 'add', columns: [col('k2', { key: true })], after: null, first: true }],
    });
    expect(parseStatement('ALTER TABLE t ADD c INT')).toMatchObject({
      ops: [{ op: 'add', columns: [{ name: 'c' }], after: null, first: false }],
    });
  });

  it('ADD COLUMN (list)', () => {
    expect(parseStatement('ALTER TABLE t ADD COLUMN (c1 INT, c2 BIGINT NOT NULL DEFAULT "0")')).toEqual({
      kind: 'alter_table',
      table: { db: null, name: 't' },
      ops: [
        {
          op: 'add',
          columns: [
            col('c1'),
            col('c2', {
              type: { kind: 'BIGINT' },
              nullable: false,
              default: { kind: 'literal', value: '0' },
            }),
          ],
          after: null,
          first: false,
        },
      ],
    });
  });

  it('DROP / MODIFY / RENAME COLUMN', () => {
    expect(parseStatement('ALTER TABLE t DROP COLUMN c')).toMatchObject({
      ops: [{ op: 'drop', column: 'c' }],
    });
    expect(parseStatement('ALTER TABLE t DROP c')).toMatchObject({ ops: [{ op: 'drop', column: 'c' }] });
    expect(parseStatement('ALTER TABLE t MODIFY COLUMN c BIGINT NULL COMMENT "wider"')).toEqual({
      kind: 'alter_table',
      table: { db: null, name: 't' },
      ops: [
        {
          op: 'modify',
          column: col('c', { type: { kind: 'BIGINT' }, nullable: true, comment: 'wider' }),
          after: null,
          first: false,
        },
      ],
    });
    expect(parseStatement('ALTER TABLE t MODIFY COLUMN c INT AFTER a')).toMatchObject({
      ops: [{ op: 'modify', after: 'a', first: false }],
    });
    expect(parseStatement('ALTER TABLE t RENAME COLUMN a TO b')).toMatchObject({
      ops: [{ op: 'rename', from: 'a', to: 'b' }],
    });
    expect(parseStatement('ALTER TABLE t RENAME COLUMN `a` `b`')).toMatchObject({
      ops: [{ op: 'rename', from: 'a', to: 'b' }],
    });
  });

  it('RENAME table and SET properties', () => {
    expect(parseStatement('ALTER TABLE t RENAME t2')).toMatchObject({
      ops: [{ op: 'rename_table', to: 't2' }],
    });
    expect(parseStatement('ALTER TABLE t SET ("replication_num" = "1")')).toMatchObject({
      ops: [{ op: 'set', properties: { replication_num: '1' } }],
    });
  });

  it('several operations separated by commas', () => {
    const s = parseStatement('ALTER TABLE t ADD COLUMN x INT, DROP COLUMN y, MODIFY COLUMN z BIGINT');
    expect(s).toMatchObject({ ops: [{ op: 'add' }, { op: 'drop' }, { op: 'modify' }] });
  });

  it.each([
    ['ALTER t ADD COLUMN c INT', SqlSyntaxError, /expected TABLE near 't ADD/],
    ['ALTER TABLE t ADD COLUMN c', SqlSyntaxError, /expected a column type near end of input/],
    ['ALTER TABLE t ADD COLUMN c INT AFTER', SqlSyntaxError, /expected a column name near end of input/],
    ['ALTER TABLE t DROP COLUMN', SqlSyntaxError, /expected a column name near end of input/],
  ])('%s', (sql, cls, message) => {
    expect(() => parseStatement(sql)).toThrow(cls);
    expect(() => parseStatement(sql)).toThrow(message);
  });
});
