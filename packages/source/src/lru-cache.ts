/** Counters of a {@link LruCache}. */
export interface CacheStats {
  readonly size: number;
  readonly hits: number;
  readonly misses: number;
  readonly evictions: number;
  readonly expirations: number;
}

/** A least-recently-used map with a size cap and a time-to-live per entry (Map keeps insertion order). */
export class LruCache<K, V> {
  readonly #map = new Map<K, { value: V; expires: number }>();
  readonly #maxEntries: number;
  readonly #ttlMs: number;
  #hits = 0;
  #misses = 0;
  #evictions = 0;
  #expirations = 0;

  constructor(maxEntries: number, ttlMs: number) {
    this.#maxEntries = maxEntries;
    this.#ttlMs = ttlMs;
  }

  /** The cached value, or `undefined` (also for an expired entry, which is dropped). */
  get(key: K, now = Date.now()): { value: V } | undefined {
    const e = this.#map.get(key);
    if (!e) {
      this.#misses++;
      return undefined;
    }
    if (e.expires <= now) {
      this.#map.delete(key);
      this.#expirations++;
      this.#misses++;
      return undefined;
    }
    // refresh recency
    this.#map.delete(key);
    this.#map.set(key, e);
    this.#hits++;
    return { value: e.value };
  }

  set(key: K, value: V, now = Date.now()): void {
    if (this.#maxEntries <= 0) return;
    this.#map.delete(key);
    this.#map.set(key, { value, expires: now + this.#ttlMs });
    while (this.#map.size > this.#maxEntries) {
      const oldest = this.#map.keys().next().value as K;
      this.#map.delete(oldest);
      this.#evictions++;
    }
  }

  delete(key: K): void {
    this.#map.delete(key);
  }

  clear(): void {
    this.#map.clear();
  }

  stats(): CacheStats {
    return {
      size: this.#map.size,
      hits: this.#hits,
      misses: this.#misses,
      evictions: this.#evictions,
      expirations: this.#expirations,
    };
  }
}
