import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AbortedError,
  AuthError,
  ClosedError,
  HttpStatusError,
  LabelExistsError,
  NetworkError,
  ProtocolError,
  StarRocksError,
  StreamLoadError,
  TimeoutError,
  TransactionError,
} from '../errors.js';
import { fetchErrorLog } from '../internal/error-log.js';
import { FePool } from '../internal/fe-pool.js';
import { type HttpReply, type ReplayableBody, safeUrl, sendHttp } from '../internal/http-request.js';
import { Reply } from '../internal/reply.js';
import { validateLabel } from '../label-generator.js';
import {
  type ResolvedClientOptions,
  resolveClientOptions,
  resolveProperties,
  type StreamLoadClientOptions,
} from '../options.js';
import { withRetry } from '../retry-policy.js';
import type { LabelState, LoadResult, StreamLoadProperties, TransactionReply } from '../types.js';

export type { ReplayableBody };

/** One Stream Load request. */
export interface LoadRequest {
  readonly database: string;
  readonly table: string;
  /** The idempotency key; generated (UUID) when omitted. Retries always reuse it. */
  readonly label?: string;
  /** Bytes, text, or a factory that re-creates a stream (a body must be replayable for redirects and retries). */
  readonly body: ReplayableBody;
  /** Byte length of a stream body, when known. */
  readonly contentLength?: number;
  /** Load properties for this request, over the client's defaults. */
  readonly properties?: StreamLoadProperties;
  readonly signal?: AbortSignal;
}

/** Identifies a transaction (Transaction Stream Load, spec §4). */
export interface TransactionRequest {
  readonly database: string;
  /** Required for begin and load; optional for prepare, commit and rollback. */
  readonly table?: string;
  readonly label: string;
  readonly signal?: AbortSignal;
}

export interface BeginTransactionRequest extends TransactionRequest {
  readonly table: string;
  /** Transaction `timeout`, seconds. */
  readonly timeoutSec?: number;
  /** `idle_transaction_timeout`, seconds. */
  readonly idleTimeoutSec?: number;
}

export interface TransactionLoadRequest extends TransactionRequest {
  readonly table: string;
  readonly body: ReplayableBody;
  readonly contentLength?: number;
  /** Every load of one transaction must use the same properties. */
  readonly properties?: StreamLoadProperties;
}

export interface PrepareTransactionRequest extends TransactionRequest {
  /** `prepared_timeout`, seconds (StarRocks ≥ 3.5.4). */
  readonly preparedTimeoutSec?: number;
}

export interface CommitTransactionRequest extends TransactionRequest {
  /** How long the FE waits for publish when it commits a PREPARED transaction (header `timeout`), seconds. */
  readonly publishTimeoutSec?: number;
}

/** What `get_load_state` says about a label. */
export interface LabelStateResult {
  readonly state: LabelState;
  readonly reason: string | null;
}

/** The protocol client: Stream Load, Transaction Stream Load and label state. */
export interface StreamLoadClient {
  /** A single Stream Load (auto-commit); resolves when the data is committed. */
  load(request: LoadRequest): Promise<LoadResult>;
  beginTransaction(request: BeginTransactionRequest): Promise<TransactionReply>;
  /** Sends one chunk into an open transaction (`PUT /api/transaction/load`). */
  transactionLoad(request: TransactionLoadRequest): Promise<TransactionReply>;
  prepareTransaction(request: PrepareTransactionRequest): Promise<TransactionReply>;
  /** Commits; already committed is success, an aborted transaction is a TransactionError. */
  commitTransaction(request: CommitTransactionRequest): Promise<TransactionReply>;
  /** Rolls back; already aborted (or unknown) is success, a committed transaction is a TransactionError. */
  rollbackTransaction(request: TransactionRequest): Promise<TransactionReply>;
  /**
   * Aborts a label's transaction (open or PREPARED) through the FE's cancel API
   * (`POST /api/{db}/{table}/_cancel?label=`): the fallback when `rollbackTransaction` fails.
   */
  cancelTransaction(request: TransactionRequest & { readonly table: string }): Promise<TransactionReply>;
  labelState(request: { database: string; label: string; signal?: AbortSignal }): Promise<LabelStateResult>;
  /** Polls the label until it is final (VISIBLE, COMMITTED, ABORTED, UNKNOWN) or `timeoutMs` passes. */
  waitForLabel(request: {
    database: string;
    label: string;
    timeoutMs?: number;
    signal?: AbortSignal;
  }): Promise<LabelStateResult>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** `Fail` messages worth retrying with the same label (transient server conditions). */
const RETRIABLE_FAIL = [
  /too many versions/i,
  /current running txns on db/i,
  /shutting down/i,
  /exceed http cuncurrent limit/i,
  /no backend alive/i,
  /transaction status unknown/i,
  /(?<!invalid )timeout/i, // not `Invalid timeout …`, a bad header that fails every time
  /txn_in_processing|in processing/i,
];
const ACCESS_DENIED = /access denied/i;

function isFinal(state: LabelState): boolean {
  return state === 'VISIBLE' || state === 'COMMITTED' || state === 'ABORTED' || state === 'UNKNOWN';
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

/** Creates the protocol client. Options are validated here; errors name the option. */
export function createStreamLoadClient(options: StreamLoadClientOptions): StreamLoadClient {
  const o: ResolvedClientOptions = resolveClientOptions(options);
  const fePool = new FePool(o.feUrls, o.unhealthyFeMs);
  const httpAgent = new HttpAgent({ keepAlive: o.keepAlive, maxSockets: 64 });
  const httpsAgent = new HttpsAgent({ keepAlive: o.keepAlive, maxSockets: 64, ...(o.tls ?? {}) });
  const auth = `Basic ${Buffer.from(`${o.user}:${o.password}`, 'utf8').toString('base64')}`;
  let beNext = 0;
  const pinned = new Map<string, URL>();
  let closed = false;
  const log = o.logger;

  const checkOpen = () => {
    if (closed) throw new ClosedError('the StreamLoadClient is closed');
  };

  const pickBe = (): URL => {
    const u = o.beUrls[beNext % o.beUrls.length]!;
    beNext++;
    return u;
  };

  /** Sends to `url`, following redirects by hand with the same method, headers and body. */
  const exchange = async (
    url: URL,
    method: 'GET' | 'PUT' | 'POST',
    headers: Record<string, string>,
    body: ReplayableBody | undefined,
    extra: {
      contentLength?: number;
      signal?: AbortSignal;
      expectContinue: boolean;
      /** A redirect to an address that is not one of `feUrls` goes here instead (the BE a transaction is pinned to). */
      redirectBe?: URL | undefined;
    },
  ): Promise<{ reply: HttpReply; url: URL }> => {
    let target = url;
    for (let hop = 0; hop <= 3; hop++) {
      const reply = await sendHttp({
        url: target,
        method,
        headers: { ...headers, Authorization: auth },
        body,
        contentLength: extra.contentLength,
        expectContinue: extra.expectContinue,
        connectTimeoutMs: o.connectTimeoutMs,
        socketTimeoutMs: o.socketTimeoutMs,
        waitForContinueTimeoutMs: o.waitForContinueTimeoutMs,
        signal: extra.signal,
        agent: target.protocol === 'https:' ? httpsAgent : httpAgent,
      });
      if (reply.status === 307 || reply.status === 308 || reply.status === 301 || reply.status === 302) {
        const location = reply.headers.location;
        if (!location)
          throw new ProtocolError(
            `${safeUrl(target)} answered ${reply.status} without a Location`,
            reply.body,
          );
        let next = new URL(location, target);
        if (extra.redirectBe && !o.feUrls.some((fe) => fe.host === next.host)) {
          next = new URL(`${next.pathname}${next.search}`, extra.redirectBe);
        }
        log?.debug?.('following redirect', { from: safeUrl(target), to: safeUrl(next) });
        target = next;
        continue;
      }
      return { reply, url: target };
    }
    throw new HttpStatusError(`too many redirects starting at ${safeUrl(url)}`, 307, safeUrl(url), '');
  };

  /** Sends to an FE (with rotation and health memory) or, for BE-direct paths, to a BE. */
  const toFe = async (
    path: string,
    method: 'GET' | 'PUT' | 'POST',
    headers: Record<string, string>,
    body: ReplayableBody | undefined,
    extra: {
      contentLength?: number;
      signal?: AbortSignal;
      expectContinue: boolean;
      redirectBe?: URL | undefined;
    },
  ) => {
    let last: unknown;
    for (const fe of fePool.candidates()) {
      try {
        const r = await exchange(new URL(path, fe), method, headers, body, extra);
        fePool.markOk(fe);
        return r;
      } catch (err) {
        // only a failure to reach this FE moves on to the next one; a body already sent is not resent here
        const connectFailure =
          err instanceof NetworkError &&
          /ECONNREFUSED|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|ENETUNREACH/.test(
            String((err.cause as NodeJS.ErrnoException)?.code ?? err.message),
          ) &&
          err.url.startsWith(fe.origin);
        const connectTimeout =
          err instanceof TimeoutError && err.message.startsWith(`connecting to ${fe.origin}`);
        if (!connectFailure && !connectTimeout) throw err;
        fePool.markFailed(fe);
        log?.warn?.('FE unreachable, trying the next one', { fe: fe.origin, error: (err as Error).message });
        last = err;
      }
    }
    throw last;
  };

  const check401 = (reply: HttpReply, what: string) => {
    if (reply.status === 401) {
      let msg = reply.body;
      try {
        msg = Reply.parse(reply.body, what).message || reply.body;
      } catch {
        /* keep the raw body */
      }
      throw new AuthError(`${what}: authentication failed for user '${o.user}': ${msg}`, 401, msg);
    }
  };

  const expectJson = (reply: HttpReply, url: URL, what: string): Reply => {
    check401(reply, what);
    if (reply.status !== 200) {
      throw new HttpStatusError(
        `${what}: ${safeUrl(url)} answered HTTP ${reply.status}: ${reply.body.slice(0, 300)}`,
        reply.status,
        safeUrl(url),
        reply.body,
      );
    }
    return Reply.parse(reply.body, what);
  };

  const errorLog = async (url: string | null, signal?: AbortSignal) =>
    url && o.fetchErrorLog
      ? fetchErrorLog(url, {
          maxBytes: o.errorLogMaxBytes,
          redact: o.redactErrorLog,
          timeoutMs: Math.min(o.connectTimeoutMs, 10_000),
          signal,
        })
      : null;

  const labelState = async (r: {
    database: string;
    label: string;
    signal?: AbortSignal;
  }): Promise<LabelStateResult> => {
    checkOpen();
    const path = `/api/${enc(r.database)}/get_load_state?label=${enc(r.label)}`;
    const { reply, url } = await toFe(path, 'GET', { Connection: 'close' }, undefined, {
      signal: r.signal,
      expectContinue: false,
    });
    const json = expectJson(reply, url, `get_load_state of label '${r.label}'`);
    const status = json.str('status');
    const state = json.str('state');
    if (status !== null && status.toUpperCase() !== 'OK') {
      throw new TransactionError(`get_load_state of label '${r.label}' failed: ${json.message}`, 'state', {
        label: r.label,
        txnId: null,
        httpStatus: reply.status,
        status,
        serverMessage: json.message,
        errorUrl: null,
        errorLog: null,
      });
    }
    if (state === null)
      throw new ProtocolError(`get_load_state of label '${r.label}': the reply has no state`, reply.body);
    return { state: state.toUpperCase() as LabelState, reason: json.str('reason') };
  };

  const waitForLabel = async (r: {
    database: string;
    label: string;
    timeoutMs?: number;
    signal?: AbortSignal;
    /** Also stop at these states (a prepare is answered by PREPARED, which is not final). */
    alsoStopAt?: readonly string[];
  }): Promise<LabelStateResult> => {
    const limit = r.timeoutMs ?? o.labelStateTimeoutMs;
    const deadline = Date.now() + limit;
    for (let n = 0; ; n++) {
      const s = await labelState(r);
      if (isFinal(s.state) || r.alsoStopAt?.includes(s.state) || Date.now() >= deadline) return s;
      const delay = Math.min(Math.max(250, 1000 * n), 5000, Math.max(0, deadline - Date.now()));
      try {
        await sleep(delay, undefined, { signal: r.signal });
      } catch {
        throw new AbortedError(`waiting for label '${r.label}' was aborted`);
      }
    }
  };

  const loadOnce = async (
    req: LoadRequest,
    label: string,
    props: Record<string, string>,
    attempt: number,
  ): Promise<LoadResult | 'retry-label'> => {
    const path = `/api/${enc(req.database)}/${enc(req.table)}/_stream_load`;
    const headers = { ...props, label };
    const extra = { contentLength: req.contentLength, signal: req.signal, expectContinue: true };
    const { reply, url } =
      o.beUrls.length > 0
        ? await exchange(new URL(path, pickBe()), 'PUT', headers, req.body, extra)
        : await toFe(path, 'PUT', headers, req.body, extra);
    const what = `Stream Load of label '${label}' into ${req.database}.${req.table}`;
    const json = expectJson(reply, url, what);
    const status = json.status;
    if (status === null)
      throw new ProtocolError(`${what}: the reply has no Status: ${reply.body.slice(0, 300)}`, reply.body);
    const result = (extraFields: Partial<LoadResult> = {}): LoadResult => ({
      label: json.str('Label') ?? label,
      txnId: json.num('TxnId'),
      status,
      message: json.message,
      existingJobStatus: json.str('ExistingJobStatus'),
      labelState: null,
      numberTotalRows: json.num('NumberTotalRows'),
      numberLoadedRows: json.num('NumberLoadedRows'),
      numberFilteredRows: json.num('NumberFilteredRows'),
      numberUnselectedRows: json.num('NumberUnselectedRows'),
      loadBytes: json.num('LoadBytes'),
      loadTimeMs: json.num('LoadTimeMs'),
      beginTxnTimeMs: json.num('BeginTxnTimeMs'),
      streamLoadPlanTimeMs: json.num('StreamLoadPlanTimeMs'),
      readDataTimeMs: json.num('ReadDataTimeMs'),
      writeDataTimeMs: json.num('WriteDataTimeMs'),
      commitAndPublishTimeMs: json.num('CommitAndPublishTimeMs'),
      errorUrl: json.str('ErrorURL'),
      attempts: attempt,
      ...extraFields,
    });
    if (status === 'Success' || status === 'OK' || status === 'Publish Timeout') return result();
    if (status === 'Label Already Exists') {
      const existing = json.str('ExistingJobStatus');
      if (existing === 'FINISHED') return result({ labelState: 'VISIBLE' });
      const s = await waitForLabel({ database: req.database, label, signal: req.signal });
      if (s.state === 'VISIBLE' || s.state === 'COMMITTED') return result({ labelState: s.state });
      if (s.state === 'ABORTED' || s.state === 'UNKNOWN') return 'retry-label';
      throw new LabelExistsError(
        `${what}: the label is held by a transaction still ${s.state} after ${o.labelStateTimeoutMs} ms`,
        label,
        s.state,
      );
    }
    const errorUrl = json.str('ErrorURL');
    const failure = {
      label,
      txnId: json.num('TxnId') > 0 ? json.num('TxnId') : null,
      httpStatus: reply.status,
      status,
      serverMessage: json.message,
      errorUrl,
      errorLog: await errorLog(errorUrl, req.signal),
    };
    if (ACCESS_DENIED.test(json.message))
      throw new AuthError(`${what}: ${json.message}`, reply.status, json.message);
    const retriable = RETRIABLE_FAIL.some((re) => re.test(json.message));
    const log = failure.errorLog ? `\nerror log (first lines):\n${failure.errorLog}` : '';
    throw new StreamLoadError(`${what} failed: ${status}: ${json.message}${log}`, failure, retriable);
  };

  const load = async (req: LoadRequest): Promise<LoadResult> => {
    checkOpen();
    if (!req || typeof req.database !== 'string' || req.database === '')
      throw new TypeError('`database` is required');
    if (typeof req.table !== 'string' || req.table === '') throw new TypeError('`table` is required');
    const label = req.label ?? crypto.randomUUID();
    validateLabel(label, 'label');
    const props = { timeout: '600', ...o.properties, ...resolveProperties(req.properties, 'properties') };
    return withRetry(
      o.retry,
      async (attempt) => {
        for (let labelRetries = 0; ; labelRetries++) {
          const r = await loadOnce(req, label, props, attempt);
          if (r !== 'retry-label') return r;
          // the label's earlier transaction was aborted: the same label may be loaded again
          if (labelRetries >= o.retry.retries) {
            throw new LabelExistsError(`label '${label}' stays in use by aborted attempts`, label, 'ABORTED');
          }
        }
      },
      {
        signal: req.signal,
        what: `Stream Load of label '${label}'`,
        onRetry: (err, attempt, delayMs) =>
          log?.warn?.('retrying Stream Load', { label, attempt, delayMs, error: (err as Error).message }),
      },
    );
  };

  // ---- transactions ----
  const txnFailure = (
    label: string,
    json: Reply | null,
    httpStatus: number,
    errorUrl: string | null = null,
    errorLogText: string | null = null,
  ) => ({
    label,
    txnId: json && json.num('TxnId') > 0 ? json.num('TxnId') : null,
    httpStatus,
    status: json?.status ?? '',
    serverMessage: json?.message ?? '',
    errorUrl,
    errorLog: errorLogText,
  });

  const txnReply = (label: string, json: Reply): TransactionReply => ({
    label: json.str('Label') ?? label,
    txnId: json.num('TxnId') > 0 ? json.num('TxnId') : null,
    status: json.status ?? '',
    message: json.message,
    raw: json.raw,
  });

  const txnHeaders = (r: TransactionRequest): Record<string, string> => {
    const h: Record<string, string> = { label: r.label, db: r.database };
    if (r.table) h.table = r.table;
    return h;
  };

  /** Sends a transaction operation; begin goes through the FE (or a BE), load/prepare to the pinned BE. */
  const txnSend = async (
    op: 'begin' | 'load' | 'prepare' | 'commit' | 'rollback',
    r: TransactionRequest,
    headers: Record<string, string>,
    body?: ReplayableBody,
    contentLength?: number,
  ) => {
    const path = `/api/transaction/${op}`;
    const method = op === 'load' ? 'PUT' : 'POST';
    const extra = { contentLength, signal: r.signal, expectContinue: op === 'load' };
    const key = `${r.database}\u0000${r.label}`;
    const pin = pinned.get(key);
    if ((op === 'load' || op === 'prepare') && pin)
      return exchange(new URL(path, pin), method, headers, body, extra);
    if (op === 'begin' && o.beUrls.length > 0) {
      const be = pickBe();
      const res = await exchange(new URL(path, be), method, headers, body, extra);
      pinned.set(key, be);
      return res;
    }
    // with beUrls, the BE the FE redirects a commit/rollback to is unreachable: use the pinned one
    const redirectBe = o.beUrls.length > 0 && (op === 'commit' || op === 'rollback') ? pin : undefined;
    const res = await toFe(path, method, headers, body, { ...extra, redirectBe });
    if (op === 'begin' || ((op === 'load' || op === 'prepare') && !pin))
      pinned.set(key, new URL(res.url.origin));
    return res;
  };

  const retryTxn = <T>(what: string, r: TransactionRequest, fn: (attempt: number) => Promise<T>) =>
    withRetry(o.retry, fn, {
      signal: r.signal,
      what,
      onRetry: (err, attempt, delayMs) =>
        log?.warn?.(`retrying ${what}`, { label: r.label, attempt, delayMs, error: (err as Error).message }),
    });

  const inProcessing = (what: string, label: string, json: Reply, httpStatus: number) =>
    new TransactionError(
      `${what}: the transaction is busy (TXN_IN_PROCESSING)`,
      'load',
      txnFailure(label, json, httpStatus),
      true,
    );

  const beginTransaction = async (r: BeginTransactionRequest): Promise<TransactionReply> => {
    checkOpen();
    validateLabel(r.label, 'label');
    const what = `begin of transaction '${r.label}'`;
    const headers: Record<string, string> = {
      ...txnHeaders(r),
      timeout: String(r.timeoutSec ?? Number(o.properties.timeout ?? 600)),
    };
    if (r.idleTimeoutSec !== undefined) headers.idle_transaction_timeout = String(r.idleTimeoutSec);
    // whether an earlier attempt of this same begin may have opened the transaction unseen (its
    // reply was lost); only then is an open transaction under the label taken as ours
    let outcomeUnknown = false;
    return retryTxn(what, r, async () => {
      const unknownBefore = outcomeUnknown;
      let sent: Awaited<ReturnType<typeof txnSend>>;
      try {
        sent = await txnSend('begin', r, headers);
      } catch (err) {
        if (err instanceof NetworkError || err instanceof TimeoutError) outcomeUnknown = true;
        throw err;
      }
      const { reply, url } = sent;
      const json = expectJson(reply, url, what);
      const status = json.status?.toUpperCase() ?? null;
      if (status === 'OK') return txnReply(r.label, json);
      if (status === 'TXN_IN_PROCESSING') throw inProcessing(what, r.label, json, reply.status);
      if (status === 'LABEL_ALREADY_EXISTS') {
        const existing = json.str('ExistingJobStatus') ?? '';
        // our own earlier begin whose reply was lost: the BE still holds the open transaction
        if (existing === '' && unknownBefore) return txnReply(r.label, json);
        throw new TransactionError(
          `${what}: label already used${existing ? ` (ExistingJobStatus ${existing})` : ' (a transaction with this label is open)'}: ${json.message}`,
          'begin',
          txnFailure(r.label, json, reply.status),
        );
      }
      if (ACCESS_DENIED.test(json.message))
        throw new AuthError(`${what}: ${json.message}`, reply.status, json.message);
      throw new TransactionError(
        `${what} failed: ${json.status}: ${json.message}`,
        'begin',
        txnFailure(r.label, json, reply.status),
        RETRIABLE_FAIL.some((re) => re.test(json.message)),
      );
    });
  };

  const transactionLoad = async (r: TransactionLoadRequest): Promise<TransactionReply> => {
    checkOpen();
    const what = `load into transaction '${r.label}'`;
    const headers = {
      timeout: '600',
      ...o.properties,
      ...resolveProperties(r.properties, 'properties'),
      ...txnHeaders(r),
    };
    return retryTxn(what, r, async () => {
      let res: Awaited<ReturnType<typeof txnSend>>;
      try {
        res = await txnSend('load', r, headers, r.body, r.contentLength);
      } catch (err) {
        // a broken load leaves the transaction aborted on the BE: retrying this chunk cannot help
        if (err instanceof StarRocksError && (err.code === 'SR_NETWORK' || err.code === 'SR_TIMEOUT')) {
          throw new TransactionError(
            `${what} failed: ${err.message}; the transaction is lost, begin it again`,
            'load',
            txnFailure(r.label, null, 0),
            false,
          );
        }
        throw err;
      }
      const json = expectJson(res.reply, res.url, what);
      const status = json.status?.toUpperCase() ?? '';
      if (status === 'OK') return txnReply(r.label, json);
      if (status === 'TXN_IN_PROCESSING') throw inProcessing(what, r.label, json, res.reply.status);
      const url = json.str('ErrorURL');
      throw new TransactionError(
        `${what} failed: ${json.status}: ${json.message}`,
        'load',
        txnFailure(r.label, json, res.reply.status, url, await errorLog(url, r.signal)),
      );
    });
  };

  const prepareTransaction = async (r: PrepareTransactionRequest): Promise<TransactionReply> => {
    checkOpen();
    const what = `prepare of transaction '${r.label}'`;
    const headers = txnHeaders(r);
    if (r.preparedTimeoutSec !== undefined) headers.prepared_timeout = String(r.preparedTimeoutSec);
    return retryTxn(what, r, async () => {
      const { reply, url } = await txnSend('prepare', r, headers);
      const json = expectJson(reply, url, what);
      const status = json.status?.toUpperCase() ?? '';
      if (status === 'OK') {
        // the FE commits or rolls back a PREPARED transaction itself (spec §4): no BE pin from here on
        pinned.delete(`${r.database}\u0000${r.label}`);
        return txnReply(r.label, json);
      }
      if (status === 'TXN_IN_PROCESSING') throw inProcessing(what, r.label, json, reply.status);
      if (status === 'TXN_NOT_EXISTS' || status === 'FAILED') {
        // an earlier prepare may have succeeded with its reply lost
        const s = await waitForLabel({
          database: r.database,
          label: r.label,
          signal: r.signal,
          alsoStopAt: ['PREPARED'],
        });
        if (s.state === 'PREPARED')
          return { label: r.label, txnId: null, status: 'OK', message: 'already prepared', raw: json.raw };
      }
      const errUrl = json.str('ErrorURL');
      throw new TransactionError(
        `${what} failed: ${json.status}: ${json.message}`,
        'prepare',
        txnFailure(r.label, json, reply.status, errUrl, await errorLog(errUrl, r.signal)),
      );
    });
  };

  const commitTransaction = async (r: CommitTransactionRequest): Promise<TransactionReply> => {
    checkOpen();
    const what = `commit of transaction '${r.label}'`;
    const headers = txnHeaders(r);
    if (r.publishTimeoutSec !== undefined) headers.timeout = String(r.publishTimeoutSec);
    return retryTxn(what, r, async () => {
      let json: Reply | null = null;
      let httpStatus = 0;
      try {
        const { reply, url } = await txnSend('commit', r, headers);
        httpStatus = reply.status;
        json = expectJson(reply, url, what);
        const status = json.status?.toUpperCase() ?? '';
        if (status === 'OK') {
          pinned.delete(`${r.database}\u0000${r.label}`);
          return txnReply(r.label, json);
        }
        if (status === 'TXN_IN_PROCESSING') throw inProcessing(what, r.label, json, reply.status);
      } catch (err) {
        if (!(err instanceof NetworkError || err instanceof TimeoutError)) throw err;
      }
      // not OK, or the reply was lost: the label state decides
      const s = await waitForLabel({ database: r.database, label: r.label, signal: r.signal });
      if (s.state === 'VISIBLE' || s.state === 'COMMITTED') {
        pinned.delete(`${r.database}\u0000${r.label}`);
        return {
          label: r.label,
          txnId: json && json.num('TxnId') > 0 ? json.num('TxnId') : null,
          status: 'OK',
          message: `label is ${s.state}`,
          raw: json?.raw ?? {},
        };
      }
      if (s.state === 'PREPARED' || s.state === 'PREPARE') {
        throw new TransactionError(
          `${what} did not complete (label is ${s.state}): ${json?.message ?? 'no reply'}`,
          'commit',
          txnFailure(r.label, json, httpStatus),
          true,
        );
      }
      throw new TransactionError(
        `${what} failed: the transaction is ${s.state}${s.reason ? ` (${s.reason})` : ''}${json ? `: ${json.message}` : ''}`,
        'commit',
        txnFailure(r.label, json, httpStatus),
      );
    });
  };

  const rollbackTransaction = async (r: TransactionRequest): Promise<TransactionReply> => {
    checkOpen();
    const what = `rollback of transaction '${r.label}'`;
    return retryTxn(what, r, async () => {
      const { reply, url } = await txnSend('rollback', r, txnHeaders(r));
      const json = expectJson(reply, url, what);
      const status = json.status?.toUpperCase() ?? '';
      if (status === 'OK' || status === 'SUCCESS') {
        pinned.delete(`${r.database}\u0000${r.label}`);
        return txnReply(r.label, json);
      }
      if (status === 'TXN_IN_PROCESSING') throw inProcessing(what, r.label, json, reply.status);
      if (
        status === 'TXN_NOT_EXISTS' ||
        (status === 'FAILED' && /no transaction found/i.test(json.message))
      ) {
        const s = await labelState(r);
        if (s.state === 'ABORTED' || s.state === 'UNKNOWN') {
          pinned.delete(`${r.database}\u0000${r.label}`);
          return { label: r.label, txnId: null, status: 'OK', message: `label is ${s.state}`, raw: json.raw };
        }
      }
      throw new TransactionError(
        `${what} failed: ${json.status}: ${json.message}`,
        'rollback',
        txnFailure(r.label, json, reply.status),
      );
    });
  };

  const cancelTransaction = async (
    r: TransactionRequest & { readonly table: string },
  ): Promise<TransactionReply> => {
    checkOpen();
    const what = `cancel of transaction '${r.label}'`;
    const path = `/api/${enc(r.database)}/${enc(r.table)}/_cancel?label=${enc(r.label)}`;
    return retryTxn(what, r, async () => {
      const { reply, url } = await toFe(path, 'POST', {}, undefined, {
        signal: r.signal,
        expectContinue: false,
      });
      const json = expectJson(reply, url, what);
      const status = json.status?.toUpperCase() ?? '';
      if (status === 'OK' || status === 'SUCCESS') {
        pinned.delete(`${r.database}\u0000${r.label}`);
        return txnReply(r.label, json);
      }
      throw new TransactionError(
        `${what} failed: ${json.message}`,
        'rollback',
        txnFailure(r.label, json, reply.status),
      );
    });
  };

  const close = async () => {
    closed = true;
    httpAgent.destroy();
    httpsAgent.destroy();
  };

  return {
    load,
    beginTransaction,
    transactionLoad,
    prepareTransaction,
    commitTransaction,
    rollbackTransaction,
    cancelTransaction,
    labelState,
    waitForLabel,
    close,
    [Symbol.asyncDispose]: close,
  };
}
