import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorContext } from '../context.js';
import { header } from '../load/load-spec.js';
import { authenticateFe, beLocation } from './fe-server.js';
import { feException, feJson, send } from './replies.js';

const OPS = new Set(['begin', 'load', 'prepare', 'commit', 'rollback']);

/**
 * FE `/api/transaction/{op}` (spec §4.3): begin/load/prepare are redirected to the BE; commit and
 * rollback of PREPARED (or finished) transactions are answered by the FE itself.
 */
export async function handleFeTransaction(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  rawOp: string,
): Promise<void> {
  if (!authenticateFe(ctx, req, res)) return;
  const op = rawOp.toLowerCase();
  const result = (status: 'OK' | 'FAILED', message: string, extra: Record<string, unknown> = {}) =>
    send(
      res,
      200,
      feJson({ Status: status, Message: message, ...extra }),
      op === 'load' ? { Connection: 'close' } : {},
    );
  const failed = (msg: string) => result('FAILED', feException(msg));
  const db = header(req.headers, 'db') ?? '';
  const label = header(req.headers, 'label') ?? '';
  if (db.trim() === '') return failed('No database selected.');
  if (label.trim() === '') return failed('Empty label.');
  if (!OPS.has(op)) return failed(`Unknown transaction operation: ${rawOp}`);
  const redirect = () => {
    res.writeHead(307, {
      Location: beLocation(ctx, req),
      'Content-Length': 0,
      ...(op === 'load' ? { Connection: 'close' } : {}),
    });
    res.end();
  };
  if (op === 'begin') return redirect();
  const rec = ctx.txns.byLabel(db, label);
  if (op === 'load' || op === 'prepare') {
    if (!ctx.store.databases.has(db))
      return failed(`Can't find db[${db}] for label[${label}]. The db may be dropped.`);
    if (!rec) {
      return failed(
        `Can't find the transaction with db [${db}] and label[${label}]. The possible reasons: 1. FE leader is started or switched; 2. The transaction timeouts and is cleaned.`,
      );
    }
    return redirect();
  }
  if (!rec) return failed(`No transaction found with db[${db}] and label[${label}]`);
  const ids = { TxnId: rec.txnId, Label: rec.label };
  // an injected failure of an operation the FE answers itself (commit/rollback of a PREPARED or finished txn)
  if (rec.state !== 'PREPARE') {
    const failure = ctx.faults.takeFailure('transaction', op);
    if (failure) return failed(failure.message);
  }
  switch (rec.state) {
    case 'PREPARE':
      return redirect();
    case 'PREPARED':
      if (op === 'commit') {
        const schema = [...ctx.store.tables.values()].find((t) => t.id === rec.tableId);
        await ctx.txns.commit(rec, schema, ctx.faults.takePublishTimeout() ?? 0);
        return result('OK', '', ids);
      }
      await ctx.txns.abort(rec, 'User Aborted');
      return result('OK', '', ids);
    case 'COMMITTED':
    case 'VISIBLE':
      if (op === 'commit')
        return result('OK', `Transaction ${rec.txnId} has already committed, label is ${label}`, ids);
      return failed(`Can not abort ${rec.state} transaction ${rec.txnId}, label is ${label}`);
    case 'ABORTED':
      if (op === 'rollback')
        return result('OK', `Transaction ${rec.txnId} has already aborted, label is ${label}`, ids);
      return failed(`Can not commit ABORTED transaction ${rec.txnId}, label is ${label}`);
  }
}
