/**
 * Stream Load parameters, spelled as StarRocks spells its headers (spec §2.4). Known keys are
 * typed; any other header passes through verbatim.
 */
export interface StreamLoadProperties {
  format?: 'csv' | 'json' | 'gzip' | 'deflate' | (string & {});
  columns?: string;
  column_separator?: string;
  row_delimiter?: string;
  where?: string;
  max_filter_ratio?: string;
  timeout?: string;
  strict_mode?: 'true' | 'false';
  timezone?: string;
  partial_update?: 'true' | 'false';
  partial_update_mode?: 'row' | 'column' | 'auto';
  merge_condition?: string;
  jsonpaths?: string;
  json_root?: string;
  strip_outer_array?: 'true' | 'false';
  ignore_json_size?: 'true' | 'false';
  enclose?: string;
  escape?: string;
  skip_header?: string;
  trim_space?: 'true' | 'false';
  compression?: string;
  log_rejected_record_num?: string;
  load_mem_limit?: string;
  partitions?: string;
  [header: string]: string | undefined;
}

/** Optional structured logger; the SDK logs nothing unless one is given. */
export interface Logger {
  debug?(message: string, fields?: Record<string, unknown>): void;
  info?(message: string, fields?: Record<string, unknown>): void;
  warn?(message: string, fields?: Record<string, unknown>): void;
  error?(message: string, fields?: Record<string, unknown>): void;
}

/** `Status` values of a single Stream Load reply (spec §2.6). */
export type LoadStatus = 'Success' | 'Publish Timeout' | 'Label Already Exists' | 'Fail' | (string & {});

/** Label states of `get_load_state` (spec §5.1). */
export type LabelState = 'UNKNOWN' | 'PREPARE' | 'PREPARED' | 'COMMITTED' | 'VISIBLE' | 'ABORTED';

/** The outcome of a successful load: every reply field, typed. */
export interface LoadResult {
  readonly label: string;
  readonly txnId: number;
  /** `Success` or `Publish Timeout` (both mean the data is committed), or `Label Already Exists` resolved as done. */
  readonly status: LoadStatus;
  readonly message: string;
  /** When the label was already used: the existing job's status, and the state polling found. */
  readonly existingJobStatus: string | null;
  readonly labelState: LabelState | null;
  readonly numberTotalRows: number;
  readonly numberLoadedRows: number;
  readonly numberFilteredRows: number;
  readonly numberUnselectedRows: number;
  readonly loadBytes: number;
  readonly loadTimeMs: number;
  readonly beginTxnTimeMs: number;
  readonly streamLoadPlanTimeMs: number;
  readonly readDataTimeMs: number;
  readonly writeDataTimeMs: number;
  readonly commitAndPublishTimeMs: number;
  /** Rows were filtered: where the server keeps their error log. */
  readonly errorUrl: string | null;
  /** How many times the request was sent (1 = no retry). */
  readonly attempts: number;
}

/** The reply of a transaction operation (begin/load/prepare/commit/rollback). */
export interface TransactionReply {
  readonly label: string;
  readonly txnId: number | null;
  readonly status: string;
  readonly message: string;
  /** Every field of the server's JSON reply, as sent. */
  readonly raw: Readonly<Record<string, unknown>>;
}
