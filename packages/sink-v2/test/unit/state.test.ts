import { InvalidOptionError } from '@srconnect/stream-load-sdk';
import { describe, expect, it } from 'vitest';
import {
  COMMITTABLES_VERSION,
  type Committable,
  committableSerializer,
  WRITER_STATE_VERSION,
  type WriterState,
  writerStateSerializer,
} from '../../src/index.js';

/** Bytes as version 1 of the format wrote them: a 4-byte header ('SR', version) and JSON. */
function v1Bytes(value: unknown): Uint8Array {
  const body = Buffer.from(JSON.stringify(value));
  const header = Buffer.from([0x53, 0x52, 0x00, 0x01]);
  return Buffer.concat([header, body]);
}

describe('versioned serializers', () => {
  const committable: Committable = {
    database: 'd',
    table: 't',
    label: 'p-d__t-0-3',
    subtask: 0,
    seq: 3,
    checkpointId: 7,
  };
  const state: WriterState = {
    labelPrefix: 'p',
    checkpointId: 7,
    numSubtasks: 2,
    entries: [{ subtask: 1, nextSeq: { 'd.t': 4 }, tables: [{ database: 'd', table: 't' }] }],
    committables: [committable],
  };

  it('round-trip the current version', () => {
    expect(COMMITTABLES_VERSION).toBe(2);
    expect(WRITER_STATE_VERSION).toBe(2);
    expect(committableSerializer.deserialize(committableSerializer.serialize([committable]))).toEqual([
      committable,
    ]);
    expect(writerStateSerializer.deserialize(writerStateSerializer.serialize(state))).toEqual(state);
  });

  it('read version 1 bytes (committables without checkpointId; state with one entry and no numSubtasks)', () => {
    const { checkpointId: _, ...oldCommittable } = committable;
    expect(committableSerializer.deserialize(v1Bytes([oldCommittable]))).toEqual([
      { ...oldCommittable, checkpointId: 0 },
    ]);
    const oldState = {
      labelPrefix: 'p',
      checkpointId: 7,
      entry: state.entries[0],
      committables: [oldCommittable],
    };
    expect(writerStateSerializer.deserialize(v1Bytes(oldState))).toEqual({
      labelPrefix: 'p',
      checkpointId: 7,
      numSubtasks: 2,
      entries: [state.entries[0]],
      committables: [{ ...oldCommittable, checkpointId: 7 }],
    });
  });

  it('refuse bytes from a newer version or another format, naming the problem', () => {
    const newer = Buffer.from(writerStateSerializer.serialize(state));
    newer.writeUInt16BE(9, 2);
    expect(() => writerStateSerializer.deserialize(newer)).toThrow(
      'version 9 is newer than this package reads (≤ 2); upgrade @srconnect/sink-v2',
    );
    expect(() => committableSerializer.deserialize(Buffer.from('{"not":"ours"}'))).toThrow(
      'not srconnect sink-v2 bytes',
    );
  });

  it('refuse corrupt or ill-shaped bytes with SR_INVALID_OPTION (never a SyntaxError or TypeError)', () => {
    const good = Buffer.from(writerStateSerializer.serialize(state));
    const cases: Uint8Array[] = [
      good.subarray(0, good.length - 3), // truncated JSON
      v1Bytes({ labelPrefix: 'p', checkpointId: 1 }), // v1 without its entry
      v1Bytes(null),
      Buffer.concat([good.subarray(0, 4), Buffer.from('{"labelPrefix":"p","checkpointId":"x"}')]),
      Buffer.concat([good.subarray(0, 4), Buffer.from('[1,2]')]),
      Buffer.from([0x53, 0x52, 0x00, 0x00, 0x7b, 0x7d]), // version 0
    ];
    for (const bytes of cases) {
      let err: unknown;
      try {
        writerStateSerializer.deserialize(bytes);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InvalidOptionError);
      expect((err as InvalidOptionError).code).toBe('SR_INVALID_OPTION');
    }
    const goodC = Buffer.from(committableSerializer.serialize([committable]));
    for (const bytes of [
      goodC.subarray(0, goodC.length - 1),
      v1Bytes([{ label: 1 }]),
      Buffer.concat([goodC.subarray(0, 4), Buffer.from('[{"database":"d"}]')]),
    ])
      expect(() => committableSerializer.deserialize(bytes)).toThrow(InvalidOptionError);
  });

  it('read states written before notifyCheckpointComplete (one checkpoint of committables) unchanged', () => {
    const old = Buffer.from(JSON.stringify(state));
    const bytes = Buffer.concat([Buffer.from([0x53, 0x52, 0x00, 0x02]), old]);
    expect(writerStateSerializer.deserialize(bytes)).toEqual(state);
  });
});
