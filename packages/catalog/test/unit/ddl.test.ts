import { InvalidOptionError } from '@srconnect/stream-load-sdk';
import { describe, expect, it } from 'vitest';
import {
  addColumnsSql,
  dropColumnsSql,
  modifyColumnSql,
  renameColumnSql,
} from '../../src/ddl/alter-table-sql.js';
import {
  type Catalog,
  createCatalog,
  InvalidNameError,
  quoteIdentifier,
  quoteString,
  type SqlExecutor,
  type TableDefinition,
  t,
  validateColumnName,
  validateDatabaseName,
  validateTableName,
} from '../../src/index.js';
import { resolveAddColumns, resolveColumnDefinition } from '../../src/schema/definition-schema.js';

const noExecutor: SqlExecutor = {
  query: () => Promise.reject(new Error('no SQL in this test')),
  close: async () => undefined,
};
const catalog = (table?: { buckets?: number | null; properties?: Record<string, string> }): Catalog =>
  createCatalog({ executor: noExecutor, ...(table ? { table } : {}) });

describe('quoteIdentifier', () => {
  const cases: [string, string][] = [
    ['a', '`a`'],
    ['select', '`select`'],
    ['a`b', '`a``b`'],
    ['``', '``````'],
    ['x`; DROP DATABASE d; --', '`x``; DROP DATABASE d; --`'],
    ['名前 ü', '`名前 ü`'],
    ['it\'s "q"', '`it\'s "q"`'],
  ];
  it.each(cases)('%j → %s', (name, quoted) => {
    expect(quoteIdentifier(name)).toBe(quoted);
  });
});

describe('quoteString', () => {
  const cases: [string, string][] = [
    ['plain', '"plain"'],
    ['a"b', '"a\\"b"'],
    ["a'b", '"a\\\'b"'],
    ['back\\slash', '"back\\\\slash"'],
    ['\\', '"\\\\"'],
    ['line\nbreak\r\ttab', '"line\\nbreak\\r\\ttab"'],
    ['nul\0', '"nul\\0"'],
    ['ctrl-z\x1a', '"ctrl-z\\Z"'],
    ['"); DROP DATABASE d; --', '"\\"); DROP DATABASE d; --"'],
    ['ünï', '"ünï"'],
  ];
  it.each(cases)('%j → %s', (value, literal) => {
    expect(quoteString(value)).toBe(literal);
  });
});

describe('name validation (spec §8)', () => {
  it('database names', () => {
    for (const ok of ['a', 'abc_123', 'A1', `a${'b'.repeat(255)}`, '_a', '_1x', 'select'])
      expect(validateDatabaseName(ok)).toBe(ok);
    for (const bad of ['', '1abc', '_', '__a', 'a-b', 'a b', 'ü', `a${'b'.repeat(256)}`, 'a`b', 'a;b'])
      expect(() => validateDatabaseName(bad)).toThrow(InvalidNameError);
    try {
      validateDatabaseName('a-b');
    } catch (err) {
      const e = err as InvalidNameError;
      expect(e.code).toBe('SR_INVALID_NAME');
      expect(e.kind).toBe('database');
      expect(e.value).toBe('a-b');
      expect(e.name).toBe('InvalidNameError');
      expect(e.message).toMatch(/^Invalid database name "a-b": it must start with a letter/);
    }
  });

  it('table names: anything but NUL, 1–1024 characters', () => {
    for (const ok of [
      't',
      'x`; DROP DATABASE d; --',
      "it's",
      '"q"',
      '名前',
      'select',
      'a'.repeat(1024),
      '😀'.repeat(1024),
    ])
      expect(validateTableName(ok)).toBe(ok);
    expect(() => validateTableName('')).toThrow(/cannot be empty/);
    expect(() => validateTableName('a\0b')).toThrow(/NUL/);
    expect(() => validateTableName('a'.repeat(1025))).toThrow(/at most 1024/);
    expect(() => validateTableName('a\uD800')).toThrow(/lone surrogate/);
  });

  it('column names: no NUL = < > ! *, no reserved prefixes', () => {
    for (const ok of ['c', 'a b', 'a`b', "it's", 'über', 'select', '_op', '__o', 'x__op', '__proto__'])
      expect(validateColumnName(ok)).toBe(ok);
    for (const bad of [
      '',
      'a=b',
      'a<b',
      'a>b',
      'a!',
      'a*',
      'a\0',
      '__op',
      '__OP_x',
      '__row',
      '__rowid',
      '__starrocks_shadow_c',
    ])
      expect(() => validateColumnName(bad)).toThrow(InvalidNameError);
    expect(() => validateColumnName('__op')).toThrow(/the prefix "__op" is reserved/);
    expect(() => validateColumnName('a'.repeat(1025))).toThrow(/at most 1024/);
  });
});

const base: TableDefinition = {
  database: 'd',
  name: 'orders',
  keyModel: 'PRIMARY',
  keyColumns: ['id'],
  columns: [
    { name: 'amount', type: 'DECIMAL(18,2)', default: '0', comment: 'the "amount"' },
    { name: 'id', type: t.bigint() },
    { name: 'created', type: 'DATETIME', nullable: false, default: { kind: 'current_timestamp' } },
  ],
  buckets: 8,
  comment: "orders' table",
  properties: { replication_num: '1' },
};

describe('CREATE TABLE generation', () => {
  it('puts key columns first, writes every clause, quotes everything', () => {
    expect(catalog().createTableSql(base)).toBe(
      [
        'CREATE TABLE `d`.`orders` (',
        '  `id` BIGINT NOT NULL,',
        '  `amount` DECIMAL(18,2) NULL DEFAULT "0" COMMENT "the \\"amount\\"",',
        '  `created` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP',
        ') ENGINE=OLAP',
        'PRIMARY KEY(`id`)',
        'COMMENT "orders\\\' table"',
        'DISTRIBUTED BY HASH(`id`) BUCKETS 8',
        'PROPERTIES (',
        '"replication_num" = "1"',
        ')',
      ].join('\n'),
    );
    expect(catalog().createTableSql(base, { ifNotExists: true })).toMatch(
      /^CREATE TABLE IF NOT EXISTS `d`.`orders`/,
    );
  });

  it('every key model; keys in key order; distribution, buckets and ORDER BY', () => {
    const cols = [
      { name: 'a', type: 'INT' },
      { name: 'b', type: 'VARCHAR(10)' },
      { name: 'c', type: 'BIGINT' },
    ];
    const dup = catalog().createTableSql({
      database: 'd',
      name: 't',
      columns: cols,
      keyColumns: ['b', 'a'],
      distributionKeys: ['a'],
      sortKeys: ['c'],
    });
    expect(dup).toContain('(\n  `b` VARCHAR(10) NULL,\n  `a` INT NULL,\n  `c` BIGINT NULL\n)');
    expect(dup).toContain('DUPLICATE KEY(`b`, `a`)');
    expect(dup).toContain('DISTRIBUTED BY HASH(`a`)\nORDER BY(`c`)');
    expect(dup).not.toContain('BUCKETS');
    const uniq = catalog().createTableSql({
      database: 'd',
      name: 't',
      columns: cols,
      keyModel: 'UNIQUE',
      keyColumns: ['a'],
    });
    expect(uniq).toContain('UNIQUE KEY(`a`)\nDISTRIBUTED BY HASH(`a`)');
    expect(uniq).toContain('`a` INT NULL');
    const pk = catalog().createTableSql({
      database: 'd',
      name: 't',
      columns: cols,
      keyModel: 'PRIMARY',
      keyColumns: ['a', 'c'],
      sortKeys: ['a', 'c'],
    });
    expect(pk).toContain('`a` INT NOT NULL,\n  `c` BIGINT NOT NULL,\n  `b` VARCHAR(10) NULL');
    expect(pk).not.toContain('ORDER BY'); // same as the key
    const agg = catalog().createTableSql({
      database: 'd',
      name: 't',
      keyModel: 'AGGREGATE',
      keyColumns: ['a'],
      columns: [
        { name: 'a', type: 'INT' },
        { name: 's', type: 'BIGINT', aggregate: 'SUM', default: '0' },
        { name: 'r', type: 'VARCHAR(5)', aggregate: 'REPLACE_IF_NOT_NULL' },
      ],
    });
    expect(agg).toContain('`s` BIGINT SUM NULL DEFAULT "0"');
    expect(agg).toContain('`r` VARCHAR(5) REPLACE_IF_NOT_NULL NULL');
    expect(agg).toContain('AGGREGATE KEY(`a`)');
    const random = catalog().createTableSql({
      database: 'd',
      name: 't',
      columns: cols,
      distributionType: 'RANDOM',
      buckets: 3,
    });
    expect(random).toContain(') ENGINE=OLAP\nDISTRIBUTED BY RANDOM BUCKETS 3');
    expect(random).not.toContain('KEY(');
  });

  it('applies the catalog table defaults under the definition', () => {
    const sql = catalog({
      buckets: 4,
      properties: { replication_num: '1', compression: 'ZSTD' },
    }).createTableSql({
      ...base,
      buckets: null,
      properties: { compression: 'LZ4' },
    });
    expect(sql).toContain('BUCKETS 4');
    expect(sql).toContain('"replication_num" = "1",\n"compression" = "LZ4"');
  });

  it('matches key, distribution and sort columns case-insensitively and writes the column spelling', () => {
    const sql = catalog().createTableSql({ ...base, keyColumns: ['ID'], distributionKeys: ['Id'] });
    expect(sql).toContain('PRIMARY KEY(`id`)\n');
    expect(sql).toContain('HASH(`id`)');
  });

  it('writes a type given as a StarRocksType or a string, nested types included', () => {
    const sql = catalog().createTableSql({
      database: 'd',
      name: 't',
      keyColumns: ['k'],
      columns: [
        { name: 'k', type: 'int' },
        { name: 's', type: 'STRUCT<`a b` ARRAY<DECIMAL(5,2)>, c MAP<INT,STRING>>' },
        { name: 'x', type: t.struct({ 'q`': t.json() }) },
      ],
    });
    expect(sql).toContain('`s` STRUCT<`a b` ARRAY<DECIMAL(5,2)>, `c` MAP<INT,VARCHAR(65533)>> NULL');
    expect(sql).toContain('`x` STRUCT<`q``` JSON> NULL');
  });

  it('refuses invalid definitions with one InvalidOptionError naming each path', () => {
    let error: unknown;
    try {
      catalog().createTableSql({
        database: 'd',
        name: 't',
        keyModel: 'PRIMARY',
        keyColumns: ['nope', 'a', 'a'],
        distributionKeys: ['zz'],
        sortKeys: ['yy'],
        columns: [
          { name: 'a', type: 'INT', nullable: true },
          { name: 'A', type: 'INT' },
          { name: 'b', type: 'VARCHAR(', default: 'x' },
          { name: 'c', type: 'DATE', default: { kind: 'current_timestamp' } },
          { name: 'd', type: 'INT', aggregate: 'SUM' },
          { name: 'e', type: 'INT', isKey: true },
        ],
        buckets: 0,
        bogus: 1,
      } as unknown as TableDefinition);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InvalidOptionError);
    const message = (error as Error).message;
    // zod-level problems come first (schema shape)
    expect(message).toMatch(/^Invalid table definition:/);
    expect(message).toMatch(
      /columns\.2\.type: Invalid StarRocks type "VARCHAR\(": expected a VARCHAR length/,
    );
    expect(message).toMatch(/buckets: /);
    expect(message).toMatch(/Unrecognized key: "bogus"/);
  });

  it('reports reference problems once the shape is valid', () => {
    let error: unknown;
    try {
      catalog().createTableSql({
        database: 'd',
        name: 't',
        keyModel: 'PRIMARY',
        keyColumns: ['nope', 'a', 'a'],
        distributionKeys: ['zz'],
        sortKeys: ['yy'],
        columns: [
          { name: 'a', type: 'INT', nullable: true },
          { name: 'A', type: 'INT' },
          { name: 'c', type: 'DATE', default: { kind: 'current_timestamp' } },
          { name: 'd', type: 'INT', aggregate: 'SUM' },
          { name: 'e', type: 'INT', isKey: true },
        ],
      });
    } catch (err) {
      error = err;
    }
    const lines = (error as Error).message.split('\n');
    expect(lines).toEqual([
      'Invalid table definition:',
      'columns.1.name: duplicate column "A"',
      'keyColumns.0: no column named "nope"',
      'keyColumns.2: "a" is listed twice',
      'columns.0.nullable: a Primary Key column cannot be nullable',
      'columns.2.default: CURRENT_TIMESTAMP is only a default of DATETIME columns',
      'columns.3.aggregate: only value columns of AGGREGATE KEY tables have an aggregate function',
      'columns.4.isKey: true disagrees with keyColumns',
      'distributionKeys.0: no column named "zz"',
      'sortKeys.0: no column named "yy"',
    ]);
  });

  it('needs key columns for PRIMARY/UNIQUE/AGGREGATE and aggregates for AGGREGATE value columns', () => {
    const cols = [{ name: 'a', type: 'INT' }];
    expect(() =>
      catalog().createTableSql({ database: 'd', name: 't', columns: cols, keyModel: 'UNIQUE' }),
    ).toThrow(/keyColumns: a UNIQUE KEY table needs key columns/);
    expect(() =>
      catalog().createTableSql({
        database: 'd',
        name: 't',
        keyModel: 'AGGREGATE',
        keyColumns: ['a'],
        columns: [...cols, { name: 'v', type: 'INT' }],
      }),
    ).toThrow(/columns.1.aggregate: a value column of an AGGREGATE KEY table needs an aggregate function/);
    expect(() =>
      catalog().createTableSql({ database: 'd', name: 't', columns: cols, distributionType: 'HASH' }),
    ).toThrow(/HASH distribution needs columns/);
    expect(() =>
      catalog().createTableSql({
        database: 'd',
        name: 't',
        columns: cols,
        keyColumns: ['a'],
        distributionType: 'RANDOM',
        distributionKeys: ['a'],
      }),
    ).toThrow(/RANDOM distribution takes no columns/);
  });

  it('validates names before anything else (nothing injectable gets through)', () => {
    expect(() => catalog().createTableSql({ ...base, database: 'd`; DROP DATABASE x; --' })).toThrow(
      InvalidNameError,
    );
    expect(() => catalog().createTableSql({ ...base, name: 'a\0' })).toThrow(InvalidNameError);
    expect(() =>
      catalog().createTableSql({ ...base, columns: [...base.columns, { name: 'x=1', type: 'INT' }] }),
    ).toThrow(/Invalid column name "x=1"/);
    const sql = catalog().createTableSql({
      ...base,
      name: 'x`; DROP DATABASE d; --',
      comment: '"); DROP DATABASE d; --',
      columns: [
        { name: 'id', type: 'BIGINT' },
        { name: 'a`) ; DROP', type: 'INT', comment: '\\"; DROP', default: "'); DROP" },
      ],
      properties: { 'k"); DROP': 'v\\"' },
    });
    expect(sql).toContain('CREATE TABLE `d`.`x``; DROP DATABASE d; --` (');
    expect(sql).toContain('`a``) ; DROP` INT NULL DEFAULT "\\\'); DROP" COMMENT "\\\\\\"; DROP"');
    expect(sql).toContain('COMMENT "\\"); DROP DATABASE d; --"');
    expect(sql).toContain('"k\\"); DROP" = "v\\\\\\""');
  });
});

describe('ALTER TABLE generation', () => {
  it('ADD COLUMN with FIRST / AFTER / KEY, several columns in one statement', () => {
    const cols = resolveAddColumns([
      { name: 'k2', type: 'INT', key: true, first: true },
      { name: 'v', type: 'VARCHAR(3)', after: 'a`b', default: 'x', comment: 'c' },
      { name: 'w', type: 'DOUBLE' },
    ]);
    expect(addColumnsSql('d', 't`', cols)).toBe(
      'ALTER TABLE `d`.`t``` ADD COLUMN `k2` INT KEY NULL FIRST, ADD COLUMN `v` VARCHAR(3) NULL DEFAULT "x" COMMENT "c" AFTER `a``b`, ADD COLUMN `w` DOUBLE NULL',
    );
    expect(() => resolveAddColumns([{ name: 'x', type: 'INT', first: true, after: 'y' }])).toThrow(
      /0: give either after or first, not both/,
    );
    expect(() => resolveAddColumns([])).toThrow(InvalidOptionError);
  });

  it('DROP COLUMN, RENAME COLUMN, MODIFY COLUMN', () => {
    expect(dropColumnsSql('d', 't', ['a', 'b`'])).toBe(
      'ALTER TABLE `d`.`t` DROP COLUMN `a`, DROP COLUMN `b```',
    );
    expect(renameColumnSql('d', 't', 'old', 'new name')).toBe(
      'ALTER TABLE `d`.`t` RENAME COLUMN `old` TO `new name`',
    );
    expect(() => renameColumnSql('d', 't', 'a', '__op')).toThrow(InvalidNameError);
    const c = resolveColumnDefinition({ name: 'v', type: 'BIGINT', nullable: false, comment: 'n' });
    expect(modifyColumnSql('d', 't', c)).toBe(
      'ALTER TABLE `d`.`t` MODIFY COLUMN `v` BIGINT NOT NULL COMMENT "n"',
    );
    expect(modifyColumnSql('d', 't', c, { key: true })).toBe(
      'ALTER TABLE `d`.`t` MODIFY COLUMN `v` BIGINT KEY NOT NULL COMMENT "n"',
    );
  });
});
