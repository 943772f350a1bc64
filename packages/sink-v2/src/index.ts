export { CommitFailedError, type CommitFailure, createCommitter, type SinkCommitter } from './committer.js';
export { atLeastOnceLabel, tableTag, transactionLabel } from './label-scheme.js';
export { abortLingering, type ProbeResult, type ProbeTarget } from './lingering-aborter.js';
export { type ResolvedSinkOptions, type SinkOptions, SinkOptionsSchema } from './options.js';
export type { RowKind, RowMeta } from './row-encoder.js';
export { createSink, type Sink } from './sink.js';
export {
  COMMITTABLES_VERSION,
  type Committable,
  committableSerializer,
  type SubtaskEntry,
  type VersionedSerializer,
  WRITER_STATE_VERSION,
  type WriterState,
  writerStateSerializer,
} from './state.js';
export type { RecoveryReport, SinkWriter, WriterContext } from './writer.js';
