import { existsSync, rmSync } from 'node:fs';
import { type Connection, createConnection, type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceStartError } from '../../src/service-start-error.js';
import { type MariaDbServer, startMariaDb } from '../../src/start-mariadb.js';
import { isProcessAlive } from '../../src/stop-process.js';

describe('startMariaDb', () => {
  let server: MariaDbServer;
  let db: Connection;

  beforeAll(async () => {
    // Throws a ServiceStartError naming the fix (e.g. `apt-get install -y mariadb-server-core`) if it cannot start.
    server = await startMariaDb();
    console.log(`[timing] MariaDB cold start: ${server.startMs} ms (${server.url}, log ${server.logFile})`);
    db = await createConnection({
      host: server.host,
      port: server.port,
      user: server.user,
      password: server.password,
    });
  });

  afterAll(async () => {
    await db?.end();
    await server?.stop();
  });

  it('starts within the 30 s target, on 127.0.0.1 with root and no password', () => {
    expect(server.startMs).toBeLessThan(30_000);
    expect(server.host).toBe('127.0.0.1');
    expect(server.port).not.toBe(3306);
    expect(server.url).toBe(`mysql://root@127.0.0.1:${server.port}`);
    expect(isProcessAlive(server.pid)).toBe(true);
  });

  it('has the binary log on, ROW format, FULL row images and GTID strict mode', async () => {
    const [rows] = await db.query<RowDataPacket[]>(
      'SELECT @@log_bin AS log_bin, @@binlog_format AS format, @@binlog_row_image AS image, ' +
        '@@gtid_strict_mode AS strict, @@server_id AS server_id, @@port AS port',
    );
    expect(rows[0]).toEqual({
      log_bin: 1,
      format: 'ROW',
      image: 'FULL',
      strict: 1,
      server_id: 1,
      port: server.port,
    });
  });

  it('assigns GTIDs to writes and exposes the binary log position', async () => {
    await db.query('CREATE DATABASE t');
    await db.query('CREATE TABLE t.items (id INT PRIMARY KEY, name VARCHAR(20))');
    await db.query("INSERT INTO t.items VALUES (1, 'a'), (2, 'b')");
    await db.query("UPDATE t.items SET name = 'c' WHERE id = 2");

    const [gtid] = await db.query<RowDataPacket[]>(
      'SELECT @@gtid_binlog_pos AS pos, @@gtid_domain_id AS domain',
    );
    expect(gtid[0]?.pos).toMatch(/^0-1-\d+$/);

    const [status] = await db.query<RowDataPacket[]>('SHOW BINLOG STATUS');
    expect(status[0]?.File).toMatch(/^mariadb-bin\.\d{6}$/);
    expect(Number(status[0]?.Position)).toBeGreaterThan(4);

    // The row events of the UPDATE are in the log, with both before and after images (FULL).
    const [events] = await db.query<RowDataPacket[]>(`SHOW BINLOG EVENTS IN '${status[0]?.File}'`);
    const types = events.map((e) => e.Event_type as string);
    expect(types).toContain('Gtid');
    expect(types).toContain('Write_rows_v1');
    expect(types).toContain('Update_rows_v1');
  });

  it('stop() ends the server and removes its data', async () => {
    const other = await startMariaDb({ serverId: 2 });
    expect(other.port).not.toBe(server.port);
    expect(existsSync(other.dataDir)).toBe(true);
    await other.stop();
    expect(isProcessAlive(other.pid)).toBe(false);
    expect(existsSync(other.dataDir)).toBe(false);
    await other.stop(); // idempotent
  });

  it('fails with MARIADB_START_FAILED and the log tail when the server refuses its options', async () => {
    const error = await startMariaDb({ extraArgs: ['--no-such-option=1'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceStartError);
    expect((error as ServiceStartError).code).toBe('MARIADB_START_FAILED');
    expect((error as ServiceStartError).message).toMatch(/unknown variable 'no-such-option=1'/);
    expect((error as ServiceStartError).message).toContain('To fix:');
    rmSync((error as ServiceStartError).logFile!, { force: true });
  });
});
