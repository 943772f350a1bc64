import type { ApplyMode } from './apply-staged.js';

/** `TransactionStatus` names (spec §4.6). */
export type TxnState = 'PREPARE' | 'PREPARED' | 'COMMITTED' | 'VISIBLE' | 'ABORTED';

/** Load counters of a transaction. */
export interface TxnCounters {
  total: number;
  loaded: number;
  filtered: number;
  unselected: number;
  loadBytes: number;
}

/** The FE's view of one transaction; persisted so that labels and PREPARED transactions survive restarts. */
export interface TxnRecord {
  readonly txnId: number;
  readonly db: string;
  readonly table: string;
  readonly tableId: number;
  readonly label: string;
  /** `stream` = single-request Stream Load; `txn` = Transaction Stream Load. */
  readonly kind: 'stream' | 'txn';
  state: TxnState;
  reason: string | null;
  readonly beginMs: number;
  preparedMs: number | null;
  finishMs: number | null;
  readonly timeoutSec: number;
  readonly idleTimeoutSec: number;
  preparedTimeoutSec: number | null;
  apply: ApplyMode | null;
  /** When a `Publish Timeout` was injected: the time the data becomes visible. */
  visibleAtMs: number | null;
  counters: TxnCounters;
  errorUrl: string | null;
}

export function emptyCounters(): TxnCounters {
  return { total: 0, loaded: 0, filtered: 0, unselected: 0, loadBytes: 0 };
}

/** `ExistingJobStatus` of a label that cannot be reused (spec §2.5). */
export function existingJobStatus(state: TxnState): 'RUNNING' | 'FINISHED' {
  return state === 'COMMITTED' || state === 'VISIBLE' ? 'FINISHED' : 'RUNNING';
}
