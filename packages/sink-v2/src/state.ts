import { InvalidOptionError } from '@srconnect/stream-load-sdk';

/** A prepared transaction the committer must commit. Store it with the source position before committing. */
export interface Committable {
  readonly database: string;
  readonly table: string;
  readonly label: string;
  /** The writer subtask that prepared it, and its sequence number. */
  readonly subtask: number;
  readonly seq: number;
  readonly checkpointId: number;
}

/** What one subtask's labels have used: per table, the next unused sequence number. */
export interface SubtaskEntry {
  readonly subtask: number;
  readonly nextSeq: Readonly<Record<string, number>>;
  readonly tables: readonly { readonly database: string; readonly table: string }[];
}

/** Writer state for a checkpoint. Give every subtask's states to every writer on restore. */
export interface WriterState {
  readonly labelPrefix: string;
  readonly checkpointId: number;
  readonly numSubtasks: number;
  /** The entries this writer owns: its own subtask's, plus any it adopted after a rescale. */
  readonly entries: readonly SubtaskEntry[];
  /** Transactions prepared for this checkpoint (re-committed on restore; committing is idempotent). */
  readonly committables: readonly Committable[];
}

/** Turns values into bytes a checkpoint store can keep, and back; newer versions read older bytes. */
export interface VersionedSerializer<T> {
  readonly version: number;
  serialize(value: T): Uint8Array;
  deserialize(bytes: Uint8Array): T;
}

const MAGIC = 0x5352; // 'SR'

function encode(version: number, value: unknown): Uint8Array {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  const out = Buffer.allocUnsafe(4 + body.length);
  out.writeUInt16BE(MAGIC, 0);
  out.writeUInt16BE(version, 2);
  body.copy(out, 4);
  return out;
}

function decode(bytes: Uint8Array, what: string, maxVersion: number): { version: number; value: unknown } {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 4 || b.readUInt16BE(0) !== MAGIC)
    throw new InvalidOptionError(`${what}: not srconnect sink-v2 bytes`);
  const version = b.readUInt16BE(2);
  if (version < 1 || version > maxVersion) {
    throw new InvalidOptionError(
      `${what}: version ${version} is newer than this package reads (≤ ${maxVersion}); upgrade @srconnect/sink-v2`,
    );
  }
  return { version, value: JSON.parse(b.subarray(4).toString('utf8')) as unknown };
}

/** v1 committables were written before `checkpointId` existed on each item. */
function upgradeCommittable(version: number, c: Record<string, unknown>, checkpointId = 0): Committable {
  if (version === 1)
    return {
      ...(c as unknown as Committable),
      checkpointId: (c.checkpointId as number | undefined) ?? checkpointId,
    };
  return c as unknown as Committable;
}

export const COMMITTABLES_VERSION = 2;

/** Serializes a checkpoint's committables. Version 2; reads version 1. */
export const committableSerializer: VersionedSerializer<Committable[]> = {
  version: COMMITTABLES_VERSION,
  serialize: (value) => encode(COMMITTABLES_VERSION, value),
  deserialize: (bytes) => {
    const { version, value } = decode(bytes, 'committables', COMMITTABLES_VERSION);
    if (!Array.isArray(value)) throw new InvalidOptionError('committables: expected a list');
    return value.map((c) => upgradeCommittable(version, c as Record<string, unknown>));
  },
};

export const WRITER_STATE_VERSION = 2;

/** Serializes writer state. Version 2; reads version 1 (which had no numSubtasks and one entry). */
export const writerStateSerializer: VersionedSerializer<WriterState> = {
  version: WRITER_STATE_VERSION,
  serialize: (value) => encode(WRITER_STATE_VERSION, value),
  deserialize: (bytes) => {
    const { version, value } = decode(bytes, 'writer state', WRITER_STATE_VERSION);
    const v = value as Record<string, unknown>;
    if (version === 1) {
      const entry = v.entry as SubtaskEntry;
      return {
        labelPrefix: v.labelPrefix as string,
        checkpointId: v.checkpointId as number,
        numSubtasks: entry.subtask + 1,
        entries: [entry],
        committables: ((v.committables as Record<string, unknown>[]) ?? []).map((c) =>
          upgradeCommittable(1, c, v.checkpointId as number),
        ),
      };
    }
    return v as unknown as WriterState;
  },
};
