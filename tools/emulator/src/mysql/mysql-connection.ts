import type { Socket } from 'node:net';
import { createScramble, verifyNativePassword } from './auth.js';
import { ErrorCode, MysqlError, toMysqlError } from './errors.js';
import {
  parseChangeUser,
  parseHandshakeResponse,
  writeAuthSwitchRequest,
  writeHandshake,
} from './handshake.js';
import type { MysqlServerOptions } from './mysql-server.js';
import { createSession, type SessionState } from './mysql-session.js';
import { type Packet, PacketFramer } from './packet-framer.js';
import { ConnectionClosedError, PacketWriter } from './packet-writer.js';
import { PreparedStatements } from './prepared-statements.js';
import {
  Capability,
  CommandCode,
  NATIVE_PASSWORD_PLUGIN,
  SERVER_CAPABILITIES,
} from './protocol-constants.js';
import type { QueryResult } from './query-result.js';
import { writeErr, writeOk, writeTerminator } from './response-packets.js';
import { writeBinaryResultset, writeTextResultset } from './resultset-writer.js';
import { socketSink } from './socket-sink.js';

/** Inbound packets queued above this count pause the socket until the command loop catches up. */
const INBOX_PAUSE = 64;

/** Strips the IPv4-mapped IPv6 prefix, so clients see `'root'@'127.0.0.1'` like on MySQL/StarRocks. */
function displayAddress(address: string | undefined): string {
  if (!address) return '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/**
 * One client connection: handshake and authentication, then a loop running one command at a time, in
 * order. Handler errors become ERR packets; only protocol errors or a vanished peer end the connection.
 */
export class MysqlConnection {
  /** Connection id, as announced in the handshake. */
  readonly id: number;
  private readonly socket: Socket;
  private readonly options: MysqlServerOptions;
  private readonly framer = new PacketFramer();
  private readonly writer: PacketWriter;
  private readonly inbox: Packet[] = [];
  private readonly scramble = createScramble();
  private readonly remoteAddress: string;
  private readonly statements = new PreparedStatements();
  private wake: (() => void) | null = null;
  private ended = false;
  private capabilities = 0;
  private session: SessionState | null = null;

  constructor(id: number, socket: Socket, options: MysqlServerOptions) {
    this.id = id;
    this.socket = socket;
    this.options = options;
    this.remoteAddress = displayAddress(socket.remoteAddress);
    this.writer = new PacketWriter(socketSink(socket));
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => {
      // A 'close' event follows; nothing else to do.
    });
    socket.on('close', () => {
      this.ended = true;
      this.notify();
    });
  }

  private get deprecateEof(): boolean {
    return (this.capabilities & Capability.DEPRECATE_EOF) !== 0;
  }

  private onData(chunk: Buffer): void {
    for (const packet of this.framer.push(chunk)) this.inbox.push(packet);
    if (this.inbox.length >= INBOX_PAUSE) this.socket.pause();
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** Next inbound packet, or null once the peer is gone. */
  private async next(): Promise<Packet | null> {
    for (;;) {
      const packet = this.inbox.shift();
      if (packet) {
        if (this.inbox.length < INBOX_PAUSE / 2 && this.socket.isPaused()) this.socket.resume();
        return packet;
      }
      if (this.ended) return null;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  /** Runs the connection to its end; never rejects. */
  async run(): Promise<void> {
    try {
      if (await this.authenticate()) await this.commandLoop();
    } catch {
      // Protocol error or closed peer: drop the connection.
    } finally {
      this.finish();
    }
  }

  private finish(): void {
    if (!this.socket.destroyed) {
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 1000).unref();
    }
    const session = this.session;
    this.session = null;
    this.statements.clear();
    if (session && this.options.onSessionClosed) {
      try {
        this.options.onSessionClosed(session);
      } catch {
        // The handler's problem; the connection is gone either way.
      }
    }
  }

  private accessDenied(user: string, authResponse: Buffer): void {
    const usingPassword = authResponse.length > 0 ? 'YES' : 'NO';
    writeErr(
      this.writer,
      ErrorCode.ACCESS_DENIED,
      '28000',
      `Access denied for user '${user}'@'${this.remoteAddress}' (using password: ${usingPassword})`,
    );
  }

  private checkPassword(user: string, authResponse: Buffer): boolean {
    let password: string | undefined;
    try {
      password = this.options.lookupPassword(user);
    } catch {
      return false;
    }
    return password !== undefined && verifyNativePassword(password, this.scramble, authResponse);
  }

  /** Sends an AuthSwitchRequest to mysql_native_password and returns the client's answer. */
  private async switchToNativePassword(): Promise<Buffer | null> {
    writeAuthSwitchRequest(this.writer, this.scramble);
    await this.writer.flush();
    const packet = await this.next();
    if (!packet) return null;
    this.writer.sequence = packet.sequence + 1;
    return packet.payload;
  }

  private async authenticate(): Promise<boolean> {
    const w = this.writer;
    writeHandshake(w, this.id, this.options.serverVersion, this.scramble);
    await w.flush();
    const packet = await this.next();
    if (!packet) return false;
    w.sequence = packet.sequence + 1;
    let response: ReturnType<typeof parseHandshakeResponse>;
    try {
      response = parseHandshakeResponse(packet.payload);
    } catch {
      writeErr(w, ErrorCode.HANDSHAKE_ERROR, '08S01', 'Bad handshake');
      await w.flush();
      return false;
    }
    if (response.sslRequest) {
      writeErr(w, ErrorCode.HANDSHAKE_ERROR, '08S01', 'SSL is not supported on this port');
      await w.flush();
      return false;
    }
    this.capabilities = response.capabilities & SERVER_CAPABILITIES;
    let authResponse: Buffer | null = response.authResponse;
    if (this.capabilities & Capability.PLUGIN_AUTH && response.authPlugin !== null) {
      if (response.authPlugin !== NATIVE_PASSWORD_PLUGIN) authResponse = await this.switchToNativePassword();
    }
    if (!authResponse) return false;
    if (!this.checkPassword(response.user, authResponse)) {
      this.accessDenied(response.user, authResponse);
      await w.flush();
      return false;
    }
    const session = createSession(this.id, response.user, this.remoteAddress);
    this.session = session;
    if (response.database !== null) {
      try {
        await this.options.useDatabase(session, response.database);
        session.database = response.database;
      } catch (error) {
        this.writeError(error);
        await w.flush();
        return false;
      }
    }
    writeOk(w);
    await w.flush();
    return true;
  }

  private async commandLoop(): Promise<void> {
    const w = this.writer;
    for (;;) {
      const packet = await this.next();
      if (!packet) return;
      w.sequence = packet.sequence + 1;
      const keepGoing = await this.dispatch(packet.payload);
      await w.flush();
      if (!keepGoing) return;
    }
  }

  private writeError(error: unknown): void {
    const e = toMysqlError(error);
    writeErr(this.writer, e.errno, e.sqlState, e.message);
  }

  /** Runs one command; returns false when the connection must end. */
  private async dispatch(payload: Buffer): Promise<boolean> {
    const w = this.writer;
    const session = this.session!;
    switch (payload[0]) {
      case CommandCode.QUIT:
        return false;
      case CommandCode.PING:
        writeOk(w);
        return true;
      case CommandCode.QUERY:
        await this.runQuery(payload.toString('utf8', 1), false);
        return true;
      case CommandCode.INIT_DB: {
        const database = payload.toString('utf8', 1);
        try {
          await this.options.useDatabase(session, database);
          session.database = database;
          writeOk(w);
        } catch (error) {
          this.writeError(error);
        }
        return true;
      }
      case CommandCode.FIELD_LIST:
      case CommandCode.SET_OPTION:
        writeTerminator(w, this.deprecateEof);
        return true;
      case CommandCode.STMT_PREPARE:
        this.statements.prepare(w, payload.toString('utf8', 1), this.deprecateEof);
        return true;
      case CommandCode.STMT_EXECUTE:
        await this.execute(payload);
        return true;
      case CommandCode.STMT_CLOSE:
        this.statements.close(payload);
        return true;
      case CommandCode.STMT_RESET:
        try {
          this.statements.reset(payload);
          writeOk(w);
        } catch (error) {
          this.writeError(error);
        }
        return true;
      case CommandCode.RESET_CONNECTION:
        this.statements.clear();
        session.variables.clear();
        writeOk(w);
        return true;
      case CommandCode.CHANGE_USER:
        return this.changeUser(payload);
      default:
        writeErr(w, ErrorCode.UNKNOWN_COMMAND, '08S01', 'Unknown command');
        return true;
    }
  }

  /** Calls the query handler and writes its result (TEXT or BINARY result set), or an ERR packet. */
  private async runQuery(sql: string, binary: boolean): Promise<void> {
    let result: QueryResult;
    try {
      result = await this.options.query(this.session!, sql);
    } catch (error) {
      this.writeError(error);
      return;
    }
    try {
      await this.writeResult(result, binary);
    } catch (error) {
      if (error instanceof ConnectionClosedError) throw error;
      // Anything written so far is a partial result set; an ERR packet is a valid way to end it.
      this.writer.discardPacket();
      this.writeError(error);
    }
  }

  private async writeResult(result: QueryResult, binary: boolean): Promise<void> {
    const w = this.writer;
    if (result?.kind === 'ok') {
      writeOk(w, result);
      return;
    }
    if (result?.kind !== 'rows' || !Array.isArray(result.columns) || !Array.isArray(result.rows)) {
      throw new MysqlError('Query handler returned an invalid result', ErrorCode.PARSE_ERROR, 'HY000');
    }
    if (binary) await writeBinaryResultset(w, result.columns, result.rows, this.deprecateEof);
    else await writeTextResultset(w, result.columns, result.rows, this.deprecateEof);
  }

  private async execute(payload: Buffer): Promise<void> {
    let sql: string;
    try {
      sql = this.statements.bind(payload);
    } catch (error) {
      this.writeError(error);
      return;
    }
    await this.runQuery(sql, true);
  }

  private async changeUser(payload: Buffer): Promise<boolean> {
    const w = this.writer;
    const session = this.session!;
    let request: ReturnType<typeof parseChangeUser>;
    try {
      request = parseChangeUser(payload, this.capabilities);
    } catch {
      writeErr(w, ErrorCode.HANDSHAKE_ERROR, '08S01', 'Bad handshake');
      return false;
    }
    let authResponse: Buffer | null = request.authResponse;
    if (
      this.capabilities & Capability.PLUGIN_AUTH &&
      request.authPlugin !== null &&
      request.authPlugin !== NATIVE_PASSWORD_PLUGIN
    ) {
      authResponse = await this.switchToNativePassword();
    }
    if (!authResponse) return false;
    if (!this.checkPassword(request.user, authResponse)) {
      this.accessDenied(request.user, authResponse);
      return false;
    }
    this.statements.clear();
    session.variables.clear();
    session.user = request.user;
    session.database = null;
    if (request.database !== null) {
      try {
        await this.options.useDatabase(session, request.database);
        session.database = request.database;
      } catch (error) {
        this.writeError(error);
        return false;
      }
    }
    writeOk(w);
    return true;
  }
}
