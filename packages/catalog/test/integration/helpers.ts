import { randomUUID } from 'node:crypto';
import { type Emulator, type EmulatorOptions, startEmulator } from '@srconnect/emulator';
import { createStreamLoadClient } from '@srconnect/stream-load-sdk';
import { type Catalog, type CatalogOptions, createCatalog } from '../../src/index.js';

/** True when the tests run against the in-process emulator (STARROCKS_MYSQL_URL not set). */
export const onEmulator = !process.env.STARROCKS_MYSQL_URL;

/** Where the integration tests run: the emulator, or a real StarRocks from STARROCKS_MYSQL_URL. */
export interface Target {
  readonly url: string;
  /** FE HTTP URL for loading test rows (emulator, or STARROCKS_FE_HTTP_URL); null when unknown. */
  readonly feHttpUrl: string | null;
  readonly emulator: Emulator | null;
  catalog(options?: CatalogOptions): Catalog;
  /** A fresh database name (created by the test). */
  database(prefix?: string): string;
  close(): Promise<void>;
}

export async function startTarget(options: EmulatorOptions = {}): Promise<Target> {
  let emulator: Emulator | null = null;
  let url = process.env.STARROCKS_MYSQL_URL ?? '';
  let feHttpUrl = process.env.STARROCKS_FE_HTTP_URL ?? null;
  if (onEmulator) {
    emulator = await startEmulator({ onError: () => undefined, alterJobDelayMs: 150, ...options });
    url = emulator.mysqlUrl;
    feHttpUrl = emulator.feHttpUrl;
  }
  const catalogs: Catalog[] = [];
  return {
    url,
    feHttpUrl,
    emulator,
    catalog(o = {}) {
      const c = createCatalog({
        url,
        table: { buckets: null, properties: { replication_num: '1' } },
        alter: { timeoutMs: 60_000, pollIntervalMs: 20, maxPollIntervalMs: 500 },
        ...o,
      });
      catalogs.push(c);
      return c;
    },
    database(prefix = 'cat') {
      return `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    },
    async close() {
      for (const c of catalogs) await c.close();
      await emulator?.close();
    },
  };
}

/** Loads JSON rows with the SDK's Stream Load client (the way the pipeline will). */
export async function loadRows(
  target: Target,
  database: string,
  table: string,
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  if (target.feHttpUrl === null)
    throw new Error('set STARROCKS_FE_HTTP_URL to load rows into a real StarRocks');
  const u = new URL(target.url);
  const client = createStreamLoadClient({
    feUrls: target.feHttpUrl,
    user: decodeURIComponent(u.username) || 'root',
    password: decodeURIComponent(u.password),
  });
  try {
    await client.load({
      database,
      table,
      body: JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
      properties: { format: 'json', strip_outer_array: 'true' },
    });
  } finally {
    await client.close();
  }
}

/** `SELECT count(*)` through the catalog's executor. */
export async function countRows(catalog: Catalog, database: string, table: string): Promise<number> {
  const q = (n: string) => `\`${n.replaceAll('`', '``')}\``;
  const rows = await catalog.executor.query(`SELECT count(*) AS n FROM ${q(database)}.${q(table)}`);
  return Number(rows[0]?.n);
}
