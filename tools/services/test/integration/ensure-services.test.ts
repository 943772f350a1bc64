import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ensureServices } from '../../src/ensure-services.js';
import { freePort } from '../../src/free-port.js';
import { runPaths } from '../../src/run-paths.js';
import { ServiceStartError } from '../../src/service-start-error.js';
import { listInstances } from '../../src/state-file.js';
import { isProcessAlive } from '../../src/stop-process.js';

describe('ensureServices', () => {
  // A run folder of its own: services a developer started with `up` are neither reused nor touched.
  const env = { SRCONNECT_SERVICES_RUN_DIR: mkdtempSync(join(tmpdir(), 'srconnect-ensure-')) };
  const paths = runPaths(env);
  const teardowns: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(teardowns.splice(0).map((t) => t()));
  });
  afterAll(() => rmSync(paths.runDir, { recursive: true, force: true }));

  it('starts a private MariaDB, exports MYSQL_URL, and removes both on teardown', async () => {
    const before = process.env.MYSQL_URL;
    const services = await ensureServices({ mariadb: true, env });
    teardowns.push(services.teardown);
    expect(services.mariadb?.source).toBe('private');
    expect(services.kafka).toBeUndefined();
    expect(services.env).toEqual({ MYSQL_URL: services.mariadb?.url });
    expect(process.env.MYSQL_URL).toBe(services.mariadb?.url);
    const [record] = listInstances(paths);
    expect(record?.service).toBe('mariadb');
    expect(record?.ownerPid).toBe(process.pid);

    await services.teardown();
    expect(process.env.MYSQL_URL).toBe(before);
    expect(isProcessAlive(record!.pid)).toBe(false);
    expect(existsSync(record!.dataDir)).toBe(false);
    expect(listInstances(paths)).toEqual([]);
  });

  it('uses the server named by MYSQL_URL instead of starting one', async () => {
    const owner = await ensureServices({ mariadb: true, env, setEnv: false });
    teardowns.push(owner.teardown);
    const url = owner.mariadb!.url;

    const services = await ensureServices({ mariadb: true, env: { ...env, MYSQL_URL: url }, setEnv: false });
    expect(services.mariadb).toMatchObject({ source: 'env', url, port: owner.mariadb!.port });
    expect(listInstances(paths)).toHaveLength(1); // nothing new started
    await services.teardown();
    expect(listInstances(paths)).toHaveLength(1); // and nothing stopped
  });

  it('fails with EXTERNAL_UNREACHABLE when MYSQL_URL or KAFKA_BROKERS name nothing', async () => {
    const port = await freePort();
    const mysql = await ensureServices({
      mariadb: true,
      env: { ...env, MYSQL_URL: `mysql://root:secret@127.0.0.1:${port}` },
    }).catch((e: unknown) => e);
    expect(mysql).toBeInstanceOf(ServiceStartError);
    expect((mysql as ServiceStartError).code).toBe('EXTERNAL_UNREACHABLE');
    expect((mysql as ServiceStartError).message).not.toContain('secret');
    expect((mysql as ServiceStartError).message).toContain('unset MYSQL_URL');

    const kafka = await ensureServices({
      kafka: true,
      env: { ...env, KAFKA_BROKERS: `127.0.0.1:${port}` },
    }).catch((e: unknown) => e);
    expect((kafka as ServiceStartError).code).toBe('EXTERNAL_UNREACHABLE');
    expect((kafka as ServiceStartError).message).toContain('unset KAFKA_BROKERS');
  });
});
