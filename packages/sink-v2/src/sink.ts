import {
  createStreamLoadClient,
  type StreamLoadClient,
  type StreamLoadClientOptions,
} from '@srconnect/stream-load-sdk';
import { createCommitter, type SinkCommitter } from './committer.js';
import { type ResolvedSinkOptions, resolveSinkOptions, type SinkOptions } from './options.js';
import {
  type Committable,
  committableSerializer,
  type VersionedSerializer,
  type WriterState,
  writerStateSerializer,
} from './state.js';
import { createWriter, type SinkWriter, type WriterContext } from './writer.js';

/** The two-phase-commit sink: writers per subtask, a committer, and serializers for checkpoint stores. */
export interface Sink {
  readonly options: ResolvedSinkOptions;
  /** Creates a writer; with `restoredState` it first re-commits and aborts as {@link WriterContext} says. */
  createWriter(context: WriterContext): Promise<SinkWriter>;
  createCommitter(): SinkCommitter;
  readonly committableSerializer: VersionedSerializer<Committable[]>;
  readonly writerStateSerializer: VersionedSerializer<WriterState>;
  /** Closes the connections of every writer and committer made by this sink (close writers first). */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Creates a sink. Options are validated once (zod); exactly-once requires `labelPrefix`. */
export function createSink(options: SinkOptions): Sink {
  const o = resolveSinkOptions(options);
  const clients: StreamLoadClient[] = [];
  const client = () => {
    const c = createStreamLoadClient({
      ...(o.connection as StreamLoadClientOptions),
      retry: o.retry,
      properties: o.properties,
      logger: o.logger,
    });
    clients.push(c);
    return c;
  };
  const close = async () => {
    for (const c of clients.splice(0)) await c.close();
  };
  return {
    options: o,
    createWriter: (ctx) => createWriter(o, client(), ctx),
    createCommitter: () => createCommitter(client()),
    committableSerializer,
    writerStateSerializer,
    close,
    [Symbol.asyncDispose]: close,
  };
}
