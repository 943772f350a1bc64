/**
 * Row serializers for Stream Load bodies (CSV and newline-delimited JSON) and the shared value
 * rendering rules.
 */
export { createCsvSerializer } from './csv-serializer.js';
export { createJsonSerializer } from './json-serializer.js';
export { renderScalar } from './render-scalar.js';
export { opForRowKind, type RowKind } from './row-kind.js';
export type {
  CsvSerializerOptions,
  DateTimeZone,
  JsonSerializerOptions,
  Row,
  RowOp,
  RowSerializer,
} from './row-serializer.js';
