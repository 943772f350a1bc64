import { StarRocksError, type StreamLoadClient, TransactionError } from '@srconnect/stream-load-sdk';
import { transactionLabel } from './label-scheme.js';

/**
 * Rolls a transaction back; when that fails and it is still open or prepared, falls back to the
 * FE's cancel API, then checks again: only ABORTED (or UNKNOWN) counts as done.
 */
async function abortOne(
  client: StreamLoadClient,
  database: string,
  table: string,
  label: string,
  signal?: AbortSignal,
): Promise<void> {
  try {
    await client.rollbackTransaction({ database, table, label, signal });
    return;
  } catch (rollbackError) {
    const before = await client.labelState({ database, label, signal });
    if (before.state === 'ABORTED' || before.state === 'UNKNOWN') return;
    if (before.state !== 'PREPARE' && before.state !== 'PREPARED') throw rollbackError;
    await client.cancelTransaction({ database, table, label, signal }).catch(() => undefined);
    const after = await client.labelState({ database, label, signal });
    if (after.state !== 'ABORTED' && after.state !== 'UNKNOWN') throw rollbackError;
  }
}

/** One (table, subtask) whose labels may have open or prepared transactions from before a restart. */
export interface ProbeTarget {
  readonly database: string;
  readonly table: string;
  readonly subtask: number;
  /** The first sequence number the restored state had not used. */
  readonly fromSeq: number;
}

export interface ProbeResult {
  readonly aborted: string[];
  /** Per target (`db.table#subtask`): the first sequence number found unused. */
  readonly nextSeq: Map<string, number>;
}

/**
 * Finds transactions a crashed writer left behind (labels at and above `fromSeq`) and rolls them
 * back. Labels are dense per (table, subtask), so probing stops at the first UNKNOWN label.
 * A COMMITTED or VISIBLE label there is an error: restoring an older checkpoint would load its
 * data twice.
 */
export async function abortLingering(
  client: StreamLoadClient,
  prefix: string,
  targets: readonly ProbeTarget[],
  o: { maxProbe: number; restoredCheckpointId: number; signal?: AbortSignal },
): Promise<ProbeResult> {
  const aborted: string[] = [];
  const nextSeq = new Map<string, number>();
  for (const t of targets) {
    let seq = t.fromSeq;
    for (let n = 0; ; n++, seq++) {
      if (n >= o.maxProbe)
        throw new StarRocksError(
          'SR_TXN_FAILED',
          `more than ${o.maxProbe} labels probed for ${t.database}.${t.table} subtask ${t.subtask}; raise maxProbe`,
        );
      const label = transactionLabel(prefix, t.database, t.table, t.subtask, seq);
      const s = await client.labelState({ database: t.database, label, signal: o.signal });
      if (s.state === 'UNKNOWN') break;
      if (s.state === 'ABORTED') continue;
      if (s.state === 'PREPARE' || s.state === 'PREPARED') {
        await abortOne(client, t.database, t.table, label, o.signal);
        aborted.push(label);
        continue;
      }
      throw new TransactionError(
        `label ${label} is ${s.state} although it is newer than the restored checkpoint ${o.restoredCheckpointId}: restoring from an older checkpoint would load data twice. Restore from the latest checkpoint, or use a new labelPrefix`,
        'state',
        {
          label,
          txnId: null,
          httpStatus: 200,
          status: s.state,
          serverMessage: s.reason ?? '',
          errorUrl: null,
          errorLog: null,
        },
      );
    }
    nextSeq.set(`${t.database}.${t.table}#${t.subtask}`, seq);
  }
  return { aborted, nextSeq };
}
