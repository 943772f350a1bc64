/** Which requests a failure applies to. */
export type FaultScope = 'stream_load' | 'transaction';

/** An injected failure for the next `count` matching requests. */
export interface FailNextFault {
  /** How many requests fail. @default 1 */
  readonly count?: number;
  /** `Fail`, `Label Already Exists`, … for Stream Load; a status-code name (`TXN_IN_PROCESSING`, `INTERNAL_ERROR`, …) for transactions. */
  readonly status?: string;
  readonly message?: string;
  /** @default 'stream_load' */
  readonly scope?: FaultScope;
  /** Only for `transaction`: the operation to fail (begin, load, prepare, commit, rollback); all when omitted. */
  readonly op?: string;
}

export interface FailNextEntry {
  remaining: number;
  status: string;
  message: string;
  scope: FaultScope;
  op: string | null;
}

/** Counters of the blackhole mode. */
export interface BlackholeStats {
  requests: number;
  bytes: number;
}

/**
 * Fault injection for tests (programmatic, and as JSON over `/api/_emulator/faults` on the FE port).
 * Each fault applies to the next N requests it matches and then disarms itself.
 */
export class FaultController {
  #failNext: FailNextEntry[] = [];
  #delayMs = 0;
  #delayCount: number | null = null;
  #cutAfterBytes: number | null = null;
  #cutCount = 0;
  #publishTimeoutCount = 0;
  #publishVisibleAfterMs = 1000;
  #tooManyVersionsCount = 0;
  #unreachableCount = 0;
  #unreachableAddress = '127.0.0.1:1';
  #blackhole = false;
  #throttle: number | null = null;
  readonly blackholeStats: BlackholeStats = { requests: 0, bytes: 0 };

  /** Fails the next `count` loads (or transaction operations) with the given status and message. */
  failNext(f: FailNextFault = {}): void {
    const scope = f.scope ?? 'stream_load';
    this.#failNext.push({
      remaining: f.count ?? 1,
      status: f.status ?? (scope === 'stream_load' ? 'Fail' : 'INTERNAL_ERROR'),
      message: f.message ?? 'injected failure',
      scope,
      op: f.op?.toLowerCase() ?? null,
    });
  }

  /** Delays the BE's final reply of loads by `ms` (for `count` replies, or until reset). */
  delayReplies(ms: number, count?: number): void {
    this.#delayMs = ms;
    this.#delayCount = count ?? null;
  }

  /** Cuts the connection after `bytes` body bytes of the next `count` loads. */
  cutAfterBodyBytes(bytes: number, count = 1): void {
    this.#cutAfterBytes = bytes;
    this.#cutCount = count;
  }

  /** The next `count` Stream Loads reply `Publish Timeout`; their data becomes visible `visibleAfterMs` later. */
  publishTimeout(count = 1, visibleAfterMs = 1000): void {
    this.#publishTimeoutCount = count;
    this.#publishVisibleAfterMs = visibleAfterMs;
  }

  /** The next `count` loads fail with the BE's "too many versions" error. */
  tooManyVersions(count = 1): void {
    this.#tooManyVersionsCount = count;
  }

  /** The FE's next `count` redirects point at an address where nothing listens. */
  redirectToUnreachable(count = 1, address = '127.0.0.1:1'): void {
    this.#unreachableCount = count;
    this.#unreachableAddress = address;
  }

  /** Blackhole mode: loads are read and counted but nothing is parsed or stored. */
  setBlackhole(on: boolean): void {
    this.#blackhole = on;
  }

  /** Reads load bodies at most this fast (a slow server), or null for full speed. */
  throttleBody(bytesPerSec: number | null): void {
    this.#throttle = bytesPerSec;
  }

  reset(): void {
    this.#failNext = [];
    this.#delayMs = 0;
    this.#delayCount = null;
    this.#cutAfterBytes = null;
    this.#cutCount = 0;
    this.#publishTimeoutCount = 0;
    this.#tooManyVersionsCount = 0;
    this.#unreachableCount = 0;
    this.#blackhole = false;
    this.#throttle = null;
    this.blackholeStats.requests = 0;
    this.blackholeStats.bytes = 0;
  }

  get blackhole(): boolean {
    return this.#blackhole;
  }

  get throttleBytesPerSec(): number | null {
    return this.#throttle;
  }

  /** Consumes a matching injected failure, if any. */
  takeFailure(scope: FaultScope, op?: string): FailNextEntry | null {
    const i = this.#failNext.findIndex((f) => f.scope === scope && (f.op === null || f.op === op));
    if (i < 0) return null;
    const f = this.#failNext[i]!;
    f.remaining--;
    if (f.remaining <= 0) this.#failNext.splice(i, 1);
    return { ...f };
  }

  takeDelay(): number {
    if (this.#delayMs <= 0) return 0;
    if (this.#delayCount !== null) {
      if (this.#delayCount <= 0) return 0;
      this.#delayCount--;
    }
    return this.#delayMs;
  }

  takeCut(): number | null {
    if (this.#cutAfterBytes === null || this.#cutCount <= 0) return null;
    this.#cutCount--;
    return this.#cutAfterBytes;
  }

  takePublishTimeout(): number | null {
    if (this.#publishTimeoutCount <= 0) return null;
    this.#publishTimeoutCount--;
    return this.#publishVisibleAfterMs;
  }

  takeTooManyVersions(): boolean {
    if (this.#tooManyVersionsCount <= 0) return false;
    this.#tooManyVersionsCount--;
    return true;
  }

  takeUnreachable(): string | null {
    if (this.#unreachableCount <= 0) return null;
    this.#unreachableCount--;
    return this.#unreachableAddress;
  }

  /** A JSON-friendly view of the settings. */
  state(): Record<string, unknown> {
    return {
      failNext: this.#failNext.map((f) => ({ ...f })),
      delayMs: this.#delayMs,
      delayCount: this.#delayCount,
      cutAfterBytes: this.#cutAfterBytes,
      cutCount: this.#cutCount,
      publishTimeoutCount: this.#publishTimeoutCount,
      publishVisibleAfterMs: this.#publishVisibleAfterMs,
      tooManyVersionsCount: this.#tooManyVersionsCount,
      unreachableRedirectCount: this.#unreachableCount,
      blackhole: this.#blackhole,
      throttleBytesPerSec: this.#throttle,
      blackholeStats: { ...this.blackholeStats },
    };
  }

  /**
   * Applies a JSON command from the admin endpoint, e.g.
   * `{"failNext":{"count":2,"status":"Fail","message":"x"}}`, `{"delayReplies":{"ms":500}}`,
   * `{"cutAfterBodyBytes":{"bytes":1000}}`, `{"publishTimeout":{"count":1,"visibleAfterMs":2000}}`,
   * `{"tooManyVersions":{"count":1}}`, `{"redirectToUnreachable":{"count":1}}`, `{"blackhole":true}`,
   * `{"throttleBody":{"bytesPerSec":1048576}}`, `{"reset":true}`.
   */
  apply(cmd: Record<string, unknown>): void {
    const obj = (k: string) =>
      cmd[k] && typeof cmd[k] === 'object' ? (cmd[k] as Record<string, unknown>) : {};
    const n = (v: unknown, name: string): number | undefined => {
      if (v === undefined) return undefined;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
        throw new Error(`${name} must be a non-negative number`);
      return v;
    };
    for (const key of Object.keys(cmd)) {
      switch (key) {
        case 'reset':
          this.reset();
          break;
        case 'failNext': {
          const o = obj(key);
          this.failNext({
            count: n(o.count, 'failNext.count'),
            status: o.status === undefined ? undefined : String(o.status),
            message: o.message === undefined ? undefined : String(o.message),
            scope: o.scope === 'transaction' ? 'transaction' : 'stream_load',
            op: o.op === undefined ? undefined : String(o.op),
          });
          break;
        }
        case 'delayReplies':
          this.delayReplies(n(obj(key).ms, 'delayReplies.ms') ?? 0, n(obj(key).count, 'delayReplies.count'));
          break;
        case 'cutAfterBodyBytes':
          this.cutAfterBodyBytes(
            n(obj(key).bytes, 'cutAfterBodyBytes.bytes') ?? 0,
            n(obj(key).count, 'cutAfterBodyBytes.count'),
          );
          break;
        case 'publishTimeout':
          this.publishTimeout(
            n(obj(key).count, 'publishTimeout.count'),
            n(obj(key).visibleAfterMs, 'publishTimeout.visibleAfterMs'),
          );
          break;
        case 'tooManyVersions':
          this.tooManyVersions(n(obj(key).count, 'tooManyVersions.count'));
          break;
        case 'redirectToUnreachable': {
          const o = obj(key);
          this.redirectToUnreachable(
            n(o.count, 'redirectToUnreachable.count'),
            o.address === undefined ? undefined : String(o.address),
          );
          break;
        }
        case 'blackhole':
          this.setBlackhole(cmd[key] === true);
          break;
        case 'throttleBody': {
          const v = obj(key).bytesPerSec;
          this.throttleBody(v === null ? null : (n(v, 'throttleBody.bytesPerSec') ?? null));
          break;
        }
        default:
          throw new Error(`unknown fault '${key}'`);
      }
    }
  }
}
