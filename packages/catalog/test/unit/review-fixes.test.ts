import { describe, expect, it } from 'vitest';
import { createCatalog, NotFoundError, SqlError, type SqlRow, TABLE_MODEL_NAMES } from '../../src/index.js';
import { parseShowCreateColumns } from '../../src/schema/show-create-table.js';
import { fakeExecutor, job } from './fake-executor.js';

interface Col {
  name: string;
  type: string;
  dataType?: string;
  nullable?: boolean;
  key?: string;
  dflt?: string | null;
  comment?: string;
}

/** A server answering like a real StarRocks 3.x FE. */
function server(o: {
  model: string;
  columns?: Col[];
  config?: Record<string, string>;
  comment?: string;
  ddl?: string;
  onAlter?: (sql: string) => void;
}) {
  const columns: Col[] = o.columns ?? [
    { name: 'id', type: 'bigint(20)', nullable: false, key: 'PRI' },
    { name: 'v', type: 'varchar(36)' },
  ];
  return fakeExecutor((sql): SqlRow[] => {
    if (sql.includes('information_schema.columns'))
      return columns.map((c, i) => ({
        column_name: c.name,
        ordinal_position: String(i + 1),
        data_type: c.dataType ?? c.type.replace(/\(.*$/, ''),
        column_type: c.type,
        is_nullable: c.nullable === false ? 'NO' : 'YES',
        column_key: c.key ?? '',
        column_default: c.dflt ?? null,
        column_comment: c.comment ?? '',
      }));
    if (sql.includes('information_schema.tables_config'))
      return [
        {
          table_model: o.model,
          primary_key: o.model === 'PRIMARY_KEYS' || o.model === 'UNIQUE_KEYS' ? '`id`' : '',
          distribute_key: '`id`',
          distribute_type: 'HASH',
          distribute_bucket: '4',
          sort_key: '`id`',
          properties: '{"replication_num":"1"}',
          ...o.config,
        },
      ];
    if (sql.includes('information_schema.tables '))
      return [{ table_name: 't', table_type: 'BASE TABLE', table_comment: o.comment ?? 'OLAP' }];
    if (sql.includes('information_schema.schemata')) return [{ schema_name: 'd' }];
    if (sql.startsWith('SHOW CREATE TABLE')) return [{ Table: 't', 'Create Table': o.ddl ?? '' }];
    if (sql.startsWith('ALTER')) o.onAlter?.(sql);
    return [];
  });
}

const alterOf = (exec: ReturnType<typeof server>) => exec.seen.find((s) => s.sql.startsWith('ALTER'))?.sql;

describe('TABLE_MODEL as real servers print it (KeysType.toString())', () => {
  it.each([
    ['PRIMARY_KEYS', 'PRIMARY'],
    ['UNIQUE_KEYS', 'UNIQUE'],
    ['DUP_KEYS', 'DUPLICATE'],
    ['AGG_KEYS', 'AGGREGATE'],
    ['PRI_KEYS', 'PRIMARY'],
    ['UNQ_KEYS', 'UNIQUE'],
  ])('%s → %s', async (model, keyModel) => {
    const exec = server({
      model,
      ddl: 'CREATE TABLE `t` (\n  `id` bigint(20) NOT NULL COMMENT ""\n) ENGINE=OLAP',
    });
    const s = await createCatalog({ executor: exec }).getTable('d', 't');
    expect(s.keyModel).toBe(keyModel);
  });

  it('TABLE_MODEL_NAMES are the server spellings', () => {
    expect(TABLE_MODEL_NAMES).toEqual({
      DUPLICATE: 'DUP_KEYS',
      AGGREGATE: 'AGG_KEYS',
      UNIQUE: 'UNIQUE_KEYS',
      PRIMARY: 'PRIMARY_KEYS',
    });
  });

  it('modifyColumnType on a PRIMARY KEY table works', async () => {
    const exec = server({ model: 'PRIMARY_KEYS' });
    await createCatalog({ executor: exec }).modifyColumnType('d', 't', 'v', 'VARCHAR(64)');
    expect(alterOf(exec)).toBe('ALTER TABLE `d`.`t` MODIFY COLUMN `v` VARCHAR(64) NULL');
  });

  it('an empty TABLE_MODEL (a view, an external table) is NotFoundError "not a native table"', async () => {
    const exec = server({
      model: '',
      config: { primary_key: '', distribute_key: '', distribute_type: '', sort_key: '', properties: '' },
    });
    const err = await createCatalog({ executor: exec })
      .getTable('d', 't')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toMatch(/not a native table/);
  });
});

describe('TABLE_COMMENT', () => {
  it.each(['OLAP', 'MATERIALIZED_VIEW'])(
    '%s (the table type, printed when there is no comment) is no comment',
    async (c) => {
      const s = await createCatalog({ executor: server({ model: 'DUP_KEYS', comment: c }) }).getTable(
        'd',
        't',
      );
      expect(s.comment).toBe('');
    },
  );
  it('a real comment is kept', async () => {
    const s = await createCatalog({ executor: server({ model: 'DUP_KEYS', comment: 'orders' }) }).getTable(
      'd',
      't',
    );
    expect(s.comment).toBe('orders');
  });
});

describe('unknown database/table/column error numbers', () => {
  const failing = (errno: number, msg: string, o: { db?: boolean; table?: boolean } = {}) =>
    fakeExecutor((sql): SqlRow[] => {
      if (sql.startsWith('DROP') || sql.startsWith('TRUNCATE') || sql.startsWith('SHOW ALTER'))
        throw new SqlError(msg, { errno, sqlState: '42000', serverMessage: msg, sql });
      if (sql.includes('schemata')) return o.db === false ? [] : [{ schema_name: 'd' }];
      if (sql.includes('information_schema.columns')) return o.table ? [{ column_name: 'id' }] : [];
      return [];
    });

  it.each([5502, 1051, 1146])('dropTable: %i is a table NotFoundError', async (errno) => {
    const err = await createCatalog({ executor: failing(errno, "Unknown table 'd.nope'") })
      .dropTable('d', 'nope')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).objectType).toBe('table');
  });

  it.each([5501, 1049])('truncateTable: %i is a database NotFoundError', async (errno) => {
    const err = await createCatalog({ executor: failing(errno, "Unknown database 'd'") })
      .truncateTable('d', 't')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).objectType).toBe('database');
  });

  it.each([5501, 1049, 1008])('dropDatabase: %i is a database NotFoundError', async (errno) => {
    const err = await createCatalog({ executor: failing(errno, "Unknown database 'd'") })
      .dropDatabase('d')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
  });

  it('1064 is NotFoundError only once the table is confirmed missing', async () => {
    const missing = await createCatalog({
      executor: failing(1064, "Getting analyzing error. Detail message: Unknown table 'd.nope'."),
    })
      .truncateTable('d', 'nope')
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as NotFoundError).objectType).toBe('table');

    const noDb = await createCatalog({ executor: failing(1064, 'x', { db: false }) })
      .truncateTable('d', 't')
      .catch((e: unknown) => e);
    expect((noDb as NotFoundError).objectType).toBe('database');

    const other = await createCatalog({ executor: failing(1064, 'Getting syntax error', { table: true }) })
      .truncateTable('d', 't')
      .catch((e: unknown) => e);
    expect(other).toBeInstanceOf(SqlError);
    expect(other).not.toBeInstanceOf(NotFoundError);
  });

  it('5502 on SHOW ALTER (listAlterJobs) is NotFoundError', async () => {
    const err = await createCatalog({ executor: failing(5502, "Unknown table 'd.t'") })
      .listAlterJobs('d', 't')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
  });
});

describe('expression defaults', () => {
  const ddl = [
    'CREATE TABLE `t` (',
    '  `id` bigint(20) NOT NULL COMMENT "",',
    '  `v` varchar(36) NULL DEFAULT (uuid()) COMMENT "",',
    '  `l` varchar(36) NULL DEFAULT "f()" COMMENT "",',
    '  `at` datetime NULL DEFAULT CURRENT_TIMESTAMP COMMENT ""',
    ') ENGINE=OLAP',
    'DUPLICATE KEY(`id`)',
  ].join('\n');
  const columns: Col[] = [
    { name: 'id', type: 'bigint(20)', nullable: false, key: 'DUP' },
    { name: 'v', type: 'varchar(36)', dflt: 'uuid()' },
    { name: 'l', type: 'varchar(36)', dflt: 'f()' },
    { name: 'at', type: 'datetime', dflt: 'CURRENT_TIMESTAMP' },
  ];

  it('SHOW CREATE TABLE tells DEFAULT (expr) from DEFAULT "literal"', async () => {
    const s = await createCatalog({ executor: server({ model: 'DUP_KEYS', columns, ddl }) }).getTable(
      'd',
      't',
    );
    expect(s.columns.map((c) => c.default)).toEqual([
      null,
      { kind: 'expression', expression: 'uuid()' },
      { kind: 'literal', value: 'f()' },
      { kind: 'current_timestamp' },
    ]);
  });

  it('modifyColumnType writes an expression default back unquoted', async () => {
    const exec = server({ model: 'DUP_KEYS', columns, ddl });
    await createCatalog({ executor: exec }).modifyColumnType('d', 't', 'v', 'VARCHAR(64)');
    expect(alterOf(exec)).toBe('ALTER TABLE `d`.`t` MODIFY COLUMN `v` VARCHAR(64) NULL DEFAULT (uuid())');
  });

  it('a literal that looks like a call stays a literal', async () => {
    const exec = server({ model: 'DUP_KEYS', columns, ddl });
    await createCatalog({ executor: exec }).modifyColumnType('d', 't', 'l', 'VARCHAR(64)');
    expect(alterOf(exec)).toBe('ALTER TABLE `d`.`t` MODIFY COLUMN `l` VARCHAR(64) NULL DEFAULT "f()"');
  });

  it('no SHOW CREATE TABLE round trip without a default that may be an expression', async () => {
    const exec = server({ model: 'DUP_KEYS', columns: [{ name: 'id', type: 'int(11)', dflt: '1' }] });
    await createCatalog({ executor: exec }).getTable('d', 't');
    expect(exec.seen.some((s) => s.sql.startsWith('SHOW CREATE'))).toBe(false);
  });

  it('createTableSql accepts { kind: "expression" } and refuses anything but a plain call', () => {
    const c = createCatalog({ executor: server({ model: 'DUP_KEYS' }) });
    const def = (expression: string) => ({
      database: 'd',
      name: 't',
      columns: [{ name: 'v', type: 'VARCHAR(36)', default: { kind: 'expression' as const, expression } }],
    });
    expect(c.createTableSql(def('uuid()'))).toContain('`v` VARCHAR(36) NULL DEFAULT (uuid())');
    expect(() => c.createTableSql(def('1); DROP TABLE x; --'))).toThrow();
    expect(() => c.createTableSql(def('"x"'))).toThrow();
  });

  it('parseShowCreateColumns reads each DEFAULT form, escaped literals included', () => {
    const cols = parseShowCreateColumns(
      [
        'CREATE TABLE `t` (',
        '  `a` varchar(10) NULL DEFAULT "say \\"hi\\"" COMMENT "",',
        '  `b` varchar(36) NOT NULL DEFAULT (uuid()) COMMENT "c",',
        '  `c` datetime NULL DEFAULT CURRENT_TIMESTAMP COMMENT "",',
        '  `d` int(11) NULL COMMENT ""',
        ') ENGINE=OLAP',
      ].join('\n'),
    );
    expect(cols.map((c) => c.default)).toEqual([
      { kind: 'literal', value: 'say "hi"' },
      { kind: 'expression', expression: 'uuid()' },
      { kind: 'current_timestamp' },
      null,
    ]);
  });
});

describe('SHOW CREATE TABLE of older servers prints comments unescaped', () => {
  it("a comment containing a double quote does not hide the next column's aggregate", () => {
    const ddl = [
      'CREATE TABLE `t` (',
      '  `k` int(11) NOT NULL COMMENT "",',
      '  `a` bigint(20) SUM NULL COMMENT "a 12" screen",',
      '  `b` bigint(20) MAX NULL COMMENT ""',
      ') ENGINE=OLAP',
      'AGGREGATE KEY(`k`)',
    ].join('\n');
    expect(parseShowCreateColumns(ddl).map((c) => [c.name, c.aggregate])).toEqual([
      ['k', null],
      ['a', 'SUM'],
      ['b', 'MAX'],
    ]);
  });
});

describe('modifyColumn nullability', () => {
  it('keeps NOT NULL of the current column when nullable is not given', async () => {
    const exec = server({
      model: 'DUP_KEYS',
      columns: [{ name: 'k', type: 'int(11)', nullable: false, key: 'DUP', comment: 'keep me' }],
      config: { distribute_key: '`k`', sort_key: '`k`' },
    });
    await createCatalog({ executor: exec }).modifyColumn('d', 't', { name: 'k', type: 'BIGINT' });
    expect(alterOf(exec)).toBe('ALTER TABLE `d`.`t` MODIFY COLUMN `k` BIGINT KEY NOT NULL');
  });

  it('an explicit nullable wins', async () => {
    const exec = server({
      model: 'DUP_KEYS',
      columns: [{ name: 'k', type: 'int(11)', nullable: false }],
      config: { distribute_key: '`k`', sort_key: '`k`' },
    });
    await createCatalog({ executor: exec }).modifyColumn('d', 't', {
      name: 'k',
      type: 'BIGINT',
      nullable: true,
    });
    expect(alterOf(exec)).toBe('ALTER TABLE `d`.`t` MODIFY COLUMN `k` BIGINT NULL');
  });
});

describe('an ALTER refused while another schema change runs', () => {
  const busy = (sql: string) =>
    new SqlError('refused', {
      errno: 1064,
      sqlState: 'HY000',
      serverMessage: "Table[t]'s state[SCHEMA_CHANGE] does not allow doing ALTER ops",
      sql,
    });
  const opts = { alter: { pollIntervalMs: 1, maxPollIntervalMs: 2, timeoutMs: 2000 } };

  it('waits for the running job and retries', async () => {
    let alters = 0;
    let polls = 0;
    const exec = fakeExecutor((sql): SqlRow[] => {
      if (sql.startsWith('ALTER')) {
        alters++;
        if (alters === 1) throw busy(sql);
        return [];
      }
      if (sql.startsWith('SHOW ALTER')) {
        polls++;
        if (alters === 0) return [];
        if (alters === 1) return polls < 4 ? [job(7, 'RUNNING')] : [job(7, 'FINISHED')];
        return [job(8, 'FINISHED'), job(7, 'FINISHED')];
      }
      return [];
    });
    const r = await createCatalog({ executor: exec, ...opts }).dropColumns('d', 't', ['x']);
    expect(alters).toBe(2);
    expect(r.jobs.map((j) => j.jobId)).toEqual(['8']);
  });

  it('gives up at alterTimeoutMs', async () => {
    const exec = fakeExecutor((sql): SqlRow[] => {
      if (sql.startsWith('ALTER')) throw busy(sql);
      return sql.startsWith('SHOW ALTER') ? [job(7, 'FINISHED')] : [];
    });
    const err = await createCatalog({ executor: exec, ...opts })
      .dropColumns('d', 't', ['x'], { alterTimeoutMs: 30 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SqlError);
    expect((err as SqlError).serverMessage).toMatch(/does not allow doing ALTER ops/);
  });
});
