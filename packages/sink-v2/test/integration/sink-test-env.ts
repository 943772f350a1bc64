import { randomUUID } from 'node:crypto';
import { type Emulator, type EmulatorOptions, startEmulator } from '@srconnect/emulator';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll } from 'vitest';
import type { SinkOptions } from '../../src/index.js';

/** An emulator with a fresh database of tables, for one test file (set up in beforeAll). */
export interface SinkTestEnv {
  readonly emu: Emulator;
  readonly sql: mysql.Connection;
  readonly db: string;
  /** Sink options on this database: PRIMARY KEY rows `{ id, v }`, a fresh label prefix. */
  opts(extra?: Partial<SinkOptions>): SinkOptions;
  /** The ids in a table, ascending. */
  ids(table: string): Promise<number[]>;
}

export interface SinkTestEnvOptions {
  /** Tables to create, each with `columns`. */
  readonly tables: readonly string[];
  readonly columns?: string;
  readonly emulator?: EmulatorOptions;
  /** `retry.retries` of {@link SinkTestEnv.opts}. */
  readonly retries?: number;
}

/** Starts the emulator and creates `{prefix}_<random>` with the tables before the file's tests; stops it after. */
export function useSinkTestEnv(prefix: string, o: SinkTestEnvOptions): SinkTestEnv {
  const state = {} as { emu: Emulator; sql: mysql.Connection; db: string };
  beforeAll(async () => {
    state.emu = await startEmulator({ onError: () => undefined, ...o.emulator });
    state.sql = await mysql.createConnection({
      host: state.emu.host,
      port: state.emu.queryPort,
      user: 'root',
    });
    state.db = `${prefix}_${randomUUID().slice(0, 8)}`;
    await state.sql.query(`CREATE DATABASE ${state.db}`);
    for (const t of o.tables) {
      await state.sql.query(
        `CREATE TABLE ${state.db}.${t} ${o.columns ?? '(id INT NOT NULL, v INT) PRIMARY KEY(id)'}`,
      );
    }
  });
  afterAll(async () => {
    await state.sql?.end();
    await state.emu?.close();
  });
  return {
    get emu() {
      return state.emu;
    },
    get sql() {
      return state.sql;
    },
    get db() {
      return state.db;
    },
    opts: (extra = {}) => ({
      connection: { feUrls: state.emu.feHttpUrl, user: 'root' },
      labelPrefix: `p${randomUUID().slice(0, 6)}`,
      database: state.db,
      primaryKey: true,
      columns: ['id', 'v'],
      retry: { retries: o.retries ?? 2, initialDelayMs: 10 },
      ...extra,
    }),
    ids: async (table) =>
      ((await state.sql.query(`SELECT id FROM ${state.db}.${table} ORDER BY id`))[0] as { id: number }[]).map(
        (r) => r.id,
      ),
  };
}
