/**
 * Shared helpers of the conformance suite. Everything talks to the emulator the way a client
 * would: raw `node:http`/`node:https`/`node:net` for the HTTP APIs, mysql2 for the query port.
 * The expectations live in the test files and come from docs/starrocks-protocol.md.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { expect } from 'vitest';
import type { Emulator } from '../../src/index.js';

export type Headers = Record<string, string>;
export type Json = Record<string, unknown>;

export interface HttpReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface SendOptions {
  method?: string;
  headers?: Headers;
  body?: string | Buffer;
}

function hasHeader(h: Headers, name: string): boolean {
  return Object.keys(h).some((k) => k.toLowerCase() === name);
}

function headerValue(h: Headers, name: string): string | undefined {
  const k = Object.keys(h).find((x) => x.toLowerCase() === name);
  return k === undefined ? undefined : h[k];
}

/**
 * Sends one HTTP request (no redirect following, no connection reuse). With
 * `Expect: 100-continue` the body is only written after the server's `100 Continue`; if a final
 * response comes first the body is never sent, as curl does.
 */
export function send(url: string, opts: SendOptions = {}): Promise<HttpReply> {
  const u = new URL(url);
  const headers: Headers = { ...(opts.headers ?? {}) };
  const body =
    opts.body === undefined ? undefined : Buffer.isBuffer(opts.body) ? opts.body : Buffer.from(opts.body);
  if (body !== undefined && !hasHeader(headers, 'content-length') && !hasHeader(headers, 'transfer-encoding'))
    headers['Content-Length'] = String(body.length);
  const expectContinue = headerValue(headers, 'expect')?.toLowerCase() === '100-continue';
  const fn = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    let bodySent = false;
    const req = fn(
      u,
      { method: opts.method ?? 'GET', headers, agent: false, rejectUnauthorized: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          });
          if (!bodySent) req.destroy();
        });
      },
    );
    req.on('error', reject);
    const writeBody = () => {
      if (bodySent) return;
      bodySent = true;
      req.end(body);
    };
    if (expectContinue && body !== undefined && body.length > 0) {
      req.on('continue', writeBody);
      req.flushHeaders();
    } else writeBody();
  });
}

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

export const ROOT_AUTH = basic('root', '');

export interface LoadReply extends HttpReply {
  json: Json;
  /** The FE's 307 reply. */
  fe: HttpReply;
  /** Where the FE redirected to. */
  location: string;
}

export interface LoadOptions {
  user?: string;
  password?: string;
  /** Query string appended to the path, including the `?`. */
  query?: string;
}

/**
 * A Stream Load as a careful client does it: PUT to the FE with `Expect: 100-continue` and Basic
 * auth, check the 307, then PUT the same headers and body to the `Location`.
 */
export async function streamLoad(
  emu: Emulator,
  db: string,
  table: string,
  headers: Headers,
  body: string | Buffer,
  opts: LoadOptions = {},
): Promise<LoadReply> {
  const all: Headers = {
    Expect: '100-continue',
    Authorization: basic(opts.user ?? 'root', opts.password ?? ''),
    ...headers,
  };
  const path = `/api/${encodeURIComponent(db)}/${encodeURIComponent(table)}/_stream_load${opts.query ?? ''}`;
  const fe = await send(emu.feHttpUrl + path, { method: 'PUT', headers: all, body });
  expect(fe.status, `FE reply: ${fe.body}`).toBe(307);
  const location = String(fe.headers.location);
  const be = await send(location, { method: 'PUT', headers: all, body });
  expect(be.status, be.body).toBe(200);
  return { ...be, json: parseJson(be.body), fe, location };
}

/** A Stream Load sent straight to the BE (no FE hop). */
export async function beLoad(
  emu: Emulator,
  db: string,
  table: string,
  headers: Headers,
  body: string | Buffer,
  auth: string | null = ROOT_AUTH,
): Promise<HttpReply & { json: Json }> {
  const all: Headers = { Expect: '100-continue', ...headers };
  if (auth !== null) all.Authorization = auth;
  const r = await send(`${emu.beHttpUrl}/api/${db}/${table}/_stream_load`, {
    method: 'PUT',
    headers: all,
    body,
  });
  return { ...r, json: parseJson(r.body) };
}

export function parseJson(text: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch {
    throw new Error(`not JSON: ${JSON.stringify(text)}`);
  }
}

/** Spec §2.5: the BE Stream Load reply keys, in order. */
export function loadKeys(opts: { existing?: boolean; errorUrl?: boolean } = {}): string[] {
  return [
    'TxnId',
    'Label',
    'Status',
    ...(opts.existing ? ['ExistingJobStatus'] : []),
    'Message',
    'NumberTotalRows',
    'NumberLoadedRows',
    'NumberFilteredRows',
    'NumberUnselectedRows',
    'LoadBytes',
    'LoadTimeMs',
    'BeginTxnTimeMs',
    'StreamLoadPlanTimeMs',
    'ReadDataTimeMs',
    'WriteDataTimeMs',
    'CommitAndPublishTimeMs',
    ...(opts.errorUrl ? ['ErrorURL'] : []),
  ];
}

export interface TxnReply {
  /** The first reply (from the FE). */
  fe: HttpReply;
  /** True when the FE answered 307 and the request was repeated at the Location. */
  redirected: boolean;
  location: string | undefined;
  /** The reply that ends the exchange (the BE's after a 307, otherwise the FE's). */
  final: HttpReply;
  json: Json;
}

/**
 * One transaction operation sent to the FE (`/api/transaction/<op>`); a 307 is followed by hand
 * with the same method, headers and body. `load` uses PUT (the BE accepts only PUT), the rest POST.
 */
export async function feTxn(
  emu: Emulator,
  op: string,
  headers: Headers,
  body?: string | Buffer,
  method?: string,
): Promise<TxnReply> {
  const m = method ?? (op.toLowerCase() === 'load' ? 'PUT' : 'POST');
  const all: Headers = { Authorization: ROOT_AUTH, Expect: '100-continue', ...headers };
  const fe = await send(`${emu.feHttpUrl}/api/transaction/${op}`, { method: m, headers: all, body });
  if (fe.status === 307) {
    const location = String(fe.headers.location);
    const final = await send(location, { method: m, headers: all, body });
    return { fe, redirected: true, location, final, json: parseJson(final.body) };
  }
  return { fe, redirected: false, location: undefined, final: fe, json: parseJson(fe.body) };
}

/** One transaction operation sent straight to the BE. */
export async function beTxn(
  emu: Emulator,
  op: string,
  headers: Headers,
  body?: string | Buffer,
  method?: string,
): Promise<HttpReply & { json: Json }> {
  const m = method ?? (op.toLowerCase() === 'load' ? 'PUT' : 'POST');
  const r = await send(`${emu.beHttpUrl}/api/transaction/${op}`, {
    method: m,
    headers: { Authorization: ROOT_AUTH, ...headers },
    body,
  });
  return { ...r, json: parseJson(r.body) };
}

/** `GET /api/{db}/get_load_state?label=` on the FE. */
export async function loadState(emu: Emulator, db: string, label: string | null): Promise<Json> {
  const q = label === null ? '' : `?label=${encodeURIComponent(label)}`;
  const r = await send(`${emu.feHttpUrl}/api/${db}/get_load_state${q}`, {
    headers: { Authorization: ROOT_AUTH },
  });
  expect(r.status, r.body).toBe(200);
  return parseJson(r.body);
}

export async function pollUntil<T>(
  fn: () => Promise<T>,
  done: (v: T) => boolean,
  timeoutMs = 10_000,
  stepMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (done(v) || Date.now() > deadline) return v;
    await sleep(stepMs);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

let seq = 0;
/** A name unique in this run, valid as a database name and a label. */
export function uniq(prefix: string): string {
  seq += 1;
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${seq}`;
}

export type Conn = mysql.Connection;

export function openMysql(
  emu: Emulator,
  opts: { user?: string; password?: string; database?: string } = {},
): Promise<Conn> {
  return mysql.createConnection({
    host: emu.host,
    port: emu.queryPort,
    user: opts.user ?? 'root',
    password: opts.password ?? '',
    database: opts.database,
  });
}

/** Runs a text-protocol query and returns its rows as objects. */
export async function q(conn: Conn, sql: string): Promise<Record<string, unknown>[]> {
  const [rows] = await conn.query(sql);
  return rows as Record<string, unknown>[];
}

/** Runs a text-protocol query and returns every value as the text the server sent (NULL → null). */
export async function qText(conn: Conn, sql: string): Promise<(string | null)[][]> {
  const [rows] = await conn.query({
    sql,
    rowsAsArray: true,
    typeCast: (field: { string: () => string | null }) => field.string(),
  } as unknown as mysql.QueryOptions);
  return rows as unknown as (string | null)[][];
}

export async function count(conn: Conn, db: string, table: string): Promise<number> {
  const [rows] = await conn.query(`SELECT count(*) AS n FROM \`${db}\`.\`${table}\``);
  return Number((rows as { n: unknown }[])[0]!.n);
}

export async function createDb(conn: Conn, prefix: string): Promise<string> {
  const db = uniq(prefix);
  await conn.query(`CREATE DATABASE ${db}`);
  return db;
}

export const ONE_BUCKET = 'BUCKETS 1 PROPERTIES ("replication_num" = "1")';

/** Generates a throw-away self-signed certificate with openssl (CN=127.0.0.1). */
export function selfSignedCert(): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'emu-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=127.0.0.1',
        '-days',
        '1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return {
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface RawExchange {
  /** Interim responses (e.g. `HTTP/1.1 100 Continue`), status lines only. */
  interim: string[];
  statusLine: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * Writes `head` (and optionally `body`) on a raw TCP socket and reads one final HTTP response,
 * noting any interim `1xx` responses. Used where node's client would hide what happens on the
 * wire (HTTP/1.0, `100 Continue` or not, a body that is never sent).
 */
export function rawExchange(
  port: number,
  head: string,
  body?: Buffer,
  timeoutMs = 5000,
): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const sock = netConnect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    const interim: string[] = [];
    let done = false;
    const timer = setTimeout(
      () => finish(new Error(`no complete reply: ${buf.toString('latin1')}`)),
      timeoutMs,
    );
    const finish = (err: Error | null, r?: RawExchange) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(r!);
    };
    const tryParse = (eof: boolean) => {
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) {
          if (eof) finish(new Error(`connection closed without a reply: ${buf.toString('latin1')}`));
          return;
        }
        const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
        const statusLine = lines[0]!;
        const code = Number(statusLine.split(' ')[1]);
        if (code >= 100 && code < 200) {
          interim.push(statusLine);
          buf = buf.subarray(end + 4);
          continue;
        }
        const headers: Record<string, string> = {};
        for (const l of lines.slice(1)) {
          const i = l.indexOf(':');
          headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
        }
        const rest = buf.subarray(end + 4);
        const len = headers['content-length'];
        if (len !== undefined) {
          if (rest.length >= Number(len)) {
            finish(null, {
              interim,
              statusLine,
              headers,
              body: rest.subarray(0, Number(len)).toString('utf8'),
            });
          } else if (eof) finish(new Error(`short body: ${buf.toString('latin1')}`));
          return;
        }
        if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
          // Decode when the terminating chunk arrived.
          const text = rest.toString('latin1');
          if (!text.includes('\r\n0\r\n\r\n') && !text.startsWith('0\r\n\r\n')) {
            if (eof) finish(new Error('chunked body cut'));
            return;
          }
          let out = '';
          let p = 0;
          for (;;) {
            const nl = text.indexOf('\r\n', p);
            const size = Number.parseInt(text.slice(p, nl), 16);
            if (!size) break;
            out += text.slice(nl + 2, nl + 2 + size);
            p = nl + 2 + size + 2;
          }
          finish(null, { interim, statusLine, headers, body: Buffer.from(out, 'latin1').toString('utf8') });
          return;
        }
        if (eof) finish(null, { interim, statusLine, headers, body: rest.toString('utf8') });
        return;
      }
    };
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      tryParse(false);
    });
    sock.on('end', () => tryParse(true));
    sock.on('error', (e) => finish(e));
    sock.on('connect', () => {
      sock.write(head);
      if (body) sock.write(body);
    });
  });
}

const execFileP = promisify(execFile);

/** Runs the stock mariadb CLI without blocking the event loop (the server runs in this process). */
export function mariadbCli(port: number, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return execFileP('/usr/bin/mariadb', ['-h', '127.0.0.1', '-P', String(port), ...args], {
    encoding: 'utf8',
    timeout: 15_000,
  });
}

/** Expects a promise to reject with a MySQL error; returns it. */
export async function mysqlError(
  p: Promise<unknown>,
): Promise<{ errno: number; message: string; sqlState: string }> {
  try {
    await p;
  } catch (e) {
    return e as { errno: number; message: string; sqlState: string };
  }
  throw new Error('expected a MySQL error, the statement succeeded');
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
