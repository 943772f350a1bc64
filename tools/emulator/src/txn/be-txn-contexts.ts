import type { LoadPlan } from '../load/load-plan.js';
import type { TxnManager } from './txn-manager.js';
import type { TxnRecord } from './txn-record.js';

/** The BE's in-memory state of an open Transaction Stream Load (spec §4.4). */
export interface BeTxnContext {
  readonly label: string;
  readonly db: string;
  readonly table: string;
  readonly rec: TxnRecord;
  plan: LoadPlan | null;
  signature: string | null;
  inUse: boolean;
  readonly beginMs: number;
  lastActiveMs: number;
  readonly timeoutSec: number;
  readonly idleTimeoutSec: number;
  loads: number;
  /** Sum of Content-Length over the loads (body limits are per transaction). */
  bodyBytes: number;
  planTimeMs: number;
  receivedDataTimeMs: number;
  writeDataTimeMs: number;
  readonly errors: string[];
  /** CSV: bytes after the last row delimiter; the loads of a transaction form one stream (spec §3.1). */
  carry: Buffer;
}

/** Open transaction contexts by label, and the sweeper that times them out (spec §4.7). */
export class BeTxnContexts {
  readonly #byLabel = new Map<string, BeTxnContext>();

  readonly txns: TxnManager;
  readonly idleGraceSec: number;

  constructor(txns: TxnManager, idleGraceSec: number) {
    this.txns = txns;
    this.idleGraceSec = idleGraceSec;
  }

  get(label: string): BeTxnContext | undefined {
    return this.#byLabel.get(label);
  }

  add(ctx: BeTxnContext): void {
    this.#byLabel.set(ctx.label, ctx);
  }

  remove(label: string): void {
    this.#byLabel.delete(label);
  }

  all(): BeTxnContext[] {
    return [...this.#byLabel.values()];
  }

  /** Aborts a context's transaction and forgets the context. */
  async abort(ctx: BeTxnContext, reason: string): Promise<void> {
    this.#byLabel.delete(ctx.label);
    if (ctx.rec.state === 'PREPARE') await this.txns.abort(ctx.rec, reason);
  }

  /** One sweeper pass: transaction timeout and idle timeout of contexts not in use. */
  async sweep(now = Date.now()): Promise<void> {
    for (const ctx of this.all()) {
      if (ctx.inUse) continue;
      if (ctx.rec.state !== 'PREPARE') {
        this.#byLabel.delete(ctx.label);
        continue;
      }
      if (ctx.timeoutSec > 0 && now - ctx.beginMs > ctx.timeoutSec * 1000) {
        await this.abort(ctx, 'transaction is aborted by timeout.');
      } else if (
        ctx.idleTimeoutSec > 0 &&
        now - ctx.lastActiveMs > (ctx.idleTimeoutSec + this.idleGraceSec) * 1000
      ) {
        await this.abort(ctx, 'transaction is aborted by idle timeout.');
      }
    }
  }
}
