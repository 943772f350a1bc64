import type { ServerResponse } from 'node:http';
import type { TxnCounters } from '../txn/txn-record.js';

/** rapidjson PrettyWriter style (4 spaces), as the BE writes. */
export function beJson(body: object): string {
  return JSON.stringify(body, null, 4);
}

/** Gson pretty style (2 spaces), as the FE's TransactionResult is written. */
export function feJson(body: object): string {
  return JSON.stringify(body, null, 2);
}

function reply(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string>,
): void {
  if (res.headersSent || res.destroyed) return;
  const buf = Buffer.from(body);
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': buf.length, ...headers });
  res.end(buf);
}

/** Sends a JSON body. */
export function send(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  reply(res, status, 'application/json; charset=utf-8', body, headers);
}

/** Sends a plain-text body. */
export function sendText(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  reply(res, status, 'text/plain; charset=utf-8', body, headers);
}

/** Timings of a Stream Load reply. */
export interface LoadTimings {
  loadTimeMs: number;
  beginTxnTimeMs: number;
  planTimeMs: number;
  readDataTimeMs: number;
  writeDataTimeMs: number;
  commitAndPublishTimeMs: number;
}

export const ZERO_TIMINGS: LoadTimings = {
  loadTimeMs: 0,
  beginTxnTimeMs: 0,
  planTimeMs: 0,
  readDataTimeMs: 0,
  writeDataTimeMs: 0,
  commitAndPublishTimeMs: 0,
};

/** The Stream Load reply with the keys in the order of spec §2.5. */
export function streamLoadReply(r: {
  txnId: number;
  label: string;
  status: 'Success' | 'Publish Timeout' | 'Label Already Exists' | 'Fail' | string;
  existingJobStatus?: string;
  message: string;
  counters: TxnCounters;
  timings: LoadTimings;
  errorUrl?: string | null;
}): string {
  const body: Record<string, unknown> = { TxnId: r.txnId, Label: r.label, Status: r.status };
  if (r.status === 'Label Already Exists') body.ExistingJobStatus = r.existingJobStatus ?? '';
  Object.assign(body, {
    Message: r.message,
    NumberTotalRows: r.counters.total,
    NumberLoadedRows: r.counters.loaded,
    NumberFilteredRows: r.counters.filtered,
    NumberUnselectedRows: r.counters.unselected,
    LoadBytes: r.counters.loadBytes,
    LoadTimeMs: r.timings.loadTimeMs,
    BeginTxnTimeMs: r.timings.beginTxnTimeMs,
    StreamLoadPlanTimeMs: r.timings.planTimeMs,
    ReadDataTimeMs: r.timings.readDataTimeMs,
    WriteDataTimeMs: r.timings.writeDataTimeMs,
    CommitAndPublishTimeMs: r.timings.commitAndPublishTimeMs,
  });
  if (r.errorUrl) body.ErrorURL = r.errorUrl;
  return beJson(body);
}

/** A BE transaction reply (`to_resp_json`, spec §4.5): status, optional keys, message, extras. */
export function txnBeReply(
  status: string,
  message: string,
  extras: Record<string, unknown> = {},
  opts: { existingJobStatus?: string; label?: string; errorUrl?: string | null } = {},
): string {
  const body: Record<string, unknown> = { Status: status };
  if (status === 'LABEL_ALREADY_EXISTS') body.ExistingJobStatus = opts.existingJobStatus ?? '';
  if (status === 'TXN_IN_PROCESSING') body.Label = opts.label ?? '';
  body.Message = message;
  if (status === 'OK') Object.assign(body, extras);
  if (opts.errorUrl) body.ErrorURL = opts.errorUrl;
  return beJson(body);
}

/** The FE's `RestBaseResult` envelope (spec §1.3), compact as Gson writes it. */
export function restResult(ok: boolean, message: string, fields: Record<string, unknown> = {}): string {
  return JSON.stringify({
    ...fields,
    status: ok ? 'OK' : 'FAILED',
    code: ok ? '0' : '1',
    msg: ok ? 'Success' : message,
    message: ok ? 'OK' : message,
  });
}

/** Exception text as the FE renders it in `TransactionResult.Message`. */
export function feException(message: string, cls = 'com.starrocks.common.StarRocksException'): string {
  return `class ${cls}: ${message}`;
}
