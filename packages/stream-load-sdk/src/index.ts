export {
  type BeginTransactionRequest,
  type CommitTransactionRequest,
  createStreamLoadClient,
  type LabelStateResult,
  type LoadRequest,
  type PrepareTransactionRequest,
  type ReplayableBody,
  type StreamLoadClient,
  type TransactionLoadRequest,
  type TransactionRequest,
} from './client/stream-load-client.js';
export {
  AbortedError,
  AuthError,
  ClosedError,
  ERROR_CODES,
  type ErrorCode,
  HttpStatusError,
  InvalidOptionError,
  LabelExistsError,
  NetworkError,
  ProtocolError,
  RetriesExhaustedError,
  SerializationError,
  type ServerFailure,
  StarRocksError,
  StreamLoadError,
  TimeoutError,
  TransactionError,
} from './errors.js';
export {
  LABEL_PATTERN,
  type LabelGenerator,
  labelSafe,
  randomLabelGenerator,
  validateLabel,
} from './label-generator.js';
export {
  type Committable,
  createLoadManager,
  LOAD_END_CHANNEL,
  LOAD_START_CHANNEL,
  type LoadEvent,
  type LoadManager,
  type LoadManagerStats,
  type WriteTarget,
} from './manager/load-manager.js';
export type { LoadManagerOptions, LoadMode, TableOptions } from './manager/options.js';
export type { StreamLoadClientOptions } from './options.js';
export { isRetriable, type RetryOptions, withRetry } from './retry-policy.js';
export {
  type CsvSerializerOptions,
  createCsvSerializer,
  createJsonSerializer,
  type DateTimeZone,
  type JsonSerializerOptions,
  opForRowKind,
  type Row,
  type RowKind,
  type RowOp,
  type RowSerializer,
  renderScalar,
} from './serializers/index.js';
export type {
  LabelState,
  LoadResult,
  LoadStatus,
  Logger,
  StreamLoadProperties,
  TransactionReply,
} from './types.js';
