import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmulatorContext } from '../context.js';
import { planLoad } from '../load/load-plan.js';
import { header, LoadRejectedError, parseLoadSpec } from '../load/load-spec.js';
import type { BeTxnContext } from '../txn/be-txn-contexts.js';
import { LabelExistsError } from '../txn/txn-manager.js';
import { existingJobStatus } from '../txn/txn-record.js';
import { addBatch, checkBegin, errorUrl, loadTimeout, tooManyFiltered } from './be-stream-load.js';
import { BodyReadError, readBody } from './read-body.js';
import { send, txnBeReply } from './replies.js';

/** A failed operation with its status-code name. */
class TxnOpError extends Error {
  readonly status: string;
  readonly opts: { existingJobStatus?: string; errorUrl?: string | null; rollback?: boolean };

  constructor(
    status: string,
    message: string,
    opts: { existingJobStatus?: string; errorUrl?: string | null; rollback?: boolean } = {},
  ) {
    super(message);
    this.status = status;
    this.opts = opts;
  }
}

const OPS = new Set(['begin', 'load', 'prepare', 'commit', 'rollback', 'list']);

/**
 * BE `/api/transaction/{op}` (spec §4.4–4.5): every reply is HTTP 200 with `to_resp_json`.
 */
export async function handleBeTransaction(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  rawOp: string,
  expectContinue: boolean,
): Promise<void> {
  const op = rawOp.toLowerCase();
  // replies before a load's body was read close the connection
  const reply = (
    status: string,
    message: string,
    extras: Record<string, unknown> = {},
    opts: Parameters<typeof txnBeReply>[3] = {},
  ) =>
    send(res, 200, txnBeReply(status, message, extras, opts), op === 'load' ? { Connection: 'close' } : {});
  const method = req.method ?? '';
  if (!OPS.has(op) || (op === 'load' && method !== 'PUT')) {
    return reply('INVALID_ARGUMENT', `unsupport transaction operation ${rawOp}`);
  }
  if (req.headers.transaction_type === 'multi') {
    return reply(
      'INVALID_ARGUMENT',
      'Multi-statement transaction requests can only be sent to FE nodes, not BE nodes',
    );
  }
  if (op === 'list') return list(ctx, res);
  const label = header(req.headers, 'label') ?? '';
  const db = header(req.headers, 'db') ?? '';
  const table = header(req.headers, 'table') ?? '';
  if (label === '') return reply('INVALID_ARGUMENT', op === 'load' ? 'Invalid label ' : 'empty label');
  const failure = ctx.faults.takeFailure('transaction', op);
  if (failure) return reply(failure.status, failure.message, {}, { label, existingJobStatus: '' });

  if (op === 'begin') return begin(ctx, req, res, label, db, table);

  const bctx = ctx.beTxns.get(label);
  if (!bctx) {
    return reply(
      'TXN_NOT_EXISTS',
      op === 'load'
        ? `Transaction with label ${label} not exists`
        : `transaction with label ${label} not exists`,
    );
  }
  if (bctx.inUse)
    return reply('TXN_IN_PROCESSING', 'Transaction in processing, please retry later', {}, { label });
  bctx.inUse = true;
  try {
    if (op === 'load') return await load(ctx, req, res, bctx, db, table, expectContinue);
    if (db !== '' && db !== bctx.db) {
      throw new TxnOpError('INVALID_ARGUMENT', `request db ${db} transaction db ${bctx.db} not match`);
    }
    if (op === 'rollback') {
      await ctx.beTxns.abort(bctx, 'transaction is aborted by user.');
      return reply('OK', '', { Label: label });
    }
    return await finish(ctx, req, res, bctx, op as 'prepare' | 'commit');
  } catch (err) {
    if (!(err instanceof TxnOpError)) throw err;
    if (err.opts.rollback) await ctx.beTxns.abort(bctx, err.message);
    return reply(
      err.status,
      err.message,
      {},
      { errorUrl: err.opts.errorUrl, existingJobStatus: err.opts.existingJobStatus },
    );
  } finally {
    bctx.inUse = false;
  }
}

async function begin(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  label: string,
  db: string,
  table: string,
): Promise<void> {
  const reply = (status: string, message: string, extras: Record<string, unknown> = {}, existing?: string) =>
    send(res, 200, txnBeReply(status, message, extras, { existingJobStatus: existing }));
  if (ctx.beTxns.get(label)) return reply('LABEL_ALREADY_EXISTS', '', {}, '');
  const t0 = Date.now();
  try {
    const to = header(req.headers, 'timeout');
    const idle = header(req.headers, 'idle_transaction_timeout');
    const valid = (v: string | undefined) =>
      v === undefined || (/^\d+$/.test(v.trim()) && Number(v) <= 0xffffffff);
    if (!valid(to) || !valid(idle)) return reply('INVALID_ARGUMENT', 'Invalid timeout format');
    if (db === '') return reply('INVALID_ARGUMENT', 'No database selected.');
    if (table === '') return reply('INVALID_ARGUMENT', 'No table selected.');
    checkBegin(ctx, req, db, table, label);
    const timeoutSec = loadTimeout(ctx, to === undefined ? null : Number(to));
    const schema = ctx.store.getTable(db, table)!;
    const rec = await ctx.txns.begin({
      db,
      table: schema,
      label,
      kind: 'txn',
      timeoutSec,
      idleTimeoutSec: idle === undefined ? -1 : Number(idle),
    });
    const now = Date.now();
    ctx.beTxns.add({
      label,
      db,
      table,
      rec,
      plan: null,
      signature: null,
      inUse: false,
      beginMs: now,
      lastActiveMs: now,
      timeoutSec,
      idleTimeoutSec: rec.idleTimeoutSec,
      loads: 0,
      bodyBytes: 0,
      planTimeMs: 0,
      receivedDataTimeMs: 0,
      writeDataTimeMs: 0,
      errors: [],
      carry: Buffer.alloc(0),
    });
    return reply('OK', '', { Label: label, TxnId: rec.txnId, BeginTxnTimeMs: Date.now() - t0 });
  } catch (err) {
    if (err instanceof LabelExistsError) {
      return reply('LABEL_ALREADY_EXISTS', err.message, {}, existingJobStatus(err.existing.state));
    }
    if (err instanceof LoadRejectedError) return reply('ANALYSIS_ERROR', err.message);
    return reply('INTERNAL_ERROR', (err as Error).message);
  }
}

async function load(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  bctx: BeTxnContext,
  db: string,
  table: string,
  expectContinue: boolean,
): Promise<void> {
  let bodyRead = false;
  const reply = (
    status: string,
    message: string,
    extras: Record<string, unknown> = {},
    errUrl: string | null = null,
  ) =>
    send(
      res,
      200,
      txnBeReply(status, message, extras, { errorUrl: errUrl }),
      bodyRead ? {} : { Connection: 'close' },
    );
  // a failed load rolls the transaction back (spec §4.4)
  const mismatch =
    db !== bctx.db
      ? `Request database ${db} not equal transaction database ${bctx.db}`
      : table !== bctx.table
        ? `Request table ${table} not equal transaction table ${bctx.table}`
        : null;
  if (mismatch) {
    await ctx.beTxns.abort(bctx, mismatch);
    return reply('INVALID_ARGUMENT', mismatch);
  }
  if (bctx.rec.state !== 'PREPARE') return reply('ABORTED', 'current transaction is aborted');
  const t0 = Date.now();
  let spec: ReturnType<typeof parseLoadSpec>;
  try {
    spec = parseLoadSpec(req.headers);
    if (bctx.signature !== null && bctx.signature !== spec.signature) {
      throw new LoadRejectedError('load request not equal last.');
    }
    const schema = ctx.store.getTable(bctx.db, bctx.table);
    if (!schema) throw new LoadRejectedError(`unknown table "${bctx.db}.${bctx.table}"`);
    bctx.plan ??= planLoad(schema, spec);
    bctx.signature = spec.signature;
    const cl = Number(header(req.headers, 'content-length') ?? 0);
    const limit = ctx.config.streamingLoadMaxMb * 1024 * 1024;
    if (bctx.bodyBytes + cl > limit) {
      throw new LoadRejectedError(
        `body size ${bctx.bodyBytes + cl} exceed limit: ${limit}, label: ${bctx.label}. You can increase the limit by setting streaming_load_max_mb in be.conf.`,
      );
    }
  } catch (err) {
    if (!(err instanceof LoadRejectedError)) throw err;
    await ctx.beTxns.abort(bctx, err.message);
    return reply('INVALID_ARGUMENT', err.message);
  }
  const planMs = Date.now() - t0;
  if (expectContinue) res.writeContinue();
  let body: Awaited<ReturnType<typeof readBody>>;
  try {
    body = await readBody(req, {
      limit: ctx.config.streamingLoadMaxMb * 1024 * 1024 - bctx.bodyBytes,
      cutAfter: ctx.faults.takeCut(),
      throttleBytesPerSec: ctx.faults.throttleBytesPerSec,
      discard: ctx.faults.blackhole,
      countByte: spec.rowDelimiter[spec.rowDelimiter.length - 1],
    });
  } catch (err) {
    // the pipe is broken: the BE cancels the transaction
    await ctx.beTxns.abort(bctx, (err as Error).message);
    if (err instanceof BodyReadError && err.kind === 'too-large') return reply('INTERNAL_ERROR', err.message);
    return;
  }
  bodyRead = true;
  bctx.bodyBytes += body.bytes;
  bctx.rec.counters.loadBytes += body.bytes;
  bctx.loads++;
  bctx.lastActiveMs = Date.now();
  const tw = Date.now();
  if (ctx.faults.blackhole) {
    ctx.faults.blackholeStats.requests++;
    ctx.faults.blackholeStats.bytes += body.bytes;
    bctx.rec.counters.total += body.counted;
    bctx.rec.counters.loaded += body.counted;
  } else {
    const batch = executeChunk(bctx, body.body);
    bctx.errors.push(...batch.errors);
    if (batch.fatal !== null) {
      const url = errorUrl(ctx, bctx.errors);
      await ctx.beTxns.abort(bctx, batch.fatal);
      return reply('INTERNAL_ERROR', batch.fatal, {}, url);
    }
    addBatch(bctx.rec.counters, batch);
    await ctx.txns.stage(bctx.rec, bctx.plan.table, batch, {
      providedColumns: bctx.plan.providedColumns,
      partialUpdate: spec.partialUpdate,
      mergeCondition: spec.mergeCondition,
    });
  }
  bctx.writeDataTimeMs += Date.now() - tw;
  bctx.planTimeMs += planMs;
  bctx.receivedDataTimeMs += body.readMs;
  const delay = ctx.faults.takeDelay();
  if (delay > 0) await sleep(delay);
  return reply('OK', '', {
    Label: bctx.label,
    TxnId: bctx.rec.txnId,
    LoadBytes: body.bytes,
    StreamLoadPlanTimeMs: planMs,
    ReceivedDataTimeMs: body.readMs,
  });
}

async function finish(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  bctx: BeTxnContext,
  op: 'prepare' | 'commit',
): Promise<void> {
  const rec = bctx.rec;
  if (rec.state !== 'PREPARE') throw new TxnOpError('ABORTED', 'current transaction is aborted');
  if (bctx.loads === 0 || !bctx.plan) {
    throw new TxnOpError('INTERNAL_ERROR', `transaction ${brief(bctx)} hasn't send any data yet`, {
      rollback: true,
    });
  }
  let preparedTimeout: number | null = null;
  const pt = header(req.headers, 'prepared_timeout');
  if (op === 'prepare' && pt !== undefined) {
    preparedTimeout = Number(pt);
    if (!/^\d+$/.test(pt.trim()) || preparedTimeout <= 0)
      throw new TxnOpError('INVALID_ARGUMENT', `Invalid prepared_timeout: ${pt}`);
  }
  if (bctx.carry.length > 0) {
    // the last record of the stream had no row delimiter
    const tail = bctx.plan.execute(bctx.carry, { decompressed: true, skipHeader: 0 });
    bctx.carry = Buffer.alloc(0);
    bctx.errors.push(...tail.errors);
    addBatch(rec.counters, tail);
    await ctx.txns.stage(rec, bctx.plan.table, tail, {
      providedColumns: bctx.plan.providedColumns,
      partialUpdate: bctx.plan.spec.partialUpdate,
      mergeCondition: bctx.plan.spec.mergeCondition,
    });
  }
  const url = errorUrl(ctx, bctx.errors);
  rec.errorUrl = url;
  if (tooManyFiltered(rec.counters, bctx.plan.spec.maxFilterRatio)) {
    throw new TxnOpError('INTERNAL_ERROR', 'too many filtered rows', { errorUrl: url, rollback: true });
  }
  const t0 = Date.now();
  ctx.beTxns.remove(bctx.label);
  if (op === 'prepare') await ctx.txns.prepare(rec, preparedTimeout);
  else await ctx.txns.commit(rec, bctx.plan.table);
  const c = rec.counters;
  const delay = ctx.faults.takeDelay();
  if (delay > 0) await sleep(delay);
  send(
    res,
    200,
    txnBeReply(
      'OK',
      '',
      {
        Label: bctx.label,
        TxnId: rec.txnId,
        NumberTotalRows: c.total,
        NumberLoadedRows: c.loaded,
        NumberFilteredRows: c.filtered,
        NumberUnselectedRows: c.unselected,
        LoadBytes: c.loadBytes,
        LoadTimeMs: Date.now() - bctx.beginMs,
        StreamLoadPlanTimeMs: bctx.planTimeMs,
        ReceivedDataTimeMs: bctx.receivedDataTimeMs,
        WriteDataTimeMs: bctx.writeDataTimeMs,
        CommitAndPublishTimeMs: Date.now() - t0,
      },
      { errorUrl: url },
    ),
  );
}

/**
 * Parses one load of a transaction. CSV loads are one stream: a record cut at a request boundary
 * continues in the next load, so only complete records are parsed and the rest is carried over.
 */
function executeChunk(b: BeTxnContext, body: Buffer) {
  const plan = b.plan!;
  const skipHeader = b.loads === 1 ? plan.spec.skipHeader : 0;
  if (plan.spec.format !== 'csv') return plan.execute(body, { skipHeader });
  const data = plan.decompress(body);
  const all = b.carry.length > 0 ? Buffer.concat([b.carry, data]) : data;
  const delim = plan.spec.rowDelimiter;
  const last = all.lastIndexOf(delim);
  const end = last < 0 ? 0 : last + delim.length;
  b.carry = Buffer.from(all.subarray(end));
  return plan.execute(all.subarray(0, end), { decompressed: true, skipHeader });
}

function brief(b: BeTxnContext): string {
  return `id=${b.rec.txnId}, label=${b.label}, db=${b.db}, table=${b.table}`;
}

function list(ctx: EmulatorContext, res: ServerResponse): void {
  const parts = ctx.beTxns.all().map((b) =>
    JSON.stringify(
      {
        ...(b.inUse ? { InProcessing: true } : { Status: 'OK', InProcessing: false }),
        Label: b.label,
        TxnId: b.rec.txnId,
        NumberTotalRows: b.rec.counters.total,
        NumberLoadedRows: b.rec.counters.loaded,
        NumberFilteredRows: b.rec.counters.filtered,
        NumberUnselectedRows: b.rec.counters.unselected,
        LoadBytes: b.rec.counters.loadBytes,
        StreamLoadPlanTimeMs: b.planTimeMs,
        ReceivedDataTimeMs: b.receivedDataTimeMs,
        WriteDataTimeMs: b.writeDataTimeMs,
        BeginTimestamp: b.beginMs,
        LastActiveTimestamp: b.lastActiveMs,
        TransactionTimeoutSec: b.timeoutSec,
        IdleTransactionTimeoutSec: b.idleTimeoutSec,
      },
      null,
      4,
    ),
  );
  send(res, 200, parts.join('\n'));
}
