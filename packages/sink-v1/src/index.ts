export {
  ConnectionSchema,
  type ResolvedSinkOptions,
  type SinkOptions,
  SinkOptionsSchema,
  TableSchema,
} from './options.js';
export { createSink, type RowKind, type RowMeta, type Sink, type SinkStats } from './sink.js';
