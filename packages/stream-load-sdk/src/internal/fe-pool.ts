/** Round-robin over FE addresses, skipping ones that failed recently (a health memory). */
export class FePool {
  readonly #urls: readonly URL[];
  readonly #failedAt = new Map<string, number>();
  readonly #unhealthyMs: number;
  #next = 0;

  constructor(urls: readonly URL[], unhealthyMs: number) {
    this.#urls = urls;
    this.#unhealthyMs = unhealthyMs;
  }

  /** Candidates for one request, healthiest first: healthy ones in rotation, then the least recently failed. */
  candidates(now = Date.now()): URL[] {
    const n = this.#urls.length;
    const start = this.#next % n;
    this.#next = (this.#next + 1) % n;
    const rotated = [...this.#urls.slice(start), ...this.#urls.slice(0, start)];
    const healthy = rotated.filter(
      (u) => now - (this.#failedAt.get(u.origin) ?? -Infinity) >= this.#unhealthyMs,
    );
    const sick = rotated
      .filter((u) => !healthy.includes(u))
      .sort((a, b) => (this.#failedAt.get(a.origin) ?? 0) - (this.#failedAt.get(b.origin) ?? 0));
    return [...healthy, ...sick];
  }

  markFailed(url: URL, now = Date.now()): void {
    this.#failedAt.set(url.origin, now);
  }

  markOk(url: URL): void {
    this.#failedAt.delete(url.origin);
  }
}
