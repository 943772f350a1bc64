import { AlterJobs } from './catalog/alter-jobs.js';
import type { EmulatorContext } from './context.js';
import { FaultController } from './faults.js';
import { UserTable } from './http/basic-auth.js';
import { startBeHttp } from './http/be-server.js';
import { ErrorLogStore } from './http/error-log-store.js';
import { startFeHttp } from './http/fe-server.js';
import { startMysqlServer } from './mysql/index.js';
import { type EmulatorOptions, resolveEmulatorOptions } from './options.js';
import { startBeScanner } from './scanner/scanner-server.js';
import { MYSQL_SERVER_VERSION, SqlEngine } from './sql/sql-engine.js';
import { Store } from './storage/store.js';
import { BeTxnContexts } from './txn/be-txn-contexts.js';
import { TxnManager } from './txn/txn-manager.js';

/** A running emulator. */
export interface Emulator {
  readonly host: string;
  /** `http://host:port` (or `https://` with TLS) of the FE HTTP listener. */
  readonly feHttpUrl: string;
  readonly feHttpPort: number;
  /** `http://host:port` of the BE HTTP listener (where the FE redirects loads). */
  readonly beHttpUrl: string;
  readonly beHttpPort: number;
  /** MySQL protocol port. */
  readonly queryPort: number;
  /** BE Thrift port of the read path (`open_scanner`/`get_next`/`close_scanner`, StarRocks be_port). */
  readonly beScannerPort: number;
  /** `mysql://user@host:port` of the first user (no password in the URL). */
  readonly mysqlUrl: string;
  readonly users: readonly { readonly name: string; readonly password: string }[];
  /** Fault injection for tests. */
  readonly faults: FaultController;
  /** Scan contexts the BE scanner holds now (opened and not yet closed or expired): lets tests see leaks. */
  openScanContexts(): number;
  /** Runs one pass of the transaction sweeper now (timeouts, label retention). */
  sweep(): Promise<void>;
  /** Stops every listener and closes the storage. */
  close(): Promise<void>;
}

/** Starts an emulator: FE HTTP, BE HTTP and MySQL listeners on loopback, DuckDB storage. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const o = resolveEmulatorOptions(options);
  const store = await Store.open(o.dataDir);
  const txns = new TxnManager(store, {
    labelKeepMaxSec: o.labelKeepMaxSec,
    preparedTimeoutSec: o.preparedTimeoutSec,
    maxRunningTxnPerDb: o.maxRunningTxnPerDb,
  });
  await txns.recover();
  const alterJobs = new AlterJobs(store, o.alterJobDelayMs);
  await alterJobs.recover();
  const ctx: EmulatorContext = {
    store,
    txns,
    beTxns: new BeTxnContexts(txns, o.idleGraceSec),
    users: new UserTable(o.users),
    faults: new FaultController(),
    errorLogs: new ErrorLogStore(),
    config: {
      streamingLoadMaxMb: o.streamingLoadMaxMb,
      streamingLoadMaxBatchSizeMb: o.streamingLoadMaxBatchSizeMb,
      streamLoadDefaultTimeoutSec: o.streamLoadDefaultTimeoutSec,
      maxStreamLoadTimeoutSec: 259_200,
      idleGraceSec: o.idleGraceSec,
    },
    beHttpUrl: '',
  };
  const closers: (() => Promise<void>)[] = [];
  try {
    const be = await startBeHttp(ctx, o.host, o.beHttpPort, o.onError);
    closers.push(be.close);
    ctx.beHttpUrl = `http://${o.host}:${be.port}`;
    const scanner = await startBeScanner(
      store,
      {
        host: o.host,
        port: o.beScannerPort,
        gcIntervalMs: o.scanContextGcIntervalMs,
        keepAliveMinuteMs: o.scanKeepAliveMinuteMs,
      },
      o.onError,
    );
    closers.push(scanner.close);
    const fe = await startFeHttp(
      ctx,
      {
        host: o.host,
        port: o.feHttpPort,
        tls: o.tls ?? undefined,
        beScannerAddress: `${o.host}:${scanner.port}`,
      },
      o.onError,
    );
    closers.push(fe.close);
    const engine = new SqlEngine(ctx, alterJobs);
    const mysql = await startMysqlServer({
      host: o.host,
      port: o.queryPort,
      serverVersion: MYSQL_SERVER_VERSION,
      lookupPassword: (user) => ctx.users.password(user),
      query: (session, sql) => engine.query(session, sql),
      useDatabase: (session, db) => engine.useDatabase(session, db),
    });
    closers.push(() => mysql.close());
    const sweep = async () => {
      await ctx.beTxns.sweep();
      await txns.sweep();
    };
    let sweeping = false;
    const timer = setInterval(() => {
      if (sweeping) return;
      sweeping = true;
      sweep()
        .catch(o.onError)
        .finally(() => {
          sweeping = false;
        });
    }, o.sweepIntervalMs);
    timer.unref();
    const [firstUser] = [...o.users.keys()];
    let closed = false;
    return {
      host: o.host,
      feHttpUrl: `${o.tls ? 'https' : 'http'}://${o.host}:${fe.port}`,
      feHttpPort: fe.port,
      beHttpUrl: ctx.beHttpUrl,
      beHttpPort: be.port,
      queryPort: mysql.port,
      beScannerPort: scanner.port,
      mysqlUrl: `mysql://${encodeURIComponent(firstUser!)}@${o.host}:${mysql.port}`,
      users: [...o.users].map(([name, password]) => ({ name, password })),
      faults: ctx.faults,
      openScanContexts: () => scanner.contexts.size,
      sweep,
      close: async () => {
        if (closed) return;
        closed = true;
        clearInterval(timer);
        txns.stopTimers();
        alterJobs.stopTimers();
        for (const c of closers.reverse()) await c();
        await store.close();
      },
    };
  } catch (err) {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw err;
  }
}
