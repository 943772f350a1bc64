import type { IncomingHttpHeaders } from 'node:http';
import { type Expr, parseExpression, parseExpressionText } from '../sql/expression.js';
import { SqlSyntaxError, TokenStream } from '../sql/lexer.js';

export const LABEL_RE = /^[-\w]{1,128}$/;

/** A load request rejected before any data is read; `message` is what the BE replies. */
export class LoadRejectedError extends Error {
  override readonly name = 'LoadRejectedError';
}

/** One item of the `columns` header: a source column, or `name = expr`. */
export type ColumnMapping = { readonly name: string; readonly expr?: Expr };

/** The load parameters the emulator honours, parsed and validated from the request headers. */
export interface LoadSpec {
  readonly format: 'csv' | 'json';
  readonly compression: 'gzip' | 'deflate' | null;
  readonly columnSeparator: Buffer;
  readonly rowDelimiter: Buffer;
  /** One byte, or null. */
  readonly enclose: number | null;
  readonly escape: number | null;
  readonly trimSpace: boolean;
  readonly skipHeader: number;
  readonly columns: readonly ColumnMapping[] | null;
  readonly where: Expr | null;
  readonly maxFilterRatio: number;
  readonly strictMode: boolean;
  readonly timeoutSec: number | null;
  readonly partialUpdate: boolean;
  readonly mergeCondition: string | null;
  readonly stripOuterArray: boolean;
  readonly jsonPaths: readonly string[] | null;
  readonly jsonRoot: string | null;
  readonly ignoreJsonSize: boolean;
  readonly partitions: readonly string[] | null;
  readonly logRejectedRecordNum: number;
  /** Canonical form of the parameters that must stay equal across loads of one transaction. */
  readonly signature: string;
}

/** The first value of a request header (names are lower-case in node:http). */
export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const raw = headers[name];
  const v = Array.isArray(raw) ? raw[0] : raw;
  // node:http hands header bytes over as latin1 text; the BE reads them as UTF-8 (what curl sends).
  // Text that is not latin1 came from a caller, not the wire; bytes that are not UTF-8 stay as they are.
  if (v === undefined || !NON_ASCII.test(v) || NOT_LATIN1.test(v)) return v;
  const text = Buffer.from(v, 'latin1').toString('utf8');
  return text.includes('\uFFFD') ? v : text;
}

const NON_ASCII = /[^\x00-\x7f]/;
const NOT_LATIN1 = /[^\x00-\xff]/;

/** `\x..`/`0x..` hex separators, otherwise literal text (spec §2.4); returned as bytes. */
export function parseSeparator(value: string, what: string): Buffer {
  if (value === '') throw new LoadRejectedError('Delimiter cannot be empty or null');
  let bytes: Buffer;
  if (/^(\\x|0x)/i.test(value)) {
    const hex = value.slice(2);
    if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(hex)) {
      throw new LoadRejectedError(`Invalid ${what} hex format: ${value}`);
    }
    bytes = Buffer.from(hex, 'hex');
  } else bytes = Buffer.from(value, 'utf8');
  if (bytes.length > 50) throw new LoadRejectedError(`${what} is too long, max 50 bytes`);
  return bytes;
}

function parseBool(value: string | undefined, message: string): boolean | undefined {
  if (value === undefined) return undefined;
  const v = value.toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new LoadRejectedError(message);
}

function parseUint32(value: string | undefined, message: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) > 0xffffffff) throw new LoadRejectedError(message);
  return Number(value);
}

/** Parses the `columns` header: `a, b, tmp, c = tmp * 100, __op = 'delete'`. */
export function parseColumnsHeader(text: string): ColumnMapping[] {
  try {
    const ts = TokenStream.of(text);
    const out: ColumnMapping[] = [];
    do {
      const name = ts.identifier('a column name');
      if (ts.acceptOp('=')) out.push({ name, expr: parseExpression(ts) });
      else out.push({ name });
    } while (ts.acceptOp(','));
    ts.expectEnd();
    return out;
  } catch (err) {
    if (err instanceof SqlSyntaxError) throw new LoadRejectedError(`Invalid columns header: ${err.message}`);
    throw err;
  }
}

/**
 * Validates the load headers in the order the BE does (spec §2.3–2.4) and returns the spec.
 * Throws {@link LoadRejectedError} with the server's message.
 */
export function parseLoadSpec(headers: IncomingHttpHeaders): LoadSpec {
  const emc = header(headers, 'enable_merge_commit');
  if (emc !== undefined) {
    const v = emc.toLowerCase();
    if (v !== 'true' && v !== 'false') {
      throw new LoadRejectedError(
        `Invalid parameter enable_merge_commit. The value must be bool type, but is ${emc}`,
      );
    }
    if (v === 'true')
      throw new LoadRejectedError('merge commit (enable_merge_commit) is not supported by the emulator');
  }
  const rawFormat = (header(headers, 'format') ?? 'csv').toLowerCase();
  let format: 'csv' | 'json';
  let compression: 'gzip' | 'deflate' | null = null;
  switch (rawFormat) {
    case 'csv':
    case '':
      format = 'csv';
      break;
    case 'json':
      format = 'json';
      break;
    case 'gzip':
    case 'deflate':
      format = 'csv';
      compression = rawFormat;
      break;
    case 'bzip2':
    case 'lz4':
    case 'zstd':
      throw new LoadRejectedError(
        `format=${rawFormat} is not supported by the emulator (use gzip or deflate)`,
      );
    default:
      throw new LoadRejectedError(`unknown data format, format=${header(headers, 'format')}`);
  }
  const ce = header(headers, 'content-encoding');
  const comp = header(headers, 'compression');
  if (ce !== undefined && comp !== undefined) {
    throw new LoadRejectedError('Only one of http header content-encoding and compression can be set');
  }
  const payload = (ce ?? comp)?.toLowerCase();
  if (payload !== undefined && payload !== '' && payload !== 'identity') {
    if (payload === 'gzip' || payload === 'deflate') compression = payload;
    else if (['bzip2', 'lz4_frame', 'lz4', 'zstd'].includes(payload)) {
      throw new LoadRejectedError(
        `compression ${payload} is not supported by the emulator (use gzip or deflate)`,
      );
    } else throw new LoadRejectedError(`Unsupported compression type: ${ce ?? comp}`);
  }
  const timeoutSec = parseUint32(header(headers, 'timeout'), 'Invalid timeout format') ?? null;
  const strictMode =
    parseBool(header(headers, 'strict_mode'), 'Invalid strict mode format. Must be bool type') ?? false;
  const partialUpdate =
    parseBool(header(headers, 'partial_update'), 'Invalid partial update flag format. Must be bool type') ??
    false;
  const trimSpace =
    parseBool(header(headers, 'trim_space'), 'Invalid trim space format. Must be bool type') ?? false;
  let skipHeader = 0;
  const sh = header(headers, 'skip_header');
  if (sh !== undefined) {
    if (!/^-?\d+$/.test(sh.trim())) throw new LoadRejectedError('Invalid csv load skip_header format');
    skipHeader = Number(sh);
    if (skipHeader < 0) throw new LoadRejectedError('skip_header must be equal or greater than 0');
  }
  let logRejectedRecordNum = 0;
  const lr = header(headers, 'log_rejected_record_num');
  if (lr !== undefined) {
    logRejectedRecordNum = Number(lr);
    if (!Number.isInteger(logRejectedRecordNum) || logRejectedRecordNum < -1) {
      throw new LoadRejectedError('log_rejected_record_num must be equal or greater than -1');
    }
  }
  const lml = header(headers, 'load_mem_limit');
  if (lml !== undefined) {
    if (!/^-?\d+$/.test(lml.trim())) throw new LoadRejectedError('Invalid load mem limit format');
    if (Number(lml) < 0) throw new LoadRejectedError('load_mem_limit must be equal or greater than 0');
  }
  const dop = header(headers, 'load_dop');
  if (dop !== undefined && !/^-?\d+$/.test(dop.trim()))
    throw new LoadRejectedError('Invalid load_dop format');
  const eml = header(headers, 'exec_mem_limit');
  if (eml !== undefined) {
    if (!/^-?\d+$/.test(eml.trim())) throw new LoadRejectedError('Invalid exec mem limit format');
    if (Number(eml) <= 0) throw new LoadRejectedError('exec_mem_limit must be greater than 0');
  }
  const partitionsH = header(headers, 'partitions');
  if (partitionsH !== undefined && header(headers, 'temporary_partitions') !== undefined) {
    throw new LoadRejectedError('Can not specify both partitions and temporary partitions');
  }
  if (header(headers, 'temporary_partitions') !== undefined) {
    throw new LoadRejectedError('temporary partitions are not supported by the emulator');
  }
  if (header(headers, 'negative') === 'true') {
    throw new LoadRejectedError('Negative load is only supported for aggregate tables with SUM columns');
  }
  if (header(headers, 'envelope') !== undefined) {
    throw new LoadRejectedError('envelope is not supported by the emulator');
  }
  const columnSeparator = parseSeparator(header(headers, 'column_separator') ?? '\t', 'column separator');
  const rowDelimiter = parseSeparator(header(headers, 'row_delimiter') ?? '\n', 'row delimiter');
  const enclose = header(headers, 'enclose');
  const escapeHeader = header(headers, 'escape');
  const columnsH = header(headers, 'columns');
  const columns = columnsH !== undefined && columnsH.trim() !== '' ? parseColumnsHeader(columnsH) : null;
  const whereH = header(headers, 'where');
  let where: Expr | null = null;
  if (whereH !== undefined && whereH.trim() !== '') {
    try {
      where = parseExpressionText(whereH);
    } catch (err) {
      if (err instanceof SqlSyntaxError) throw new LoadRejectedError(`Invalid where header: ${err.message}`);
      throw err;
    }
  }
  const mfr = header(headers, 'max_filter_ratio');
  const parsedRatio = mfr === undefined ? 0 : Number.parseFloat(mfr);
  const maxFilterRatio = Number.isFinite(parsedRatio) ? parsedRatio : 0;
  let jsonPaths: string[] | null = null;
  const jp = header(headers, 'jsonpaths');
  if (jp !== undefined && jp.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(jp);
    } catch {
      throw new LoadRejectedError(`Invalid json path: ${jp}`);
    }
    if (!Array.isArray(parsed) || parsed.some((p) => typeof p !== 'string')) {
      throw new LoadRejectedError(`Invalid json path: ${jp}`);
    }
    jsonPaths = parsed as string[];
  }
  const jsonRootH = header(headers, 'json_root');
  const spec = {
    format,
    compression,
    columnSeparator,
    rowDelimiter,
    enclose: enclose ? (Buffer.from(enclose)[0] ?? null) : null,
    escape: escapeHeader ? (Buffer.from(escapeHeader)[0] ?? null) : null,
    trimSpace,
    skipHeader,
    columns,
    where,
    maxFilterRatio,
    strictMode,
    timeoutSec,
    partialUpdate,
    mergeCondition: header(headers, 'merge_condition')?.trim() || null,
    stripOuterArray: (header(headers, 'strip_outer_array') ?? '').toLowerCase() === 'true',
    jsonPaths,
    jsonRoot: jsonRootH !== undefined && jsonRootH.trim() !== '' ? jsonRootH.trim() : null,
    ignoreJsonSize: (header(headers, 'ignore_json_size') ?? '').toLowerCase() === 'true',
    partitions: partitionsH
      ? partitionsH
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean)
      : null,
    logRejectedRecordNum,
  };
  const signature = JSON.stringify([
    format,
    compression,
    columnSeparator.toString('hex'),
    rowDelimiter.toString('hex'),
    spec.enclose,
    spec.escape,
    trimSpace,
    columnsH ?? null,
    whereH ?? null,
    maxFilterRatio,
    strictMode,
    partialUpdate,
    spec.mergeCondition,
    spec.stripOuterArray,
    jp ?? null,
    spec.jsonRoot,
  ]);
  return { ...spec, signature };
}
