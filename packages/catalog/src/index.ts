export { type AlterOptions, type CallOptions, type Catalog, createCatalog } from './catalog.js';
export {
  DATABASE_NAME_PATTERN,
  MAX_NAME_LENGTH,
  qualifiedTableName,
  quoteIdentifier,
  RESERVED_COLUMN_PREFIXES,
  validateColumnName,
  validateDatabaseName,
  validateFieldName,
  validateTableName,
} from './ddl/identifier.js';
export { quoteString } from './ddl/sql-literal.js';
export {
  AlterJobError,
  CATALOG_ERROR_CODES,
  type CatalogErrorCode,
  InvalidNameError,
  type MissingObject,
  type NameKind,
  NotFoundError,
  SqlError,
  TypeMappingError,
  TypeParseError,
} from './errors.js';
export {
  type CatalogOptions,
  CatalogOptionsSchema,
  type ConnectionOptions,
  ConnectionOptionsSchema,
  type ResolvedCatalogOptions,
  resolveCatalogOptions,
} from './options.js';
export { type AlterJob, type AlterResult, AlterTimeoutError } from './schema/alter-jobs.js';
export { StarRocksTypeSchema } from './schema/definition-schema.js';
export {
  type AddColumnDefinition,
  AGGREGATE_FUNCTIONS,
  type AggregateFunction,
  type ColumnDefault,
  type ColumnDefinition,
  type ColumnSchema,
  findColumn,
  KEY_MODELS,
  type KeyModel,
  TABLE_MODEL_NAMES,
  type TableDefinition,
  type TableSchema,
} from './schema/table-schema.js';
export {
  createMysqlExecutor,
  type DriverErrorContext,
  type QueryOptions,
  type SqlExecutor,
  type SqlRow,
  type SqlValue,
  translateDriverError,
} from './sql-executor.js';
export { formatStarRocksType, sameStarRocksType } from './types/format-type.js';
export {
  FLOAT_MAX,
  INTEGER_RANGES,
  type JsValueForm,
  type JsValueMapping,
  jsValueMapping,
} from './types/js-value.js';
export { type MysqlColumnType, parseMysqlColumnType } from './types/mysql-column-type.js';
export {
  type MysqlDefaultOptions,
  type MysqlTypeMapping,
  type MysqlTypeMappingOptions,
  MysqlTypeMappingOptionsSchema,
  type MysqlValueConversion,
  mapMysqlColumnType,
  mapMysqlDefault,
  mapMysqlType,
} from './types/mysql-type-mapping.js';
export { type ParseTypeOptions, parseStarRocksType } from './types/parse-type.js';
export {
  isIntegerType,
  isKeyType,
  isNestedType,
  isPrimaryKeyType,
  MAX_CHAR_LENGTH,
  MAX_DECIMAL_PRECISION,
  MAX_DECIMAL256_PRECISION,
  MAX_VARCHAR_LENGTH,
  MAX_VARCHAR_LENGTH_LIMIT,
  type SimpleTypeKind,
  STRING_LENGTH,
  type StarRocksType,
  type StarRocksTypeKind,
  type StructField,
  t,
} from './types/starrocks-type.js';
export { type RowSchema, toZodSchema, type ZodSchemaColumn, type ZodSchemaOptions } from './zod-schema.js';
