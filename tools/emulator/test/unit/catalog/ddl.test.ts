import { describe, expect, it } from 'vitest';
import { buildTableSchema, planAlter } from '../../../src/catalog/ddl.js';
import type { TableSchema } from '../../../src/catalog/table-schema.js';
import { MysqlError } from '../../../src/mysql/index.js';
import { parseStatement } from '../../../src/sql/parser.js';
import type { AlterOp, CreateTableStatement } from '../../../src/sql/statement.js';

function create(sql: string): CreateTableStatement {
  const s = parseStatement(sql);
  if (s.kind !== 'create_table') throw new Error(`not CREATE TABLE: ${s.kind}`);
  return s;
}

function build(sql: string): TableSchema {
  return buildTableSchema(create(sql), 'db1', 7);
}

function ops(sql: string): readonly AlterOp[] {
  const s = parseStatement(`ALTER TABLE t ${sql}`);
  if (s.kind !== 'alter_table') throw new Error(`not ALTER TABLE: ${s.kind}`);
  return s.ops;
}

function alter(t: TableSchema, sql: string) {
  return planAlter(t, ops(sql));
}

function names(t: TableSchema): string[] {
  return t.columns.map((c) => c.name);
}

/** Expects a MysqlError whose message matches. */
function expectDdlError(fn: () => unknown, message: RegExp | string, errno?: number): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(MysqlError);
  const e = caught as MysqlError;
  if (typeof message === 'string') expect(e.message).toBe(message);
  else expect(e.message).toMatch(message);
  if (errno !== undefined) expect(e.errno).toBe(errno);
}

const PK_SQL =
  'CREATE TABLE orders (id BIGINT, name VARCHAR(10), score INT NOT NULL DEFAULT "0", dt DATE) PRIMARY KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 4 PROPERTIES ("replication_num" = "1")';
const DUP_SQL =
  'CREATE TABLE ev (k1 INT, k2 VARCHAR(10), v INT, f FLOAT, note VARCHAR(20)) DUPLICATE KEY(k1, k2) DISTRIBUTED BY HASH(k1)';

describe('buildTableSchema', () => {
  it('builds a PRIMARY KEY table', () => {
    const before = Date.now();
    const t = build(PK_SQL);
    expect(t).toMatchObject({
      id: 7,
      database: 'db1',
      name: 'orders',
      keysType: 'PRIMARY_KEYS',
      keys: ['id'],
      comment: '',
      distribution: { type: 'HASH', columns: ['id'], buckets: 4 },
      orderBy: null,
      nextColumnId: 4,
      schemaVersion: 0,
    });
    expect(t.createTime).toBeGreaterThanOrEqual(before);
    expect(t.columns).toEqual([
      {
        name: 'id',
        type: { kind: 'BIGINT' },
        nullable: false,
        default: null,
        comment: '',
        isKey: true,
        autoIncrement: false,
        storageName: 'c0',
      },
      {
        name: 'name',
        type: { kind: 'VARCHAR', length: 10 },
        nullable: true,
        default: null,
        comment: '',
        isKey: false,
        autoIncrement: false,
        storageName: 'c1',
      },
      {
        name: 'score',
        type: { kind: 'INT' },
        nullable: false,
        default: { kind: 'literal', value: '0' },
        comment: '',
        isKey: false,
        autoIncrement: false,
        storageName: 'c2',
      },
      {
        name: 'dt',
        type: { kind: 'DATE' },
        nullable: true,
        default: null,
        comment: '',
        isKey: false,
        autoIncrement: false,
        storageName: 'c3',
      },
    ]);
    expect(t.properties.replication_num).toBe('1');
  });

  it('PK key columns default to NOT NULL, explicit NOT NULL is fine', () => {
    const t = build('CREATE TABLE t (a INT NOT NULL, b INT, c INT) PRIMARY KEY(a, b)');
    expect(t.columns.map((c) => [c.name, c.nullable, c.isKey])).toEqual([
      ['a', false, true],
      ['b', false, true],
      ['c', true, false],
    ]);
  });

  it('DUPLICATE key columns stay nullable unless NOT NULL', () => {
    const t = build(DUP_SQL);
    expect(t.columns.map((c) => [c.name, c.nullable, c.isKey])).toEqual([
      ['k1', true, true],
      ['k2', true, true],
      ['v', true, false],
      ['f', true, false],
      ['note', true, false],
    ]);
    expect(t.keys).toEqual(['k1', 'k2']);
  });

  it('Duplicate Key is the default model (spec §7.4)', () => {
    const t = build('CREATE TABLE t (a INT, b INT)');
    expect(t.keysType).toBe('DUP_KEYS');
    expect(t.keys).toEqual(['a']);
  });

  it('UNIQUE KEY tables are accepted', () => {
    const t = build('CREATE TABLE t (a INT, b INT) UNIQUE KEY(a) DISTRIBUTED BY HASH(a)');
    expect(t.keysType).toBe('UNIQUE_KEYS');
    expect(t.columns[0]!.nullable).toBe(true);
  });

  it.each([
    ['DUPLICATE KEY(a)', { type: 'RANDOM', columns: [], buckets: null }],
    ['PRIMARY KEY(a)', { type: 'HASH', columns: ['a'], buckets: null }],
    ['UNIQUE KEY(a, b)', { type: 'HASH', columns: ['a', 'b'], buckets: null }],
  ])('default distribution for %s', (clause, distribution) => {
    expect(build(`CREATE TABLE t (a INT, b INT, c INT) ${clause}`).distribution).toEqual(distribution);
  });

  it('distribution and ORDER BY names take the column spelling', () => {
    const t = build('CREATE TABLE t (Aa INT, Bb INT) PRIMARY KEY(Aa) DISTRIBUTED BY HASH(aa) ORDER BY(BB)');
    expect(t.distribution.columns).toEqual(['Aa']);
    expect(t.orderBy).toEqual(['Bb']);
  });

  it('properties default to a one-BE cluster and keep user values', () => {
    const t = build('CREATE TABLE t (a INT) PROPERTIES ("compression" = "ZSTD", "x" = "y")');
    expect(t.properties).toEqual({
      compression: 'ZSTD',
      fast_schema_evolution: 'true',
      replicated_storage: 'true',
      replication_num: '1',
      x: 'y',
    });
  });

  it('keeps the table comment', () => {
    expect(build('CREATE TABLE t (a INT) COMMENT "hello"').comment).toBe('hello');
  });

  it.each([
    [
      'CREATE TABLE t (a INT, b INT) DUPLICATE KEY(b)',
      'Key columns should be a ordered prefix of the schema.',
    ],
    [
      'CREATE TABLE t (a INT, b INT) PRIMARY KEY(b, a)',
      'Key columns should be a ordered prefix of the schema.',
    ],
    [
      'CREATE TABLE t (a INT, b INT, c INT) DUPLICATE KEY(a, c)',
      'Key columns should be a ordered prefix of the schema.',
    ],
    ['CREATE TABLE t (a INT) DUPLICATE KEY(a, b)', 'Key columns should be a ordered prefix of the schema.'],
  ])('key prefix: %s', (sql, message) => {
    expectDdlError(() => build(sql), message);
  });

  it('key names match case-insensitively', () => {
    expect(build('CREATE TABLE t (Id INT, v INT) PRIMARY KEY(id)').keys).toEqual(['Id']);
  });

  it('PK columns cannot be nullable', () => {
    expectDdlError(
      () => build('CREATE TABLE t (id INT NULL, v INT) PRIMARY KEY(id)'),
      'primary key column[id] cannot be nullable',
    );
  });

  it.each([
    ['FLOAT', "Invalid data type of key column 'k': 'FLOAT'"],
    ['DOUBLE', "Invalid data type of key column 'k': 'DOUBLE'"],
    ['JSON', "Invalid data type of key column 'k': 'JSON'"],
    ['ARRAY<INT>', "Invalid data type of key column 'k': 'ARRAY<INT(11)>'"],
  ])('%s key column is rejected', (type, message) => {
    expectDdlError(() => build(`CREATE TABLE t (k ${type}, v INT) DUPLICATE KEY(k)`), message);
    expectDdlError(() => build(`CREATE TABLE t (k ${type} NOT NULL, v INT) PRIMARY KEY(k)`), message);
  });

  it('FLOAT / DOUBLE / JSON are fine as value columns', () => {
    expect(() => build('CREATE TABLE t (k INT, f FLOAT, d DOUBLE, j JSON) DUPLICATE KEY(k)')).not.toThrow();
  });

  it('duplicate column names (case-insensitive)', () => {
    expectDdlError(() => build('CREATE TABLE t (a INT, A BIGINT)'), "Duplicate column name 'A'", 1060);
  });

  it('AGGREGATE KEY tables are refused', () => {
    expectDdlError(
      () => build('CREATE TABLE t (k INT, v BIGINT SUM) AGGREGATE KEY(k) DISTRIBUTED BY HASH(k)'),
      /AGGREGATE KEY tables are not supported/,
    );
  });

  it('aggregate functions outside AGGREGATE tables are refused', () => {
    expectDdlError(
      () => build('CREATE TABLE t (k INT, v BIGINT SUM) DUPLICATE KEY(k)'),
      /Aggregate function SUM is only allowed in AGGREGATE KEY tables/,
    );
  });

  it.each([['3'], ['2'], ['0']])('replication_num=%s is refused', (rn) => {
    expectDdlError(
      () => build(`CREATE TABLE t (a INT) PROPERTIES ("replication_num" = "${rn}")`),
      new RegExp(`replication num.*replication_num=${rn}`, 's'),
    );
  });

  it.each([
    ['CREATE TABLE t (a INT) DISTRIBUTED BY HASH(zz)', /Distribution column\[zz\] does not exist/],
    [
      'CREATE TABLE t (a INT, b INT) PRIMARY KEY(a) DISTRIBUTED BY HASH(b)',
      /Distribution column\[b\] is not key column/,
    ],
    ['CREATE TABLE t (a INT) PRIMARY KEY(a) DISTRIBUTED BY RANDOM', /Random distribution is only supported/],
    ['CREATE TABLE t (a INT) DISTRIBUTED BY HASH(a) BUCKETS 0', /greater than zero/],
    ['CREATE TABLE t (a INT) ORDER BY(zz)', /Unknown column 'zz' in order by/],
    ['CREATE TABLE t (__op INT)', /reserved/],
    ['CREATE TABLE t (a INT, __row_x INT)', /reserved/],
    ['CREATE TABLE t (`a=b` INT)', /Incorrect column name 'a=b'/],
    ['CREATE TABLE t (id BIGINT NOT NULL AUTO_INCREMENT)', /AUTO_INCREMENT/],
    ['CREATE TABLE t (id INT AUTO_INCREMENT)', /The AUTO_INCREMENT column must be BIGINT/],
  ])('%s', (sql, message) => {
    expectDdlError(() => build(sql), message);
  });

  it('DUPLICATE tables may distribute by a value column', () => {
    expect(
      build('CREATE TABLE t (a INT, b INT) DUPLICATE KEY(a) DISTRIBUTED BY HASH(b)').distribution.columns,
    ).toEqual(['b']);
  });
});

describe('planAlter: ADD COLUMN', () => {
  const pk = build(PK_SQL);
  const dup = build(DUP_SQL);

  it('appends a nullable value column with the next storage name', () => {
    const r = alter(pk, 'ADD COLUMN extra VARCHAR(5)');
    expect(names(r.schema)).toEqual(['id', 'name', 'score', 'dt', 'extra']);
    const added = r.schema.columns[4]!;
    expect(added).toMatchObject({ name: 'extra', nullable: true, isKey: false, storageName: 'c4' });
    expect(r.changes).toEqual([{ kind: 'add', column: added }]);
    expect(r.columnChange).toBe(true);
    expect(r.schema.nextColumnId).toBe(5);
    expect(r.schema.schemaVersion).toBe(1);
  });

  it('does not mutate the input schema', () => {
    const snapshot = JSON.stringify(pk);
    alter(pk, 'ADD COLUMN extra INT, DROP COLUMN dt, RENAME COLUMN name TO nm');
    expect(JSON.stringify(pk)).toBe(snapshot);
  });

  it('AFTER places the column', () => {
    expect(names(alter(pk, 'ADD COLUMN extra INT AFTER name').schema)).toEqual([
      'id',
      'name',
      'extra',
      'score',
      'dt',
    ]);
    expect(names(alter(pk, 'ADD COLUMN extra INT AFTER ID').schema)).toEqual([
      'id',
      'extra',
      'name',
      'score',
      'dt',
    ]);
  });

  it('the parenthesised list form adds several columns in order', () => {
    const r = alter(pk, 'ADD COLUMN (x INT, y BIGINT NOT NULL DEFAULT "1")');
    expect(names(r.schema)).toEqual(['id', 'name', 'score', 'dt', 'x', 'y']);
    expect(r.schema.columns.slice(4).map((c) => c.storageName)).toEqual(['c4', 'c5']);
    expect(r.changes.map((c) => c.kind)).toEqual(['add', 'add']);
  });

  it('NOT NULL needs a default', () => {
    expectDdlError(
      () => alter(pk, 'ADD COLUMN x INT NOT NULL'),
      'Can not add column which is NOT NULL and has no default value: x',
    );
    expect(alter(pk, 'ADD COLUMN x INT NOT NULL DEFAULT "5"').schema.columns[4]).toMatchObject({
      nullable: false,
      default: { kind: 'literal', value: '5' },
    });
  });

  it('duplicate names are refused', () => {
    expectDdlError(() => alter(pk, 'ADD COLUMN NAME INT'), "Duplicate column name 'NAME'", 1060);
  });

  it('AFTER an unknown column', () => {
    expectDdlError(() => alter(pk, 'ADD COLUMN x INT AFTER nope'), 'Column[nope] does not exist', 5509);
  });

  it('FIRST is only for key columns of DUPLICATE tables', () => {
    expectDdlError(() => alter(pk, 'ADD COLUMN x INT FIRST'), /as the first column/);
    expectDdlError(() => alter(dup, 'ADD COLUMN x INT FIRST'), /as the first column/);
    expect(names(alter(dup, 'ADD COLUMN k0 INT KEY FIRST').schema)).toEqual([
      'k0',
      'k1',
      'k2',
      'v',
      'f',
      'note',
    ]);
  });

  it('a KEY column on a DUPLICATE table goes after the last key column', () => {
    const r = alter(dup, 'ADD COLUMN k3 INT KEY');
    expect(names(r.schema)).toEqual(['k1', 'k2', 'k3', 'v', 'f', 'note']);
    expect(r.schema.columns[2]).toMatchObject({ isKey: true, nullable: true });
  });

  it('a KEY column cannot be added to a PRIMARY KEY table', () => {
    expectDdlError(
      () => alter(pk, 'ADD COLUMN k2 INT KEY'),
      /Can not add key column k2 to a PRIMARY KEY table/,
    );
  });

  it('a FLOAT key column is refused', () => {
    expectDdlError(() => alter(dup, 'ADD COLUMN k3 FLOAT KEY'), /Invalid data type of key column 'k3'/);
  });

  it('a value column cannot go between key columns', () => {
    expectDdlError(() => alter(dup, 'ADD COLUMN x INT AFTER k1'), /between key columns/);
    expect(names(alter(dup, 'ADD COLUMN x INT AFTER k2').schema)).toEqual([
      'k1',
      'k2',
      'x',
      'v',
      'f',
      'note',
    ]);
  });

  it('reserved names are refused', () => {
    expectDdlError(() => alter(pk, 'ADD COLUMN __op INT'), /reserved/);
  });
});

describe('planAlter: DROP COLUMN', () => {
  const pk = build(PK_SQL);
  const dup = build(DUP_SQL);

  it('drops a value column and records its storage name', () => {
    const r = alter(pk, 'DROP COLUMN name');
    expect(names(r.schema)).toEqual(['id', 'score', 'dt']);
    expect(r.changes).toEqual([{ kind: 'drop', storageName: 'c1' }]);
    expect(r.schema.schemaVersion).toBe(1);
    expect(r.schema.nextColumnId).toBe(4);
  });

  it.each([
    [PK_SQL, 'id', /Can not drop key column id in PRIMARY KEY table/],
    [DUP_SQL, 'k2', /Can not drop key column k2 in DUPLICATE KEY table/],
  ])('cannot drop key column (%#)', (sql, column, message) => {
    expectDdlError(() => alter(build(sql), `DROP COLUMN ${column}`), message);
  });

  it('unknown column', () => {
    expectDdlError(() => alter(dup, 'DROP COLUMN nope'), 'Column[nope] does not exist', 5509);
  });

  it('cannot drop a distribution column', () => {
    const t = build('CREATE TABLE t (a INT, b INT, c INT) DUPLICATE KEY(a) DISTRIBUTED BY HASH(b)');
    expectDdlError(() => alter(t, 'DROP COLUMN b'), /Can not drop distribution column b/);
  });

  it('dropping an ORDER BY column removes it from the sort key', () => {
    const t = build('CREATE TABLE t (a INT, b INT, c INT) PRIMARY KEY(a) ORDER BY(b, c)');
    expect(alter(t, 'DROP COLUMN b').schema.orderBy).toEqual(['c']);
  });
});

describe('planAlter: MODIFY COLUMN', () => {
  const pk = build(PK_SQL);
  const dup = build(DUP_SQL);

  it.each([
    ['score', 'BIGINT'],
    ['score', 'LARGEINT'],
    ['score', 'VARCHAR(20)'],
    ['score', 'DOUBLE'],
    ['score', 'DECIMAL(12, 0)'],
    ['name', 'VARCHAR(20)'],
    ['name', 'VARCHAR(10)'],
    ['name', 'STRING'],
    ['dt', 'DATETIME'],
    ['dt', 'VARCHAR(20)'],
  ])('widening %s to %s is allowed', (column, type) => {
    const r = alter(pk, `MODIFY COLUMN ${column} ${type}`);
    const c = r.schema.columns.find((x) => x.name === column)!;
    expect(r.columnChange).toBe(true);
    expect(r.schema.schemaVersion).toBe(1);
    // the storage name is kept so the data can be converted in place
    expect(c.storageName).toBe(pk.columns.find((x) => x.name === column)!.storageName);
  });

  it.each([
    ['score', 'SMALLINT', 'Can not change INT(11) to SMALLINT(6)'],
    ['score', 'TINYINT', 'Can not change INT(11) to TINYINT(4)'],
    ['name', 'VARCHAR(5)', 'Can not change VARCHAR(10) to VARCHAR(5)'],
    ['name', 'INT', 'Can not change VARCHAR(10) to INT(11)'],
    ['name', 'CHAR(10)', 'Can not change VARCHAR(10) to CHAR(10)'],
    ['dt', 'INT', 'Can not change DATE to INT(11)'],
    ['score', 'DATE', 'Can not change INT(11) to DATE'],
  ])('narrowing %s to %s is refused', (column, type, message) => {
    expectDdlError(() => alter(pk, `MODIFY COLUMN ${column} ${type}`), message);
  });

  it.each([
    ['DECIMAL(10, 2)', 'DECIMAL(12, 2)', true],
    ['DECIMAL(10, 2)', 'DECIMAL(8, 2)', false],
    ['DECIMAL(10, 2)', 'DECIMAL(12, 3)', false],
    ['FLOAT', 'DOUBLE', true],
    ['DOUBLE', 'FLOAT', false],
    ['CHAR(5)', 'CHAR(10)', true],
    ['CHAR(5)', 'VARCHAR(5)', true],
    ['CHAR(5)', 'CHAR(4)', false],
    ['BIGINT', 'INT', false],
    ['BOOLEAN', 'VARCHAR(5)', true],
  ])('%s -> %s allowed=%s', (from, to, allowed) => {
    const t = build(`CREATE TABLE t (k INT, v ${from}) DUPLICATE KEY(k)`);
    if (allowed) {
      const r = alter(t, `MODIFY COLUMN v ${to}`);
      expect(r.changes).toEqual([{ kind: 'modify', column: r.schema.columns[1] }]);
    } else expectDdlError(() => alter(t, `MODIFY COLUMN v ${to}`), /^Can not change /);
  });

  it('same type (comment only) records no storage change', () => {
    const r = alter(pk, 'MODIFY COLUMN name VARCHAR(10) COMMENT "new comment"');
    expect(r.changes).toEqual([]);
    expect(r.columnChange).toBe(true);
    expect(r.schema.columns[1]).toMatchObject({ comment: 'new comment', nullable: true });
  });

  it('keeps NOT NULL and the default when MODIFY does not restate them', () => {
    const r = alter(pk, 'MODIFY COLUMN score BIGINT');
    expect(r.schema.columns[2]).toMatchObject({
      type: { kind: 'BIGINT' },
      nullable: false,
      default: { kind: 'literal', value: '0' },
    });
  });

  it('nullable -> NOT NULL is refused', () => {
    expectDdlError(
      () => alter(pk, 'MODIFY COLUMN name VARCHAR(10) NOT NULL'),
      /from nullable to not nullable/,
    );
  });

  it('the type of a primary key column cannot change', () => {
    expectDdlError(
      () => alter(pk, 'MODIFY COLUMN id LARGEINT'),
      /Can not modify the type of primary key column id/,
    );
  });

  it('a DUPLICATE key column may widen and stays a key', () => {
    const r = alter(dup, 'MODIFY COLUMN k1 BIGINT');
    expect(r.schema.columns[0]).toMatchObject({ name: 'k1', isKey: true, type: { kind: 'BIGINT' } });
  });

  it('unknown column', () => {
    expectDdlError(() => alter(pk, 'MODIFY COLUMN nope INT'), 'Column[nope] does not exist', 5509);
  });

  it('MODIFY … AFTER moves a value column', () => {
    expect(names(alter(pk, 'MODIFY COLUMN dt DATE AFTER id').schema)).toEqual(['id', 'dt', 'name', 'score']);
  });

  it('the key columns stay an ordered prefix', () => {
    expectDdlError(
      () => alter(dup, 'MODIFY COLUMN k2 VARCHAR(10) AFTER note'),
      'Key columns should be a ordered prefix of the schema.',
    );
    expectDdlError(() => alter(dup, 'MODIFY COLUMN v INT FIRST'), /as the first column/);
  });
});

describe('planAlter: RENAME COLUMN and others', () => {
  const pk = build(PK_SQL);

  it('renames a value column and keeps its storage name', () => {
    const r = alter(pk, 'RENAME COLUMN name TO title');
    expect(names(r.schema)).toEqual(['id', 'title', 'score', 'dt']);
    expect(r.schema.columns[1]!.storageName).toBe('c1');
    expect(r.changes).toEqual([]);
    expect(r.columnChange).toBe(true);
  });

  it('renaming a key column renames it in keys, distribution and ORDER BY', () => {
    const t = build('CREATE TABLE t (a INT, b INT) PRIMARY KEY(a) DISTRIBUTED BY HASH(a) ORDER BY(a, b)');
    const r = alter(t, 'RENAME COLUMN a TO z');
    expect(r.schema.keys).toEqual(['z']);
    expect(r.schema.distribution.columns).toEqual(['z']);
    expect(r.schema.orderBy).toEqual(['z', 'b']);
    expect(r.schema.columns[0]).toMatchObject({ name: 'z', isKey: true, storageName: 'c0' });
  });

  it.each([
    ['RENAME COLUMN nope TO x', /Column\[nope\] does not exist/],
    ['RENAME COLUMN name TO score', /Column\[score\] already exists/],
    ['RENAME COLUMN name TO __op', /reserved/],
  ])('%s', (sql, message) => {
    expectDdlError(() => alter(pk, sql), message);
  });

  it('rename table and SET properties do not count as column changes', () => {
    const r = alter(pk, 'RENAME orders2');
    expect(r.schema.name).toBe('orders2');
    expect(r.columnChange).toBe(false);
    expect(r.schema.schemaVersion).toBe(0);
    const s = alter(pk, 'SET ("colocate_with" = "g1")');
    expect(s.schema.properties.colocate_with).toBe('g1');
    expect(s.columnChange).toBe(false);
  });

  it('several operations apply in order', () => {
    const r = alter(pk, 'ADD COLUMN a INT, RENAME COLUMN a TO b, DROP COLUMN dt');
    expect(names(r.schema)).toEqual(['id', 'name', 'score', 'b']);
    expect(r.changes.map((c) => c.kind)).toEqual(['add', 'drop']);
    expect(r.schema.schemaVersion).toBe(1);
  });
});
