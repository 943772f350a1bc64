/** Size of the slabs rows are copied into: few, large off-heap objects instead of many strings. */
export const SLAB_BYTES = 256 * 1024;

/**
 * Reuses slabs of loaded chunks, so a steady stream of writes allocates no new off-heap memory
 * (fresh external memory makes V8 run full collections over everything the application holds).
 */
export class SlabPool {
  readonly #free: Buffer[] = [];
  readonly #max: number;
  constructor(maxBytes: number) {
    this.#max = Math.max(1, Math.floor(maxBytes / SLAB_BYTES));
  }
  take(minBytes: number): Buffer {
    if (minBytes <= SLAB_BYTES) {
      const b = this.#free.pop();
      if (b) return b;
      return Buffer.allocUnsafe(SLAB_BYTES);
    }
    return Buffer.allocUnsafe(minBytes);
  }
  give(slabs: readonly Buffer[]): void {
    for (const s of slabs) {
      if (this.#free.length >= this.#max) return;
      // only whole standard slabs go back (a piece is a view of its slab's memory)
      if (s.buffer.byteLength === SLAB_BYTES && s.byteOffset === 0)
        this.#free.push(Buffer.from(s.buffer, 0, SLAB_BYTES));
    }
  }
}

interface Utf8Writable {
  utf8Write(text: string, offset: number): number;
}

/**
 * Rows buffered for one HTTP request (one chunk = one request body). Rows are copied as UTF-8 into
 * slabs right away, so the strings a serializer made die young and the JS heap stays small.
 */
export class Chunk {
  readonly #slabs: Buffer[] = [];
  readonly #pool: SlabPool;
  #slab: Buffer | null = null;
  #pos = 0;
  bytes = 0;
  rows = 0;
  readonly createdAt = Date.now();

  constructor(pool: SlabPool) {
    this.#pool = pool;
  }

  /**
   * Appends one serialized row and its delimiter and returns their UTF-8 length together (the row
   * is encoded straight into the slab, so its length is learnt from the copy, not measured twice).
   */
  add(record: string | Buffer, delimiter: Buffer): number {
    const worst = (typeof record === 'string' ? record.length * 3 : record.length) + delimiter.length;
    if (this.#slab === null || this.#slab.length - this.#pos < worst) {
      this.#seal();
      this.#slab = this.#pool.take(worst);
      this.#pos = 0;
    }
    const slab = this.#slab;
    const start = this.#pos;
    // utf8Write is Buffer#write without argument normalisation (a hot path)
    this.#pos +=
      typeof record === 'string'
        ? (slab as unknown as Utf8Writable).utf8Write(record, this.#pos)
        : record.copy(slab, this.#pos);
    if (delimiter.length === 1) slab[this.#pos++] = delimiter[0]!;
    else this.#pos += delimiter.copy(slab, this.#pos);
    const bytes = this.#pos - start;
    this.bytes += bytes;
    this.rows++;
    return bytes;
  }

  #seal(): void {
    if (this.#slab !== null && this.#pos > 0) this.#slabs.push(this.#slab.subarray(0, this.#pos));
    else if (this.#slab !== null) this.#pool.give([this.#slab]);
    this.#slab = null;
    this.#pos = 0;
  }

  /** The body's pieces, in order (no copy). */
  pieces(): readonly Buffer[] {
    this.#seal();
    return this.#slabs;
  }

  /** The request body as one Buffer (one copy; prefer {@link pieces}). */
  body(): Buffer {
    const p = this.pieces();
    return p.length === 1 ? Buffer.from(p[0]!) : Buffer.concat(p, this.bytes);
  }

  /** Gives the slabs back once the body is no longer needed. */
  recycle(): void {
    this.#seal();
    this.#pool.give(this.#slabs);
    this.#slabs.length = 0;
  }
}
