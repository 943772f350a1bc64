import { type Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { type Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { AbortedError, NetworkError, TimeoutError } from '../errors.js';

/** A request body that can be sent again: bytes, text, or a factory that re-creates a stream. */
export type ReplayableBody = Buffer | Uint8Array | string | (() => Readable);

export interface HttpRequestOptions {
  readonly url: URL;
  readonly method: 'GET' | 'PUT' | 'POST';
  readonly headers: Record<string, string>;
  readonly body?: ReplayableBody;
  /** Byte length of a stream body, when known (otherwise chunked). */
  readonly contentLength?: number;
  /** Send `Expect: 100-continue` and hold the body until `100 Continue` (or a final reply). */
  readonly expectContinue: boolean;
  readonly connectTimeoutMs: number;
  readonly socketTimeoutMs: number;
  readonly waitForContinueTimeoutMs: number;
  readonly signal?: AbortSignal;
  readonly agent?: HttpAgent | HttpsAgent;
  /** Maximum reply body kept (larger replies are truncated). */
  readonly maxReplyBytes?: number;
}

export interface HttpReply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** Whether the request body was sent (false when the server answered before `100 Continue`). */
  readonly bodySent: boolean;
}

const NON_ASCII = /[^\x00-\x7f]/;

/** Shows a URL without credentials or query (for messages and logs). */
export function safeUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/**
 * One HTTP exchange on node:http(s): connect timeout, socket inactivity timeout, the
 * `Expect: 100-continue` handshake (the body is sent only after `100 Continue`; a final reply that
 * arrives first — a 307 or an error — is returned without sending it), AbortSignal support.
 * Never follows redirects. Every failure is a NetworkError, TimeoutError or AbortedError.
 */
export function sendHttp(o: HttpRequestOptions): Promise<HttpReply> {
  return new Promise<HttpReply>((resolve, reject) => {
    if (o.signal?.aborted) {
      reject(new AbortedError('the operation was aborted before it started', o.signal.reason));
      return;
    }
    const where = safeUrl(o.url);
    const headers: Record<string, string | number> = {};
    // non-ASCII values go as their UTF-8 bytes (what curl sends, and what StarRocks decodes):
    // node:http writes header text as latin1, one byte per character
    let nonAscii = false;
    for (const [k, v] of Object.entries(o.headers)) {
      if (NON_ASCII.test(v)) {
        nonAscii = true;
        headers[k] = Buffer.from(v, 'utf8').toString('latin1');
      } else headers[k] = v;
    }
    let body: Buffer | (() => Readable) | undefined;
    if (o.body !== undefined) {
      if (typeof o.body === 'function') {
        body = o.body;
        if (o.contentLength !== undefined) headers['Content-Length'] = o.contentLength;
        else headers['Transfer-Encoding'] = 'chunked';
      } else {
        body =
          typeof o.body === 'string'
            ? Buffer.from(o.body)
            : Buffer.isBuffer(o.body)
              ? o.body
              : Buffer.from(o.body);
        headers['Content-Length'] = body.length;
      }
    } else if (o.method !== 'GET') headers['Content-Length'] = 0;
    if (o.expectContinue && body !== undefined) headers.Expect = '100-continue';

    const send = o.url.protocol === 'https:' ? httpsRequest : httpRequest;
    let settled = false;
    let bodySent = false;
    let continueTimer: NodeJS.Timeout | undefined;
    let connectTimer: NodeJS.Timeout | undefined;
    let stream: Readable | undefined;
    const finish = (err: Error | null, reply?: HttpReply) => {
      if (settled) return;
      settled = true;
      clearTimeout(continueTimer);
      clearTimeout(connectTimer);
      o.signal?.removeEventListener('abort', onAbort);
      if (err) {
        req.destroy();
        stream?.destroy(); // a file stream would keep its descriptor open
        reject(err);
      } else resolve(reply!);
    };
    const onAbort = () => finish(new AbortedError('the operation was aborted', o.signal?.reason));

    const req = send(o.url, { method: o.method, headers, agent: o.agent });
    if (nonAscii && headers.Expect !== undefined) {
      // with `Expect`, node:http queues the header block at once without an encoding, so it would
      // be written as UTF-8 (every byte above 0x7f doubled): queue it as latin1 instead
      const queued = (req as unknown as { outputData?: { data: unknown; encoding?: string }[] }).outputData;
      for (const e of queued ?? [])
        if (typeof e.data === 'string' && e.encoding === undefined) e.encoding = 'latin1';
    }
    o.signal?.addEventListener('abort', onAbort, { once: true });

    const writeBody = () => {
      if (bodySent || settled) return;
      bodySent = true;
      clearTimeout(continueTimer);
      if (body === undefined) req.end();
      else if (typeof body === 'function') {
        stream = body();
        stream.on('error', (e) =>
          finish(new NetworkError(`reading the request body failed: ${e.message}`, where, e)),
        );
        stream.pipe(req);
      } else req.end(body);
    };

    req.on('socket', (socket) => {
      const connecting = (socket as TLSSocket).connecting;
      if (connecting) {
        connectTimer = setTimeout(
          () =>
            finish(
              new TimeoutError(
                `connecting to ${where} timed out after ${o.connectTimeoutMs} ms`,
                o.connectTimeoutMs,
              ),
            ),
          o.connectTimeoutMs,
        );
        socket.once('connect', () => clearTimeout(connectTimer));
      }
    });
    req.setTimeout(o.socketTimeoutMs, () =>
      finish(
        new TimeoutError(
          `no data from ${where} for ${o.socketTimeoutMs} ms (socket timeout)`,
          o.socketTimeoutMs,
        ),
      ),
    );
    req.on('continue', writeBody);
    req.on('response', (res) => {
      if (!bodySent) {
        // a final answer before 100 Continue: the body is never sent on this connection
        bodySent = false;
        clearTimeout(continueTimer);
        req.shouldKeepAlive = false;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      const max = o.maxReplyBytes ?? 4 * 1024 * 1024;
      res.on('data', (c: Buffer) => {
        if (size < max) chunks.push(c);
        size += c.length;
      });
      res.on('end', () =>
        finish(null, {
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          bodySent,
        }),
      );
      res.on('error', (e) =>
        finish(new NetworkError(`reading the reply from ${where} failed: ${e.message}`, where, e)),
      );
      if (!bodySent && body !== undefined) {
        // do not leave a half-sent request behind: end it without a body; the server closes the connection
        req.end();
      }
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (settled) return;
      finish(
        new NetworkError(
          `request to ${where} failed: ${e.code ?? ''} ${e.message}`.replace('  ', ' '),
          where,
          e,
        ),
      );
    });
    if (o.expectContinue && body !== undefined) {
      req.flushHeaders();
      continueTimer = setTimeout(writeBody, o.waitForContinueTimeoutMs);
    } else writeBody();
  });
}
