import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { EmulatorContext } from '../context.js';
import { handleQueryPlan, matchQueryPlanPath } from '../scanner/query-plan.js';
import { type Credentials, parseBasicAuthFe, remoteIp } from './basic-auth.js';
import { handleFeTransaction } from './fe-transaction.js';
import { attach, closeServer, listen, splitUrl } from './listen.js';
import { feException, feJson, restResult, send, sendText } from './replies.js';

export interface FeHttpOptions {
  readonly host: string;
  readonly port: number;
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /** `host:port` of the BE scanner (the `routings` of `_query_plan`). */
  readonly beScannerAddress?: string;
}

/** Answers 401 as `RestBaseAction` does (spec §1.1). Returns the credentials when they are valid. */
export function authenticateFe(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
): Credentials | null {
  const creds = parseBasicAuthFe(req.headers.authorization);
  if (ctx.users.check(creds)) return creds;
  const msg =
    creds === null
      ? 'Need auth information.'
      : `Access denied for ${creds.user}@${remoteIp(req.socket.remoteAddress)}`;
  send(res, 401, restResult(false, msg), { 'WWW-Authenticate': 'Basic realm=""', Connection: 'close' });
  return null;
}

/** The 307 target for a BE path: the BE's http address (never https), same path and query. */
export function beLocation(ctx: EmulatorContext, req: IncomingMessage): string {
  const unreachable = ctx.faults.takeUnreachable();
  const base = unreachable ? `http://${unreachable}` : ctx.beHttpUrl;
  return `${base}${req.url ?? '/'}`;
}

/** The FE HTTP listener (optionally TLS): Stream Load redirects, transactions, label state, faults. */
export async function startFeHttp(ctx: EmulatorContext, o: FeHttpOptions, onError: (err: unknown) => void) {
  const server: Server = o.tls ? createHttpsServer({ cert: o.tls.cert, key: o.tls.key }) : createHttpServer();
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const { segments, query } = splitUrl(req.url ?? '/');
    const method = req.method ?? 'GET';
    if (segments[0] !== 'api') return sendText(res, 404, 'Not Found');
    if (segments[1] === '_emulator' && segments[2] === 'faults') return faults(ctx, req, res, method);
    if (segments.length === 4 && segments[3] === '_stream_load') {
      if (method !== 'PUT') return sendText(res, 405, 'Method Not Allowed', { Connection: 'close' });
      return streamLoad(ctx, req, res, segments[1]!, segments[2]!);
    }
    const queryPlan = method === 'POST' || method === 'GET' ? matchQueryPlanPath(req.url ?? '/') : null;
    if (queryPlan) {
      if (!authenticateFe(ctx, req, res)) return;
      return handleQueryPlan(ctx, req, res, queryPlan.db, queryPlan.table, o.beScannerAddress ?? '');
    }
    if (segments.length === 3 && segments[1] === 'transaction' && (method === 'POST' || method === 'PUT')) {
      return handleFeTransaction(ctx, req, res, segments[2]!);
    }
    if (segments.length === 4 && segments[3] === '_cancel' && method === 'POST') {
      return cancel(ctx, req, res, segments[1]!, query.get('label') ?? '');
    }
    if (segments.length === 3 && segments[2] === 'get_load_state' && method === 'GET') {
      return loadState(ctx, req, res, segments[1]!, query.get('label') ?? '');
    }
    if (segments.length === 2 && segments[1] === 'get_load_state' && method === 'GET') {
      if (!authenticateFe(ctx, req, res)) return;
      return send(res, 200, restResult(false, 'No database selected.'));
    }
    return sendText(res, 404, 'Not Found');
  };
  const sockets = attach(server, (req, res) => handler(req, res), onError);
  const actual = await listen(server, o.host, o.port);
  return { port: actual, close: () => closeServer(server, sockets) };
}

/** FE `PUT /api/{db}/{table}/_stream_load` (spec §2.2): auth, Expect, then 307 without reading the body. */
function streamLoad(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  db: string,
  table: string,
) {
  if (!authenticateFe(ctx, req, res)) return;
  const close = { Connection: 'close' };
  const fail = (msg: string) =>
    send(
      res,
      200,
      feJson({ Status: 'FAILED', Message: feException(msg, 'com.starrocks.common.DdlException') }),
      close,
    );
  const expect = req.headers.expect?.toLowerCase();
  if (req.httpVersionMajor >= 1 && req.httpVersionMinor >= 1 && expect !== '100-continue') {
    return fail('There is no 100-continue header');
  }
  if (db.trim() === '') return fail('No database selected.');
  if (table.trim() === '') return fail('No table selected.');
  res.writeHead(307, { Location: beLocation(ctx, req), 'Content-Length': 0, ...close });
  res.end();
}

/** FE `GET /api/{db}/get_load_state?label=` (spec §5.1). */
function loadState(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  db: string,
  label: string,
) {
  if (!authenticateFe(ctx, req, res)) return;
  if (db === '') return send(res, 200, restResult(false, 'No database selected.'));
  if (label === '') return send(res, 200, restResult(false, 'No label selected.'));
  if (!ctx.store.databases.has(db))
    return send(res, 200, restResult(false, `unknown database, database=${db}`));
  const rec = ctx.txns.byLabel(db, label);
  const fields: Record<string, unknown> = { state: rec?.state ?? 'UNKNOWN' };
  if (rec?.reason) fields.reason = rec.reason;
  send(res, 200, restResult(true, '', fields));
}

/**
 * FE `POST /api/{db}/{table}/_cancel?label=` (CancelStreamLoadAction): aborts the label's
 * transaction (PREPARE or PREPARED) with the reason `user cancel`; RestBaseResult reply.
 */
async function cancel(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  db: string,
  label: string,
) {
  if (!authenticateFe(ctx, req, res)) return;
  if (db === '') return send(res, 200, restResult(false, 'No database selected.'));
  if (label === '') return send(res, 200, restResult(false, 'No label selected.'));
  if (!ctx.store.databases.has(db))
    return send(res, 200, restResult(false, `unknown database, database=${db}`));
  const failure = ctx.faults.takeFailure('transaction', 'cancel');
  if (failure) return send(res, 200, restResult(false, failure.message));
  const rec = ctx.txns.byLabel(db, label);
  if (!rec) return send(res, 200, restResult(false, `transaction not found, label: ${label}`));
  if (rec.state === 'COMMITTED' || rec.state === 'VISIBLE') {
    return send(
      res,
      200,
      restResult(false, `transaction ${rec.txnId} is already ${rec.state.toLowerCase()}, could not abort`),
    );
  }
  if (rec.state === 'PREPARE') {
    const open = ctx.beTxns.get(label);
    if (open && open.db === db) await ctx.beTxns.abort(open, 'user cancel');
    else await ctx.txns.abort(rec, 'user cancel');
  } else if (rec.state === 'PREPARED') await ctx.txns.abort(rec, 'user cancel');
  send(res, 200, restResult(true, ''));
}

/** Admin endpoint: GET state, POST/PUT a JSON command, DELETE resets. */
async function faults(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
): Promise<void> {
  if (!authenticateFe(ctx, req, res)) return;
  if (method === 'DELETE') ctx.faults.reset();
  else if (method === 'POST' || method === 'PUT') {
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    try {
      ctx.faults.apply(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>);
    } catch (err) {
      return send(res, 400, JSON.stringify({ error: (err as Error).message }));
    }
  } else if (method !== 'GET') return sendText(res, 405, 'Method Not Allowed');
  send(res, 200, JSON.stringify(ctx.faults.state()));
}
