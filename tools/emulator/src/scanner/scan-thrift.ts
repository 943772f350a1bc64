/**
 * The structs of `TStarrocksExternalService` (gensrc/thrift/StarrocksExternalService.thrift, spec
 * §6.2) and the enums they use, with their binary-protocol encoders and decoders.
 */
import {
  fieldOf,
  i64Field,
  intField,
  stringField,
  type ThriftStruct,
  type ThriftWriter,
  TType,
} from './thrift-binary.js';

/** `TStatusCode` (gensrc/thrift/StatusCode.thrift; values are fixed there). */
export const TStatusCode = {
  OK: 0,
  CANCELLED: 1,
  ANALYSIS_ERROR: 2,
  NOT_IMPLEMENTED_ERROR: 3,
  RUNTIME_ERROR: 4,
  MEM_LIMIT_EXCEEDED: 5,
  INTERNAL_ERROR: 6,
  THRIFT_RPC_ERROR: 7,
  TIMEOUT: 8,
  END_OF_FILE: 30,
  NOT_FOUND: 31,
  CORRUPTION: 32,
  INVALID_ARGUMENT: 33,
  IO_ERROR: 34,
  ALREADY_EXIST: 35,
  NETWORK_ERROR: 36,
  ILLEGAL_STATE: 37,
  NOT_AUTHORIZED: 38,
  ABORTED: 39,
  UNKNOWN: 50,
} as const;
export type TStatusCodeValue = (typeof TStatusCode)[keyof typeof TStatusCode];

/** `TPrimitiveType` (gensrc/thrift/Types.thrift, implicit numbering from 0). */
export const TPrimitiveType = {
  INVALID_TYPE: 0,
  NULL_TYPE: 1,
  BOOLEAN: 2,
  TINYINT: 3,
  SMALLINT: 4,
  INT: 5,
  BIGINT: 6,
  FLOAT: 7,
  DOUBLE: 8,
  DATE: 9,
  DATETIME: 10,
  BINARY: 11,
  DECIMAL: 12,
  CHAR: 13,
  LARGEINT: 14,
  VARCHAR: 15,
  HLL: 16,
  DECIMALV2: 17,
  TIME: 18,
  OBJECT: 19,
  PERCENTILE: 20,
  DECIMAL32: 21,
  DECIMAL64: 22,
  DECIMAL128: 23,
  JSON: 24,
  FUNCTION: 25,
  VARBINARY: 26,
} as const;

/** `TStatus` (Status.thrift): OK carries no message, an error exactly one. */
export interface TStatus {
  readonly code: number;
  readonly message?: string;
}

export const STATUS_OK: TStatus = { code: TStatusCode.OK };

export interface TScanOpenParams {
  readonly cluster?: string;
  readonly database?: string;
  readonly table?: string;
  readonly tabletIds?: readonly bigint[];
  readonly opaquedQueryPlan?: string;
  readonly batchSize?: number;
  readonly properties?: ReadonlyMap<string, string>;
  readonly limit?: bigint;
  readonly user?: string;
  readonly passwd?: string;
  readonly keepAliveMin?: number;
  readonly queryTimeout?: number;
  readonly memLimit?: bigint;
}

export interface TScanColumnDesc {
  readonly name: string;
  readonly type: number;
}

export interface TScanOpenResult {
  readonly status: TStatus;
  readonly contextId?: string;
  readonly selectedColumns?: readonly TScanColumnDesc[];
}

export interface TScanNextBatchParams {
  readonly contextId?: string;
  readonly offset?: bigint;
}

export interface TScanBatchResult {
  readonly status: TStatus;
  readonly eos?: boolean;
  readonly rows?: Uint8Array;
}

export interface TScanCloseParams {
  readonly contextId?: string;
}

export interface TScanCloseResult {
  readonly status: TStatus;
}

export function decodeScanOpenParams(s: ThriftStruct): TScanOpenParams {
  const ids = fieldOf(s, 4, TType.LIST) as unknown[] | undefined;
  const props = fieldOf(s, 7, TType.MAP) as [unknown, unknown][] | undefined;
  return {
    cluster: stringField(s, 1),
    database: stringField(s, 2),
    table: stringField(s, 3),
    tabletIds: ids?.filter((x): x is bigint => typeof x === 'bigint'),
    opaquedQueryPlan: stringField(s, 5),
    batchSize: intField(s, 6, TType.I32),
    properties: props
      ? new Map(
          props
            .filter(([k, v]) => Buffer.isBuffer(k) && Buffer.isBuffer(v))
            .map(([k, v]) => [(k as Buffer).toString('utf8'), (v as Buffer).toString('utf8')]),
        )
      : undefined,
    limit: i64Field(s, 8),
    user: stringField(s, 9),
    passwd: stringField(s, 10),
    keepAliveMin: intField(s, 11, TType.I16),
    queryTimeout: intField(s, 12, TType.I32),
    memLimit: i64Field(s, 13),
  };
}

export function decodeScanNextBatchParams(s: ThriftStruct): TScanNextBatchParams {
  return { contextId: stringField(s, 1), offset: i64Field(s, 2) };
}

export function decodeScanCloseParams(s: ThriftStruct): TScanCloseParams {
  return { contextId: stringField(s, 1) };
}

export function writeStatus(w: ThriftWriter, st: TStatus): void {
  w.fieldBegin(TType.I32, 1).i32(st.code);
  if (st.message !== undefined) {
    w.fieldBegin(TType.LIST, 2).listBegin(TType.STRING, 1).string(st.message);
  }
  w.fieldStop();
}

export function writeScanOpenResult(w: ThriftWriter, r: TScanOpenResult): void {
  w.fieldBegin(TType.STRUCT, 1);
  writeStatus(w, r.status);
  if (r.contextId !== undefined) w.fieldBegin(TType.STRING, 2).string(r.contextId);
  if (r.selectedColumns !== undefined) {
    w.fieldBegin(TType.LIST, 3).listBegin(TType.STRUCT, r.selectedColumns.length);
    for (const c of r.selectedColumns) {
      w.fieldBegin(TType.STRING, 1).string(c.name);
      w.fieldBegin(TType.I32, 2).i32(c.type);
      w.fieldStop();
    }
  }
  w.fieldStop();
}

export function writeScanBatchResult(w: ThriftWriter, r: TScanBatchResult): void {
  w.fieldBegin(TType.STRUCT, 1);
  writeStatus(w, r.status);
  if (r.eos !== undefined) w.fieldBegin(TType.BOOL, 2).bool(r.eos);
  if (r.rows !== undefined) w.fieldBegin(TType.STRING, 3).binary(r.rows);
  w.fieldStop();
}

export function writeScanCloseResult(w: ThriftWriter, r: TScanCloseResult): void {
  w.fieldBegin(TType.STRUCT, 1);
  writeStatus(w, r.status);
  w.fieldStop();
}
