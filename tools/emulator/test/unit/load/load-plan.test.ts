import type { IncomingHttpHeaders } from 'node:http';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseColumnType } from '../../../src/catalog/column-type.js';
import type {
  ColumnDefault,
  ColumnSchema,
  KeysType,
  TableSchema,
} from '../../../src/catalog/table-schema.js';
import { type LoadBatch, OP_DELETE, OP_UPSERT, planLoad } from '../../../src/load/load-plan.js';
import { LoadRejectedError, parseLoadSpec } from '../../../src/load/load-spec.js';

interface ColOpts {
  key?: boolean;
  nullable?: boolean;
  default?: ColumnDefault | string;
}

function col(name: string, type: string, opts: ColOpts = {}): ColumnSchema {
  const d = opts.default;
  return {
    name,
    type: parseColumnType(type),
    nullable: opts.nullable ?? !opts.key,
    default: d === undefined ? null : typeof d === 'string' ? { kind: 'literal', value: d } : d,
    comment: '',
    isKey: opts.key ?? false,
    autoIncrement: false,
    storageName: '', // renumbered by table()
  };
}

function table(name: string, keysType: KeysType, columns: ColumnSchema[]): TableSchema {
  const renumbered = columns.map((c, i) => ({ ...c, storageName: `c${i}` }));
  const keys = renumbered.filter((c) => c.isKey).map((c) => c.name);
  return {
    id: 1,
    database: 'db',
    name,
    columns: renumbered,
    keysType,
    keys,
    comment: '',
    distribution: { type: 'HASH', columns: keys, buckets: null },
    orderBy: null,
    properties: { replication_num: '1' },
    createTime: 0,
    nextColumnId: renumbered.length,
    schemaVersion: 0,
  };
}

/** DUPLICATE KEY(k): k INT, v VARCHAR(10), n INT */
const DUP = table('dup', 'DUP_KEYS', [
  col('k', 'INT', { key: true, nullable: true }),
  col('v', 'VARCHAR(10)'),
  col('n', 'INT'),
]);

/** PRIMARY KEY(id): id BIGINT, name VARCHAR(10), score INT NOT NULL DEFAULT 0 */
const PK = table('pk', 'PRIMARY_KEYS', [
  col('id', 'BIGINT', { key: true }),
  col('name', 'VARCHAR(10)'),
  col('score', 'INT', { nullable: false, default: '0' }),
]);

function run(t: TableSchema, headers: IncomingHttpHeaders, body: string | Buffer): LoadBatch {
  const spec = parseLoadSpec({ column_separator: ',', ...headers });
  return planLoad(t, spec).execute(Buffer.isBuffer(body) ? body : Buffer.from(body));
}

function counts(b: LoadBatch) {
  return { total: b.total, loaded: b.loaded, filtered: b.filtered, unselected: b.unselected };
}

function rejection(t: TableSchema, headers: IncomingHttpHeaders): LoadRejectedError {
  try {
    planLoad(t, parseLoadSpec(headers));
  } catch (err) {
    expect(err).toBeInstanceOf(LoadRejectedError);
    return err as LoadRejectedError;
  }
  throw new Error('expected planLoad to reject');
}

describe('CSV, positional columns', () => {
  it('loads rows in table column order', () => {
    const b = run(DUP, {}, '1,a,10\n2,b,20\n');
    expect(b.rows).toEqual([
      ['1', 'a', '10'],
      ['2', 'b', '20'],
    ]);
    expect(b.ops).toEqual([OP_UPSERT, OP_UPSERT]);
    expect(counts(b)).toEqual({ total: 2, loaded: 2, filtered: 0, unselected: 0 });
    expect(b.errors).toEqual([]);
    expect(b.fatal).toBeNull();
  });

  it('uses the tab default separator', () => {
    const spec = parseLoadSpec({});
    expect(planLoad(DUP, spec).execute(Buffer.from('1\ta\t10\n')).rows).toEqual([['1', 'a', '10']]);
  });

  it('a field-count mismatch filters the row with the spec text', () => {
    const b = run(DUP, {}, '1,a,10,extra\n2,b\n3,c,30\n');
    expect(counts(b)).toEqual({ total: 3, loaded: 1, filtered: 2, unselected: 0 });
    expect(b.rows).toEqual([['3', 'c', '30']]);
    expect(b.errors).toHaveLength(2);
    expect(b.errors[0]).toContain('Value count does not match column count. Expect 3, but got 4');
    expect(b.errors[0]).toContain('1,a,10,extra');
    expect(b.errors[1]).toContain('Value count does not match column count. Expect 3, but got 2');
  });

  it('with a columns header the expected count is the number of source columns', () => {
    const b = run(DUP, { columns: 'k, v, tmp, n = tmp * 2' }, '1,a,5\n2,b\n');
    expect(b.rows).toEqual([['1', 'a', '10']]);
    expect(b.errors[0]).toContain('Value count does not match column count. Expect 3, but got 2');
  });

  it('\\N is NULL and an empty string stays an empty string for VARCHAR', () => {
    const b = run(DUP, {}, '1,\\N,\\N\n2,,5\n');
    expect(b.rows).toEqual([
      ['1', null, null],
      ['2', '', '5'],
    ]);
  });

  it('invalid UTF-8 rows are filtered', () => {
    const body = Buffer.concat([Buffer.from('1,a,1\n2,'), Buffer.from([0xff]), Buffer.from(',2\n3,c,3\n')]);
    const b = run(DUP, {}, body);
    expect(counts(b)).toEqual({ total: 3, loaded: 2, filtered: 1, unselected: 0 });
    expect(b.errors[0]).toContain('Invalid UTF-8 row');
  });

  it('gzip-compressed CSV', () => {
    const b = run(DUP, { format: 'gzip' }, gzipSync(Buffer.from('1,a,1\n2,b,2\n')));
    expect(b.rows).toHaveLength(2);
  });

  it('error log lines name the reason and the row', () => {
    const b = run(DUP, { strict_mode: 'true' }, 'x,a,1\n');
    expect(b.errors).toEqual(["Error: Value 'x' is invalid for column 'k' of type int(11). Row: x,a,1"]);
  });
});

describe('strict mode (spec §3.3)', () => {
  it.each([
    ['abc', '1,a,abc'],
    ['empty string', '1,a,'],
    ['out of range', '1,a,99999999999'],
    ['decimal text', '1,a,1.5'],
  ])('non-strict: a bad INT (%s) becomes NULL', (_what, line) => {
    const b = run(DUP, {}, `${line}\n`);
    expect(b.rows).toEqual([['1', 'a', null]]);
    expect(b.filtered).toBe(0);
  });

  it.each([
    ['abc', '1,a,abc'],
    ['empty string', '1,a,'],
    ['too long VARCHAR', '1,abcdefghijk,1'],
  ])('strict: a bad value (%s) filters the row', (_what, line) => {
    const b = run(DUP, { strict_mode: 'true' }, `${line}\n2,b,2\n`);
    expect(counts(b)).toEqual({ total: 2, loaded: 1, filtered: 1, unselected: 0 });
    expect(b.rows).toEqual([['2', 'b', '2']]);
  });

  it('a real NULL stays NULL in both modes', () => {
    expect(run(DUP, { strict_mode: 'true' }, '1,\\N,\\N\n').rows).toEqual([['1', null, null]]);
    expect(run(DUP, { strict_mode: 'false' }, '1,\\N,\\N\n').rows).toEqual([['1', null, null]]);
  });
});

describe('NOT NULL columns', () => {
  const T = table('nn', 'DUP_KEYS', [
    col('k', 'INT', { key: true, nullable: true }),
    col('req', 'INT', { nullable: false }),
    col('withdef', 'VARCHAR(5)', { nullable: false, default: 'dflt' }),
    col('opt', 'INT'),
  ]);

  it('a NULL in a NOT NULL column filters the row', () => {
    const b = run(T, {}, '1,\\N,x,1\n');
    expect(counts(b)).toEqual({ total: 1, loaded: 0, filtered: 1, unselected: 0 });
    expect(b.errors[0]).toMatch(/req/);
  });

  it('a bad value in a NOT NULL column filters the row even when not strict', () => {
    const b = run(T, {}, '1,abc,x,1\n');
    expect(b.filtered).toBe(1);
    expect(b.errors[0]).toMatch(/req/);
  });

  it('unmapped columns take their default, or NULL when nullable', () => {
    const b = run(T, { columns: 'k, req' }, '1,2\n');
    expect(b.rows).toEqual([['1', '2', 'dflt', null]]);
  });

  it('an unmapped NOT NULL column without a default filters the row', () => {
    const b = run(T, { columns: 'k, withdef' }, '1,x\n');
    expect(counts(b)).toEqual({ total: 1, loaded: 0, filtered: 1, unselected: 0 });
    expect(b.errors[0]).toMatch(/req/);
  });

  it('an unmapped DEFAULT CURRENT_TIMESTAMP column gets the current time', () => {
    const T2 = table('ts', 'DUP_KEYS', [
      col('k', 'INT', { key: true }),
      col('ts', 'DATETIME', { nullable: false, default: { kind: 'current_timestamp' } }),
    ]);
    const b = run(T2, { columns: 'k' }, '1\n');
    expect(b.rows[0]![1]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/);
  });
});

describe('columns mapping (spec §3.3)', () => {
  it('reorders', () => {
    expect(run(DUP, { columns: 'n, v, k' }, '10,a,1\n').rows).toEqual([['1', 'a', '10']]);
  });

  it('temporary and derived columns', () => {
    const b = run(DUP, { columns: 'k, tmp, v = concat(tmp, "!"), n = tmp * 100' }, '1,5\n2,1.5\n');
    expect(b.rows).toEqual([
      ['1', '5!', '500'],
      ['2', '1.5!', '150'],
    ]);
  });

  it('derived columns may use functions of several sources', () => {
    const b = run(DUP, { columns: 'a, b, k = a + b, v = upper(b), n = if(a > 1, 1, 0)' }, '1,x\n2,3\n');
    expect(b.rows).toEqual([
      [null, 'X', '0'],
      ['5', '3', '1'],
    ]);
  });

  it('a source column name matches the table column case-insensitively', () => {
    expect(run(DUP, { columns: 'K, V, N' }, '1,a,2\n').rows).toEqual([['1', 'a', '2']]);
  });

  it('unmapped nullable columns are NULL', () => {
    expect(run(DUP, { columns: 'k' }, '7\n').rows).toEqual([['7', null, null]]);
  });

  it('a derived column that is not a table column is rejected', () => {
    expect(rejection(DUP, { columns: 'k, zz = k + 1' }).message).toMatch(/zz/);
  });

  it('an unknown function is a load rejection naming it', () => {
    const err = rejection(DUP, { columns: 'k, tmp, v = no_such_fn(tmp)' });
    expect(err.message).toMatch(/no_such_fn/);
  });

  it('a known function with the wrong number of arguments is a load rejection', () => {
    expect(rejection(DUP, { columns: 'k, tmp, v = upper(tmp, tmp)' }).message).toMatch(/upper/);
  });

  it('an unknown function in where is a load rejection naming it', () => {
    expect(rejection(DUP, { where: 'mystery(k) > 1' }).message).toMatch(/mystery/);
  });
});

describe('where (spec §3.3)', () => {
  it('rows failing the filter are unselected, not filtered', () => {
    const b = run(DUP, { where: 'k > 1' }, '1,a,1\n2,b,2\n3,c,3\n');
    expect(b.rows.map((r) => r[0])).toEqual(['2', '3']);
    expect(counts(b)).toEqual({ total: 3, loaded: 2, filtered: 0, unselected: 1 });
  });

  it('compares numeric columns as numbers', () => {
    const b = run(DUP, { where: 'k > 9' }, '10,a,1\n9,b,2\n100,c,3\n');
    expect(b.rows.map((r) => r[0])).toEqual(['10', '100']);
  });

  it('NULL in the predicate does not select the row', () => {
    const b = run(DUP, { where: 'n = 1' }, '1,a,\\N\n2,b,1\n');
    expect(b.rows.map((r) => r[0])).toEqual(['2']);
    expect(b.unselected).toBe(1);
  });

  it('can use temporary and derived columns', () => {
    const b = run(
      DUP,
      { columns: 'k, tmp, v = concat("x", tmp)', where: 'tmp = "keep" AND v LIKE "x%"' },
      '1,keep\n2,drop\n',
    );
    expect(b.rows).toEqual([['1', 'xkeep', null]]);
    expect(b.unselected).toBe(1);
  });

  it('filtered and unselected rows are counted separately', () => {
    const b = run(DUP, { where: 'k >= 2', strict_mode: 'true' }, '1,a,1\n2,b,x\n3,c,3\n4,d\n');
    expect(counts(b)).toEqual({ total: 4, loaded: 1, filtered: 2, unselected: 1 });
  });
});

describe('__op (spec §3.4)', () => {
  it('per-row values: 0/1/upsert/delete', () => {
    const b = run(
      PK,
      { columns: 'id, name, score, __op' },
      '1,a,1,0\n2,b,2,1\n3,c,3,delete\n4,d,4,upsert\n5,e,5,UPSERT\n6,f,6,x\n',
    );
    expect(b.rows.map((r) => r[0])).toEqual(['1', '2', '3', '4', '5']);
    expect(b.ops).toEqual([OP_UPSERT, OP_DELETE, OP_DELETE, OP_UPSERT, OP_UPSERT]);
    expect(counts(b)).toEqual({ total: 6, loaded: 5, filtered: 1, unselected: 0 });
    expect(b.errors[0]).toMatch(/__op/);
  });

  it("columns: __op = 'delete' makes every row a delete", () => {
    const b = run(PK, { columns: "id, name, score, __op = 'delete'" }, '1,a,1\n2,b,2\n');
    expect(b.ops).toEqual([OP_DELETE, OP_DELETE]);
  });

  it('__op = tmp takes the value from a temporary column', () => {
    const b = run(PK, { columns: 'id, name, score, tmp, __op = tmp' }, '1,a,1,1\n2,b,2,0\n');
    expect(b.ops).toEqual([OP_DELETE, OP_UPSERT]);
    expect(b.rows).toEqual([
      ['1', 'a', '1'],
      ['2', 'b', '2'],
    ]);
  });

  it('JSON: "__op" key, and a missing key means upsert', () => {
    const b = run(
      PK,
      { format: 'json', columns: 'id, name, score, __op' },
      '{"id":1,"name":"a","score":1,"__op":1}\n{"id":2,"name":"b","score":2}\n{"id":3,"score":3,"__op":"delete"}',
    );
    expect(b.ops).toEqual([OP_DELETE, OP_UPSERT, OP_DELETE]);
  });

  it('JSON with jsonpaths: an __op path that does not match means upsert', () => {
    const b = run(
      PK,
      { format: 'json', columns: 'id, name, score, __op', jsonpaths: '["$.id", "$.n", "$.s", "$.op"]' },
      '{"id":1,"n":"a","s":1,"op":1}\n{"id":2,"n":"b","s":2}',
    );
    expect(b.ops).toEqual([OP_DELETE, OP_UPSERT]);
    expect(b.rows).toEqual([
      ['1', 'a', '1'],
      ['2', 'b', '2'],
    ]);
  });

  it('__op on a non-PRIMARY KEY table is a load rejection', () => {
    expect(rejection(DUP, { columns: 'k, v, n, __op' }).message).toMatch(/__op/);
    expect(rejection(DUP, { columns: "k, v, n, __op = 'delete'" }).message).toMatch(/__op/);
  });

  it('without __op every row is an upsert', () => {
    expect(run(PK, {}, '1,a,1\n').ops).toEqual([OP_UPSERT]);
  });
});

describe('partial update (spec §3.4)', () => {
  it('only the listed columns are provided; the others are left NULL for the merge', () => {
    const plan = planLoad(
      PK,
      parseLoadSpec({ partial_update: 'true', columns: 'id, name', column_separator: ',' }),
    );
    expect(plan.providedColumns).toEqual(['id', 'name']);
    const b = plan.execute(Buffer.from('1,new\n'));
    expect(b.rows).toEqual([['1', 'new', null]]);
    expect(b.filtered).toBe(0);
  });

  it('must include all primary key columns', () => {
    expect(rejection(PK, { partial_update: 'true', columns: 'name, score' }).message).toMatch(
      /partial update must include all primary key columns/,
    );
    const PK2 = table('pk2', 'PRIMARY_KEYS', [
      col('a', 'INT', { key: true }),
      col('b', 'INT', { key: true }),
      col('c', 'INT'),
    ]);
    expect(rejection(PK2, { partial_update: 'true', columns: 'a, c' }).message).toMatch(/'b'/);
  });

  it('is only for PRIMARY KEY tables', () => {
    expect(rejection(DUP, { partial_update: 'true', columns: 'k, v' }).message).toMatch(/PRIMARY KEY/);
  });

  it('a full-row load provides every column', () => {
    expect(planLoad(PK, parseLoadSpec({})).providedColumns).toEqual(['id', 'name', 'score']);
  });
});

describe('merge_condition', () => {
  it.each([
    [DUP, 'n', /PRIMARY KEY/],
    [PK, 'nope', /nope/],
    [PK, 'id', /primary key/i],
  ] as [TableSchema, string, RegExp][])('%#', (t, column, message) => {
    expect(rejection(t, { merge_condition: column }).message).toMatch(message);
  });

  it('a value column is accepted', () => {
    expect(() => planLoad(PK, parseLoadSpec({ merge_condition: 'score' }))).not.toThrow();
  });
});

describe('JSON loads (spec §3.2)', () => {
  it('keys match source column names; missing keys are NULL, unknown keys ignored', () => {
    const b = run(DUP, { format: 'json' }, '{"k":1,"v":"a","n":2,"extra":true}\n{"k":2}\n');
    expect(b.rows).toEqual([
      ['1', 'a', '2'],
      ['2', null, null],
    ]);
  });

  it('keys are case-sensitive', () => {
    expect(run(DUP, { format: 'json' }, '{"K":1,"v":"a"}').rows).toEqual([[null, 'a', null]]);
  });

  it('with duplicate keys the first wins', () => {
    expect(run(DUP, { format: 'json' }, '{"k":1,"k":2,"v":"a"}').rows).toEqual([['1', 'a', null]]);
  });

  it('jsonpaths feed source columns in order', () => {
    const b = run(
      DUP,
      { format: 'json', jsonpaths: '["$.id", "$.info.name", "$.nums[1]"]' },
      '{"id":5,"info":{"name":"x"},"nums":[7,8]}',
    );
    expect(b.rows).toEqual([['5', 'x', '8']]);
  });

  it('jsonpaths with a columns header follow the columns order', () => {
    const b = run(DUP, { format: 'json', columns: 'n, k', jsonpaths: '["$.a", "$.b"]' }, '{"a":3,"b":4}');
    expect(b.rows).toEqual([['4', null, '3']]);
  });

  it('a jsonpath that does not match gives NULL', () => {
    expect(run(DUP, { format: 'json', jsonpaths: '["$.k", "$.nope", "$.n"]' }, '{"k":1,"n":2}').rows).toEqual(
      [['1', null, '2']],
    );
  });

  it('an invalid jsonpath is a load rejection', () => {
    expect(rejection(DUP, { format: 'json', jsonpaths: '["k"]' }).message).toMatch(/^Invalid json path: k/);
  });

  it('strip_outer_array loads each element; non-objects are filtered', () => {
    const b = run(DUP, { format: 'json', strip_outer_array: 'true' }, '[{"k":1},{"k":2},3]');
    expect(b.rows).toEqual([
      ['1', null, null],
      ['2', null, null],
    ]);
    expect(counts(b)).toEqual({ total: 3, loaded: 2, filtered: 1, unselected: 0 });
  });

  it('json_root', () => {
    const b = run(
      DUP,
      { format: 'json', json_root: '$.data', strip_outer_array: 'true' },
      '{"data":[{"k":1},{"k":2}]}',
    );
    expect(b.rows.map((r) => r[0])).toEqual(['1', '2']);
  });

  it('a structural error counts one filtered row and fails the load', () => {
    const b = run(DUP, { format: 'json' }, '{"k":1}\n{"k":');
    expect(b.fatal).toMatch(/^Failed to parse json as document stream/);
    expect(counts(b)).toEqual({ total: 1, loaded: 0, filtered: 1, unselected: 0 });
    expect(b.rows).toEqual([]);
  });

  it('a top-level array without strip_outer_array fails the load', () => {
    const b = run(DUP, { format: 'json' }, '[{"k":1}]');
    expect(b.fatal).toBe(
      'The value is array type in json document stream, you can set strip_outer_array=true to parse each element of the array as individual rows',
    );
  });

  it('illegal first character', () => {
    expect(run(DUP, { format: 'json' }, 'k=1').fatal).toBe('illegal json started with k');
  });

  it('a per-row conversion error filters only that row in strict mode', () => {
    const b = run(DUP, { format: 'json', strict_mode: 'true' }, '{"k":"x"}\n{"k":2}');
    expect(b.rows).toEqual([['2', null, null]]);
    expect(b.filtered).toBe(1);
    expect(b.fatal).toBeNull();
  });

  it('JSON numbers, booleans and nested values', () => {
    const T = table('j', 'DUP_KEYS', [
      col('k', 'LARGEINT', { key: true }),
      col('d', 'DECIMAL(38, 20)'),
      col('b', 'BOOLEAN'),
      col('j', 'JSON'),
      col('a', 'ARRAY<INT>'),
      col('s', 'VARCHAR(50)'),
    ]);
    const b = run(
      T,
      { format: 'json' },
      '{"k":170141183460469231731687303715884105727,"d":0.12345678901234567890,"b":true,"j":{"x":[1,12345678901234567890]},"a":[1,2],"s":{"o":1}}',
    );
    expect(b.rows).toEqual([
      [
        '170141183460469231731687303715884105727',
        '0.12345678901234567890',
        'true',
        '{"x":[1,12345678901234567890]}',
        '[1,2]',
        '{"o":1}',
      ],
    ]);
  });

  it('a JSON string value goes into a JSON column as that string (taken directly)', () => {
    const T = table('j2', 'DUP_KEYS', [col('k', 'INT', { key: true }), col('j', 'JSON')]);
    const b = run(T, { format: 'json' }, '{"k":1,"j":"abc"}');
    expect(b.rows).toEqual([['1', '"abc"']]);
  });

  it('a JSON number is read as text for a DATE column (spec §3.2)', () => {
    const T = table('d', 'DUP_KEYS', [col('k', 'INT', { key: true }), col('dt', 'DATE')]);
    const b = run(T, { format: 'json', strict_mode: 'true' }, '{"k":1,"dt":20230102}');
    expect(b.rows).toEqual([['1', '2023-01-02']]);
  });
});
