import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmulatorContext } from '../context.js';
import { type LoadBatch, planLoad } from '../load/load-plan.js';
import { header, LABEL_RE, LoadRejectedError, parseLoadSpec } from '../load/load-spec.js';
import { LabelExistsError } from '../txn/txn-manager.js';
import { emptyCounters, existingJobStatus, type TxnCounters, type TxnRecord } from '../txn/txn-record.js';
import { parseBasicAuthBe, remoteIp } from './basic-auth.js';
import { BodyReadError, readBody } from './read-body.js';
import { type LoadTimings, send, streamLoadReply, ZERO_TIMINGS } from './replies.js';

/** A load failure found after the transaction began (it is rolled back). */
class LoadFailure extends Error {
  readonly errorUrl: string | null;

  constructor(message: string, errorUrl: string | null = null) {
    super(message);
    this.errorUrl = errorUrl;
  }
}

/** Message and checks of the FE's `loadTxnBegin` that precede the label check. */
export function checkBegin(
  ctx: EmulatorContext,
  req: IncomingMessage,
  db: string,
  table: string,
  label: string,
): { user: string } {
  const creds = parseBasicAuthBe(header(req.headers, 'authorization'));
  if (!creds) throw new LoadRejectedError('no valid Basic authorization');
  if (!ctx.users.check(creds)) {
    throw new LoadRejectedError(`Access denied for ${creds.user}@${remoteIp(req.socket.remoteAddress)}`);
  }
  if (!ctx.store.databases.has(db)) throw new LoadRejectedError(`unknown database, database=${db}`);
  if (!ctx.store.getTable(db, table)) throw new LoadRejectedError(`unknown table "${db}.${table}"`);
  if (!LABEL_RE.test(label))
    throw new LoadRejectedError(`Label format error. regex: ^[-\\w]{1,128}$, label: ${label}`);
  return { user: creds.user };
}

/** Validates `timeout` against the FE's range, returning seconds. */
export function loadTimeout(ctx: EmulatorContext, timeoutSec: number | null): number {
  const t = timeoutSec ?? ctx.config.streamLoadDefaultTimeoutSec;
  if (t < 1 || t > ctx.config.maxStreamLoadTimeoutSec) {
    throw new LoadRejectedError(
      `Invalid timeout: '${t}'. Expected values should be between 1 and ${ctx.config.maxStreamLoadTimeoutSec} seconds`,
    );
  }
  return t;
}

/** The "too many filtered rows" rule (spec §2.8). */
export function tooManyFiltered(c: TxnCounters, maxFilterRatio: number): boolean {
  const selected = c.total - c.unselected;
  return c.filtered > 0 && (selected <= 0 || c.filtered / selected > maxFilterRatio);
}

export function addBatch(c: TxnCounters, b: LoadBatch): void {
  c.total += b.total;
  c.loaded += b.loaded;
  c.filtered += b.filtered;
  c.unselected += b.unselected;
}

export function errorUrl(ctx: EmulatorContext, lines: readonly string[]): string | null {
  if (lines.length === 0) return null;
  return `${ctx.beHttpUrl}/api/_load_error_log?file=${ctx.errorLogs.put(lines)}`;
}

/**
 * BE `PUT /api/{db}/{table}/_stream_load` (spec §2.3). Header checks happen before any body is read;
 * when they fail the reply goes out at once and `100 Continue` is never sent.
 */
export async function handleBeStreamLoad(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  db: string,
  table: string,
  expectContinue: boolean,
): Promise<void> {
  const started = Date.now();
  const label = header(req.headers, 'label') || randomUUID();
  const counters = emptyCounters();
  let rec: TxnRecord | null = null;
  let bodyRead = false;
  // a reply before the body was read closes the connection: the unread body cannot be reused
  const reply = (
    status: string,
    message: string,
    timings: LoadTimings = ZERO_TIMINGS,
    extra: { errorUrl?: string | null; existing?: string } = {},
  ) =>
    send(
      res,
      200,
      streamLoadReply({
        txnId: rec?.txnId ?? -1,
        label,
        status,
        existingJobStatus: extra.existing,
        message,
        counters,
        timings: { ...timings, loadTimeMs: Date.now() - started },
        errorUrl: extra.errorUrl,
      }),
      bodyRead ? {} : { Connection: 'close' },
    );

  // ---- on_header: everything before the body ----
  let spec: ReturnType<typeof parseLoadSpec>;
  let plan: ReturnType<typeof planLoad>;
  let beginMs = 0;
  let planMs = 0;
  try {
    if (!parseBasicAuthBe(header(req.headers, 'authorization')))
      throw new LoadRejectedError('no valid Basic authorization');
    const limit = ctx.config.streamingLoadMaxMb * 1024 * 1024;
    const cl = header(req.headers, 'content-length');
    if (cl !== undefined && Number(cl) > limit) {
      throw new LoadRejectedError(
        `body size ${cl} exceed limit: ${limit}, label: ${label}. You can increase the limit by setting streaming_load_max_mb in be.conf.`,
      );
    }
    spec = parseLoadSpec(req.headers);
    const jsonLimit = ctx.config.streamingLoadMaxBatchSizeMb * 1024 * 1024;
    if (spec.format === 'json' && cl !== undefined && Number(cl) > jsonLimit && !spec.ignoreJsonSize) {
      throw new LoadRejectedError(
        `The size of this batch exceed the max size [${jsonLimit}]  of json type data  data [ ${cl} ]. Set ignore_json_size to skip the check, although it may lead huge memory consuming.`,
      );
    }
    const failure = ctx.faults.takeFailure('stream_load');
    if (failure) {
      if (failure.status === 'Label Already Exists')
        return reply(failure.status, failure.message, ZERO_TIMINGS, { existing: 'RUNNING' });
      return reply(failure.status, failure.message);
    }
    const t0 = Date.now();
    checkBegin(ctx, req, db, table, label);
    const timeoutSec = loadTimeout(ctx, spec.timeoutSec);
    const schema = ctx.store.getTable(db, table)!;
    try {
      rec = await ctx.txns.begin({
        db,
        table: schema,
        label,
        kind: 'stream',
        timeoutSec,
        idleTimeoutSec: -1,
      });
    } catch (err) {
      if (err instanceof LabelExistsError) {
        return reply('Label Already Exists', err.message, ZERO_TIMINGS, {
          existing: existingJobStatus(err.existing.state),
        });
      }
      throw new LoadRejectedError((err as Error).message);
    }
    beginMs = Date.now() - t0;
    const t1 = Date.now();
    if (spec.partitions) {
      const bad = spec.partitions.find((p) => p !== table);
      if (bad) throw new LoadRejectedError(`partition ${bad} does not exist in table ${table}`);
    }
    plan = planLoad(schema, spec);
    planMs = Date.now() - t1;
  } catch (err) {
    if (rec) await ctx.txns.abort(rec, (err as Error).message);
    if (err instanceof LoadRejectedError) return reply('Fail', err.message);
    throw err;
  }

  // ---- body ----
  if (expectContinue) res.writeContinue();
  const blackhole = ctx.faults.blackhole;
  let body: Awaited<ReturnType<typeof readBody>>;
  try {
    body = await readBody(req, {
      limit: ctx.config.streamingLoadMaxMb * 1024 * 1024,
      cutAfter: ctx.faults.takeCut(),
      throttleBytesPerSec: ctx.faults.throttleBytesPerSec,
      discard: blackhole,
      countByte: spec.rowDelimiter[spec.rowDelimiter.length - 1],
    });
  } catch (err) {
    await ctx.txns.abort(rec, (err as Error).message);
    if (err instanceof BodyReadError && err.kind === 'too-large') return reply('Fail', err.message);
    return; // the connection is gone
  }
  bodyRead = true;
  counters.loadBytes = body.bytes;
  const cl = header(req.headers, 'content-length');
  const timings: LoadTimings = {
    loadTimeMs: 0,
    beginTxnTimeMs: beginMs,
    planTimeMs: planMs,
    readDataTimeMs: body.readMs,
    writeDataTimeMs: 0,
    commitAndPublishTimeMs: 0,
  };
  try {
    if (cl !== undefined && Number(cl) !== body.bytes)
      throw new LoadFailure("receive body don't equal with body bytes");
    if (ctx.faults.takeTooManyVersions()) {
      throw new LoadFailure(
        `Too many versions. tablet_id: ${rec.tableId + 1}, version_count: 1001, limit: 1000`,
      );
    }
    const tw = Date.now();
    if (blackhole) {
      ctx.faults.blackholeStats.requests++;
      ctx.faults.blackholeStats.bytes += body.bytes;
      counters.total = body.counted;
      counters.loaded = body.counted;
    } else {
      const batch = plan.execute(body.body);
      addBatch(counters, batch);
      const url = errorUrl(ctx, batch.errors);
      if (batch.fatal !== null) throw new LoadFailure(batch.fatal, url);
      if (tooManyFiltered(counters, spec.maxFilterRatio))
        throw new LoadFailure('too many filtered rows', url);
      rec.errorUrl = url;
      await ctx.txns.stage(rec, plan.table, batch, {
        providedColumns: plan.providedColumns,
        partialUpdate: spec.partialUpdate,
        mergeCondition: spec.mergeCondition,
      });
    }
    timings.writeDataTimeMs = Date.now() - tw;
    rec.counters = { ...counters };
    const tc = Date.now();
    const publishDelay = ctx.faults.takePublishTimeout();
    await ctx.txns.commit(rec, plan.table, publishDelay ?? 0);
    timings.commitAndPublishTimeMs = Date.now() - tc;
    const delay = ctx.faults.takeDelay();
    if (delay > 0) await sleep(delay);
    if (publishDelay !== null) {
      return reply(
        'Publish Timeout',
        `Publish timeout. The data will be visible after a while, txn_id: ${rec.txnId}`,
        timings,
        {
          errorUrl: rec.errorUrl,
        },
      );
    }
    return reply('Success', 'OK', timings, { errorUrl: rec.errorUrl });
  } catch (err) {
    if (rec.state === 'PREPARE') await ctx.txns.abort(rec, (err as Error).message);
    if (err instanceof LoadFailure) {
      const delay = ctx.faults.takeDelay();
      if (delay > 0) await sleep(delay);
      return reply('Fail', err.message, timings, { errorUrl: err.errorUrl });
    }
    throw err;
  }
}
