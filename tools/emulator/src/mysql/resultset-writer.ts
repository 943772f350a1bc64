import { BinaryRowEncoder } from './binary-row.js';
import { writeColumnDefinition } from './column-definition.js';
import type { ResultColumn } from './column-types.js';
import type { PacketWriter } from './packet-writer.js';
import { writeEof, writeTerminator } from './response-packets.js';

/** Writes column count, column definitions and (without CLIENT_DEPRECATE_EOF) the EOF after them. */
function writeResultsetHead(w: PacketWriter, columns: readonly ResultColumn[], deprecateEof: boolean): void {
  w.begin();
  w.lenencInt(columns.length);
  w.end();
  for (const column of columns) writeColumnDefinition(w, column);
  if (!deprecateEof) writeEof(w);
}

/**
 * Streams a TEXT result set (COM_QUERY reply): values as length-encoded strings (a Buffer as its raw
 * bytes), 0xFB for NULL. Rows are packed into large buffers and the socket's backpressure is honoured,
 * so huge results stay cheap.
 */
export async function writeTextResultset(
  w: PacketWriter,
  columns: readonly ResultColumn[],
  rows: readonly (readonly (string | Buffer | null)[])[],
  deprecateEof: boolean,
): Promise<void> {
  writeResultsetHead(w, columns, deprecateEof);
  const width = columns.length;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    w.begin();
    for (let i = 0; i < width; i++) {
      const value = row[i];
      if (typeof value === 'string') w.lenencString(value);
      else if (value == null) w.nullMarker();
      else if (Buffer.isBuffer(value)) w.lenencBytes(value);
      else w.lenencString(String(value));
    }
    w.end();
    const wait = w.maybeFlush();
    if (wait) await wait;
  }
  writeTerminator(w, deprecateEof);
}

/** Streams a BINARY result set (COM_STMT_EXECUTE reply), encoding each value per its column type. */
export async function writeBinaryResultset(
  w: PacketWriter,
  columns: readonly ResultColumn[],
  rows: readonly (readonly (string | Buffer | null)[])[],
  deprecateEof: boolean,
): Promise<void> {
  writeResultsetHead(w, columns, deprecateEof);
  const encoder = new BinaryRowEncoder(columns);
  for (let r = 0; r < rows.length; r++) {
    encoder.write(w, rows[r]!);
    const wait = w.maybeFlush();
    if (wait) await wait;
  }
  writeTerminator(w, deprecateEof);
}
