import { ProtocolError } from '@srconnect/stream-load-sdk';
import { describe, expect, it } from 'vitest';
import {
  createCatalog,
  formatStarRocksType,
  NotFoundError,
  type SqlRow,
  t,
  toZodSchema,
} from '../../../src/index.js';
import { parseColumnList } from '../../../src/schema/read-table-schema.js';
import { parseShowCreateColumns } from '../../../src/schema/show-create-table.js';
import { fakeExecutor } from '../fake-executor.js';

interface Col {
  name: string;
  dataType: string;
  columnType: string;
  nullable?: boolean;
  key?: string;
  dflt?: string | null;
  comment?: string;
}

function columnRows(cols: Col[]): SqlRow[] {
  return cols.map((c, i) => ({
    column_name: c.name,
    ordinal_position: String(i + 1),
    data_type: c.dataType,
    column_type: c.columnType,
    is_nullable: c.nullable === false ? 'NO' : 'YES',
    column_key: c.key ?? '',
    column_default: c.dflt ?? null,
    column_comment: c.comment ?? '',
  }));
}

function server(o: {
  columns: Col[];
  config?: Partial<Record<string, string | number>> | null;
  comment?: string;
  ddl?: string;
  databases?: string[];
}) {
  return fakeExecutor((sql) => {
    if (sql.includes('information_schema.columns')) return columnRows(o.columns);
    if (sql.includes('information_schema.tables_config'))
      return o.config === null
        ? []
        : [
            {
              table_model: 'DUP_KEYS',
              primary_key: '',
              distribute_key: '',
              distribute_type: 'HASH',
              distribute_bucket: '0',
              sort_key: '',
              properties: '{}',
              ...o.config,
            },
          ];
    if (sql.includes('information_schema.tables '))
      return [{ table_name: 't', table_type: 'BASE TABLE', table_comment: o.comment ?? '' }];
    if (sql.includes('information_schema.schemata'))
      return (o.databases ?? ['d']).map((d) => ({ schema_name: d }));
    if (sql.startsWith('SHOW CREATE TABLE')) return [{ Table: 't', 'Create Table': o.ddl ?? '' }];
    throw new Error(`unexpected: ${sql}`);
  });
}

describe('getTable from information_schema', () => {
  it('reads types, disambiguating BOOLEAN (tinyint(1)) and LARGEINT (bigint(20) unsigned)', async () => {
    const exec = server({
      columns: [
        {
          name: 'id',
          dataType: 'bigint unsigned',
          columnType: 'bigint(20) unsigned',
          nullable: false,
          key: 'PRI',
        },
        { name: 'flag', dataType: 'tinyint', columnType: 'tinyint(1)' },
        { name: 'small', dataType: 'tinyint', columnType: 'tinyint(4)' },
        { name: 'amount', dataType: 'decimal', columnType: 'decimal(18, 2)', dflt: '0' },
        { name: 'at', dataType: 'datetime', columnType: 'datetime', dflt: 'CURRENT_TIMESTAMP' },
        {
          name: 'txt',
          dataType: 'varchar',
          columnType: 'varchar(65533)',
          dflt: 'CURRENT_TIMESTAMP',
          comment: 'c',
        },
        { name: 'tags', dataType: 'array', columnType: 'array<tinyint(1)>' },
      ],
      config: {
        table_model: 'PRI_KEYS',
        primary_key: '`id`',
        distribute_key: '`id`',
        distribute_bucket: '4',
        sort_key: '`id`',
        properties: '{"replication_num":"1","x":2}',
      },
      comment: 'tc',
    });
    const s = await createCatalog({ executor: exec }).getTable('d', 't');
    expect(s.keyModel).toBe('PRIMARY');
    expect(s.columns.map((c) => c.type)).toEqual([
      t.largeint(),
      t.boolean(),
      t.tinyint(),
      t.decimal(18, 2),
      t.datetime(),
      t.string(),
      t.array(t.boolean()),
    ]);
    expect(s.columns[3]!.default).toEqual({ kind: 'literal', value: '0' });
    expect(s.columns[4]!.default).toEqual({ kind: 'current_timestamp' });
    // a VARCHAR default "CURRENT_TIMESTAMP" stays a literal
    expect(s.columns[5]!.default).toEqual({ kind: 'literal', value: 'CURRENT_TIMESTAMP' });
    expect(s.columns[0]).toMatchObject({
      nullable: false,
      isKey: true,
      position: 1,
      columnType: 'bigint(20) unsigned',
    });
    expect(s).toMatchObject({
      keyColumns: ['id'],
      distributionType: 'HASH',
      distributionKeys: ['id'],
      buckets: 4,
      sortKeys: ['id'],
      comment: 'tc',
      properties: { replication_num: '1', x: '2' },
    });
    // values are placeholders, never spliced
    for (const s2 of exec.seen.filter((q) => q.sql.includes('information_schema'))) {
      expect(s2.params).toEqual(['d', 't']);
      expect(s2.sql).not.toContain("'d'");
    }
  });

  it('key order comes from PRIMARY_KEY (the key clause), not from column order', async () => {
    const exec = server({
      columns: [
        { name: 'a', dataType: 'int', columnType: 'int(11)', key: 'UNI' },
        { name: 'b', dataType: 'int', columnType: 'int(11)', key: 'UNI' },
      ],
      config: {
        table_model: 'UNQ_KEYS',
        primary_key: '`b`, `a`',
        distribute_key: '`a`',
        sort_key: '`b`, `a`',
      },
    });
    const s = await createCatalog({ executor: exec }).getTable('d', 't');
    expect(s.keyColumns).toEqual(['b', 'a']);
    expect(s.buckets).toBeNull();
  });

  it('DUPLICATE keys fall back to COLUMN_KEY order when PRIMARY_KEY is empty; RANDOM has no distribution keys', async () => {
    const exec = server({
      columns: [
        { name: 'k1', dataType: 'int', columnType: 'int(11)', key: 'DUP' },
        { name: 'k2', dataType: 'date', columnType: 'date', key: 'DUP' },
        { name: 'v', dataType: 'json', columnType: 'json' },
      ],
      config: { distribute_type: 'RANDOM', sort_key: '`k1`, `k2`' },
    });
    const s = await createCatalog({ executor: exec }).getTable('d', 't');
    expect(s.keyModel).toBe('DUPLICATE');
    expect(s.keyColumns).toEqual(['k1', 'k2']);
    expect(s.distributionType).toBe('RANDOM');
    expect(s.distributionKeys).toEqual([]);
  });

  it('AGGREGATE tables: aggregate functions come from SHOW CREATE TABLE', async () => {
    const exec = server({
      columns: [
        { name: 'k', dataType: 'int', columnType: 'int(11)', key: 'AGG' },
        { name: 'sum`v', dataType: 'bigint', columnType: 'bigint(20)' },
        { name: 'last', dataType: 'varchar', columnType: 'varchar(10)' },
        { name: 'u', dataType: 'bitmap', columnType: 'bitmap' },
      ],
      config: { table_model: 'AGG_KEYS', distribute_key: '`k`', sort_key: '`k`' },
      ddl: [
        'CREATE TABLE `t` (',
        '  `k` int(11) NULL COMMENT "",',
        '  `sum``v` bigint(20) SUM NULL DEFAULT "0" COMMENT "a, (b)",',
        '  `last` varchar(10) REPLACE_IF_NOT_NULL NULL COMMENT "",',
        '  `u` bitmap BITMAP_UNION NOT NULL COMMENT ""',
        ') ENGINE=OLAP ',
        'AGGREGATE KEY(`k`)',
        'DISTRIBUTED BY HASH(`k`) BUCKETS 1 ',
        'PROPERTIES ("replication_num" = "1");',
      ].join('\n'),
    });
    const s = await createCatalog({ executor: exec }).getTable('d', 't');
    expect(s.keyModel).toBe('AGGREGATE');
    expect(s.columns.map((c) => [c.name, c.aggregate])).toEqual([
      ['k', null],
      ['sum`v', 'SUM'],
      ['last', 'REPLACE_IF_NOT_NULL'],
      ['u', 'BITMAP_UNION'],
    ]);
    expect(exec.seen.some((q) => q.sql === 'SHOW CREATE TABLE `d`.`t`')).toBe(true);
  });

  it('missing table / database → NotFoundError; a view → NotFoundError', async () => {
    const noTable = server({ columns: [] });
    const e1 = await createCatalog({ executor: noTable })
      .getTable('d', 'nope')
      .catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(NotFoundError);
    expect(e1).toMatchObject({ objectType: 'table', database: 'd', table: 'nope', code: 'SR_NOT_FOUND' });
    const noDb = server({ columns: [], databases: [] });
    const e2 = await createCatalog({ executor: noDb })
      .getTable('zz', 't')
      .catch((e: unknown) => e);
    expect(e2).toMatchObject({ objectType: 'database', database: 'zz' });
    const view = server({ columns: [{ name: 'a', dataType: 'int', columnType: 'int(11)' }], config: null });
    const e3 = await createCatalog({ executor: view })
      .getTable('d', 'v')
      .catch((e: unknown) => e);
    expect((e3 as Error).message).toMatch(/no information_schema.tables_config row/);
  });

  it('an unknown COLUMN_TYPE is an OPAQUE type, not a failure; bad PROPERTIES is a ProtocolError', async () => {
    const exec = server({
      columns: [
        { name: 'k', dataType: 'int', columnType: 'int(11)' },
        { name: 'v', dataType: 'variant', columnType: 'variant' },
      ],
    });
    const s = await createCatalog({ executor: exec }).getTable('d', 't');
    expect(s.columns.map((c) => c.type)).toEqual([{ kind: 'INT' }, { kind: 'OPAQUE', text: 'variant' }]);
    expect(formatStarRocksType(s.columns[1]!.type)).toBe('variant');
    expect(toZodSchema(s).safeParse({ k: 1, v: { anything: true } }).success).toBe(true);
    expect(() => createCatalog({ executor: exec }).createTableSql({ ...s, name: 'copy' })).toThrow();
    const exec2 = server({
      columns: [{ name: 'v', dataType: 'int', columnType: 'int(11)' }],
      config: { properties: '{' },
    });
    await expect(createCatalog({ executor: exec2 }).getTable('d', 't')).rejects.toBeInstanceOf(ProtocolError);
  });
});

describe('parseColumnList', () => {
  it('splits backquoted and plain lists, matching known names case-insensitively', () => {
    expect(parseColumnList('`a`, `b`', ['a', 'b'])).toEqual(['a', 'b']);
    expect(parseColumnList('a, b', ['a', 'b'])).toEqual(['a', 'b']);
    expect(parseColumnList('`A`', ['a'])).toEqual(['a']);
    expect(parseColumnList('', ['a'])).toEqual([]);
  });

  it('finds names with commas, spaces and backticks (which the server does not escape)', () => {
    const names = ['a', 'b', 'x y', 'c`, `d', 'e,f'];
    expect(parseColumnList('`a`, `b`', names)).toEqual(['a', 'b']);
    expect(parseColumnList('`a`, `x y`, `e,f`', names)).toEqual(['a', 'x y', 'e,f']);
    expect(parseColumnList('`c``, ``d`, `b`', names)).toEqual(['c`, `d', 'b']);
    expect(parseColumnList('`b`, `c`, `d`', names)).toEqual(['b', 'c`, `d']);
  });

  it('returns null when the text does not match the columns', () => {
    expect(parseColumnList('`zz`', ['a'])).toBeNull();
  });
});

describe('parseShowCreateColumns', () => {
  it('reads names, types and aggregate functions', () => {
    const ddl = [
      'CREATE TABLE `we(ird` (',
      '  `k` int(11) NOT NULL COMMENT "",',
      '  `s` struct<a int(11), b varchar(3)> NULL COMMENT "x",',
      '  `m` bigint(20) MAX NULL DEFAULT "1" COMMENT "),",',
      '  `n` decimal(10, 2) SUM NULL COMMENT ""',
      ') ENGINE=OLAP',
    ].join('\n');
    expect(parseShowCreateColumns(ddl)).toEqual([
      { name: 'k', type: 'int(11)', aggregate: null, default: null },
      { name: 's', type: 'struct<a int(11), b varchar(3)>', aggregate: null, default: null },
      { name: 'm', type: 'bigint(20)', aggregate: 'MAX', default: { kind: 'literal', value: '1' } },
      { name: 'n', type: 'decimal(10, 2)', aggregate: 'SUM', default: null },
    ]);
    expect(parseShowCreateColumns('')).toEqual([]);
  });
});
