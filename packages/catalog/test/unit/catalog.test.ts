import { AbortedError, ClosedError, TimeoutError } from '@srconnect/stream-load-sdk';
import { describe, expect, it } from 'vitest';
import { createCatalog, NotFoundError, SqlError } from '../../src/index.js';
import { fakeExecutor } from './fake-executor.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const refuse = (errno: number, message: string) => (sql: string) => {
  throw new SqlError(message, { errno, sqlState: 'HY000', serverMessage: message, sql });
};

describe('call options', () => {
  it('timeoutMs is one deadline shared by the statements of a call', async () => {
    const exec = fakeExecutor(async (sql) => {
      await sleep(30);
      if (sql.includes('information_schema.columns'))
        return [
          {
            column_name: 'a',
            ordinal_position: 1,
            data_type: 'int',
            column_type: 'int(11)',
            is_nullable: 'YES',
            column_key: 'DUP',
          },
        ];
      if (sql.includes('tables_config'))
        return [{ table_model: 'DUP_KEYS', distribute_type: 'RANDOM', properties: '{}' }];
      return [];
    });
    const c = createCatalog({ executor: exec });
    await c.getTable('d', 't', { timeoutMs: 1000 });
    const budgets = exec.seen.map((s) => s.options?.timeoutMs ?? Number.NaN);
    expect(budgets).toHaveLength(3);
    expect(budgets[0]).toBeLessThanOrEqual(1000);
    expect(budgets[1]).toBeLessThan(budgets[0]!);
    expect(budgets[2]).toBeLessThan(budgets[1]!);
    const e = await c.getTable('d', 't', { timeoutMs: 40 }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(TimeoutError);
    expect((e as Error).message).toBe('The call did not finish within 40 ms');
  });

  it('an aborted signal stops a call before its next statement', async () => {
    const ac = new AbortController();
    const exec = fakeExecutor(() => {
      ac.abort();
      return [];
    });
    const e = await createCatalog({ executor: exec })
      .listTables('d', { signal: ac.signal })
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(AbortedError);
    expect(exec.seen).toHaveLength(1);
    expect(exec.seen[0]!.options?.signal).toBe(ac.signal);
  });

  it('close() closes the executor once; calls after it are ClosedError', async () => {
    const exec = fakeExecutor(() => []);
    const c = createCatalog({ executor: exec });
    await c.close();
    await c[Symbol.asyncDispose]();
    expect(exec.closed).toBe(true);
    await expect(c.getVersion()).rejects.toBeInstanceOf(ClosedError);
    await expect(c.addColumns('d', 't', [{ name: 'x', type: 'INT' }])).rejects.toBeInstanceOf(ClosedError);
  });
});

describe('server errors about missing objects become NotFoundError', () => {
  it('unknown database (1049) on CREATE TABLE', async () => {
    const c = createCatalog({ executor: fakeExecutor(refuse(1049, "Unknown database 'd'")) });
    const e = await c
      .createTable({ database: 'd', name: 't', keyColumns: ['a'], columns: [{ name: 'a', type: 'INT' }] })
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(NotFoundError);
    expect(e).toMatchObject({ objectType: 'database', database: 'd' });
    expect((e as NotFoundError).cause).toBeInstanceOf(SqlError);
  });

  it('unknown table (1051) on DROP/TRUNCATE, telling a missing database apart', async () => {
    let databases: string[] = ['d'];
    const exec = fakeExecutor((sql) => {
      if (sql.includes('schemata')) return databases.map((schema_name) => ({ schema_name }));
      return refuse(1051, "Unknown table 'd.t'")(sql);
    });
    const c = createCatalog({ executor: exec });
    await expect(c.dropTable('d', 't')).rejects.toMatchObject({ objectType: 'table', table: 't' });
    databases = [];
    await expect(c.truncateTable('d', 't')).rejects.toMatchObject({ objectType: 'database' });
  });

  it("can't drop a missing database (1008)", async () => {
    const c = createCatalog({
      executor: fakeExecutor(refuse(1008, "Can't drop database 'd'; database doesn't exist")),
    });
    await expect(c.dropDatabase('d')).rejects.toMatchObject({ code: 'SR_NOT_FOUND', objectType: 'database' });
  });

  it('other server errors pass through unchanged', async () => {
    const c = createCatalog({ executor: fakeExecutor(refuse(1064, 'boom')) });
    const e = await c.truncateTable('d', 't').catch((err: unknown) => err);
    expect(e).toBeInstanceOf(SqlError);
    expect((e as SqlError).serverMessage).toBe('boom');
  });
});

describe('statements the catalog sends', () => {
  it('quotes names, uses placeholders for values, and never joins statements', async () => {
    const exec = fakeExecutor((sql) => (sql.includes('schemata') ? [{ schema_name: 'd' }] : []));
    const c = createCatalog({ executor: exec });
    await c.createDatabase('d');
    await c.createDatabase('d', { ifNotExists: false });
    await c.dropDatabase('d', { ifExists: true, force: true });
    await c.databaseExists('d');
    await c.listTables('d');
    await c.tableExists('d', "t'x");
    await c.dropTable('d', 't`x', { ifExists: true });
    await c.truncateTable('d', 't');
    await c.listDatabases();
    await c.getVersion();
    expect(exec.seen.map((s) => [s.sql, s.params ?? null])).toEqual([
      ['CREATE DATABASE IF NOT EXISTS `d`', null],
      ['CREATE DATABASE `d`', null],
      ['DROP DATABASE IF EXISTS `d` FORCE', null],
      ['SELECT SCHEMA_NAME AS schema_name FROM information_schema.schemata WHERE SCHEMA_NAME = ?', ['d']],
      [
        "SELECT TABLE_NAME AS table_name FROM information_schema.tables WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME",
        ['d'],
      ],
      ['SELECT SCHEMA_NAME AS schema_name FROM information_schema.schemata WHERE SCHEMA_NAME = ?', ['d']],
      [
        'SELECT TABLE_NAME AS table_name FROM information_schema.tables WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
        ['d', "t'x"],
      ],
      ['DROP TABLE IF EXISTS `d`.`t``x`', null],
      ['TRUNCATE TABLE `d`.`t`', null],
      ['SELECT SCHEMA_NAME AS schema_name FROM information_schema.schemata ORDER BY SCHEMA_NAME', null],
      ['SELECT current_version() AS version', null],
    ]);
    for (const s of exec.seen) expect(s.sql).not.toContain(';');
  });
});
