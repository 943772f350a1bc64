import { ProtocolError } from '../errors.js';

/** A parsed JSON reply with case-insensitive field access (StarRocks versions vary in case). */
export class Reply {
  readonly raw: Readonly<Record<string, unknown>>;
  readonly #lower = new Map<string, unknown>();

  constructor(raw: Record<string, unknown>) {
    this.raw = raw;
    for (const [k, v] of Object.entries(raw))
      if (!this.#lower.has(k.toLowerCase())) this.#lower.set(k.toLowerCase(), v);
  }

  static parse(body: string, what: string): Reply {
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      throw new ProtocolError(`${what}: the reply is not JSON: ${body.slice(0, 200)}`, body);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ProtocolError(`${what}: the reply is not a JSON object: ${body.slice(0, 200)}`, body);
    }
    return new Reply(value as Record<string, unknown>);
  }

  get(name: string): unknown {
    return this.#lower.get(name.toLowerCase());
  }

  str(name: string): string | null {
    const v = this.get(name);
    return v === undefined || v === null ? null : String(v);
  }

  num(name: string): number {
    const v = this.get(name);
    const n = typeof v === 'number' ? v : Number(v);
    return Number.isFinite(n) ? n : 0;
  }

  /** `Status`, or the FE envelope's lower-case `status`. */
  get status(): string | null {
    return this.str('Status');
  }

  /** `Message`, or `msg`. */
  get message(): string {
    return this.str('Message') ?? this.str('msg') ?? '';
  }
}
