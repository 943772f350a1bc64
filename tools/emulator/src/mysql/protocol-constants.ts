/** Client/server capability flags (`CLIENT_*`). */
export const Capability = {
  LONG_PASSWORD: 1,
  FOUND_ROWS: 2,
  LONG_FLAG: 4,
  CONNECT_WITH_DB: 8,
  NO_SCHEMA: 16,
  COMPRESS: 32,
  ODBC: 64,
  LOCAL_FILES: 128,
  IGNORE_SPACE: 256,
  PROTOCOL_41: 512,
  INTERACTIVE: 1024,
  SSL: 2048,
  IGNORE_SIGPIPE: 4096,
  TRANSACTIONS: 8192,
  RESERVED: 16384,
  SECURE_CONNECTION: 32768,
  MULTI_STATEMENTS: 1 << 16,
  MULTI_RESULTS: 1 << 17,
  PS_MULTI_RESULTS: 1 << 18,
  PLUGIN_AUTH: 1 << 19,
  CONNECT_ATTRS: 1 << 20,
  PLUGIN_AUTH_LENENC_CLIENT_DATA: 1 << 21,
  CAN_HANDLE_EXPIRED_PASSWORDS: 1 << 22,
  SESSION_TRACK: 1 << 23,
  DEPRECATE_EOF: 1 << 24,
} as const;

/** The capabilities this server offers in its handshake (no SSL, no compression, no LOCAL INFILE). */
export const SERVER_CAPABILITIES =
  Capability.LONG_PASSWORD |
  Capability.FOUND_ROWS |
  Capability.LONG_FLAG |
  Capability.CONNECT_WITH_DB |
  Capability.NO_SCHEMA |
  Capability.ODBC |
  Capability.IGNORE_SPACE |
  Capability.PROTOCOL_41 |
  Capability.INTERACTIVE |
  Capability.IGNORE_SIGPIPE |
  Capability.TRANSACTIONS |
  Capability.RESERVED |
  Capability.SECURE_CONNECTION |
  Capability.MULTI_RESULTS |
  Capability.PS_MULTI_RESULTS |
  Capability.PLUGIN_AUTH |
  Capability.CONNECT_ATTRS |
  Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA |
  Capability.DEPRECATE_EOF;

/** Server status flags (`SERVER_STATUS_*`). */
export const ServerStatus = {
  IN_TRANS: 1,
  AUTOCOMMIT: 2,
  MORE_RESULTS_EXISTS: 8,
} as const;

/** Command bytes (`COM_*`) of the command phase. */
export const CommandCode = {
  QUIT: 1,
  INIT_DB: 2,
  QUERY: 3,
  FIELD_LIST: 4,
  PING: 14,
  CHANGE_USER: 17,
  STMT_PREPARE: 22,
  STMT_EXECUTE: 23,
  STMT_SEND_LONG_DATA: 24,
  STMT_CLOSE: 25,
  STMT_RESET: 26,
  SET_OPTION: 27,
  RESET_CONNECTION: 31,
} as const;

/** Column definition flags (`*_FLAG`). */
export const ColumnFlag = {
  NOT_NULL: 1,
  PRI_KEY: 2,
  UNIQUE_KEY: 4,
  MULTIPLE_KEY: 8,
  BLOB: 16,
  UNSIGNED: 32,
  ZEROFILL: 64,
  BINARY: 128,
  NUM: 32768,
} as const;

/** Collation ids used by this server. */
export const Charset = {
  /** utf8_general_ci (3-byte utf8; clients such as mysql2 decode it as CESU-8, which breaks emoji). */
  UTF8_GENERAL_CI: 33,
  /** utf8mb4_general_ci: announced in the handshake and used for text columns. */
  UTF8MB4_GENERAL_CI: 45,
  /** binary: numeric, temporal and binary string columns. */
  BINARY: 63,
} as const;

/** Largest payload of a single physical packet; longer payloads are split. */
export const MAX_PACKET_PAYLOAD = 0xffffff;

/** The only authentication plugin this server speaks. */
export const NATIVE_PASSWORD_PLUGIN = 'mysql_native_password';
