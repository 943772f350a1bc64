import type { FaultController } from './faults.js';
import type { UserTable } from './http/basic-auth.js';
import type { ErrorLogStore } from './http/error-log-store.js';
import type { Store } from './storage/store.js';
import type { BeTxnContexts } from './txn/be-txn-contexts.js';
import type { TxnManager } from './txn/txn-manager.js';

/** Limits and defaults that mirror StarRocks configuration items. */
export interface EmulatorConfig {
  /** BE `streaming_load_max_mb`. */
  readonly streamingLoadMaxMb: number;
  /** BE `streaming_load_max_batch_size_mb` (JSON body cap). */
  readonly streamingLoadMaxBatchSizeMb: number;
  /** FE `stream_load_default_timeout_second`. */
  readonly streamLoadDefaultTimeoutSec: number;
  /** FE `max_stream_load_timeout_second`. */
  readonly maxStreamLoadTimeoutSec: number;
  /** Grace added to `idle_transaction_timeout` by the BE sweeper (30 s on StarRocks). */
  readonly idleGraceSec: number;
}

/** What the FE, BE and MySQL front ends share. */
export interface EmulatorContext {
  readonly store: Store;
  readonly txns: TxnManager;
  readonly beTxns: BeTxnContexts;
  readonly users: UserTable;
  readonly faults: FaultController;
  readonly errorLogs: ErrorLogStore;
  readonly config: EmulatorConfig;
  /** `http://host:port` of the BE HTTP listener, set once it listens. */
  beHttpUrl: string;
}
