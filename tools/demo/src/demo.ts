/**
 * The README's first-screen demo: starts the emulator in-process, loads a small CSV batch and a
 * small JSON batch through the FE with plain HTTP (Basic auth, Expect: 100-continue, the 307 to
 * the BE followed by hand), prints the table back over the MySQL protocol, and reads it once more
 * through `@srconnect/source` (query plan + BE scanners, Arrow batches, one scanner per tablet).
 */
import { request } from 'node:http';
import { startEmulator } from '@srconnect/emulator';
import { createSource } from '@srconnect/source';
import mysql from 'mysql2/promise';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function put(url: string, headers: Record<string, string>, body: Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'PUT', headers: { ...headers, 'Content-Length': body.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    // wait for the server's verdict before sending the body, as Stream Load expects
    req.on('continue', () => req.end(body));
    req.on('response', () => req.end());
    req.flushHeaders();
  });
}

async function streamLoad(
  feUrl: string,
  table: string,
  label: string,
  headers: Record<string, string>,
  body: string,
) {
  const all = {
    Authorization: `Basic ${Buffer.from('root:').toString('base64')}`,
    Expect: '100-continue',
    label,
    ...headers,
  };
  const data = Buffer.from(body);
  const fe = await put(`${feUrl}/api/demo/${table}/_stream_load`, all, data);
  if (fe.status !== 307) throw new Error(`expected a 307 from the FE, got ${fe.status}: ${fe.body}`);
  const be = await put(String(fe.headers.location), all, data);
  const reply = JSON.parse(be.body) as { Status: string; Message: string; NumberLoadedRows: number };
  console.log(
    `  ${label}: ${reply.Status} (${reply.NumberLoadedRows} rows) ${reply.Status === 'Success' ? '' : reply.Message}`,
  );
  if (reply.Status !== 'Success') throw new Error(`load ${label} failed: ${reply.Message}`);
}

const emu = await startEmulator();
console.log(
  `emulator ready: fe_http=${emu.feHttpUrl} be_http=${emu.beHttpUrl} query=${emu.host}:${emu.queryPort}`,
);
const conn = await mysql.createConnection({
  host: emu.host,
  port: emu.queryPort,
  user: 'root',
  dateStrings: true,
});
try {
  await conn.query('CREATE DATABASE demo');
  await conn.query(`CREATE TABLE demo.orders (
    id BIGINT NOT NULL COMMENT "order id",
    customer VARCHAR(64) NULL,
    amount DECIMAL(12, 2) NULL,
    created DATETIME NULL
  ) PRIMARY KEY (id) DISTRIBUTED BY HASH(id) BUCKETS 4`);
  console.log('loading through the FE (307 to the BE):');
  await streamLoad(
    emu.feHttpUrl,
    'orders',
    'demo_csv_1',
    { column_separator: '\\x2C', format: 'csv' },
    '1,alice,19.90,2026-11-24 09:00:00\n2,bob,5.00,2026-11-24 09:05:00\n3,carol,120.50,2026-11-24 09:10:00\n',
  );
  await streamLoad(
    emu.feHttpUrl,
    'orders',
    'demo_json_1',
    { format: 'json', strip_outer_array: 'true' },
    JSON.stringify([
      { id: 3, customer: 'carol', amount: '99.99', created: '2026-11-24 10:00:00.250000' },
      { id: 4, customer: 'dave', amount: '7.25', created: '2026-11-24 10:15:00' },
    ]),
  );
  const [rows] = await conn.query('SELECT id, customer, amount, created FROM demo.orders ORDER BY id');
  console.log('demo.orders (row 3 was upserted by the JSON batch):');
  console.table(rows);
  const source = createSource({ feUrls: emu.feHttpUrl, user: 'root', database: 'demo', table: 'orders' });
  const scanned = [];
  for await (const row of source.rows()) scanned.push(row);
  const { scannersOpened } = source.stats();
  await source.close();
  console.log(`read back through the BE scanners (${scannersOpened} in parallel, Arrow batches):`);
  console.table(scanned.sort((a, b) => Number(a.id) - Number(b.id)));
} finally {
  await conn.end();
  await emu.close();
}
