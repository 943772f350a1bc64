import { describe, expect, it } from 'vitest';
import { buildTableSchema } from '../../../src/catalog/ddl.js';
import { showCreateTable } from '../../../src/catalog/show-create-table.js';
import type { ColumnSchema, TableSchema } from '../../../src/catalog/table-schema.js';
import { parseStatement } from '../../../src/sql/parser.js';

function column(name: string, over: Partial<ColumnSchema> & Pick<ColumnSchema, 'type'>): ColumnSchema {
  return {
    name,
    nullable: true,
    default: null,
    comment: '',
    isKey: false,
    autoIncrement: false,
    storageName: `c_${name}`,
    ...over,
  };
}

function fromSql(sql: string): TableSchema {
  const s = parseStatement(sql);
  if (s.kind !== 'create_table') throw new Error('not CREATE TABLE');
  return buildTableSchema(s, 'db', 1);
}

describe('showCreateTable (spec §7.3)', () => {
  it('a PRIMARY KEY table in the exact shape of the spec example', () => {
    const orders: TableSchema = {
      id: 1,
      database: 'db',
      name: 'orders',
      columns: [
        column('id', { type: { kind: 'BIGINT' }, nullable: false, isKey: true }),
        column('name', { type: { kind: 'VARCHAR', length: 64 } }),
        column('amount', {
          type: { kind: 'DECIMAL', precision: 18, scale: 2 },
          default: { kind: 'literal', value: '0' },
        }),
        column('dt', { type: { kind: 'DATE' } }),
      ],
      keysType: 'PRIMARY_KEYS',
      keys: ['id'],
      comment: '',
      distribution: { type: 'HASH', columns: ['id'], buckets: 8 },
      orderBy: null,
      properties: {
        replication_num: '3',
        compression: 'LZ4',
        replicated_storage: 'true',
        fast_schema_evolution: 'true',
        enable_persistent_index: 'true',
      },
      createTime: 0,
      nextColumnId: 4,
      schemaVersion: 0,
    };
    expect(showCreateTable(orders)).toBe(
      [
        'CREATE TABLE `orders` (',
        '  `id` bigint(20) NOT NULL COMMENT "",',
        '  `name` varchar(64) NULL COMMENT "",',
        '  `amount` decimal(18, 2) NULL DEFAULT "0" COMMENT "",',
        '  `dt` date NULL COMMENT ""',
        ') ENGINE=OLAP ',
        'PRIMARY KEY(`id`)',
        'COMMENT "OLAP"',
        'DISTRIBUTED BY HASH(`id`) BUCKETS 8 ',
        'PROPERTIES (',
        '"compression" = "LZ4",',
        '"enable_persistent_index" = "true",',
        '"fast_schema_evolution" = "true",',
        '"replicated_storage" = "true",',
        '"replication_num" = "3"',
        ');',
      ].join('\n'),
    );
  });

  it('a PRIMARY KEY table built from CREATE TABLE prints its key columns NOT NULL', () => {
    const t = fromSql(
      'CREATE TABLE orders (id BIGINT, name VARCHAR(64), amount DECIMAL(18, 2) DEFAULT "0", dt DATE) PRIMARY KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 8',
    );
    const text = showCreateTable(t);
    expect(text.split('\n').slice(0, 9)).toEqual([
      'CREATE TABLE `orders` (',
      '  `id` bigint(20) NOT NULL COMMENT "",',
      '  `name` varchar(64) NULL COMMENT "",',
      '  `amount` decimal(18, 2) NULL DEFAULT "0" COMMENT "",',
      '  `dt` date NULL COMMENT ""',
      ') ENGINE=OLAP ',
      'PRIMARY KEY(`id`)',
      'COMMENT "OLAP"',
      'DISTRIBUTED BY HASH(`id`) BUCKETS 8 ',
    ]);
  });

  it('a DUPLICATE table without BUCKETS omits the BUCKETS clause', () => {
    const t = fromSql(
      'CREATE TABLE ev (k1 INT, k2 VARCHAR(10) NOT NULL, v STRING COMMENT "value") DUPLICATE KEY(k1, k2) COMMENT "events" DISTRIBUTED BY HASH(k1) PROPERTIES ("replication_num" = "1")',
    );
    expect(showCreateTable(t)).toBe(
      [
        'CREATE TABLE `ev` (',
        '  `k1` int(11) NULL COMMENT "",',
        '  `k2` varchar(10) NOT NULL COMMENT "",',
        '  `v` varchar(65533) NULL COMMENT "value"',
        ') ENGINE=OLAP ',
        'DUPLICATE KEY(`k1`, `k2`)',
        'COMMENT "events"',
        'DISTRIBUTED BY HASH(`k1`)',
        'PROPERTIES (',
        '"compression" = "LZ4",',
        '"fast_schema_evolution" = "true",',
        '"replicated_storage" = "true",',
        '"replication_num" = "1"',
        ');',
      ].join('\n'),
    );
    expect(showCreateTable(t)).not.toMatch(/BUCKETS/);
  });

  it('RANDOM distribution, ORDER BY, CURRENT_TIMESTAMP default and UNIQUE KEY', () => {
    const dup = fromSql('CREATE TABLE r (a INT, ts DATETIME DEFAULT CURRENT_TIMESTAMP) DUPLICATE KEY(a)');
    const text = showCreateTable(dup);
    expect(text).toContain('  `ts` datetime NULL DEFAULT CURRENT_TIMESTAMP COMMENT ""\n');
    expect(text).toContain('\nDISTRIBUTED BY RANDOM\nPROPERTIES (\n');

    const pk = fromSql(
      'CREATE TABLE p (a INT, b INT) PRIMARY KEY(a) DISTRIBUTED BY HASH(a) BUCKETS 2 ORDER BY(b)',
    );
    expect(showCreateTable(pk)).toContain('DISTRIBUTED BY HASH(`a`) BUCKETS 2 \nORDER BY(`b`)\nPROPERTIES (');

    const uq = fromSql('CREATE TABLE u (a INT, b INT) UNIQUE KEY(a) DISTRIBUTED BY HASH(a)');
    expect(showCreateTable(uq)).toContain('\nUNIQUE KEY(`a`)\n');
  });

  it('quotes names and escapes comments and defaults', () => {
    const t = fromSql(
      "CREATE TABLE `we``ird` (`a``b` INT COMMENT 'say \"hi\"', c VARCHAR(5) DEFAULT 'back\\\\slash') COMMENT 't \"x\"'",
    );
    const text = showCreateTable(t);
    expect(text).toContain('CREATE TABLE `we``ird` (');
    expect(text).toContain('  `a``b` int(11) NULL COMMENT "say \\"hi\\"",');
    expect(text).toContain('  `c` varchar(5) NULL DEFAULT "back\\\\slash" COMMENT ""');
    expect(text).toContain('DUPLICATE KEY(`a``b`)');
    expect(text).toContain('COMMENT "t \\"x\\""');
  });

  it('prints nested and special types with their SQL form', () => {
    const t = fromSql(
      'CREATE TABLE n (k INT, b BOOLEAN, l LARGEINT, a ARRAY<MAP<INT,ARRAY<VARCHAR(10)>>>, s STRUCT<x INT, y DECIMAL(10, 2)>, j JSON) DUPLICATE KEY(k)',
    );
    const text = showCreateTable(t);
    expect(text).toContain('  `b` boolean NULL COMMENT "",');
    expect(text).toContain('  `l` largeint(40) NULL COMMENT "",');
    expect(text).toContain('  `a` array<map<int(11),array<varchar(10)>>> NULL COMMENT "",');
    expect(text).toContain('  `s` struct<x int(11), y decimal(10, 2)> NULL COMMENT "",');
    expect(text).toContain('  `j` json NULL COMMENT ""\n');
  });
});
