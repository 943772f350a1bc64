import { randomBytes } from 'node:crypto';

/** Keeps load error logs served behind `ErrorURL` (`/api/_load_error_log?file=…`). */
export class ErrorLogStore {
  readonly #logs = new Map<string, string>();
  readonly capacity: number;

  constructor(capacity = 1000) {
    this.capacity = capacity;
  }

  /** Stores the lines and returns the file name (`error_log_<hex>_<hex>`). */
  put(lines: readonly string[]): string {
    const file = `error_log_${randomBytes(8).toString('hex')}_${randomBytes(8).toString('hex')}`;
    this.#logs.set(file, `${lines.join('\n')}\n`);
    if (this.#logs.size > this.capacity) {
      const oldest = this.#logs.keys().next().value;
      if (oldest !== undefined) this.#logs.delete(oldest);
    }
    return file;
  }

  get(file: string): string | undefined {
    return this.#logs.get(file);
  }
}
