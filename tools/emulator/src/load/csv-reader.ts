import { isUtf8 } from 'node:buffer';

/** How the CSV body is cut into records and fields (spec §3.1). */
export interface CsvFormat {
  readonly columnSeparator: Buffer;
  readonly rowDelimiter: Buffer;
  readonly enclose: number | null;
  readonly escape: number | null;
  readonly trimSpace: boolean;
  readonly skipHeader: number;
}

/**
 * Receives each record: its fields (`\N` → null), or `null` fields with an error for a record that
 * cannot be read (invalid UTF-8). `line` is the record text for the error log.
 */
export type CsvRecordHandler = (fields: (string | null)[] | null, line: string, error?: string) => void;

const NULL_MARK = '\\N';

/** Splits a CSV body into records and fields. Blank records are skipped. */
export function readCsv(body: Buffer, format: CsvFormat, onRecord: CsvRecordHandler): void {
  const sepUtf8 = isUtf8(format.columnSeparator) && isUtf8(format.rowDelimiter);
  if (format.enclose === null && format.escape === null && sepUtf8 && isUtf8(body)) {
    readPlainText(body.toString('utf8'), format, onRecord);
  } else {
    readBytes(body, format, onRecord);
  }
}

function readPlainText(text: string, format: CsvFormat, onRecord: CsvRecordHandler): void {
  const rowSep = format.rowDelimiter.toString('utf8');
  const colSep = format.columnSeparator.toString('utf8');
  let skip = format.skipHeader;
  let pos = 0;
  const n = text.length;
  while (pos < n) {
    let end = text.indexOf(rowSep, pos);
    if (end < 0) end = n;
    const line = text.slice(pos, end);
    pos = end + rowSep.length;
    if (skip > 0) {
      skip--;
      continue;
    }
    if (line.length === 0) continue;
    const parts: (string | null)[] = line.split(colSep);
    for (let i = 0; i < parts.length; i++) {
      let f = parts[i] as string;
      if (format.trimSpace) f = f.trim();
      parts[i] = f === NULL_MARK ? null : f;
    }
    onRecord(parts, line);
  }
}

function matchAt(buf: Buffer, pos: number, pat: Buffer): boolean {
  if (pos + pat.length > buf.length) return false;
  for (let i = 0; i < pat.length; i++) if (buf[pos + i] !== pat[i]) return false;
  return true;
}

const SPACE = 0x20;

/** General path: enclose/escape characters, non-UTF-8 separators, invalid UTF-8 rows. */
function readBytes(body: Buffer, format: CsvFormat, onRecord: CsvRecordHandler): void {
  const { columnSeparator: colSep, rowDelimiter: rowSep, enclose, escape: escapeByte } = format;
  let skip = format.skipHeader;
  let pos = 0;
  const n = body.length;
  while (pos < n) {
    const recordStart = pos;
    const fields: Buffer[] = [];
    const enclosed: boolean[] = [];
    let field: number[] = [];
    let inEnclose = false;
    let wasEnclosed = false;
    let atFieldStart = true;
    let ended = false;
    while (pos < n) {
      const b = body[pos]!;
      if (escapeByte !== null && b === escapeByte && pos + 1 < n) {
        field.push(body[pos + 1]!);
        pos += 2;
        atFieldStart = false;
        continue;
      }
      if (enclose !== null && b === enclose) {
        if (inEnclose) {
          if (body[pos + 1] === enclose) {
            field.push(enclose);
            pos += 2;
            continue;
          }
          inEnclose = false;
          pos++;
          // trim_space: spaces between the closing quote and the separator are not data
          if (format.trimSpace) while (body[pos] === SPACE) pos++;
          continue;
        }
        const onlySpaces = format.trimSpace && field.every((c) => c === SPACE);
        if (atFieldStart || onlySpaces) {
          if (onlySpaces) field = [];
          inEnclose = true;
          wasEnclosed = true;
          atFieldStart = false;
          pos++;
          continue;
        }
      }
      if (!inEnclose && matchAt(body, pos, colSep)) {
        fields.push(Buffer.from(field));
        enclosed.push(wasEnclosed);
        field = [];
        wasEnclosed = false;
        atFieldStart = true;
        pos += colSep.length;
        continue;
      }
      if (!inEnclose && matchAt(body, pos, rowSep)) {
        pos += rowSep.length;
        ended = true;
        break;
      }
      field.push(b);
      atFieldStart = false;
      pos++;
    }
    const recordEnd = ended ? pos - rowSep.length : pos;
    fields.push(Buffer.from(field));
    enclosed.push(wasEnclosed);
    if (skip > 0) {
      skip--;
      continue;
    }
    const raw = body.subarray(recordStart, recordEnd);
    if (raw.length === 0) continue;
    if (!isUtf8(raw)) {
      onRecord(null, raw.toString('utf8'), 'Invalid UTF-8 row');
      continue;
    }
    const out: (string | null)[] = fields.map((f, i) => {
      let s = f.toString('utf8');
      if (format.trimSpace && !enclosed[i]) s = s.trim();
      return !enclosed[i] && s === NULL_MARK ? null : s;
    });
    onRecord(out, raw.toString('utf8'));
  }
}
