/**
 * Test-only model of how a StarRocks BE splits a Stream Load CSV body into fields, written from the
 * BE sources (`be/src/formats/csv/csv_reader.cpp`: `next_record`/`split_record` for the plain path,
 * `more_rows` for the enclose/escape state machine; `be/src/exec/csv_scanner.cpp` picks the state
 * machine when `enclose` or `escape` is set, the unset one being byte 0;
 * `be/src/formats/csv/nullable_converter.cpp`: a field equal to `\N` after unescaping is NULL).
 * Bodies must end with the row delimiter (the serializers always end rows with it).
 */
export interface ReferenceCsvOptions {
  readonly columnSeparator: string;
  readonly rowDelimiter: string;
  readonly enclose?: string | null;
  readonly escape?: string | null;
}

/** Records of fields (`null` for NULL), blank records skipped, as the BE reads them. */
export function parseStarRocksCsv(body: Buffer, options: ReferenceCsvOptions): (string | null)[][] {
  const sep = Buffer.from(options.columnSeparator, 'utf8');
  const delim = Buffer.from(options.rowDelimiter, 'utf8');
  const encloseByte = options.enclose ? options.enclose.charCodeAt(0) : null;
  const escapeByte = options.escape ? options.escape.charCodeAt(0) : null;
  const records =
    encloseByte === null && escapeByte === null
      ? splitPlain(body, sep, delim)
      : splitWithStateMachine(body, sep, delim, encloseByte ?? 0, escapeByte ?? 0);
  return records.map((fields) =>
    fields.map((f) => {
      const text = f.toString('utf8');
      return text === '\\N' ? null : text;
    }),
  );
}

function splitPlain(body: Buffer, sep: Buffer, delim: Buffer): Buffer[][] {
  const rows: Buffer[][] = [];
  let pos = 0;
  while (pos < body.length) {
    let end = body.indexOf(delim, pos);
    if (end < 0) end = body.length;
    const record = body.subarray(pos, end);
    pos = end + delim.length;
    if (record.length === 0) continue; // blank records are skipped
    const fields: Buffer[] = [];
    let start = 0;
    for (;;) {
      const at = record.indexOf(sep, start);
      if (at < 0) break;
      fields.push(record.subarray(start, at));
      start = at + sep.length;
    }
    fields.push(record.subarray(start));
    rows.push(fields);
  }
  return rows;
}

const START = 0;
const ORDINARY = 1;
const COLUMN_DELIMITER = 2;
const NEWROW = 3;
const ESCAPE = 4;
const ENCLOSE = 5;
const ENCLOSE_ESCAPE = 6;

function splitWithStateMachine(
  body: Buffer,
  sep: Buffer,
  delim: Buffer,
  encloseByte: number,
  escapeByte: number,
): Buffer[][] {
  const n = body.length;
  const rows: Buffer[][] = [];
  let columns: Buffer[] = [];
  let pos = 0;
  let state = START;
  let pre = START;
  let columnStart = -1;
  let isEnclose = false;
  const escapePos = new Set<number>();
  const matchAt = (p: number, pat: Buffer): boolean =>
    p + pat.length <= n && body.compare(pat, 0, pat.length, p, p + pat.length) === 0;
  const incomplete = (): Error => new Error(`reference parser: incomplete row at byte ${pos}`);
  const pushColumn = (end: number, delimiterLength: number): void => {
    let data = body;
    let start = columnStart;
    let stop = end;
    if (escapePos.size > 0) {
      const bytes: number[] = [];
      for (let i = columnStart; i < end; i++) if (!escapePos.has(i)) bytes.push(body[i]!);
      escapePos.clear();
      data = Buffer.from(bytes);
      start = 0;
      stop = bytes.length;
    }
    const length = stop - delimiterLength - start - (isEnclose ? 1 : 0);
    columns.push(data.subarray(start, start + length));
    isEnclose = false;
  };
  for (;;) {
    if (state !== NEWROW && state !== COLUMN_DELIMITER && pos >= n) {
      if (state === START && columns.length === 0) return rows;
      throw incomplete();
    }
    switch (state) {
      case START: {
        columnStart = pos;
        if (matchAt(pos, delim)) {
          pos += delim.length;
          state = NEWROW;
          break;
        }
        if (matchAt(pos, sep)) {
          pos += sep.length;
          state = COLUMN_DELIMITER;
          break;
        }
        const b = body[pos];
        if (b === escapeByte) {
          pre = ORDINARY;
          state = ESCAPE;
          escapePos.add(pos);
          pos++;
          break;
        }
        if (b === encloseByte) {
          pos++;
          if (pos >= n) throw incomplete();
          columnStart = pos;
          if (body[pos] !== encloseByte) {
            state = ENCLOSE;
            isEnclose = true;
            break;
          }
          pos++;
          if (pos >= n) throw incomplete();
          if (matchAt(pos, delim)) {
            isEnclose = true;
            pos += delim.length;
            state = NEWROW;
            break;
          }
          if (matchAt(pos, sep)) {
            isEnclose = true;
            pos += sep.length;
            state = COLUMN_DELIMITER;
            break;
          }
          state = ORDINARY;
          break;
        }
        state = ORDINARY;
        pos++;
        break;
      }
      case ENCLOSE: {
        const b = body[pos];
        if (b === encloseByte) {
          pos++;
          if (pos >= n) throw incomplete();
          pre = ENCLOSE;
          if (body[pos] === encloseByte) {
            state = ENCLOSE_ESCAPE;
            escapePos.add(pos - 1);
          } else {
            state = ORDINARY;
          }
          break;
        }
        if (b === escapeByte) {
          pre = ENCLOSE;
          state = ESCAPE;
          escapePos.add(pos);
          pos++;
          break;
        }
        pos++;
        break;
      }
      case ENCLOSE_ESCAPE:
        state = pre;
        pos++;
        break;
      case ESCAPE: {
        const b = body[pos];
        if (b === encloseByte || b === escapeByte) {
          state = pre;
          pos++;
          break;
        }
        if (matchAt(pos, delim)) {
          pos += delim.length;
          state = pre;
          break;
        }
        if (matchAt(pos, sep)) {
          pos += sep.length;
          state = pre;
          break;
        }
        // The BE falls through to ORDINARY; the byte is none of the special ones, so it is data.
        pos++;
        state = ORDINARY;
        break;
      }
      case ORDINARY: {
        if (matchAt(pos, delim)) {
          pos += delim.length;
          state = NEWROW;
          break;
        }
        if (matchAt(pos, sep)) {
          pos += sep.length;
          state = COLUMN_DELIMITER;
          break;
        }
        const b = body[pos];
        if (b === escapeByte) {
          pre = ORDINARY;
          state = ESCAPE;
          escapePos.add(pos);
          pos++;
          break;
        }
        if (b === encloseByte) {
          pre = ORDINARY;
          state = ENCLOSE_ESCAPE;
          escapePos.add(pos);
          pos++;
          break;
        }
        pos++;
        break;
      }
      case COLUMN_DELIMITER:
        pushColumn(pos, sep.length);
        state = START;
        break;
      case NEWROW:
        if (columns.length === 0 && pos - delim.length - columnStart === 0) {
          // blank record: skipped
          isEnclose = false;
          state = START;
          break;
        }
        pushColumn(pos, delim.length);
        rows.push(columns);
        columns = [];
        state = START;
        break;
    }
  }
}
