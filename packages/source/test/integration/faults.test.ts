/**
 * Fault injection on real sockets: a TCP proxy between the source and the emulator's BE scanner port
 * (`backendAddressMap` points every planned BE at it) and an HTTP proxy in front of the FE.
 *
 * Scan contexts: a connection the proxy cuts (or that times out) cannot carry `close_scanner`; the
 * source may close the context over a new connection, and a context whose id it never learned (a cut
 * inside the `open_scanner` reply) stays until the BE's keep-alive runs out — as on a real BE. This
 * file's emulator makes one keep-alive "minute" last 100 ms (`scanKeepAliveMinuteMs`) with a 10 ms GC
 * pass, and:
 * - scans that cut connections use `keepAliveMin: LEAKY` (300 ms): right after the scan, at most the
 *   contexts of the cut connections may remain, and they must then expire;
 * - every other scan uses `keepAliveMin: STRICT` (10 min) so nothing expires during the test and
 *   `openScanContexts() === 0` proves the source closed each scanner itself.
 */
import * as diagnosticsChannel from 'node:diagnostics_channel';
import { createServer, type Socket } from 'node:net';
import { type Emulator, startEmulator } from '@srconnect/emulator';
import { createStreamLoadClient, type StarRocksError } from '@srconnect/stream-load-sdk';
import mysql from 'mysql2/promise';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSource, type Source, type SourceOptions, type SourceRow } from '../../src/index.js';
import { type ConnectionFault, HttpFaultProxy, TcpFaultProxy } from './tcp-proxy.js';

const N = 3000;
const BATCH = 250;
const STRICT = 6000; // × 100 ms = 10 min
const LEAKY = 3; // × 100 ms
let emu: Emulator;
let base: SourceOptions;
const closers: (() => Promise<void>)[] = [];
const rejections: unknown[] = [];
const onRejection = (e: unknown) => rejections.push(e);

/** An emulator with the table loaded (again after a test that left contexts behind). */
async function startLoadedEmulator(): Promise<Emulator> {
  const e = await startEmulator({
    onError: () => undefined,
    scanKeepAliveMinuteMs: 100,
    scanContextGcIntervalMs: 10,
  });
  const sql = await mysql.createConnection({ host: e.host, port: e.queryPort, user: 'root' });
  await sql.query('CREATE DATABASE fl');
  await sql.query(
    'CREATE TABLE fl.t (id BIGINT NOT NULL, name VARCHAR(32), grp INT) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 3',
  );
  await sql.end();
  const lines: string[] = [];
  for (let i = 0; i < N; i++) lines.push(`${i}\tname-${i}\t${i % 7}`);
  const client = createStreamLoadClient({ feUrls: e.feHttpUrl, user: 'root' });
  await client.load({ database: 'fl', table: 't', body: lines.join('\n') });
  await client.close();
  base = {
    feUrls: e.feHttpUrl,
    user: 'root',
    database: 'fl',
    table: 't',
    batchRows: BATCH,
    retryBackoffMs: 5,
    keepAliveMin: STRICT,
  };
  return e;
}

beforeAll(async () => {
  emu = await startLoadedEmulator();
  process.on('unhandledRejection', onRejection);
});
afterAll(async () => {
  process.off('unhandledRejection', onRejection);
  await emu?.close();
});
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  // a rejection nobody handled would crash an application running with Node's defaults
  await new Promise((r) => setImmediate(r));
  const unhandled = rejections.splice(0);
  // LEAKY contexts expire within ~310 ms; a STRICT one left behind is a leak: fail this test and give
  // the next ones a fresh emulator rather than a count that never returns to 0
  const left = await vi
    .waitFor(() => expect(emu.openScanContexts()).toBe(0), { timeout: 1500, interval: 10 })
    .then(() => 0)
    .catch(() => emu.openScanContexts());
  if (left > 0) {
    await emu.close();
    emu = await startLoadedEmulator();
  }
  expect(unhandled).toEqual([]);
  expect(left, 'scan contexts left open after the test').toBe(0);
});

async function beProxy(...faults: ConnectionFault[]): Promise<TcpFaultProxy> {
  const p = await TcpFaultProxy.start(emu.host, emu.beScannerPort);
  for (const f of faults) p.inject(f);
  closers.push(() => p.close());
  return p;
}

async function feProxy(): Promise<HttpFaultProxy> {
  const p = await HttpFaultProxy.start(emu.feHttpUrl);
  closers.push(() => p.close());
  return p;
}

function source(options: Partial<SourceOptions>, proxy?: TcpFaultProxy): Source {
  const s = createSource({
    ...base,
    ...options,
    ...(proxy ? { backendAddressMap: () => proxy.address } : {}),
  });
  closers.push(() => s.close());
  return s;
}

type Failure = StarRocksError & { readonly httpStatus?: number };

/** Reads until the end or the first error; the rows delivered before it, and the error. */
async function drain(rows: AsyncIterable<SourceRow>): Promise<{ ids: number[]; error: Failure | undefined }> {
  const ids: number[] = [];
  try {
    for await (const r of rows) ids.push(Number(r.id));
    return { ids, error: undefined };
  } catch (error) {
    return { ids, error: error as Failure };
  }
}

const everyId = Array.from({ length: N }, (_, i) => i);
const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);

/** At most `leaked` contexts (of cut connections) remain right after a scan, and they expire. */
async function expectContextsFreed(leaked: number): Promise<void> {
  expect(emu.openScanContexts()).toBeLessThanOrEqual(leaked);
  // no event tells when the emulator's keep-alive GC frees a context: poll (300 ms keep-alive + 10 ms GC)
  await vi.waitFor(() => expect(emu.openScanContexts()).toBe(0), { timeout: 3000, interval: 10 });
}

describe('BE connection cut before a split delivered a row', () => {
  it.each([
    ['right after the open_scanner reply', { fromReply: 2, cutAfterBytes: 0 }, true],
    ['in the middle of the open_scanner reply', { fromReply: 1, cutAfterBytes: 5 }, false],
    ['in the middle of the first get_next reply', { fromReply: 2, cutAfterBytes: 64 }, true],
  ] as const)('%s: the split is retried and every row arrives exactly once', async (_, fault, opened) => {
    const proxy = await beProxy(fault);
    const s = source({ parallelism: 3, maxRetries: 1, keepAliveMin: LEAKY }, proxy);
    const { ids, error } = await drain(s.rows());
    expect(error).toBeUndefined();
    expect(sorted(ids)).toEqual(everyId);
    expect(proxy.connections[0]?.state).toBe('cut');
    // 3 splits + 1 retry (a source may also connect just to close a cut context)
    expect(proxy.called('open_scanner')).toHaveLength(4);
    const st = s.stats();
    expect(st.retries).toBe(1);
    expect(st.plans).toBe(1);
    expect(st.rows).toBe(N);
    expect(st.scannersOpened).toBe(opened ? 4 : 3);
    await expectContextsFreed(1);
  });
});

describe('BE connection cut after a split delivered rows', () => {
  it.each([
    ['when the second get_next reply starts', { fromReply: 3, cutAfterBytes: 0 }],
    ['in the middle of the second get_next reply', { fromReply: 3, cutAfterBytes: 100 }],
  ] as const)('%s: SR_NETWORK, never a retry that re-delivers', async (_, fault) => {
    const proxy = await beProxy(fault);
    const s = source({ parallelism: 3, maxRetries: 3, keepAliveMin: LEAKY }, proxy);
    const { ids, error } = await drain(s.rows());
    expect(error?.code).toBe('SR_NETWORK');
    expect(error?.message).toContain(proxy.address);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(BATCH); // the cut split's first batch at least
    expect(ids.length).toBeLessThan(N);
    expect(proxy.connections[0]?.state).toBe('cut');
    expect(proxy.called('open_scanner')).toHaveLength(3); // the cut split is not opened again
    expect(s.stats().retries).toBe(0);
    expect(s.stats().scannersOpened).toBe(3);
    await expectContextsFreed(1);
  });
});

describe('BE stalls', () => {
  it('after a batch went out: SR_TIMEOUT naming the backend about socketTimeoutMs after the stall', async () => {
    const proxy = await beProxy({ fromReply: 3, stallAfterBytes: 0 });
    const s = source({ parallelism: 1, maxRetries: 2, socketTimeoutMs: 300, keepAliveMin: LEAKY }, proxy);
    const stalled = proxy.next('stall').then(() => performance.now());
    const { ids, error } = await drain(s.rows());
    const elapsed = performance.now() - (await stalled);
    expect(error?.code).toBe('SR_TIMEOUT');
    expect(error?.message).toBe(`get_next on ${proxy.address} got no reply within 300 ms`);
    expect(elapsed).toBeGreaterThanOrEqual(200);
    expect(elapsed).toBeLessThan(1000);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(BATCH); // one split (parallelism 1), its first batch
    expect(s.stats().retries).toBe(0);
    expect(proxy.called('open_scanner')).toHaveLength(1);
    await expectContextsFreed(1);
  });

  it('before any row: the timed-out attempt is retried', async () => {
    const proxy = await beProxy({ stallAfterBytes: 0 });
    const s = source({ parallelism: 1, maxRetries: 1, socketTimeoutMs: 300, keepAliveMin: LEAKY }, proxy);
    const { ids, error } = await drain(s.rows());
    expect(error).toBeUndefined();
    expect(sorted(ids)).toEqual(everyId);
    expect(s.stats().retries).toBe(1);
    expect(proxy.called('open_scanner')).toHaveLength(2);
    await expectContextsFreed(1);
  });

  it('before any row and no retries left: SR_TIMEOUT on open_scanner', async () => {
    const proxy = await beProxy({ stallAfterBytes: 0 });
    const s = source({ parallelism: 1, maxRetries: 0, socketTimeoutMs: 300, keepAliveMin: LEAKY }, proxy);
    const { ids, error } = await drain(s.rows());
    expect(error?.code).toBe('SR_TIMEOUT');
    expect(error?.message).toBe(`open_scanner on ${proxy.address} got no reply within 300 ms`);
    expect(ids).toEqual([]);
    await expectContextsFreed(1);
  });
});

describe('BE refuses connections', () => {
  it('the first K are refused, maxRetries = K: retried, then every row', async () => {
    const proxy = await beProxy({ refuse: true }, { refuse: true });
    const s = source({ parallelism: 1, maxRetries: 2 }, proxy);
    const { ids, error } = await drain(s.rows());
    expect(error).toBeUndefined();
    expect(sorted(ids)).toEqual(everyId);
    expect(proxy.connections.map((c) => c.state === 'refused')).toEqual([true, true, false]);
    expect(s.stats().retries).toBe(2);
    expect(s.stats().scannersOpened).toBe(1);
    expect(emu.openScanContexts()).toBe(0);
  });

  it('the first K are refused, maxRetries < K: SR_NETWORK naming the backend', async () => {
    const proxy = await beProxy({ refuse: true }, { refuse: true });
    const s = source({ parallelism: 1, maxRetries: 1 }, proxy);
    const { ids, error } = await drain(s.rows());
    expect(error?.code).toBe('SR_NETWORK');
    expect(error?.message).toContain(proxy.address);
    expect(ids).toEqual([]);
    expect(proxy.connections).toHaveLength(2);
    expect(s.stats().retries).toBe(1);
    expect(s.stats().scannersOpened).toBe(0);
    expect(emu.openScanContexts()).toBe(0);
  });
});

describe('FE faults', () => {
  it('a 500 with a StarRocks body is retried: the second plan is used', async () => {
    const fe = await feProxy();
    fe.inject({ status: 500, body: { status: 500, exception: 'injected: FE is busy' } });
    const s = source({ feUrls: fe.url, maxRetries: 2 });
    const { ids, error } = await drain(s.rows());
    expect(error).toBeUndefined();
    expect(sorted(ids)).toEqual(everyId);
    expect(s.stats().plans).toBe(2);
    expect(s.stats().retries).toBe(1);
    expect(fe.requests).toBe(2);
    expect(fe.forwarded).toBe(1);
    expect(emu.openScanContexts()).toBe(0);
  });

  it('a 400 is not retried and the message carries the FE exception', async () => {
    const fe = await feProxy();
    fe.inject({
      status: 400,
      body: { status: 400, exception: 'injected: Getting syntax error at line 1, column 7' },
    });
    const s = source({ feUrls: fe.url, maxRetries: 2 });
    const { ids, error } = await drain(s.rows());
    expect(error?.code).toBe('SR_HTTP');
    expect(error?.httpStatus).toBe(400);
    expect(error?.retriable).toBe(false);
    expect(error?.message).toBe(
      'query plan for fl.t failed with HTTP 400: injected: Getting syntax error at line 1, column 7',
    );
    expect(ids).toEqual([]);
    expect(s.stats().plans).toBe(1);
    expect(fe.requests).toBe(1);
  });

  // undici runs headersTimeout on its coarse timers (~1 s resolution): the hang ends after ~1 s, not 300 ms
  it('a connection cut and a hang (SR_TIMEOUT) are retried', async () => {
    const fe = await feProxy();
    fe.inject({ destroy: true }).inject({ hang: true });
    const s = source({ feUrls: fe.url, maxRetries: 2, socketTimeoutMs: 300 });
    const { ids, error } = await drain(s.rows());
    expect(error).toBeUndefined();
    expect(ids).toHaveLength(N);
    expect(s.stats().plans).toBe(3);
    expect(fe.requests).toBe(3);
  });

  it('two FE URLs, the first unreachable: the plan comes from the second', async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const deadPort = (dead.address() as { port: number }).port;
    await new Promise<void>((r) => dead.close(() => r()));
    const fe = await feProxy();
    const s = source({ feUrls: [`http://127.0.0.1:${deadPort}`, fe.url], maxRetries: 1 });
    const { ids, error } = await drain(s.rows());
    expect(error).toBeUndefined();
    expect(sorted(ids)).toEqual(everyId);
    expect(s.stats().plans).toBe(2);
    expect(s.stats().retries).toBe(1);
    expect(fe.requests).toBe(1);
  });
});

describe('early exit', () => {
  it('break while other readers are mid-batch on a slow link: every scanner closed, no unhandled rejection', async () => {
    const mine: unknown[] = [];
    const listener = (e: unknown) => mine.push(e);
    process.on('unhandledRejection', listener);
    try {
      const proxy = await beProxy();
      proxy.setDefault({ slow: { chunkBytes: 256, delayMs: 2 } });
      const s = source({ parallelism: 3, maxRetries: 0 }, proxy);
      let n = 0;
      let midAtBreak = 0;
      for await (const _ of s.rows()) {
        n++;
        midAtBreak = proxy.midReply().length;
        if (midAtBreak > 0) break;
      }
      expect(midAtBreak).toBeGreaterThan(0);
      expect(n).toBeLessThan(N);
      expect(s.stats().scannersOpened).toBe(3);
      expect(emu.openScanContexts()).toBe(0);
      // every scanner socket is gone too (the proxy sees each client side close)
      await Promise.all(
        proxy.connections.filter((c) => c.state !== 'closed').map((c) => proxy.next('close', (x) => x === c)),
      );
      await new Promise((r) => setImmediate(r));
      expect(mine).toEqual([]);
    } finally {
      process.off('unhandledRejection', listener);
    }
  }, 10_000);
});

// BUG: (found on 992728b) mergeReaders' step() stored `gen.next().then(...)` with no handler; a reader
// failing while the consumer awaits its own I/O rejected it unobserved, and Node's default
// --unhandled-rejections=throw crashed the process instead of the scan throwing SR_NETWORK.
describe('BUG: a reader failing while the consumer is busy', () => {
  it('a BE cut during an asynchronous pause of the consumer is no unhandled rejection', async () => {
    const proxy = await beProxy({ fromReply: 3, cutAfterBytes: 0 });
    const s = source({ parallelism: 1, maxRetries: 0, keepAliveMin: LEAKY }, proxy);
    // the source's own scanner socket, to wait until it has seen the cut
    const sockets: Socket[] = [];
    const onSocket = (m: unknown) => {
      const sock = (m as { socket: Socket }).socket;
      sockets.push(sock);
    };
    diagnosticsChannel.subscribe('net.client.socket', onSocket);
    // vitest's own listener would turn the rejection into a run error: count it here instead
    const saved = process.listeners('unhandledRejection');
    process.removeAllListeners('unhandledRejection');
    const mine: unknown[] = [];
    process.on('unhandledRejection', (e) => mine.push(e));
    try {
      let n = 0;
      const { error } = await drain(
        (async function* () {
          for await (const r of s.rows()) {
            if (++n === 1) {
              // the consumer awaits I/O of its own while the reader's next get_next is cut
              await proxy.next('cut');
              const scanner = sockets.find((x) => x.remotePort === proxy.port);
              if (scanner && !scanner.destroyed) await new Promise((r) => scanner.once('close', r));
              await new Promise((r) => setImmediate(r));
            }
            yield r;
          }
        })(),
      );
      expect(error?.code).toBe('SR_NETWORK');
      expect(mine).toEqual([]);
    } finally {
      diagnosticsChannel.unsubscribe('net.client.socket', onSocket);
      process.removeAllListeners('unhandledRejection');
      for (const l of saved) process.on('unhandledRejection', l as never);
      rejections.length = 0;
    }
    await expectContextsFreed(1);
  });
});
