import { writeColumnDefinition } from './column-definition.js';
import { MysqlType } from './column-types.js';
import { ErrorCode, MysqlError } from './errors.js';
import type { PacketWriter } from './packet-writer.js';
import { findPlaceholders, substitutePlaceholders } from './placeholders.js';
import { writeEof } from './response-packets.js';
import { toSqlLiteral } from './sql-literal.js';
import { decodeExecuteRequest, type ParamType } from './statement-params.js';

/** A statement registered by COM_STMT_PREPARE. */
interface PreparedStatement {
  sql: string;
  /** Offsets of the `?` placeholders in `sql`. */
  placeholders: number[];
  /** Parameter types of the last execute (reused when a later execute does not resend them). */
  types: ParamType[] | null;
}

function unknownStatement(id: number, where: string): MysqlError {
  return new MysqlError(
    `Unknown prepared statement handler (${id}) given to ${where}`,
    ErrorCode.UNKNOWN_STMT_HANDLER,
    'HY000',
  );
}

function statementId(payload: Buffer): number {
  return payload.length >= 5 ? payload.readUInt32LE(1) : 0;
}

/**
 * The prepared statements of one connection. Statements are emulated: PREPARE only counts placeholders;
 * EXECUTE turns the bound parameters into SQL literals and yields plain SQL for the query handler.
 */
export class PreparedStatements {
  private readonly statements = new Map<number, PreparedStatement>();
  private nextId = 1;

  /** Registers a statement and writes the COM_STMT_PREPARE reply (OK, parameter definitions, EOF). */
  prepare(w: PacketWriter, sql: string, deprecateEof: boolean): void {
    const placeholders = findPlaceholders(sql);
    const id = this.nextId++;
    this.statements.set(id, { sql, placeholders, types: null });
    w.begin();
    w.int1(0x00);
    w.int4(id);
    w.int2(0); // columns: unknown until executed
    w.int2(placeholders.length);
    w.int1(0);
    w.int2(0); // warnings
    w.end();
    if (placeholders.length === 0) return;
    for (let i = 0; i < placeholders.length; i++) {
      writeColumnDefinition(w, { name: '?', type: MysqlType.VAR_STRING });
    }
    if (!deprecateEof) writeEof(w);
  }

  /**
   * Decodes COM_STMT_EXECUTE (payload with command byte) and returns the statement's SQL with the
   * parameters substituted. Throws a {@link MysqlError} for an unknown statement or bad parameters.
   */
  bind(payload: Buffer): string {
    const id = statementId(payload);
    const statement = this.statements.get(id);
    if (!statement) throw unknownStatement(id, 'mysqld_stmt_execute');
    const request = decodeExecuteRequest(payload, statement.placeholders.length, statement.types);
    statement.types = request.types;
    return substitutePlaceholders(statement.sql, statement.placeholders, request.values.map(toSqlLiteral));
  }

  /** COM_STMT_RESET: throws for an unknown statement (there is no long data to discard). */
  reset(payload: Buffer): void {
    const id = statementId(payload);
    if (!this.statements.has(id)) throw unknownStatement(id, 'mysqld_stmt_reset');
  }

  /** COM_STMT_CLOSE (no reply). */
  close(payload: Buffer): void {
    this.statements.delete(statementId(payload));
  }

  /** Drops all statements (COM_RESET_CONNECTION, COM_CHANGE_USER, end of connection). */
  clear(): void {
    this.statements.clear();
  }
}
