import { JsonNumber } from './json-number.js';

/**
 * A JSON parser for load bodies that behaves as StarRocks' reader does where `JSON.parse` cannot:
 * numbers that a double would round stay exact (as {@link JsonNumber}), and with duplicate keys
 * the first one wins. Throws SyntaxError (with the position) on malformed input.
 */
export function parseJsonExact(text: string): unknown {
  const p = new Parser(text);
  p.ws();
  const v = p.value();
  p.ws();
  if (p.i < text.length) p.fail('unexpected data after the JSON value');
  return v;
}

class Parser {
  i = 0;
  readonly s: string;
  constructor(s: string) {
    this.s = s;
  }

  fail(msg: string): never {
    throw new SyntaxError(`${msg} at position ${this.i}`);
  }

  ws(): void {
    const s = this.s;
    let i = this.i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else break;
    }
    this.i = i;
  }

  value(): unknown {
    const c = this.s.charCodeAt(this.i);
    switch (c) {
      case 123:
        return this.object();
      case 91:
        return this.array();
      case 34:
        return this.string();
      case 116:
        return this.word('true', true);
      case 102:
        return this.word('false', false);
      case 110:
        return this.word('null', null);
      default:
        if (c === 45 || (c >= 48 && c <= 57)) return this.number();
        return this.fail(
          Number.isNaN(c) ? 'unexpected end of JSON input' : `unexpected character '${this.s[this.i]}'`,
        );
    }
  }

  word(w: string, v: unknown): unknown {
    if (!this.s.startsWith(w, this.i)) this.fail(`unexpected token`);
    this.i += w.length;
    return v;
  }

  number(): number | JsonNumber {
    const s = this.s;
    const start = this.i;
    let i = start;
    if (s.charCodeAt(i) === 45) i++;
    const intStart = i;
    while (s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    if (i === intStart) this.fail('invalid number');
    let plainInt = true;
    if (s.charCodeAt(i) === 46) {
      plainInt = false;
      i++;
      const f = i;
      while (s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
      if (i === f) this.fail('invalid number');
    }
    const e = s.charCodeAt(i);
    if (e === 101 || e === 69) {
      plainInt = false;
      i++;
      if (s.charCodeAt(i) === 43 || s.charCodeAt(i) === 45) i++;
      const f = i;
      while (s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
      if (i === f) this.fail('invalid number');
    }
    this.i = i;
    const text = s.slice(start, i);
    const n = Number(text);
    if (plainInt ? Number.isSafeInteger(n) : significantDigits(text) <= 15) return n;
    return new JsonNumber(text);
  }

  string(): string {
    const s = this.s;
    const start = this.i + 1;
    let i = start;
    let out = '';
    let segment = start;
    for (;;) {
      const c = s.charCodeAt(i);
      if (Number.isNaN(c)) {
        this.i = i;
        this.fail('unterminated string');
      }
      if (c === 34) break;
      if (c === 92) {
        out += s.slice(segment, i);
        const e = s[i + 1];
        switch (e) {
          case '"':
          case '\\':
          case '/':
            out += e;
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          case 'u': {
            const hex = s.slice(i + 2, i + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
              this.i = i;
              this.fail('invalid unicode escape');
            }
            out += String.fromCharCode(Number.parseInt(hex, 16));
            i += 4;
            break;
          }
          default:
            this.i = i;
            this.fail('invalid escape');
        }
        i += 2;
        segment = i;
        continue;
      }
      if (c < 32) {
        this.i = i;
        this.fail('control character in string');
      }
      i++;
    }
    this.i = i + 1;
    return out + s.slice(segment, i);
  }

  array(): unknown[] {
    this.i++;
    const out: unknown[] = [];
    this.ws();
    if (this.s.charCodeAt(this.i) === 93) {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      out.push(this.value());
      this.ws();
      const c = this.s.charCodeAt(this.i);
      this.i++;
      if (c === 93) return out;
      if (c !== 44) {
        this.i--;
        this.fail("expected ',' or ']'");
      }
    }
  }

  object(): Record<string, unknown> {
    this.i++;
    const out: Record<string, unknown> = {};
    this.ws();
    if (this.s.charCodeAt(this.i) === 125) {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.s.charCodeAt(this.i) !== 34) this.fail('expected a property name');
      const key = this.string();
      this.ws();
      if (this.s.charCodeAt(this.i) !== 58) this.fail("expected ':'");
      this.i++;
      this.ws();
      const v = this.value();
      // with duplicate keys the first one wins (as StarRocks' JSON reader)
      if (!Object.hasOwn(out, key)) {
        if (key === '__proto__')
          Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
        else out[key] = v;
      }
      this.ws();
      const c = this.s.charCodeAt(this.i);
      this.i++;
      if (c === 125) return out;
      if (c !== 44) {
        this.i--;
        this.fail("expected ',' or '}'");
      }
    }
  }
}

function significantDigits(text: string): number {
  const mantissa = text
    .replace(/^-/, '')
    .replace(/[eE].*$/, '')
    .replace('.', '')
    .replace(/^0+/, '');
  return mantissa.replace(/0+$/, '').length;
}
