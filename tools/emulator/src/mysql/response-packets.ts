import type { PacketWriter } from './packet-writer.js';
import { ServerStatus } from './protocol-constants.js';

/** Fields of an OK packet. */
export interface OkFields {
  affectedRows?: number;
  insertId?: number;
  warnings?: number;
  info?: string;
  status?: number;
}

/** Writes an OK packet (header 0x00). */
export function writeOk(w: PacketWriter, fields: OkFields = {}): void {
  w.begin();
  w.int1(0x00);
  w.lenencInt(fields.affectedRows ?? 0);
  w.lenencInt(fields.insertId ?? 0);
  w.int2(fields.status ?? ServerStatus.AUTOCOMMIT);
  w.int2(fields.warnings ?? 0);
  if (fields.info) w.string(fields.info);
  w.end();
}

/** Writes an ERR packet. */
export function writeErr(w: PacketWriter, errno: number, sqlState: string, message: string): void {
  w.begin();
  w.int1(0xff);
  w.int2(errno);
  w.int1(0x23); // '#'
  w.string(`${sqlState}00000`.slice(0, 5));
  w.string(message);
  w.end();
}

/** Writes a classic EOF packet (0xFE, warnings, status). */
export function writeEof(w: PacketWriter, status: number = ServerStatus.AUTOCOMMIT): void {
  w.begin();
  w.int1(0xfe);
  w.int2(0);
  w.int2(status);
  w.end();
}

/**
 * Writes the packet that ends a result set (or a COM_FIELD_LIST / COM_SET_OPTION reply): an EOF packet,
 * or with CLIENT_DEPRECATE_EOF an OK packet with the 0xFE header.
 */
export function writeTerminator(w: PacketWriter, deprecateEof: boolean): void {
  if (!deprecateEof) {
    writeEof(w);
    return;
  }
  w.begin();
  w.int1(0xfe);
  w.lenencInt(0);
  w.lenencInt(0);
  w.int2(ServerStatus.AUTOCOMMIT);
  w.int2(0);
  w.end();
}
