import {
  createLoadManager,
  InvalidOptionError,
  type LoadManager,
  type LoadManagerStats,
  type StreamLoadClient,
  TransactionError,
} from '@srconnect/stream-load-sdk';
import { commitEach, commitFailure } from './committer.js';
import { atLeastOnceLabel, tableKey, transactionLabel } from './label-scheme.js';
import { abortLingering, type ProbeTarget } from './lingering-aborter.js';
import type { ResolvedSinkOptions } from './options.js';
import { RowEncoder, type RowMeta } from './row-encoder.js';
import type { Committable, SubtaskEntry, WriterState } from './state.js';

/** Which part of the job a writer is, and what it restores. */
export interface WriterContext {
  readonly subtaskId: number;
  readonly numSubtasks: number;
  /**
   * The states of the checkpoint to restore, of every subtask (union redistribution): each writer
   * takes the entries whose subtask maps to it (`subtask % numSubtasks === subtaskId`), so a change
   * in the number of subtasks loses no orphan.
   */
  readonly restoredState?: WriterState | readonly WriterState[];
  readonly signal?: AbortSignal;
}

/** What the writer did while restoring. */
export interface RecoveryReport {
  readonly restoredCheckpointId: number;
  /** Restored committables committed again (idempotent). */
  readonly recommitted: readonly string[];
  /** Lingering PREPARE/PREPARED transactions rolled back. */
  readonly aborted: readonly string[];
}

/** The writer: buffers rows into per-table transactions and prepares them at each checkpoint. */
export interface SinkWriter {
  readonly recovery: RecoveryReport;
  write(row: Readonly<Record<string, unknown>>, meta?: RowMeta): Promise<void>;
  /** Loads everything buffered (exactly-once: into the open transactions). */
  flush(): Promise<void>;
  /**
   * Exactly-once: loads everything, prepares the open transactions and returns them, preceded by
   * the committables of earlier checkpoints not yet confirmed through
   * {@link SinkWriter.notifyCheckpointComplete} (committing them again is harmless). At-least-once:
   * flushes (commits) and returns [].
   */
  prepareCommit(checkpointId: number): Promise<Committable[]>;
  /**
   * The state to store with checkpoint `checkpointId`; only after `prepareCommit(checkpointId)`
   * succeeded (SR_INVALID_OPTION otherwise). Its committables are every unconfirmed one.
   */
  snapshotState(checkpointId: number): WriterState;
  /**
   * The checkpoint was stored and its committables committed: the committables of checkpoints
   * ≤ `checkpointId` leave the writer state. Until then every later state keeps them (and a restore
   * re-commits them), so a checkpoint whose store failed loses nothing.
   */
  notifyCheckpointComplete(checkpointId: number): void;
  stats(): LoadManagerStats;
  /** Rolls back what was never prepared and releases everything. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

interface OwnCounters {
  nextSeq: Map<string, number>;
  tables: Map<string, { database: string; table: string }>;
  probed: Set<string>;
}

/** Creates and restores a writer (see {@link WriterContext}). */
export async function createWriter(
  o: ResolvedSinkOptions,
  client: StreamLoadClient,
  ctx: WriterContext,
): Promise<SinkWriter> {
  const { subtaskId, numSubtasks } = ctx;
  if (!Number.isInteger(numSubtasks) || numSubtasks < 1)
    throw new InvalidOptionError(`numSubtasks must be a positive integer, got ${numSubtasks}`);
  if (!Number.isInteger(subtaskId) || subtaskId < 0 || subtaskId >= numSubtasks) {
    throw new InvalidOptionError(`subtaskId must be an integer in [0, ${numSubtasks}), got ${subtaskId}`);
  }
  const exactlyOnce = o.semantic === 'exactly-once';
  const prefix = o.labelPrefix ?? 'srconnect';
  const states =
    ctx.restoredState === undefined
      ? []
      : Array.isArray(ctx.restoredState)
        ? ctx.restoredState
        : [ctx.restoredState as WriterState];
  const restoredCheckpointId = states.reduce((m, s) => Math.max(m, s.checkpointId), 0);
  const mine = (subtask: number) => subtask % numSubtasks === subtaskId;

  // ---- restore: (a) commit what the checkpoint prepared, (b) abort what came after it ----
  const toRecommit = new Map<string, Committable>();
  for (const s of states) for (const c of s.committables) if (mine(c.subtask)) toRecommit.set(c.label, c);
  const { committed: recommitted, failures } = await commitEach(client, [...toRecommit.values()], ctx.signal);
  if (failures.length > 0) {
    const explained = [];
    for (const f of failures)
      explained.push({ ...f, error: await explainRestoreFailure(client, f, ctx.signal) });
    throw commitFailure(explained, 'restore');
  }
  // the newest entry of every subtask assigned to this writer
  const entries = new Map<number, { prefix: string; entry: SubtaskEntry }>();
  for (const s of states) {
    for (const e of s.entries) {
      if (!mine(e.subtask)) continue;
      const prev = entries.get(e.subtask);
      const total = (x: SubtaskEntry) => Object.values(x.nextSeq).reduce((a, b) => a + b, 0);
      if (!prev || total(e) >= total(prev.entry)) entries.set(e.subtask, { prefix: s.labelPrefix, entry: e });
    }
  }
  const configured = [
    ...(o.database && o.table ? [{ database: o.database, table: o.table }] : []),
    ...Object.keys(o.tables).map((k) => {
      const i = k.indexOf('.');
      return { database: k.slice(0, i), table: k.slice(i + 1) };
    }),
  ];
  // every table any restored subtask (or the options) knew: after a rescale an adopted subtask may
  // have opened a transaction on a table its own last state did not list yet
  const known = new Map<string, { database: string; table: string }>();
  for (const s of states)
    for (const e of s.entries)
      for (const t of e.tables)
        known.set(tableKey(t.database, t.table), { database: t.database, table: t.table });
  for (const t of configured) known.set(tableKey(t.database, t.table), t);
  const targets: (ProbeTarget & { prefix: string })[] = [];
  for (const [subtask, { prefix: p, entry }] of entries) {
    for (const [key, t] of known)
      targets.push({ ...t, subtask, prefix: p, fromSeq: entry.nextSeq[key] ?? 1 });
  }
  const own: OwnCounters = { nextSeq: new Map(), tables: new Map(), probed: new Set() };
  const ownEntry = entries.get(subtaskId);
  for (const t of configured) {
    const key = tableKey(t.database, t.table);
    if (ownEntry?.prefix === prefix && known.has(key)) continue;
    targets.push({ ...t, subtask: subtaskId, prefix, fromSeq: 1 });
  }
  const aborted: string[] = [];
  const adopted: {
    subtask: number;
    nextSeq: Record<string, number>;
    tables: { database: string; table: string }[];
  }[] = [];
  if (exactlyOnce) {
    const byPrefix = new Map<string, (ProbeTarget & { prefix: string })[]>();
    for (const t of targets) byPrefix.set(t.prefix, [...(byPrefix.get(t.prefix) ?? []), t]);
    const nextSeq = new Map<string, number>();
    for (const [p, list] of byPrefix) {
      const r = await abortLingering(client, p, list, {
        maxProbe: o.maxProbe,
        restoredCheckpointId,
        signal: ctx.signal,
      });
      aborted.push(...r.aborted);
      if (p === prefix) for (const [k, v] of r.nextSeq) nextSeq.set(k, v);
    }
    for (const t of targets) {
      const k = `${t.database}.${t.table}#${t.subtask}`;
      if (t.prefix !== prefix) continue;
      if (t.subtask === subtaskId) {
        own.nextSeq.set(tableKey(t.database, t.table), nextSeq.get(k) ?? t.fromSeq);
        own.tables.set(tableKey(t.database, t.table), { database: t.database, table: t.table });
        own.probed.add(tableKey(t.database, t.table));
      }
    }
    // entries of other subtasks (after a rescale) stay in this writer's state so their numbers survive
    for (const [subtask, { prefix: p, entry }] of entries) {
      if (subtask === subtaskId || p !== prefix) continue;
      const seqs: Record<string, number> = {};
      for (const [key] of known) seqs[key] = nextSeq.get(`${key}#${subtask}`) ?? entry.nextSeq[key] ?? 1;
      adopted.push({ subtask, nextSeq: seqs, tables: [...known.values()] });
    }
  } else if (ownEntry) {
    for (const t of ownEntry.entry.tables) {
      const key = tableKey(t.database, t.table);
      own.nextSeq.set(key, ownEntry.entry.nextSeq[key] ?? 1);
      own.tables.set(key, t);
    }
  }

  // ---- the writer ----
  const labels = new Map<string, { seq: number; database: string; table: string }>();
  const bump = (key: string, seq: number) => own.nextSeq.set(key, Math.max(own.nextSeq.get(key) ?? 1, seq));
  const manager: LoadManager = createLoadManager(client, {
    mode: exactlyOnce ? 'two-phase' : 'transaction',
    maxBatchBytes: o.flush.maxBytes,
    maxBatchRows: o.flush.maxRows,
    flushIntervalMs: exactlyOnce ? 0 : (o.flush.intervalMs ?? 10_000),
    memoryLimitBytes: o.memoryLimitBytes,
    chunkSizeBytes: o.chunkSizeBytes,
    maxInFlightLoads: o.maxInFlightLoads,
    transactionTimeoutSec: o.transactionTimeoutSec,
    preparedTimeoutSec: o.preparedTimeoutSec,
    labelGenerator: {
      next: (database, table) => {
        const key = tableKey(database, table);
        const seq = own.nextSeq.get(key) ?? 1;
        bump(key, seq + 1);
        own.tables.set(key, { database, table });
        // at-least-once has no restore protocol: a unique label per transaction, so neither a restart
        // nor a second process ever reuses one
        const label = exactlyOnce
          ? transactionLabel(prefix, database, table, subtaskId, seq)
          : atLeastOnceLabel(prefix, database, table, subtaskId);
        if (exactlyOnce) labels.set(label, { seq, database, table });
        return label;
      },
    },
  });
  const encoder = new RowEncoder(o);
  let lastCheckpointId = restoredCheckpointId;
  /** The checkpoint whose prepareCommit succeeded last (snapshotState needs it). */
  let preparedCheckpointId: number | null = null;
  /** Prepared and not yet confirmed through notifyCheckpointComplete, oldest first. */
  let pending: Committable[] = [];
  const probing = new Map<string, Promise<void>>();

  /**
   * A table first seen at run time may still have orphans from a crash before any checkpoint. One
   * probe per table: concurrent first writes share it.
   */
  const probeNew = (database: string, table: string): Promise<void> => {
    const key = tableKey(database, table);
    if (!exactlyOnce || own.probed.has(key)) return Promise.resolve();
    let p = probing.get(key);
    if (!p) {
      p = runProbe(database, table, key).finally(() => probing.delete(key));
      probing.set(key, p);
    }
    return p;
  };
  const runProbe = async (database: string, table: string, key: string) => {
    // this writer's subtask, and every adopted one that never knew the table
    const others = adopted.filter((a) => !(key in a.nextSeq));
    const r = await abortLingering(
      client,
      prefix,
      [
        { database, table, subtask: subtaskId, fromSeq: own.nextSeq.get(key) ?? 1 },
        ...others.map((a) => ({ database, table, subtask: a.subtask, fromSeq: 1 })),
      ],
      {
        maxProbe: o.maxProbe,
        restoredCheckpointId,
        signal: ctx.signal,
      },
    );
    aborted.push(...r.aborted);
    bump(key, r.nextSeq.get(`${key}#${subtaskId}`) ?? 1);
    for (const a of others) {
      a.nextSeq[key] = r.nextSeq.get(`${key}#${a.subtask}`) ?? 1;
      a.tables.push({ database, table });
    }
    own.probed.add(key);
  };

  const write = async (row: Readonly<Record<string, unknown>>, meta: RowMeta = {}) => {
    const t = encoder.target(meta);
    const value = encoder.value(t, row, meta.kind);
    if (value === null) return;
    if (!own.probed.has(tableKey(t.database, t.table))) await probeNew(t.database, t.table);
    await manager.writeTo(
      {
        database: t.database,
        table: t.table,
        variant: '',
        serializer: t.serializer,
        properties: t.properties,
      },
      value,
    );
  };

  const prepareCommit = async (checkpointId: number): Promise<Committable[]> => {
    if (!Number.isSafeInteger(checkpointId) || checkpointId <= lastCheckpointId) {
      throw new InvalidOptionError(`checkpointId must grow: got ${checkpointId} after ${lastCheckpointId}`);
    }
    lastCheckpointId = checkpointId;
    preparedCheckpointId = null;
    if (!exactlyOnce) {
      await manager.flush();
      preparedCheckpointId = checkpointId;
      return [];
    }
    const prepared = await manager.prepare();
    const mineNow: Committable[] = prepared.map((c) => {
      const info = labels.get(c.label)!;
      labels.delete(c.label);
      return {
        database: c.database,
        table: c.table,
        label: c.label,
        subtask: subtaskId,
        seq: info.seq,
        checkpointId,
      };
    });
    pending = [...pending, ...mineNow];
    preparedCheckpointId = checkpointId;
    return [...pending];
  };

  const notifyCheckpointComplete = (checkpointId: number) => {
    if (!Number.isSafeInteger(checkpointId) || checkpointId < 0)
      throw new InvalidOptionError(
        `notifyCheckpointComplete: checkpointId must be an integer ≥ 0, got ${checkpointId}`,
      );
    pending = pending.filter((c) => c.checkpointId > checkpointId);
  };

  const snapshotState = (checkpointId: number): WriterState => {
    if (checkpointId !== preparedCheckpointId) {
      throw new InvalidOptionError(
        checkpointId === lastCheckpointId
          ? `snapshotState(${checkpointId}): prepareCommit(${checkpointId}) did not succeed, so there is no state for checkpoint ${checkpointId}; do not store this checkpoint`
          : `snapshotState(${checkpointId}) must follow a successful prepareCommit(${checkpointId}); the last checkpoint prepared is ${preparedCheckpointId ?? 'none'}`,
      );
    }
    const nextSeq: Record<string, number> = {};
    for (const [k, v] of own.nextSeq) nextSeq[k] = v;
    return {
      labelPrefix: prefix,
      checkpointId,
      numSubtasks,
      entries: [
        { subtask: subtaskId, nextSeq, tables: [...own.tables.values()] },
        ...adopted.map((a) => ({ subtask: a.subtask, nextSeq: { ...a.nextSeq }, tables: [...a.tables] })),
      ],
      committables: [...pending],
    };
  };

  const close = () => manager.close();

  return {
    recovery: { restoredCheckpointId, recommitted, aborted },
    write,
    flush: () => manager.flush(),
    prepareCommit,
    snapshotState,
    notifyCheckpointComplete,
    stats: () => manager.stats(),
    close,
    [Symbol.asyncDispose]: close,
  };
}

/**
 * Why a restored committable cannot be committed. ABORTED: its data is lost unless the source
 * replays it. UNKNOWN: the label has left StarRocks' label retention (`label_keep_max_second`), so
 * whether it was committed (data loaded) or aborted (data lost) can no longer be told.
 */
async function explainRestoreFailure(
  client: StreamLoadClient,
  f: { committable: Committable; error: unknown },
  signal?: AbortSignal,
): Promise<unknown> {
  const { committable: c, error: err } = f;
  if (!(err instanceof TransactionError)) return err;
  const s = await client.labelState({ database: c.database, label: c.label, signal }).catch(() => null);
  if (s?.state === 'UNKNOWN') {
    return new TransactionError(
      `restored committable ${c.label} (checkpoint ${c.checkpointId}) is unknown to StarRocks: its label has left label retention (label_keep_max_second), so whether it was committed (data loaded) or aborted (data lost) cannot be told. Keep label_keep_max_second longer than the longest downtime, and confirm committed checkpoints with notifyCheckpointComplete`,
      'commit',
      err,
    );
  }
  return new TransactionError(
    `restored committable ${c.label} (checkpoint ${c.checkpointId}) cannot be committed: ${err.message}. Its data is lost unless the source replays it`,
    'commit',
    err,
  );
}
