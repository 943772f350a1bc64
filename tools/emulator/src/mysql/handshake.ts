import { PacketReader } from './packet-reader.js';
import type { PacketWriter } from './packet-writer.js';
import {
  Capability,
  Charset,
  NATIVE_PASSWORD_PLUGIN,
  SERVER_CAPABILITIES,
  ServerStatus,
} from './protocol-constants.js';

/** Writes the initial Handshake V10 packet (sequence 0). */
export function writeHandshake(
  w: PacketWriter,
  connectionId: number,
  serverVersion: string,
  scramble: Buffer,
): void {
  w.begin();
  w.int1(10);
  w.nulString(serverVersion);
  w.int4(connectionId);
  w.bytes(scramble.subarray(0, 8));
  w.int1(0);
  w.int2(SERVER_CAPABILITIES & 0xffff);
  w.int1(Charset.UTF8MB4_GENERAL_CI);
  w.int2(ServerStatus.AUTOCOMMIT);
  w.int2(SERVER_CAPABILITIES >>> 16);
  w.int1(scramble.length + 1);
  w.zeros(10);
  w.bytes(scramble.subarray(8));
  w.int1(0);
  w.nulString(NATIVE_PASSWORD_PLUGIN);
  w.end();
}

/** Writes an AuthSwitchRequest asking the client to answer with mysql_native_password over `scramble`. */
export function writeAuthSwitchRequest(w: PacketWriter, scramble: Buffer): void {
  w.begin();
  w.int1(0xfe);
  w.nulString(NATIVE_PASSWORD_PLUGIN);
  w.bytes(scramble);
  w.int1(0);
  w.end();
}

/** The decoded HandshakeResponse41. */
export interface HandshakeResponse {
  /** Client capabilities as sent (not yet intersected with the server's). */
  capabilities: number;
  /** True for the short SSLRequest packet (the client wants TLS, which this server does not offer). */
  sslRequest: boolean;
  charset: number;
  user: string;
  authResponse: Buffer;
  database: string | null;
  /** Auth plugin the client used for `authResponse`; null if the client did not say. */
  authPlugin: string | null;
}

function readAuthResponse(r: PacketReader, capabilities: number): Buffer {
  if (capabilities & Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA) return r.lenencBytes();
  if (capabilities & Capability.SECURE_CONNECTION) return r.bytes(r.u8());
  return r.nulBytes();
}

/** Parses a HandshakeResponse41 (protocol 4.1 clients only). */
export function parseHandshakeResponse(payload: Buffer): HandshakeResponse {
  const r = new PacketReader(payload);
  const capabilities = r.u32();
  if (!(capabilities & Capability.PROTOCOL_41)) {
    throw new Error('Client does not support protocol 4.1');
  }
  r.skip(4); // max packet size
  const charset = r.u8();
  r.skip(23);
  if (r.remaining === 0) {
    return {
      capabilities,
      sslRequest: true,
      charset,
      user: '',
      authResponse: Buffer.alloc(0),
      database: null,
      authPlugin: null,
    };
  }
  const user = r.nulString();
  const authResponse = readAuthResponse(r, capabilities);
  let database: string | null = null;
  if (capabilities & Capability.CONNECT_WITH_DB && r.remaining > 0) {
    database = r.nulString() || null;
  }
  let authPlugin: string | null = null;
  if (capabilities & Capability.PLUGIN_AUTH && r.remaining > 0) {
    authPlugin = r.nulString() || null;
  }
  return { capabilities, sslRequest: false, charset, user, authResponse, database, authPlugin };
}

/** The decoded COM_CHANGE_USER payload (after the command byte). */
export interface ChangeUserRequest {
  user: string;
  authResponse: Buffer;
  database: string | null;
  authPlugin: string | null;
}

/** Parses COM_CHANGE_USER; `capabilities` are the negotiated ones of the connection. */
export function parseChangeUser(payload: Buffer, capabilities: number): ChangeUserRequest {
  const r = new PacketReader(payload, 1);
  const user = r.nulString();
  const authResponse = capabilities & Capability.SECURE_CONNECTION ? r.bytes(r.u8()) : r.nulBytes();
  const database = r.remaining > 0 ? r.nulString() || null : null;
  if (r.remaining >= 2) r.skip(2); // charset
  let authPlugin: string | null = null;
  if (capabilities & Capability.PLUGIN_AUTH && r.remaining > 0) authPlugin = r.nulString() || null;
  return { user, authResponse, database, authPlugin };
}
