import { randomUUID } from 'node:crypto';
import { type Emulator, type EmulatorOptions, startEmulator } from '@srconnect/emulator';
import mysql from 'mysql2/promise';

/** An emulator for one test file, plus a mysql2 connection to it. */
export interface TestServer {
  readonly emu: Emulator;
  readonly sql: mysql.Connection;
  /** Creates a fresh database and returns its name. */
  database(): Promise<string>;
  rows<T = Record<string, unknown>>(query: string): Promise<T[]>;
  close(): Promise<void>;
}

export async function startTestServer(options: EmulatorOptions = {}): Promise<TestServer> {
  const emu = await startEmulator({ onError: () => undefined, ...options });
  const sql = await mysql.createConnection({
    host: emu.host,
    port: emu.queryPort,
    user: emu.users[0]!.name,
    password: emu.users[0]!.password,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  return {
    emu,
    sql,
    async database() {
      const db = `sdk_${randomUUID().slice(0, 8)}`;
      await sql.query(`CREATE DATABASE ${db}`);
      return db;
    },
    async rows<T>(query: string) {
      const [r] = await sql.query(query);
      return r as T[];
    },
    async close() {
      await sql.end();
      await emu.close();
    },
  };
}
