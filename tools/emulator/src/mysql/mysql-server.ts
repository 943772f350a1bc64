import { type AddressInfo, createServer, type Socket } from 'node:net';
import { MysqlConnection } from './mysql-connection.js';
import type { MysqlSession } from './mysql-session.js';
import type { QueryResult } from './query-result.js';

/** Configuration and handlers of {@link startMysqlServer}. */
export interface MysqlServerOptions {
  /** Interface to listen on, e.g. '127.0.0.1'. */
  host: string;
  /** TCP port; 0 picks any free port (see {@link MysqlServer.port}). */
  port: number;
  /** Server version sent in the handshake, e.g. '8.0.33'. */
  serverVersion: string;
  /** Returns the password for a user, or undefined if the user does not exist. */
  lookupPassword(user: string): string | undefined;
  /**
   * Runs one SQL statement (already split: the layer sends one statement per call). May return several
   * results only if the SQL held several statements (multi-statements); normally one.
   * Throw a MysqlError to send a specific ERR packet; any other error becomes ERR 1064.
   */
  query(session: MysqlSession, sql: string): Promise<QueryResult>;
  /**
   * COM_INIT_DB and the database in the handshake response (and COM_CHANGE_USER): throw
   * MysqlError(…, 5501, '3F000') for an unknown database. On success the layer sets `session.database`.
   */
  useDatabase(session: MysqlSession, database: string): Promise<void>;
  /** Called once when a connection whose session was created (authentication passed) ends. */
  onSessionClosed?(session: MysqlSession): void;
}

/** A running server. */
export interface MysqlServer {
  /** The host it listens on. */
  readonly host: string;
  /** The port it listens on (the actual one when 0 was asked for). */
  readonly port: number;
  /** Closes the listener and all open connections. */
  close(): Promise<void>;
}

/**
 * Starts a MySQL-protocol server on `node:net` that authenticates clients with mysql_native_password and
 * hands their statements to `options.query`.
 */
export function startMysqlServer(options: MysqlServerOptions): Promise<MysqlServer> {
  const sockets = new Set<Socket>();
  let nextConnectionId = 1;
  const server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const connection = new MysqlConnection(nextConnectionId++, socket, options);
    void connection.run();
  });
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
    return closing;
  };
  return new Promise<MysqlServer>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      // Errors after listening (e.g. EMFILE on accept) must not crash the process; the listener keeps going.
      server.on('error', () => {});
      const address = server.address() as AddressInfo;
      resolve({ host: options.host, port: address.port, close });
    });
  });
}
