/** Spec §6.1: FE `POST`/`GET /api/{db}/{table}/_query_plan` — auth, validations, errors, success shape. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../../src/index.js';
import { basic, type Conn, createDb, openMysql, send, streamLoad } from '../helpers.js';
import { planFor, queryPlan, scan } from './scan-helpers.js';
import { ScannerClient } from './thrift-client.js';

let emu: Emulator;
let conn: Conn;
let db: string;

beforeAll(async () => {
  emu = await startEmulator({ onError: () => {}, users: { root: '', alice: 'pw' } });
  conn = await openMysql(emu);
  db = await createDb(conn, 'qp');
  await conn.query(
    `CREATE TABLE ${db}.t (id INT NOT NULL, name VARCHAR(20), v DOUBLE) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 5`,
  );
  await conn.query(`CREATE TABLE ${db}.other (id INT) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id)`);
  await conn.query(
    `CREATE TABLE ${db}.pk (k BIGINT NOT NULL, s STRING) PRIMARY KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2`,
  );
});

afterAll(async () => {
  await conn?.end();
  await emu?.close();
});

function expectError(
  r: { status: number; body: string; json: Record<string, unknown> },
  status: number,
  text: string,
) {
  expect(r.status, r.body).toBe(status);
  expect(r.json).toEqual({ status, exception: text });
  expect(Object.keys(r.json)).toEqual(['status', 'exception']);
}

describe('success', () => {
  it('answers 200 with partitions (one per bucket), routings to the BE scanner, and an opaque plan', async () => {
    const r = await queryPlan(emu, db, 't', { sql: `select id, name from \`${db}\`.\`t\` where id > 3` });
    expect(r.status, r.body).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(Object.keys(r.json)).toEqual(['partitions', 'opaqued_query_plan', 'status']);
    expect(r.json.status).toBe(200);
    const partitions = r.json.partitions as Record<string, Record<string, unknown>>;
    expect(Object.keys(partitions)).toHaveLength(5);
    const hashes = new Set<unknown>();
    for (const [id, p] of Object.entries(partitions)) {
      expect(id).toMatch(/^\d+$/);
      expect(Object.keys(p)).toEqual(['routings', 'version', 'schemaHash']);
      expect(p.routings).toEqual([`127.0.0.1:${emu.beScannerPort}`]);
      expect(p.version).toBe(1);
      expect(Number.isInteger(p.schemaHash)).toBe(true);
      hashes.add(p.schemaHash);
    }
    expect(hashes.size).toBe(1);
    expect(r.json.opaqued_query_plan).toMatch(/^[A-Za-z0-9+/]+=*$/);
  });

  it('accepts GET too, `select *`, aliases, and backquote-free names', async () => {
    const g = await queryPlan(emu, db, 't', { sql: `select * from ${db}.t` }, { method: 'GET' });
    expect(g.status, g.body).toBe(200);
    const a = await queryPlan(emu, db, 't', {
      sql: `SELECT name AS n, ID FROM ${db}.t WHERE name LIKE 'a%'`,
    });
    expect(a.status, a.body).toBe(200);
  });

  it('tablet ids differ between tables; the version grows with visible loads', async () => {
    const t = await planFor(emu, db, 't', `select id from ${db}.t`);
    const o = await planFor(emu, db, 'other', `select id from ${db}.other`);
    expect(o.tablets).toHaveLength(4); // BUCKETS not given: the emulator's default
    for (const id of o.tablets) expect(t.tablets).not.toContain(id);
    const before = await planFor(emu, db, 'pk', `select k from ${db}.pk`);
    const load = await streamLoad(emu, db, 'pk', { format: 'json' }, '{"k": 1, "s": "x"}');
    expect(load.json.Status).toBe('Success');
    const after = await planFor(emu, db, 'pk', `select k from ${db}.pk`);
    expect(after.tablets).toEqual(before.tablets);
    expect(Object.values(after.partitions)[0]!.version).toBe(
      Object.values(before.partitions)[0]!.version + 1,
    );
  });

  it('the plan scans what its SQL selects', async () => {
    const body = Array.from({ length: 50 }, (_, i) =>
      JSON.stringify({ id: i, name: `n${i}`, v: i * 1.5 }),
    ).join('\n');
    const load = await streamLoad(emu, db, 't', { format: 'json' }, body);
    expect(load.json.Status, load.body).toBe('Success');
    const p = await planFor(
      emu,
      db,
      't',
      `select name as label, v from \`${db}\`.\`t\` where id between 10 and 19`,
    );
    const c = await ScannerClient.connect(emu.beScannerPort);
    try {
      const r = await scan(c, db, 't', p.plan, p.tablets);
      expect(r.selected.map((s) => s.name)).toEqual(['label', 'v']);
      expect(r.rows.map((x) => x.label).sort()).toEqual(
        Array.from({ length: 10 }, (_, i) => `n${i + 10}`).sort(),
      );
    } finally {
      c.end();
    }
  });
});

describe('errors (HTTP status = status field, {"status", "exception"})', () => {
  it('401 without or with wrong credentials (RestBaseAction)', async () => {
    const none = await queryPlan(emu, db, 't', { sql: `select id from ${db}.t` }, { auth: null });
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Basic realm=""');
    expect(none.json.msg).toBe('Need auth information.');
    const wrong = await queryPlan(
      emu,
      db,
      't',
      { sql: `select id from ${db}.t` },
      { auth: basic('alice', 'nope') },
    );
    expect(wrong.status).toBe(401);
    expect(wrong.json.msg).toBe('Access denied for alice@127.0.0.1');
    const ok = await queryPlan(
      emu,
      db,
      't',
      { sql: `select id from ${db}.t` },
      { auth: basic('alice', 'pw') },
    );
    expect(ok.status).toBe(200);
  });

  it('400 {database}/{table} must be selected', async () => {
    const r = await send(`${emu.feHttpUrl}/api/${db}//_query_plan`, {
      method: 'POST',
      headers: { Authorization: basic('root', '') },
      body: JSON.stringify({ sql: 'select 1' }),
    });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toEqual({ status: 400, exception: '{database}/{table} must be selected' });
  });

  it('400 POST body must contains [sql] root object (no body, no sql, empty sql)', async () => {
    expectError(await queryPlan(emu, db, 't', ''), 400, 'POST body must contains [sql] root object');
    expectError(await queryPlan(emu, db, 't', {}), 400, 'POST body must contains [sql] root object');
    expectError(await queryPlan(emu, db, 't', { sql: '' }), 400, 'POST body must contains [sql] root object');
    expectError(
      await queryPlan(emu, db, 't', { sql: null }),
      400,
      'POST body must contains [sql] root object',
    );
  });

  it('400 malformed json [ ... ]', async () => {
    expectError(await queryPlan(emu, db, 't', '{"sql": '), 400, 'malformed json [ {"sql":  ]');
    expectError(await queryPlan(emu, db, 't', '[1, 2]'), 400, 'malformed json [ [1, 2] ]');
  });

  it('404 Database [x] does not exists / Table [x] does not exists', async () => {
    expectError(
      await queryPlan(emu, 'nodb', 't', { sql: 'select id from nodb.t' }),
      404,
      'Database [nodb] does not exists',
    );
    expectError(
      await queryPlan(emu, db, 'nope', { sql: `select id from ${db}.nope` }),
      404,
      'Table [nope] does not exists',
    );
  });

  it('403 for a table that is not an OLAP table', async () => {
    expectError(
      await queryPlan(emu, 'information_schema', 'tables', {
        sql: 'select * from information_schema.tables',
      }),
      403,
      'only support OlapTable currently, but Table [tables] is not a OlapTable',
    );
  });

  it('500 The Sql is invalid (syntax, unknown column or table, no database)', async () => {
    for (const sql of [
      `selec id from ${db}.t`,
      `select id from ${db}.t where`,
      `select nope from ${db}.t`,
      `select id from ${db}.t where nope = 1`,
      `select id from ${db}.missing`,
      'select id from t',
      `select id from ${db}.t where count(*) > 1`,
    ]) {
      expectError(await queryPlan(emu, db, 't', { sql }), 500, 'The Sql is invalid');
    }
  });

  it('400 Select statement needed, but found [...]', async () => {
    for (const sql of [
      `show tables from ${db}`,
      `insert into ${db}.t values (1, 'a', 1)`,
      `drop table ${db}.t`,
    ]) {
      expectError(
        await queryPlan(emu, db, 't', { sql }),
        400,
        `Select statement needed, but found [${sql} ]`,
      );
    }
  });

  it('400 only support single table filter-prune-scan (aggregates, ORDER BY, LIMIT, OFFSET, EXPLAIN, GROUP BY)', async () => {
    for (const sql of [
      `select count(*) from ${db}.t`,
      `select sum(v) from ${db}.t where id > 1`,
      `select id from ${db}.t order by id`,
      `select id from ${db}.t limit 10`,
      `select id from ${db}.t limit 10 offset 5`,
      `explain select id from ${db}.t`,
      `select id from ${db}.t group by id`,
      `select distinct id from ${db}.t`,
      `select id + 1 from ${db}.t`,
    ]) {
      expectError(
        await queryPlan(emu, db, 't', { sql }),
        400,
        `only support single table filter-prune-scan, but found [ ${sql}]`,
      );
    }
  });

  it('400 for joins and embedded statements', async () => {
    expectError(
      await queryPlan(emu, db, 't', { sql: `select a.id from ${db}.t a join ${db}.other b on a.id = b.id` }),
      400,
      'Select statement must have only one table',
    );
    expectError(
      await queryPlan(emu, db, 't', { sql: `select id from (select id from ${db}.t) x` }),
      400,
      'Select statement must not embed another statement',
    );
  });

  it('400 requested database and table must consistent with sql', async () => {
    expectError(
      await queryPlan(emu, db, 't', { sql: `select id from ${db}.other` }),
      400,
      `requested database and table must consistent with sql: request [ ${db}.t]and sql [${db}.other]`,
    );
  });
});
