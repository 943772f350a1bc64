import { formatStarRocksType, type StarRocksType } from '@srconnect/catalog';
import { ProtocolError } from '@srconnect/stream-load-sdk';
import { setOwn } from './set-own.js';
import { shortestFloat32 } from './shortest-float32.js';

/**
 * Reads one value as StarRocks prints it in a MySQL text result into the canonical JS value of its
 * column type (the same values a scan returns):
 *
 * | StarRocks | JS |
 * |---|---|
 * | BOOLEAN | `boolean` |
 * | TINYINT, SMALLINT, INT | `number` |
 * | BIGINT | `bigint` |
 * | LARGEINT | `string` (decimal text) |
 * | FLOAT, DOUBLE | `number` (FLOAT: the shortest decimal of its float32 value; `inf`/`nan` too) |
 * | DECIMAL(p,s) | `string` with exactly `s` fraction digits |
 * | CHAR, VARCHAR, DATE, DATETIME | `string` as printed |
 * | JSON | `string`: the JSON text (not parsed; JSON `null` is the text `'null'`) |
 * | VARBINARY | `Buffer` |
 * | ARRAY / MAP / STRUCT | `Array` / `Map` / plain object (fields in declared order), recursively |
 * | BITMAP, HLL, PERCENTILE | `string` as printed |
 *
 * `text` is the field's raw bytes or its UTF-8 text; SQL NULL is handled by the caller. Nested values
 * use the server's text form: `[1,2]`, `{1:"a"}`, `{"f":1}`, strings in `"…"` with `\"` and `\\`
 * escaped (JSON escapes such as `\n` and `\u00e9` are read too), bare `null` for NULL elements, JSON
 * elements in `'…'` (or bare JSON text), and VARBINARY elements in hex (StarRocks 4.1+; text that
 * is not hex is taken as raw bytes, as older servers print them).
 *
 * @throws {ProtocolError} (`SR_PROTOCOL`) when the text is not a value of the type.
 */
export function parseTextValue(text: string | Uint8Array, type: StarRocksType): unknown {
  if (type.kind === 'VARBINARY')
    return typeof text === 'string' ? Buffer.from(text, 'utf8') : Buffer.from(text);
  const s =
    typeof text === 'string' ? text : Buffer.from(text.buffer, text.byteOffset, text.length).toString('utf8');
  if (type.kind !== 'ARRAY' && type.kind !== 'MAP' && type.kind !== 'STRUCT') {
    try {
      return scalar(s, type);
    } catch (err) {
      throw err instanceof ScalarError ? invalid(type, s, err.message) : err;
    }
  }
  const reader = new NestedReader(s);
  const value = reader.value(type);
  reader.end();
  return value;
}

function invalid(type: StarRocksType, text: string, problem: string): ProtocolError {
  const shown = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  return new ProtocolError(
    `invalid ${formatStarRocksType(type)} text ${JSON.stringify(shown)}: ${problem}`,
    text,
  );
}

/** A scalar that is not of its type (turned into a ProtocolError about the whole value). */
class ScalarError extends Error {}

const INTEGER_RE = /^[+-]?\d+$/;
const DECIMAL_RE = /^([+-]?)(\d+)(?:\.(\d*))?$/;
const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;
const SPECIAL_FLOATS: Readonly<Record<string, number>> = {
  nan: Number.NaN,
  '-nan': Number.NaN,
  inf: Number.POSITIVE_INFINITY,
  '+inf': Number.POSITIVE_INFINITY,
  infinity: Number.POSITIVE_INFINITY,
  '+infinity': Number.POSITIVE_INFINITY,
  '-inf': Number.NEGATIVE_INFINITY,
  '-infinity': Number.NEGATIVE_INFINITY,
};

/** A scalar from its text. */
function scalar(s: string, type: StarRocksType): unknown {
  switch (type.kind) {
    case 'BOOLEAN':
      if (s === '1' || s === 'true') return true;
      if (s === '0' || s === 'false') return false;
      throw new ScalarError(`${JSON.stringify(s)} is not 0 or 1`);
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
      if (!INTEGER_RE.test(s)) throw new ScalarError(`${JSON.stringify(s)} is not an integer`);
      return Number(s);
    case 'BIGINT':
      if (!INTEGER_RE.test(s)) throw new ScalarError(`${JSON.stringify(s)} is not an integer`);
      return BigInt(s);
    case 'LARGEINT':
      if (!INTEGER_RE.test(s)) throw new ScalarError(`${JSON.stringify(s)} is not an integer`);
      return s.startsWith('+') ? s.slice(1) : s;
    case 'FLOAT':
    case 'DOUBLE': {
      let n = SPECIAL_FLOATS[s.toLowerCase()];
      if (n === undefined) {
        n = Number(s);
        if (s.trim() === '' || Number.isNaN(n)) throw new ScalarError(`${JSON.stringify(s)} is not a number`);
      }
      return type.kind === 'FLOAT' ? shortestFloat32(Math.fround(n)) : n;
    }
    case 'DECIMAL':
      return decimalText(s, type.scale);
    case 'VARBINARY':
      return HEX_RE.test(s) ? Buffer.from(s, 'hex') : Buffer.from(s, 'utf8');
    default:
      return s;
  }
}

/** Decimal text with exactly `scale` fraction digits (the server prints it so; older ones may not). */
function decimalText(s: string, scale: number): string {
  const m = DECIMAL_RE.exec(s);
  if (!m) throw new ScalarError(`${JSON.stringify(s)} is not a decimal`);
  const frac = m[3] ?? '';
  if (m[1] !== '+' && frac.length === scale && (scale > 0 || m[3] === undefined)) return s;
  const sign = m[1] === '-' ? '-' : '';
  if (frac.length > scale) {
    if (/[^0]/.test(frac.slice(scale))) return `${sign}${m[2]}.${frac}`; // more digits than the scale: keep them
    return `${sign}${m[2]}${scale > 0 ? `.${frac.slice(0, scale)}` : ''}`;
  }
  return `${sign}${m[2]}${scale > 0 ? `.${frac.padEnd(scale, '0')}` : ''}`;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };
/** Ends a bare (unquoted) element. */
const BARE_END = /[,\]}:\s]/;

/** Reads the server's text form of ARRAY, MAP and STRUCT values, driven by the column type. */
class NestedReader {
  #pos = 0;
  readonly #text: string;
  #type: StarRocksType | null = null;

  constructor(text: string) {
    this.#text = text;
  }

  value(type: StarRocksType): unknown {
    this.#type ??= type;
    this.#ws();
    if (this.#bareNull()) return null;
    switch (type.kind) {
      case 'ARRAY':
        return this.#list('[', ']', () => this.value(type.element));
      case 'MAP': {
        const map = new Map<unknown, unknown>();
        this.#list('{', '}', () => {
          const key = this.value(type.key);
          this.#expect(':');
          map.set(key, this.value(type.value));
        });
        return map;
      }
      case 'STRUCT':
        return this.#struct(type);
      case 'JSON':
        return this.#peek() === "'" ? this.#quoted("'") : this.#rawJson();
      default: {
        const c = this.#peek();
        const text = c === '"' || c === "'" ? this.#quoted(c) : this.#bare();
        try {
          return scalar(text, type);
        } catch (err) {
          throw err instanceof ScalarError ? this.#error(err.message) : err;
        }
      }
    }
  }

  end(): void {
    this.#ws();
    if (this.#pos < this.#text.length) throw this.#error('unexpected text after the value');
  }

  #struct(type: Extract<StarRocksType, { kind: 'STRUCT' }>): Record<string, unknown> {
    const values: unknown[] = type.fields.map(() => null);
    let position = 0;
    this.#list('{', '}', () => {
      this.#ws();
      const c = this.#peek();
      const name = c === '"' || c === "'" ? this.#quoted(c) : this.#bare();
      this.#expect(':');
      let index = type.fields.findIndex((f) => f.name === name);
      if (index < 0) index = type.fields.findIndex((f) => f.name.toLowerCase() === name.toLowerCase());
      if (index < 0) index = position;
      const field = type.fields[index];
      if (field === undefined) throw this.#error(`unknown STRUCT field ${JSON.stringify(name)}`);
      values[index] = this.value(field.type);
      position++;
    });
    const out: Record<string, unknown> = {};
    for (const [i, f] of type.fields.entries()) setOwn(out, f.name, values[i]);
    return out;
  }

  /** `open item (, item)* close` or `open close`; returns the items. */
  #list<T>(open: string, close: string, item: () => T): T[] {
    this.#expect(open);
    const out: T[] = [];
    this.#ws();
    if (this.#peek() === close) {
      this.#pos++;
      return out;
    }
    for (;;) {
      out.push(item());
      this.#ws();
      const c = this.#peek();
      this.#pos++;
      if (c === close) return out;
      if (c !== ',') {
        this.#pos--;
        throw this.#error(`expected "," or "${close}"`);
      }
    }
  }

  /** A quoted string starting at the current position; `\x` escapes. */
  #quoted(quote: string): string {
    const t = this.#text;
    let i = this.#pos + 1;
    let out = '';
    let from = i;
    for (;;) {
      const next = t.indexOf(quote, i);
      const esc = t.indexOf('\\', i);
      if (next < 0) throw this.#error('unterminated string');
      if (esc < 0 || next < esc) {
        this.#pos = next + 1;
        return out + t.slice(from, next);
      }
      out += t.slice(from, esc);
      const e = t[esc + 1];
      if (e === undefined) throw this.#error('unterminated string');
      if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(t.slice(esc + 2, esc + 6))) {
        out += String.fromCharCode(Number.parseInt(t.slice(esc + 2, esc + 6), 16));
        i = esc + 6;
      } else {
        out += SIMPLE_ESCAPES[e] ?? e;
        i = esc + 2;
      }
      from = i;
    }
  }

  /** An unquoted element: up to `,` `]` `}` `:` or white space. */
  #bare(): string {
    const start = this.#pos;
    while (this.#pos < this.#text.length && !BARE_END.test(this.#text[this.#pos]!)) this.#pos++;
    if (this.#pos === start) throw this.#error('expected a value');
    return this.#text.slice(start, this.#pos);
  }

  /** A JSON value printed as is (no outer quotes): its text. */
  #rawJson(): string {
    const start = this.#pos;
    let depth = 0;
    do {
      const c = this.#peek();
      if (c === undefined) throw this.#error('unterminated JSON value');
      if (c === '"') {
        this.#quoted('"');
        continue;
      }
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') depth--;
      else if (depth === 0) {
        this.#bare();
        break;
      }
      this.#pos++;
    } while (depth > 0);
    return this.#text.slice(start, this.#pos);
  }

  #bareNull(): boolean {
    if (!this.#text.startsWith('null', this.#pos)) return false;
    const after = this.#text[this.#pos + 4];
    if (after !== undefined && !BARE_END.test(after)) return false;
    this.#pos += 4;
    return true;
  }

  #expect(c: string): void {
    this.#ws();
    if (this.#peek() !== c) throw this.#error(`expected "${c}"`);
    this.#pos++;
  }

  #peek(): string | undefined {
    return this.#text[this.#pos];
  }

  #ws(): void {
    while (this.#pos < this.#text.length && /\s/.test(this.#text[this.#pos]!)) this.#pos++;
  }

  #error(problem: string): ProtocolError {
    const type = this.#type ?? { kind: 'JSON' };
    return invalid(type, this.#text, `${problem} at position ${this.#pos}`);
  }
}
