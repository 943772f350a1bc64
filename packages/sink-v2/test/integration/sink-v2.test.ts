import { createStreamLoadClient, TransactionError } from '@srconnect/stream-load-sdk';
import { describe, expect, it } from 'vitest';
import {
  committableSerializer,
  createSink,
  transactionLabel,
  type WriterState,
  writerStateSerializer,
} from '../../src/index.js';
import { useSinkTestEnv } from './sink-test-env.js';

const env = useSinkTestEnv('v2', { tables: ['a', 'b', 'c', 'd', 'e'] });
const { opts, ids } = env;

describe('sink-v2', () => {
  it('prepares at a checkpoint, commits through the committer, and nothing is visible before', async () => {
    const sink = createSink(opts({ table: 'a' }));
    const w = await sink.createWriter({ subtaskId: 0, numSubtasks: 1 });
    for (let i = 1; i <= 50; i++) await w.write({ id: i, v: i });
    const c1 = await w.prepareCommit(1);
    expect(c1).toHaveLength(1);
    expect(c1[0]!.label).toBe(transactionLabel(sink.options.labelPrefix!, env.db, 'a', 0, 1));
    expect(await ids('a')).toEqual([]);
    const state = w.snapshotState(1);
    expect(writerStateSerializer.deserialize(writerStateSerializer.serialize(state))).toEqual(state);
    expect(committableSerializer.deserialize(committableSerializer.serialize(c1))).toEqual(c1);
    await sink.createCommitter().commit(c1);
    await sink.createCommitter().commit(c1); // idempotent
    expect((await ids('a')).length).toBe(50);
    await w.write({ id: 1 }, { kind: 'delete' });
    await sink.createCommitter().commit(await w.prepareCommit(2));
    expect((await ids('a')).length).toBe(49);
    await w.close();
    await sink.close();
  });

  it('on restore re-commits the checkpoint and aborts what came after it; close() rolls back the unprepared', async () => {
    const o = opts({ table: 'b' });
    const sink = createSink(o);
    const w = await sink.createWriter({ subtaskId: 0, numSubtasks: 1 });
    await w.write({ id: 1, v: 1 });
    const c1 = await w.prepareCommit(1);
    const s1 = w.snapshotState(1);
    // crash before commit, after more data was prepared for checkpoint 2 and opened for 3
    await w.write({ id: 2, v: 2 });
    await w.prepareCommit(2);
    await w.write({ id: 3, v: 3 });
    await w.flush();
    // the process dies here: nothing is closed
    const w2 = await createSink(o).createWriter({ subtaskId: 0, numSubtasks: 1, restoredState: s1 });
    expect(w2.recovery.recommitted).toEqual([c1[0]!.label]);
    expect(w2.recovery.aborted).toHaveLength(2);
    expect(await ids('b')).toEqual([1]);
    // the restored writer continues with fresh labels
    await w2.write({ id: 4, v: 4 });
    const c2 = await w2.prepareCommit(2);
    expect(c2[0]!.label).toBe(transactionLabel(o.labelPrefix!, env.db, 'b', 0, 4));
    await sink.createCommitter().commit(c2);
    expect(await ids('b')).toEqual([1, 4]);
    await w2.write({ id: 5, v: 5 });
    await w2.flush();
    const open = c2[0]!.label.replace(/-4$/, '-5');
    await w2.close();
    const client = createStreamLoadClient({ feUrls: env.emu.feHttpUrl, user: 'root' });
    expect((await client.labelState({ database: env.db, label: open })).state).toBe('ABORTED');
    await client.close();
  });

  it('falls back to the FE cancel API when rolling back a lingering transaction fails', async () => {
    const o = opts({ table: 'b' });
    const sink = createSink(o);
    const w = await sink.createWriter({ subtaskId: 0, numSubtasks: 1 });
    await w.write({ id: 300, v: 1 });
    await w.prepareCommit(1);
    const s1 = { ...w.snapshotState(1), committables: [] };
    await w.write({ id: 301, v: 1 });
    // checkpoint 1 was never confirmed, so checkpoint 2 returns its committable too: take the new one
    const c2 = (await w.prepareCommit(2)).filter((c) => c.checkpointId === 2);
    // every rollback of the orphan fails; the writer must cancel it instead
    env.emu.faults.failNext({
      scope: 'transaction',
      op: 'rollback',
      status: 'FAILED',
      message: 'injected rollback failure',
      count: 10,
    });
    try {
      const w2 = await createSink(o).createWriter({ subtaskId: 0, numSubtasks: 1, restoredState: s1 });
      expect(w2.recovery.aborted).toContain(c2[0]!.label);
    } finally {
      env.emu.faults.reset();
    }
    const client = createStreamLoadClient({ feUrls: env.emu.feHttpUrl, user: 'root' });
    expect(await client.labelState({ database: env.db, label: c2[0]!.label })).toEqual({
      state: 'ABORTED',
      reason: 'user cancel',
    });
    await client.close();
  });

  it('refuses to restore an older checkpoint when a newer one was committed', async () => {
    const o = opts({ table: 'c' });
    const sink = createSink(o);
    const w = await sink.createWriter({ subtaskId: 0, numSubtasks: 1 });
    await w.write({ id: 1, v: 1 });
    await sink.createCommitter().commit(await w.prepareCommit(1));
    const s1 = w.snapshotState(1);
    await w.write({ id: 2, v: 2 });
    await sink.createCommitter().commit(await w.prepareCommit(2));
    const err = await createSink(o)
      .createWriter({ subtaskId: 0, numSubtasks: 1, restoredState: { ...s1, committables: [] } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransactionError);
    expect((err as Error).message).toMatch(/VISIBLE although it is newer than the restored checkpoint 1/);
    // a fresh start with a used prefix is refused too
    await expect(createSink(o).createWriter({ subtaskId: 0, numSubtasks: 1 })).rejects.toThrow(
      /use a new labelPrefix/,
    );
  });

  it('finds the orphans of subtasks that no longer exist after a change in the number of subtasks', async () => {
    const o = opts({ table: 'd' });
    const sink = createSink(o);
    const writers = await Promise.all(
      [0, 1, 2].map((i) => sink.createWriter({ subtaskId: i, numSubtasks: 3 })),
    );
    for (const [i, w] of writers.entries()) await w.write({ id: i, v: i });
    const committables = (await Promise.all(writers.map((w) => w.prepareCommit(1)))).flat();
    await sink.createCommitter().commit(committables);
    const states: WriterState[] = writers.map((w) => w.snapshotState(1));
    // every subtask opens and prepares more, then the job dies
    for (const [i, w] of writers.entries()) await w.write({ id: 10 + i, v: i });
    await Promise.all(writers.map((w) => w.prepareCommit(2)));
    // restart with 2 subtasks: subtask 0 takes old 0 and 2, subtask 1 takes old 1
    const restored = await Promise.all(
      [0, 1].map((i) => createSink(o).createWriter({ subtaskId: i, numSubtasks: 2, restoredState: states })),
    );
    expect(restored[0]!.recovery.aborted.map((l) => l.split('-').at(-2))).toEqual(['0', '2']);
    expect(restored[1]!.recovery.aborted.map((l) => l.split('-').at(-2))).toEqual(['1']);
    expect(await ids('d')).toEqual([0, 1, 2]);
    // adopted entries are kept, so scaling back to 3 starts old subtask 2 after its used numbers
    await Promise.all(restored.map((w) => w.prepareCommit(2)));
    const states2 = restored.map((w) => w.snapshotState(2));
    expect(states2[0]!.entries.map((e) => e.subtask).sort()).toEqual([0, 2]);
    const again = await Promise.all(
      [0, 1, 2].map((i) =>
        createSink(o).createWriter({ subtaskId: i, numSubtasks: 3, restoredState: states2 }),
      ),
    );
    await again[2]!.write({ id: 99, v: 99 });
    const c3 = await again[2]!.prepareCommit(3);
    expect(c3[0]!.label).toBe(transactionLabel(o.labelPrefix!, env.db, 'd', 2, 3));
    await sink.createCommitter().commit(c3);
    expect(await ids('d')).toEqual([0, 1, 2, 99]);
  });

  it('the committer reports an aborted transaction by label and does not swallow it', async () => {
    const o = opts({ table: 'e' });
    const sink = createSink(o);
    const w = await sink.createWriter({ subtaskId: 0, numSubtasks: 1 });
    await w.write({ id: 1, v: 1 });
    const c = await w.prepareCommit(1);
    const client = createStreamLoadClient({ feUrls: env.emu.feHttpUrl, user: 'root' });
    await client.rollbackTransaction({ database: env.db, label: c[0]!.label });
    await client.close();
    const err = await sink
      .createCommitter()
      .commit(c)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransactionError);
    expect((err as TransactionError).label).toBe(c[0]!.label);
  });

  it('at-least-once mode commits on flush and on the interval, without a label prefix', async () => {
    const sink = createSink({
      connection: { feUrls: env.emu.feHttpUrl, user: 'root' },
      semantic: 'at-least-once',
      database: env.db,
      table: 'e',
      primaryKey: true,
      columns: ['id', 'v'],
      flush: { intervalMs: 100 },
    });
    const w = await sink.createWriter({ subtaskId: 0, numSubtasks: 1 });
    await w.write({ id: 500, v: 1 });
    await expect.poll(() => ids('e'), { timeout: 3000 }).toContain(500);
    await w.write({ id: 501, v: 1 });
    expect(await w.prepareCommit(1)).toEqual([]);
    expect(await ids('e')).toContain(501);
    await w.close();
  });

  it('validates options and warns when checkpoints could outlive the transaction timeouts', () => {
    expect(() =>
      createSink({ connection: { feUrls: env.emu.feHttpUrl, user: 'root' }, database: env.db, table: 'a' }),
    ).toThrow(/labelPrefix: required for exactly-once/);
    const warnings: string[] = [];
    createSink(
      opts({
        table: 'a',
        checkpointIntervalMs: 900_000,
        transactionTimeoutSec: 600,
        preparedTimeoutSec: 300,
        logger: { warn: (m) => warnings.push(m) },
      }),
    );
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/transactionTimeoutSec/);
    expect(warnings[1]).toMatch(/preparedTimeoutSec/);
  });
});
