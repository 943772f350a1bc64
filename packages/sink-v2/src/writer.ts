import {
  createLoadManager,
  InvalidOptionError,
  type LoadManager,
  type LoadManagerStats,
  type StreamLoadClient,
  TransactionError,
} from '@srconnect/stream-load-sdk';
import { tableKey, transactionLabel } from './label-scheme.js';
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
  /** Exactly-once: loads everything, prepares the open transactions and returns them. At-least-once: flushes (commits) and returns []. */
  prepareCommit(checkpointId: number): Promise<Committable[]>;
  /** The state to store with checkpoint `checkpointId` (after `prepareCommit`). */
  snapshotState(checkpointId: number): WriterState;
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
  const recommitted: string[] = [];
  for (const s of states) {
    for (const c of s.committables) {
      if (!mine(c.subtask)) continue;
      try {
        await client.commitTransaction({
          database: c.database,
          table: c.table,
          label: c.label,
          signal: ctx.signal,
        });
        recommitted.push(c.label);
      } catch (err) {
        if (err instanceof TransactionError) {
          throw new TransactionError(
            `restored committable ${c.label} (checkpoint ${c.checkpointId}) cannot be committed: ${err.message}. Its data is lost unless the source replays it`,
            'commit',
            err,
          );
        }
        throw err;
      }
    }
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
  const targets: (ProbeTarget & { prefix: string })[] = [];
  for (const [subtask, { prefix: p, entry }] of entries) {
    for (const t of entry.tables)
      targets.push({ ...t, subtask, prefix: p, fromSeq: entry.nextSeq[tableKey(t.database, t.table)] ?? 1 });
  }
  const own: OwnCounters = { nextSeq: new Map(), tables: new Map(), probed: new Set() };
  const ownEntry = entries.get(subtaskId);
  for (const t of configured) {
    const key = tableKey(t.database, t.table);
    if (
      ownEntry?.prefix === prefix &&
      ownEntry.entry.tables.some((x) => tableKey(x.database, x.table) === key)
    )
      continue;
    targets.push({ ...t, subtask: subtaskId, prefix, fromSeq: 1 });
  }
  const aborted: string[] = [];
  const adopted: SubtaskEntry[] = [];
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
      for (const t of entry.tables) {
        const key = tableKey(t.database, t.table);
        seqs[key] = nextSeq.get(`${key}#${subtask}`) ?? entry.nextSeq[key] ?? 1;
      }
      adopted.push({ subtask, nextSeq: seqs, tables: entry.tables });
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
        own.nextSeq.set(key, seq + 1);
        own.tables.set(key, { database, table });
        const label = transactionLabel(prefix, database, table, subtaskId, seq);
        labels.set(label, { seq, database, table });
        return label;
      },
    },
  });
  const encoder = new RowEncoder(o);
  let lastCheckpointId = restoredCheckpointId;
  let lastPrepared: Committable[] = [];

  /** A table first seen at run time may still have orphans from a crash before any checkpoint. */
  const probeNew = async (database: string, table: string) => {
    const key = tableKey(database, table);
    if (!exactlyOnce || own.probed.has(key)) return;
    const r = await abortLingering(
      client,
      prefix,
      [{ database, table, subtask: subtaskId, fromSeq: own.nextSeq.get(key) ?? 1 }],
      {
        maxProbe: o.maxProbe,
        restoredCheckpointId,
        signal: ctx.signal,
      },
    );
    aborted.push(...r.aborted);
    own.nextSeq.set(key, r.nextSeq.get(`${key}#${subtaskId}`) ?? 1);
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
    if (!exactlyOnce) {
      await manager.flush();
      lastPrepared = [];
      return [];
    }
    const prepared = await manager.prepare();
    lastPrepared = prepared.map((c) => {
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
    return lastPrepared;
  };

  const snapshotState = (checkpointId: number): WriterState => {
    if (checkpointId !== lastCheckpointId) {
      throw new InvalidOptionError(
        `snapshotState(${checkpointId}) must follow prepareCommit(${checkpointId}); the last prepared checkpoint is ${lastCheckpointId}`,
      );
    }
    const nextSeq: Record<string, number> = {};
    for (const [k, v] of own.nextSeq) nextSeq[k] = v;
    return {
      labelPrefix: prefix,
      checkpointId,
      numSubtasks,
      entries: [{ subtask: subtaskId, nextSeq, tables: [...own.tables.values()] }, ...adopted],
      committables: lastPrepared,
    };
  };

  const close = () => manager.close();

  return {
    recovery: { restoredCheckpointId, recommitted, aborted },
    write,
    flush: () => manager.flush(),
    prepareCommit,
    snapshotState,
    stats: () => manager.stats(),
    close,
    [Symbol.asyncDispose]: close,
  };
}
