/**
 * An error that reaches the client as a MySQL ERR packet with this errno, SQLSTATE and message.
 * Throw it from `query` / `useDatabase` handlers to control what the client sees.
 */
export class MysqlError extends Error {
  /** MySQL error number, e.g. 1064 (syntax error) or 5501 (unknown database). */
  readonly errno: number;
  /** Five-character SQLSTATE, e.g. '42000'. */
  readonly sqlState: string;

  /**
   * @param message Text shown to the client.
   * @param errno MySQL error number (default 1064, ER_PARSE_ERROR).
   * @param sqlState SQLSTATE (default '42000').
   */
  constructor(message: string, errno = 1064, sqlState = '42000') {
    super(message);
    this.name = 'MysqlError';
    this.errno = errno;
    this.sqlState = sqlState;
  }
}

/** Error numbers the protocol layer itself produces. */
export const ErrorCode = {
  HANDSHAKE_ERROR: 1043,
  ACCESS_DENIED: 1045,
  UNKNOWN_COMMAND: 1047,
  /** StarRocks' ERR_BAD_DB_ERROR (MySQL's 1049 before StarRocks 3.2). */
  BAD_DB: 5501,
  /** StarRocks' ERR_BAD_TABLE_ERROR (MySQL's 1051 before StarRocks 3.2). */
  BAD_TABLE: 5502,
  /** StarRocks' ERR_BAD_FIELD_ERROR (MySQL's 1054 before StarRocks 3.2). */
  BAD_FIELD: 5509,
  PARSE_ERROR: 1064,
  WRONG_ARGUMENTS: 1210,
  UNKNOWN_STMT_HANDLER: 1243,
} as const;

/** Converts anything thrown by a handler into a {@link MysqlError} (non-MysqlErrors become ERR 1064). */
export function toMysqlError(error: unknown): MysqlError {
  if (error instanceof MysqlError) return error;
  if (error instanceof Error) return new MysqlError(error.message || String(error));
  return new MysqlError(String(error));
}
