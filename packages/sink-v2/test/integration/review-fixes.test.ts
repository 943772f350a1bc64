import { createStreamLoadClient, InvalidOptionError, TransactionError } from '@srconnect/stream-load-sdk';
import { describe, expect, it } from 'vitest';
import {
  CommitFailedError,
  createSink,
  type SinkOptions,
  transactionLabel,
  writerStateSerializer,
} from '../../src/index.js';
import { useSinkTestEnv } from './sink-test-env.js';

const env = useSinkTestEnv('rf', {
  tables: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'],
  emulator: { sweepIntervalMs: 200, labelKeepMaxSec: 2 },
  retries: 1,
});
const { opts, ids } = env;

const labelState = async (label: string) => {
  const client = createStreamLoadClient({ feUrls: env.emu.feHttpUrl, user: 'root' });
  try {
    return (await client.labelState({ database: env.db, label })).state;
  } finally {
    await client.close();
  }
};

describe('unconfirmed committables stay in the writer state (a checkpoint whose store failed)', () => {
  it('restore re-commits the committables of every unconfirmed checkpoint', async () => {
    const o = opts({ table: 'a' });
    const sink = createSink(o);
    const w = await sink.createWriter({ subtaskId: 0, numSubtasks: 1 });
    await w.write({ id: 1, v: 1 });
    const c1 = await w.prepareCommit(1);
    w.snapshotState(1); // storing checkpoint 1 fails; the job goes on without committing it
    await w.write({ id: 2, v: 2 });
    const c2 = await w.prepareCommit(2);
    const s2 = w.snapshotState(2);
    // checkpoint 2 carries checkpoint 1's committable, in the returned list and in the state
    expect(c2.map((c) => c.checkpointId)).toEqual([1, 2]);
    expect(c2[0]).toEqual(c1[0]);
    expect(s2.committables).toEqual(c2);
    expect(writerStateSerializer.deserialize(writerStateSerializer.serialize(s2))).toEqual(s2);
    // crash after storing checkpoint 2, before committing anything
    const w2 = await createSink(o).createWriter({ subtaskId: 0, numSubtasks: 1, restoredState: s2 });
    expect(w2.recovery.recommitted).toEqual(c2.map((c) => c.label));
    expect(await ids('a')).toEqual([1, 2]);
    await w2.close();
    await sink.close();
  });

  it('notifyCheckpointComplete drops the confirmed committables from later states', async () => {
    const sink = createSink(opts({ table: 'b' }));
    const w = await sink.createWriter({ subtaskId: 0, numSubtasks: 1 });
    const committer = sink.createCommitter();
    await w.write({ id: 1, v: 1 });
    await w.prepareCommit(1);
    w.snapshotState(1); // not stored
    await w.write({ id: 2, v: 2 });
    const c2 = await w.prepareCommit(2);
    expect(w.snapshotState(2).committables).toHaveLength(2);
    await committer.commit(c2);
    w.notifyCheckpointComplete(2);
    await w.write({ id: 3, v: 3 });
    const c3 = await w.prepareCommit(3);
    expect(c3.map((c) => c.checkpointId)).toEqual([3]);
    expect(w.snapshotState(3).committables).toEqual(c3);
    await committer.commit(c3);
    w.notifyCheckpointComplete(3);
    await w.prepareCommit(4);
    expect(w.snapshotState(4).committables).toEqual([]);
    expect(await ids('b')).toEqual([1, 2, 3]);
    expect(() => w.notifyCheckpointComplete(-1)).toThrow(InvalidOptionError);
    await w.close();
    await sink.close();
  });
});

describe('tables routed at run time', () => {
  it('concurrent first writes share one probe; labels are never reused and the state restores', async () => {
    const { database: _, ...rest } = opts({ flush: { maxRows: 1 } });
    const o: SinkOptions = { ...rest, primaryKey: false, columns: undefined };
    const sink = createSink(o);
    const w = await sink.createWriter({ subtaskId: 0, numSubtasks: 1 });
    const meta = { database: env.db, table: 'c' };
    await Promise.all([
      w.write({ id: 1, v: 1 }, meta),
      w.write({ id: 2, v: 2 }, meta),
      w.write({ id: 3, v: 3 }, meta),
    ]);
    const c1 = await w.prepareCommit(1);
    expect(c1.map((c) => c.label)).toEqual([transactionLabel(o.labelPrefix!, env.db, 'c', 0, 1)]);
    const s1 = w.snapshotState(1);
    expect(s1.entries[0]!.nextSeq[`${env.db}.c`]).toBe(2);
    // the stored checkpoint restores (crash before commit): the committable is re-committed
    const w2 = await createSink(o).createWriter({ subtaskId: 0, numSubtasks: 1, restoredState: s1 });
    expect(w2.recovery.recommitted).toEqual([c1[0]!.label]);
    expect(await ids('c')).toEqual([1, 2, 3]);
    // and the first writer, had it gone on, would not reuse label 1 either
    await sink.createCommitter().commit(c1);
    await w.write({ id: 4, v: 4 }, meta);
    const c2 = await w.prepareCommit(2);
    expect(c2.at(-1)!.label).toBe(transactionLabel(o.labelPrefix!, env.db, 'c', 0, 2));
  });
});

describe('at-least-once', () => {
  const alo = (extra: Partial<SinkOptions> = {}): SinkOptions => ({
    connection: { feUrls: env.emu.feHttpUrl, user: 'root' },
    semantic: 'at-least-once',
    database: env.db,
    table: 'd',
    primaryKey: true,
    columns: ['id', 'v'],
    retry: { retries: 1, initialDelayMs: 10 },
    ...extra,
  });

  it('a restarted writer, and one restored from state, never reuse a label', async () => {
    const s1 = createSink(alo());
    const w1 = await s1.createWriter({ subtaskId: 0, numSubtasks: 1 });
    await w1.write({ id: 1, v: 1 });
    await w1.prepareCommit(1);
    const st = w1.snapshotState(1);
    await w1.write({ id: 2, v: 1 });
    await w1.flush(); // committed after the checkpoint
    await w1.close();
    await s1.close();
    for (const restoredState of [undefined, st]) {
      const s2 = createSink(alo());
      const w2 = await s2.createWriter({ subtaskId: 0, numSubtasks: 1, restoredState });
      await w2.write({ id: 2, v: 2 });
      await w2.write({ id: 3, v: 3 });
      await w2.flush();
      await w2.close();
      await s2.close();
    }
    expect(await ids('d')).toEqual([1, 2, 3]);
  });

  it('labels are unique and within StarRocks label rules even for the longest names', async () => {
    const { atLeastOnceLabel } = await import('../../src/index.js');
    const a = atLeastOnceLabel('p'.repeat(48), 'd'.repeat(64), 't'.repeat(64), 123);
    const b = atLeastOnceLabel('p'.repeat(48), 'd'.repeat(64), 't'.repeat(64), 123);
    expect(a).not.toBe(b);
    for (const l of [a, b]) expect(l).toMatch(/^[-\w]{1,128}$/);
    expect(atLeastOnceLabel('srconnect', 'db', 'tb', 0)).toMatch(/^srconnect-db__tb-0-[0-9a-f]{32}$/);
  });
});

describe('snapshotState after a failed prepareCommit', () => {
  it('throws SR_INVALID_OPTION instead of returning the previous checkpoint', async () => {
    const sink = createSink(opts({ table: 'e', retry: { retries: 0 } }));
    const w = await sink.createWriter({ subtaskId: 0, numSubtasks: 1 });
    await w.write({ id: 1, v: 1 });
    await w.prepareCommit(1);
    await w.write({ id: 2, v: 2 });
    env.emu.faults.failNext({
      scope: 'transaction',
      op: 'prepare',
      status: 'INTERNAL_ERROR',
      message: 'injected',
    });
    try {
      await expect(w.prepareCommit(2)).rejects.toThrow();
    } finally {
      env.emu.faults.reset();
    }
    let err: unknown;
    try {
      w.snapshotState(2);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidOptionError);
    expect((err as InvalidOptionError).code).toBe('SR_INVALID_OPTION');
    expect((err as Error).message).toMatch(/prepareCommit\(2\) did not succeed/);
    expect(() => w.snapshotState(1)).toThrow(InvalidOptionError);
    await w.close().catch(() => undefined); // the manager reports the failed prepare again
    await sink.close();
  });
});

describe('failed commits: every committable is tried, every failure reported', () => {
  it('the committer commits the rest and lists each failed label', async () => {
    const sink = createSink(opts({ table: 'f', retry: { retries: 0 } }));
    const ws = await Promise.all([0, 1, 2].map((i) => sink.createWriter({ subtaskId: i, numSubtasks: 3 })));
    for (const [i, w] of ws.entries()) await w.write({ id: i, v: i });
    const cs = (await Promise.all(ws.map((w) => w.prepareCommit(1)))).flat();
    const client = createStreamLoadClient({ feUrls: env.emu.feHttpUrl, user: 'root' });
    await client.rollbackTransaction({ database: env.db, label: cs[0]!.label });
    await client.rollbackTransaction({ database: env.db, label: cs[1]!.label });
    await client.close();
    const err = await sink
      .createCommitter()
      .commit(cs)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommitFailedError);
    const e = err as CommitFailedError;
    expect(e.code).toBe('SR_TXN_FAILED');
    expect(e.failures.map((f) => f.committable.label)).toEqual([cs[0]!.label, cs[1]!.label]);
    expect(e.message).toContain(cs[0]!.label);
    expect(e.message).toContain(cs[1]!.label);
    expect(await labelState(cs[2]!.label)).toBe('VISIBLE');
    expect(await ids('f')).toEqual([2]);
    // a single failure is thrown as it is
    const one = await sink
      .createCommitter()
      .commit([cs[0]!])
      .catch((x: unknown) => x);
    expect(one).toBeInstanceOf(TransactionError);
    expect((one as TransactionError).label).toBe(cs[0]!.label);
    await sink.close();
  });

  it('restore re-commits the rest and lists each failed label', async () => {
    const o = opts({ table: 'g', retry: { retries: 0 } });
    const sink = createSink(o);
    const w = await sink.createWriter({ subtaskId: 0, numSubtasks: 1 });
    await w.write({ id: 1, v: 1 });
    const c1 = await w.prepareCommit(1); // never stored: carried by checkpoint 2
    await w.write({ id: 2, v: 2 });
    await w.prepareCommit(2);
    await w.write({ id: 3, v: 3 });
    const c3 = await w.prepareCommit(3);
    const s3 = w.snapshotState(3);
    expect(c3).toHaveLength(3);
    const client = createStreamLoadClient({ feUrls: env.emu.feHttpUrl, user: 'root' });
    await client.rollbackTransaction({ database: env.db, label: c1[0]!.label });
    await client.rollbackTransaction({ database: env.db, label: c3[2]!.label });
    await client.close();
    const err = await createSink(o)
      .createWriter({ subtaskId: 0, numSubtasks: 1, restoredState: s3 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommitFailedError);
    const e = err as CommitFailedError;
    expect(e.failures.map((f) => f.committable.label)).toEqual([c1[0]!.label, c3[2]!.label]);
    expect(e.message).toMatch(/Its data is lost unless the source replays it/);
    expect(await ids('g')).toEqual([2]);
    await sink.close();
  });
});

describe('label retention', () => {
  it('a restored committable whose label expired is reported as unknown, not as lost', async () => {
    const o = opts({
      table: 'a',
      retry: { retries: 0 },
      connection: { feUrls: env.emu.feHttpUrl, user: 'root', labelStateTimeoutMs: 500 },
    });
    const sink = createSink(o);
    const w = await sink.createWriter({ subtaskId: 0, numSubtasks: 1 });
    await w.write({ id: 100, v: 1 });
    const c1 = await w.prepareCommit(1);
    const s1 = w.snapshotState(1);
    await sink.createCommitter().commit(c1); // committed, but never confirmed to the writer
    await new Promise((r) => setTimeout(r, 2600)); // down longer than label_keep_max_second (2 s here)
    const err = await createSink(o)
      .createWriter({ subtaskId: 0, numSubtasks: 1, restoredState: s1 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransactionError);
    expect((err as Error).message).toMatch(/label_keep_max_second/);
    expect((err as Error).message).not.toMatch(/data is lost unless/);
    await sink.close();
  });
});

describe('scale-down with tables routed at run time', () => {
  it('probes every known table for every adopted subtask, and a new table when first written', async () => {
    const { database: _, ...rest } = opts();
    const o: SinkOptions = { ...rest, columns: undefined, primaryKey: true };
    const sink = createSink(o);
    const ws = await Promise.all([0, 1].map((i) => sink.createWriter({ subtaskId: i, numSubtasks: 2 })));
    await ws[0]!.write({ id: 1, v: 1 }, { database: env.db, table: 'h' }); // only subtask 0 knows h
    await ws[1]!.write({ id: 2, v: 2 }, { database: env.db, table: 'i' });
    const c1 = (await Promise.all(ws.map((w) => w.prepareCommit(1)))).flat();
    const states = ws.map((w) => w.snapshotState(1));
    await sink.createCommitter().commit(c1);
    // after checkpoint 1, subtask 1 opens transactions on h (known to subtask 0) and j (known to none)
    await ws[1]!.write({ id: 3, v: 3 }, { database: env.db, table: 'h' });
    await ws[1]!.write({ id: 4, v: 4 }, { database: env.db, table: 'j' });
    const c2 = (await Promise.all(ws.map((w) => w.prepareCommit(2)))).flat();
    const h1 = c2.find((c) => c.table === 'h' && c.subtask === 1)!.label;
    const j1 = c2.find((c) => c.table === 'j' && c.subtask === 1)!.label;
    // crash before checkpoint 2 is stored; restart with one subtask
    const r = await createSink(o).createWriter({ subtaskId: 0, numSubtasks: 1, restoredState: states });
    expect(r.recovery.aborted).toContain(h1);
    expect(await labelState(h1)).toBe('ABORTED');
    expect(await labelState(j1)).toBe('PREPARED'); // no state knew j
    await r.write({ id: 5, v: 5 }, { database: env.db, table: 'j' }); // first write to j probes subtask 1 too
    expect(r.recovery.aborted).toContain(j1);
    expect(await labelState(j1)).toBe('ABORTED');
    const c3 = await r.prepareCommit(2);
    const s3 = r.snapshotState(2);
    expect(s3.entries.find((e) => e.subtask === 1)!.nextSeq[`${env.db}.j`]).toBe(2);
    await sink.createCommitter().commit(c3);
    expect(await ids('h')).toEqual([1]);
    expect(await ids('j')).toEqual([5]);
    await r.close();
    await sink.close();
  });
});
