import { AbortedError, TimeoutError } from '@srconnect/stream-load-sdk';
import { describe, expect, it } from 'vitest';
import {
  AlterJobError,
  AlterTimeoutError,
  createCatalog,
  NotFoundError,
  SqlError,
} from '../../../src/index.js';
import { waitForAlterJobs } from '../../../src/schema/alter-jobs.js';
import { fakeExecutor, job } from '../fake-executor.js';

const fast = { timeoutMs: 2000, pollIntervalMs: 1, maxPollIntervalMs: 4 };

describe('waitForAlterJobs', () => {
  it('waits until no job of the table is unfinished and returns the new jobs, oldest first', async () => {
    const answers = [
      [job(12, 'RUNNING'), job(11, 'PENDING'), job(10, 'FINISHED')],
      [job(12, 'RUNNING'), job(11, 'FINISHED'), job(10, 'FINISHED')],
      [job(12, 'FINISHED'), job(11, 'FINISHED'), job(10, 'FINISHED')],
    ];
    const exec = fakeExecutor(() => answers.shift() ?? []);
    const jobs = await waitForAlterJobs(exec, 'd', 't', new Set(['10']), fast);
    expect(jobs.map((j) => [j.jobId, j.state])).toEqual([
      ['11', 'FINISHED'],
      ['12', 'FINISHED'],
    ]);
    expect(exec.seen).toHaveLength(3);
    expect(exec.seen[0]!.sql).toBe(
      'SHOW ALTER TABLE COLUMN FROM `d` WHERE TableName = ? ORDER BY CreateTime DESC',
    );
    expect(exec.seen[0]!.params).toEqual(['t']);
  });

  it('identifies our job by JobId, not by CreateTime (an older job in the same second is not ours)', async () => {
    // the old job was cancelled in the same second; ours finishes
    const exec = fakeExecutor(() => [job(21, 'FINISHED'), job(20, 'CANCELLED', 'old failure')]);
    const jobs = await waitForAlterJobs(exec, 'd', 't', new Set(['20']), fast);
    expect(jobs.map((j) => j.jobId)).toEqual(['21']);
  });

  it('a CANCELLED job of ours is an AlterJobError carrying the server message', async () => {
    const exec = fakeExecutor(() => [
      job(31, 'CANCELLED', 'Conversion Error: 100000 out of range'),
      job(30, 'FINISHED'),
    ]);
    const err = await waitForAlterJobs(exec, 'd', 't', new Set(['30']), fast).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AlterJobError);
    const e = err as AlterJobError;
    expect(e.code).toBe('SR_ALTER_FAILED');
    expect(e.serverMessage).toBe('Conversion Error: 100000 out of range');
    expect(e.jobId).toBe('31');
    expect(e.message).toBe(
      'The schema change of d.t was cancelled (job 31): Conversion Error: 100000 out of range',
    );
  });

  it('is bounded: AlterTimeoutError names the unfinished jobs', async () => {
    const exec = fakeExecutor(() => [job(41, 'RUNNING')]);
    const started = Date.now();
    const err = await waitForAlterJobs(exec, 'd', 't', new Set(), { ...fast, timeoutMs: 50 }).catch(
      (e: unknown) => e,
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(err).toBeInstanceOf(AlterTimeoutError);
    expect(err).toBeInstanceOf(TimeoutError);
    const e = err as AlterTimeoutError;
    expect(e.code).toBe('SR_TIMEOUT');
    expect(e.retriable).toBe(true);
    expect(e.jobIds).toEqual(['41']);
    expect(e.message).toMatch(/did not finish within 50 ms \(job 41 RUNNING\); it goes on on the server/);
  });

  it('backs off between polls up to maxPollIntervalMs', async () => {
    const times: number[] = [];
    let n = 0;
    const exec = fakeExecutor(() => {
      times.push(Date.now());
      return [job(1, ++n >= 5 ? 'FINISHED' : 'RUNNING')];
    });
    await waitForAlterJobs(exec, 'd', 't', new Set(), {
      timeoutMs: 5000,
      pollIntervalMs: 10,
      maxPollIntervalMs: 40,
    });
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(8);
    expect(gaps[2]).toBeGreaterThanOrEqual(35);
    expect(gaps[3]).toBeLessThan(200);
  });

  it('stops on abort', async () => {
    const ac = new AbortController();
    const exec = fakeExecutor(() => {
      ac.abort();
      return [job(1, 'RUNNING')];
    });
    await expect(
      waitForAlterJobs(exec, 'd', 't', new Set(), { ...fast, signal: ac.signal }),
    ).rejects.toBeInstanceOf(AbortedError);
  });
});

describe('Catalog schema changes over a fake executor', () => {
  const opts = { alter: { timeoutMs: 2000, pollIntervalMs: 1, maxPollIntervalMs: 2 } };

  it('waits for a running job first, runs the ALTER, then waits for the job it started', async () => {
    let state = 'before';
    let polls = 0;
    const exec = fakeExecutor((sql) => {
      if (sql.startsWith('SHOW ALTER')) {
        polls++;
        if (state === 'before') {
          if (polls >= 3) state = 'idle';
          return [job(5, polls >= 3 ? 'FINISHED' : 'RUNNING')];
        }
        if (state === 'idle') return [job(5, 'FINISHED')];
        return [job(6, polls > 6 ? 'FINISHED' : 'RUNNING'), job(5, 'FINISHED')];
      }
      if (sql.startsWith('ALTER TABLE')) {
        expect(state).toBe('idle');
        state = 'altered';
        return [];
      }
      throw new Error(`unexpected ${sql}`);
    });
    const c = createCatalog({ executor: exec, ...opts });
    const r = await c.dropColumns('d', 't', ['x']);
    expect(r.jobs.map((j) => [j.jobId, j.state])).toEqual([['6', 'FINISHED']]);
    expect(exec.seen.filter((s) => s.sql.startsWith('ALTER'))).toHaveLength(1);
    expect(exec.seen.find((s) => s.sql.startsWith('ALTER'))!.sql).toBe('ALTER TABLE `d`.`t` DROP COLUMN `x`');
  });

  it('a change without a job (RENAME COLUMN) returns no jobs', async () => {
    const exec = fakeExecutor((sql) => (sql.startsWith('SHOW ALTER') ? [job(1, 'FINISHED')] : []));
    const r = await createCatalog({ executor: exec, ...opts }).renameColumn('d', 't', 'a', 'b');
    expect(r.jobs).toEqual([]);
  });

  it('wait: false returns the started job without waiting', async () => {
    let altered = false;
    const exec = fakeExecutor((sql) => {
      if (sql.startsWith('ALTER')) altered = true;
      return sql.startsWith('SHOW ALTER') && altered
        ? [job(2, 'RUNNING'), job(1, 'FINISHED')]
        : [job(1, 'FINISHED')];
    });
    const r = await createCatalog({ executor: exec, ...opts }).dropColumns('d', 't', ['x'], { wait: false });
    expect(r.jobs.map((j) => [j.jobId, j.state])).toEqual([['2', 'RUNNING']]);
  });

  it('a refused ALTER surfaces the server message as SqlError; unknown column as NotFoundError', async () => {
    const refuse = (errno: number, message: string) =>
      fakeExecutor((sql) => {
        if (sql.startsWith('ALTER'))
          throw new SqlError(`StarRocks refused the statement: ${message}`, {
            errno,
            sqlState: '42000',
            serverMessage: message,
            sql,
          });
        if (sql.includes('information_schema.schemata')) return [{ schema_name: 'd' }];
        if (sql.includes('information_schema.columns')) return [{ column_name: 'x' }];
        return [];
      });
    const narrowing = await createCatalog({ executor: refuse(1064, 'Can not change BIGINT to INT'), ...opts })
      .dropColumns('d', 't', ['x'])
      .catch((e: unknown) => e);
    expect(narrowing).toBeInstanceOf(SqlError);
    expect((narrowing as SqlError).serverMessage).toBe('Can not change BIGINT to INT');
    const missing = await createCatalog({ executor: refuse(1054, 'Column[x] does not exist'), ...opts })
      .dropColumns('d', 't', ['x'])
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as NotFoundError).objectType).toBe('column');
    expect((missing as NotFoundError).column).toBe('x');
    // current StarRocks: ERR_BAD_FIELD_ERROR is 5509
    const missing5509 = await createCatalog({ executor: refuse(5509, "Unknown column 'x' in 't'"), ...opts })
      .dropColumns('d', 't', ['x'])
      .catch((e: unknown) => e);
    expect(missing5509).toBeInstanceOf(NotFoundError);
    expect((missing5509 as NotFoundError).column).toBe('x');
    // 1064 is ambiguous: NotFoundError only once the column is confirmed missing
    const missing1064 = await createCatalog({ executor: refuse(1064, 'Column does not exists: y'), ...opts })
      .dropColumns('d', 't', ['y'])
      .catch((e: unknown) => e);
    expect(missing1064).toBeInstanceOf(NotFoundError);
    expect((missing1064 as NotFoundError).objectType).toBe('column');
    expect((missing1064 as NotFoundError).column).toBe('y');
  });

  it('an unknown database on SHOW ALTER is a NotFoundError', async () => {
    const exec = fakeExecutor((sql) => {
      throw new SqlError('x', { errno: 1049, sqlState: '42000', serverMessage: "Unknown database 'd'", sql });
    });
    const err = await createCatalog({ executor: exec, ...opts })
      .dropColumns('d', 't', ['x'])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).objectType).toBe('database');
  });

  it('waitForSchemaChange ignores old cancelled jobs and waits for running ones', async () => {
    let n = 0;
    const exec = fakeExecutor(() => [job(3, ++n > 2 ? 'FINISHED' : 'RUNNING'), job(2, 'CANCELLED', 'old')]);
    await createCatalog({ executor: exec, ...opts }).waitForSchemaChange('d', 't');
    expect(n).toBe(3);
  });

  it('per-call alterTimeoutMs bounds the wait', async () => {
    let altered = false;
    const exec = fakeExecutor((sql) => {
      if (sql.startsWith('ALTER')) altered = true;
      return altered ? [job(9, 'RUNNING')] : [];
    });
    const err = await createCatalog({ executor: exec, ...opts })
      .addColumns('d', 't', [{ name: 'c', type: 'INT' }], { alterTimeoutMs: 30 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AlterTimeoutError);
    expect((err as AlterTimeoutError).jobIds).toEqual(['9']);
  });
});
