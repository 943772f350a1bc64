/** Identifiers with backticks, quotes, unicode and reserved words; nothing a caller passes can inject SQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Catalog, InvalidNameError } from '../../src/index.js';
import { startTarget, type Target } from './helpers.js';

let target: Target;
let catalog: Catalog;
let db: string;
let victim: string;

beforeAll(async () => {
  target = await startTarget({ alterJobDelayMs: 10 });
  catalog = target.catalog();
  db = target.database('inj');
  victim = target.database('victim');
  await catalog.createDatabase(db);
  await catalog.createDatabase(victim);
  await catalog.createTable({
    database: victim,
    name: 'canary',
    keyColumns: ['a'],
    columns: [{ name: 'a', type: 'INT' }],
  });
});

afterAll(async () => {
  for (const d of [db, victim])
    await catalog?.dropDatabase(d, { ifExists: true, force: true }).catch(() => undefined);
  await target?.close();
});

async function victimIntact(): Promise<void> {
  expect(await catalog.databaseExists(victim)).toBe(true);
  expect(await catalog.listTables(victim)).toEqual(['canary']);
  expect((await catalog.getTable(victim, 'canary')).columns.map((c) => c.name)).toEqual(['a']);
}

const attack = (d: string) => [
  `x\`; DROP DATABASE ${d}; --`,
  `x'; DROP DATABASE ${d}; --`,
  `x"; DROP DATABASE ${d}; --`,
  `x\\'; DROP DATABASE ${d}; #`,
  `x\`) ENGINE=OLAP; DROP DATABASE ${d}; /*`,
];

const TABLE_NAMES = [
  'select',
  'from',
  'table',
  'order by',
  "it's",
  '"double"',
  'a`b',
  '``',
  '名前のテーブル',
  'emoji 😀 table',
  'back\\slash',
  'question?mark',
  'semi;colon',
  '-- comment',
  '/* c */',
];

describe('table names that need quoting', () => {
  it.each(TABLE_NAMES)('%j: create, list, exists, get, alter, truncate, drop', async (name) => {
    await catalog.createTable({
      database: db,
      name,
      keyModel: 'PRIMARY',
      keyColumns: ['id'],
      columns: [
        { name: 'id', type: 'BIGINT' },
        { name: 'v', type: 'VARCHAR(10)' },
      ],
    });
    expect(await catalog.listTables(db)).toContain(name);
    expect(await catalog.tableExists(db, name)).toBe(true);
    const s = await catalog.getTable(db, name);
    expect(s.name).toBe(name);
    expect(s.keyColumns).toEqual(['id']);
    await catalog.addColumns(db, name, [{ name: 'w', type: 'INT', after: 'id' }]);
    await catalog.renameColumn(db, name, 'w', 'w2');
    await catalog.modifyColumnType(db, name, 'w2', 'BIGINT');
    await catalog.dropColumns(db, name, ['w2']);
    expect((await catalog.getTable(db, name)).columns.map((c) => c.name)).toEqual(['id', 'v']);
    await catalog.truncateTable(db, name);
    await catalog.dropTable(db, name);
    expect(await catalog.tableExists(db, name)).toBe(false);
  });
});

describe('injection attempts', () => {
  it('through table names', async () => {
    for (const name of attack(victim)) {
      await catalog.createTable({
        database: db,
        name,
        keyColumns: ['a'],
        columns: [{ name: 'a', type: 'INT' }],
      });
      expect(await catalog.tableExists(db, name)).toBe(true);
      expect((await catalog.getTable(db, name)).name).toBe(name);
      await catalog.truncateTable(db, name);
      await catalog.dropTable(db, name);
      await victimIntact();
    }
  });

  it('through column names, comments, defaults and properties — all round-trip verbatim', async () => {
    const payloads = attack(victim);
    const columns = payloads.map((p, i) => ({
      name: `c${i} ${p.replace(/[=<>!*]/g, '')}`,
      type: 'VARCHAR(200)',
      comment: p,
      default: p,
    }));
    await catalog.createTable({
      database: db,
      name: 'payloads',
      keyColumns: ['k'],
      comment: payloads.join('\n'),
      columns: [{ name: 'k', type: 'INT', comment: 'k\'s "comment" \\ \n newline' }, ...columns],
      properties: { replication_num: '1' },
    });
    await victimIntact();
    const s = await catalog.getTable(db, 'payloads');
    expect(s.comment).toBe(payloads.join('\n'));
    expect(s.columns[0]!.comment).toBe('k\'s "comment" \\ \n newline');
    s.columns.slice(1).forEach((c, i) => {
      expect(c.name).toBe(columns[i]!.name);
      expect(c.comment).toBe(payloads[i]);
      expect(c.default).toEqual({ kind: 'literal', value: payloads[i] });
    });
    for (const c of columns) {
      await catalog.renameColumn(db, 'payloads', c.name, `${c.name} renamed`);
      await catalog.dropColumns(db, 'payloads', [`${c.name} renamed`]);
    }
    await catalog.addColumns(db, 'payloads', [
      { name: 'added', type: 'INT', comment: payloads[0], after: 'k' },
    ]);
    expect((await catalog.getTable(db, 'payloads')).columns.map((c) => c.name)).toEqual(['k', 'added']);
    await victimIntact();
  });

  it('through struct field names and type strings', async () => {
    await catalog.createTable({
      database: db,
      name: 'structs',
      keyColumns: ['k'],
      columns: [
        { name: 'k', type: 'INT' },
        { name: 's', type: { kind: 'STRUCT', fields: [{ name: 'f`> DROP', type: { kind: 'INT' } }] } },
      ],
    });
    await victimIntact();
    await expect(
      catalog.createTable({
        database: db,
        name: 'bad_type',
        keyColumns: ['k'],
        columns: [{ name: 'k', type: `INT) ; DROP DATABASE ${victim}; --` }],
      }),
    ).rejects.toMatchObject({ code: 'SR_INVALID_OPTION' });
    await victimIntact();
  });

  it('through database names: refused before any SQL', async () => {
    for (const d of attack(victim)) {
      await expect(catalog.createDatabase(d)).rejects.toBeInstanceOf(InvalidNameError);
      await expect(catalog.dropDatabase(d)).rejects.toBeInstanceOf(InvalidNameError);
      await expect(catalog.listTables(d)).rejects.toBeInstanceOf(InvalidNameError);
      await expect(catalog.getTable(d, 't')).rejects.toBeInstanceOf(InvalidNameError);
      await expect(catalog.dropColumns(d, 't', ['a'])).rejects.toBeInstanceOf(InvalidNameError);
    }
    await victimIntact();
  });

  it('through values of metadata queries (placeholders)', async () => {
    for (const name of attack(victim)) {
      expect(await catalog.tableExists(db, name)).toBe(false);
      await expect(catalog.getTable(db, name)).rejects.toMatchObject({ code: 'SR_NOT_FOUND' });
      expect(await catalog.listAlterJobs(db, name)).toEqual([]);
    }
    await victimIntact();
  });

  it('reserved and unicode column names round-trip', async () => {
    const cols = ['select', 'from', 'KEY', 'order', 'ünïcödé', '列', 'a b', 'x`y', "q'q", 'd"d'];
    await catalog.createTable({
      database: db,
      name: 'reserved',
      keyColumns: [cols[0]!],
      columns: cols.map((name) => ({ name, type: 'INT' })),
    });
    expect((await catalog.getTable(db, 'reserved')).columns.map((c) => c.name)).toEqual(cols);
  });
});
