export { MysqlType, type MysqlTypeCode, type ResultColumn } from './column-types.js';
export { ErrorCode, MysqlError } from './errors.js';
export { type MysqlServer, type MysqlServerOptions, startMysqlServer } from './mysql-server.js';
export type { MysqlSession } from './mysql-session.js';
export type { QueryResult } from './query-result.js';
