#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startEmulator } from './emulator.js';
import type { EmulatorOptions } from './options.js';

const USAGE = `Usage: srconnect-emulator [options]

  --data-dir <dir>        keep tables, rows, labels and prepared transactions in <dir> (default: in memory)
  --host <host>           address to listen on (default 127.0.0.1)
  --fe-http-port <port>   FE HTTP port (default 0 = any free port; StarRocks uses 8030)
  --be-http-port <port>   BE HTTP port (default 0; StarRocks uses 8040)
  --query-port <port>     MySQL protocol port (default 0; StarRocks uses 9030)
  --be-scanner-port <port>  BE Thrift scanner port of the read path (default 0; StarRocks be_port 9060)
  --user <name:password>  a user (repeatable; default root with an empty password)
  --tls-cert <file>       serve the FE HTTP port over TLS with this PEM certificate
  --tls-key <file>        ... and this PEM key
  -h, --help              show this help

Prints one line when every listener is up:
  ready fe_http=http://H:P be_http=http://H:P query=H:P be_scanner=H:P`;

function fail(message: string): never {
  process.stderr.write(`srconnect-emulator: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function port(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > 65535)
    fail(`--${name} must be a port number (0-65535), got '${value}'`);
  return Number(value);
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parseArgs>['values'];
  try {
    args = parseArgs({
      options: {
        'data-dir': { type: 'string' },
        host: { type: 'string' },
        'fe-http-port': { type: 'string' },
        'be-http-port': { type: 'string' },
        'query-port': { type: 'string' },
        'be-scanner-port': { type: 'string' },
        user: { type: 'string', multiple: true },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    fail((err as Error).message);
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const options: EmulatorOptions = {
    host: args.host as string | undefined,
    feHttpPort: port(args['fe-http-port'] as string | undefined, 'fe-http-port'),
    beHttpPort: port(args['be-http-port'] as string | undefined, 'be-http-port'),
    queryPort: port(args['query-port'] as string | undefined, 'query-port'),
    beScannerPort: port(args['be-scanner-port'] as string | undefined, 'be-scanner-port'),
    dataDir: args['data-dir'] as string | undefined,
  };
  const users = args.user as string[] | undefined;
  if (users) {
    const table: Record<string, string> = {};
    for (const u of users) {
      const i = u.indexOf(':');
      if (i <= 0) fail(`--user must be name:password, got '${u.replace(/:.*/, ':***')}'`);
      table[u.slice(0, i)] = u.slice(i + 1);
    }
    options.users = table;
  }
  const cert = args['tls-cert'] as string | undefined;
  const key = args['tls-key'] as string | undefined;
  if ((cert === undefined) !== (key === undefined)) fail('--tls-cert and --tls-key go together');
  if (cert && key) options.tls = { cert: readFileSync(cert), key: readFileSync(key) };
  for (const k of Object.keys(options) as (keyof EmulatorOptions)[])
    if (options[k] === undefined) delete options[k];
  const emu = await startEmulator(options);
  process.stdout.write(
    `ready fe_http=${emu.feHttpUrl} be_http=${emu.beHttpUrl} query=${emu.host}:${emu.queryPort} be_scanner=${emu.host}:${emu.beScannerPort}\n`,
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    emu.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`srconnect-emulator: error while stopping: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`srconnect-emulator: ${(err as Error).message}\n`);
  process.exit(1);
});
