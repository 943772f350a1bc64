import { InvalidOptionError } from '@srconnect/stream-load-sdk';
import { z } from 'zod';

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
  /**
   * Transactions prepared at this checkpoint and at earlier ones not yet confirmed through
   * `notifyCheckpointComplete` (all re-committed on restore; committing is idempotent).
   */
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
  if (!(bytes instanceof Uint8Array)) throw new InvalidOptionError(`${what}: expected bytes (a Uint8Array)`);
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 4 || b.readUInt16BE(0) !== MAGIC)
    throw new InvalidOptionError(`${what}: not srconnect sink-v2 bytes`);
  const version = b.readUInt16BE(2);
  if (version < 1)
    throw new InvalidOptionError(`${what}: version ${version} is not a version this package ever wrote`);
  if (version > maxVersion) {
    throw new InvalidOptionError(
      `${what}: version ${version} is newer than this package reads (≤ ${maxVersion}); upgrade @srconnect/sink-v2`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(b.subarray(4).toString('utf8'));
  } catch (err) {
    throw new InvalidOptionError(
      `${what}: version ${version} bytes are corrupt (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  return { version, value };
}

/** Validates decoded JSON; any mismatch is the documented SR_INVALID_OPTION, never a TypeError later. */
function check<T>(schema: z.ZodType<T>, value: unknown, what: string, version: number): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const at = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  throw new InvalidOptionError(
    `${what}: version ${version} bytes do not hold a valid ${what}${at}: ${issue?.message ?? 'invalid'}`,
  );
}

const Int = z.number().int().nonnegative();
const CommittableV1 = z.looseObject({
  database: z.string(),
  table: z.string(),
  label: z.string(),
  subtask: Int,
  seq: Int,
  checkpointId: Int.optional(),
});
const CommittableV2 = CommittableV1.extend({ checkpointId: Int });
const Entry = z.looseObject({
  subtask: Int,
  nextSeq: z.record(z.string(), Int),
  tables: z.array(z.looseObject({ database: z.string(), table: z.string() })),
});
const WriterStateV1 = z.looseObject({
  labelPrefix: z.string(),
  checkpointId: Int,
  entry: Entry,
  committables: z.array(CommittableV1).optional(),
});
const WriterStateV2 = z.looseObject({
  labelPrefix: z.string(),
  checkpointId: Int,
  numSubtasks: z.number().int().positive(),
  entries: z.array(Entry),
  committables: z.array(CommittableV2),
});

/** v1 committables were written before `checkpointId` existed on each item. */
function upgradeCommittable(c: z.infer<typeof CommittableV1>, checkpointId = 0): Committable {
  return { ...c, checkpointId: c.checkpointId ?? checkpointId } as Committable;
}

export const COMMITTABLES_VERSION = 2;

/** Serializes a checkpoint's committables. Version 2; reads version 1. */
export const committableSerializer: VersionedSerializer<Committable[]> = {
  version: COMMITTABLES_VERSION,
  serialize: (value) => encode(COMMITTABLES_VERSION, value),
  deserialize: (bytes) => {
    const { version, value } = decode(bytes, 'committables', COMMITTABLES_VERSION);
    if (!Array.isArray(value)) throw new InvalidOptionError('committables: expected a list');
    if (version === 1)
      return check(z.array(CommittableV1), value, 'committables', version).map((c) => upgradeCommittable(c));
    return check(z.array(CommittableV2), value, 'committables', version) as Committable[];
  },
};

/**
 * Version 2. Its shape is unchanged by `notifyCheckpointComplete`: `committables` now holds every
 * committable prepared and not yet confirmed (earlier releases wrote only the checkpoint's own).
 * Both mean "re-commit these on restore", so old bytes restore as before and no version bump is
 * needed.
 */
export const WRITER_STATE_VERSION = 2;

/** Serializes writer state. Version 2; reads version 1 (which had no numSubtasks and one entry). */
export const writerStateSerializer: VersionedSerializer<WriterState> = {
  version: WRITER_STATE_VERSION,
  serialize: (value) => encode(WRITER_STATE_VERSION, value),
  deserialize: (bytes) => {
    const { version, value } = decode(bytes, 'writer state', WRITER_STATE_VERSION);
    if (version === 1) {
      const v = check(WriterStateV1, value, 'writer state', version);
      return {
        labelPrefix: v.labelPrefix,
        checkpointId: v.checkpointId,
        numSubtasks: v.entry.subtask + 1,
        entries: [v.entry as SubtaskEntry],
        committables: (v.committables ?? []).map((c) => upgradeCommittable(c, v.checkpointId)),
      };
    }
    return check(WriterStateV2, value, 'writer state', version) as WriterState;
  },
};
