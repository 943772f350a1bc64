/** The per-connection state handed to the `query` / `useDatabase` handlers. */
export interface MysqlSession {
  /** Connection id (increasing from 1 per server), as sent in the handshake. */
  readonly id: number;
  /** Authenticated user name. */
  readonly user: string;
  /** Current database; set by the protocol layer after a successful `useDatabase`, and free for the handler to change (e.g. on `USE db`). */
  database: string | null;
  /** Client IP address (IPv4-mapped IPv6 addresses are shown as plain IPv4). */
  readonly remoteAddress: string;
  /** Session variables, for the handler's use (cleared on COM_RESET_CONNECTION and COM_CHANGE_USER). */
  readonly variables: Map<string, string>;
}

/** The mutable form the protocol layer keeps internally. */
export interface SessionState extends MysqlSession {
  user: string;
}

/** Creates the session of a freshly authenticated connection. */
export function createSession(id: number, user: string, remoteAddress: string): SessionState {
  return { id, user, database: null, remoteAddress, variables: new Map() };
}
