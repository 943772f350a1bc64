import { createConnection } from 'mysql2/promise';
import { type RunPaths, runPaths } from './run-paths.js';
import { serviceOverrides } from './service-overrides.js';
import { ServiceStartError } from './service-start-error.js';
import { canListTopics, type KafkaServer, type StartKafkaOptions, startKafka } from './start-kafka.js';
import { type MariaDbServer, type StartMariaDbOptions, startMariaDb } from './start-mariadb.js';
import { type KafkaSettings, type MariaDbSettings, readState } from './state-file.js';
import { isServiceRunning } from './stop-service.js';

/** Where a service used by {@link ensureServices} comes from. */
export type ServiceSource =
  /** `MYSQL_URL` / `KAFKA_BROKERS`: an external server; nothing was started. */
  | 'env'
  /** Started earlier by `srconnect-services up` and still running; left running. */
  | 'up'
  /** Started for this caller; stopped (and its data removed) by `teardown()`. */
  | 'private';

/** Options for {@link ensureServices}. */
export interface EnsureServicesOptions {
  /** Provide a MariaDB; an object is passed to {@link startMariaDb} if one must be started. */
  mariadb?: boolean | StartMariaDbOptions;
  /** Provide a Kafka broker; an object is passed to {@link startKafka} if one must be started. */
  kafka?: boolean | StartKafkaOptions;
  /** Reuse services started by `srconnect-services up`. Default true. */
  reuse?: boolean;
  /** Set `process.env.MYSQL_URL` / `KAFKA_BROKERS` until teardown, for test workers to read. Default true. */
  setEnv?: boolean;
  /** Environment to read overrides from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Run folder. Default {@link runPaths}(env). */
  paths?: RunPaths;
}

/** What {@link ensureServices} provides. */
export interface EnsuredServices {
  mariadb?: MariaDbSettings & { source: ServiceSource };
  kafka?: KafkaSettings & { source: ServiceSource };
  /** `MYSQL_URL` and `KAFKA_BROKERS` for the services provided. */
  env: Record<string, string>;
  /** Stops the private services (removing their data) and restores the environment. */
  teardown(): Promise<void>;
}

/**
 * Provides the requested services for a test run, preferring, in order: external servers named by
 * `MYSQL_URL` / `KAFKA_BROKERS` (checked to be reachable), services started by `srconnect-services up`
 * (read from `.run/state.json`, if still alive), or private servers started now (in parallel). Made for a
 * vitest `globalSetup`:
 *
 * ```ts
 * import { ensureServices } from '@srconnect/services';
 * export default async function setup() {
 *   const services = await ensureServices({ mariadb: true, kafka: true });
 *   return services.teardown;
 * }
 * ```
 *
 * @throws {ServiceStartError} if a service can be neither found nor started; nothing is left running then.
 */
export async function ensureServices(options: EnsureServicesOptions = {}): Promise<EnsuredServices> {
  const env = options.env ?? process.env;
  const paths = options.paths ?? runPaths(env);
  const overrides = serviceOverrides(env);
  const state = options.reuse === false ? {} : readState(paths);

  const mariadbTask = async (): Promise<{
    settings: MariaDbSettings;
    source: ServiceSource;
    server?: MariaDbServer;
  }> => {
    if (overrides.mariadb) {
      await checkMariaDb(overrides.mariadb);
      return { settings: overrides.mariadb, source: 'env' };
    }
    if (state.mariadb && isServiceRunning(state.mariadb))
      return { settings: state.mariadb.settings, source: 'up' };
    const server = await startMariaDb({
      paths,
      ...(typeof options.mariadb === 'object' ? options.mariadb : {}),
    });
    return { settings: settingsOf(server), source: 'private', server };
  };
  const kafkaTask = async (): Promise<{
    settings: KafkaSettings;
    source: ServiceSource;
    server?: KafkaServer;
  }> => {
    if (overrides.kafka) {
      if (!(await canListTopics(overrides.kafka.brokers, 5_000))) {
        throw new ServiceStartError(
          'kafka',
          'EXTERNAL_UNREACHABLE',
          `KAFKA_BROKERS=${env.KAFKA_BROKERS} does not answer`,
          {
            fix: 'start the broker it names, or unset KAFKA_BROKERS so a private broker is started',
          },
        );
      }
      return { settings: overrides.kafka, source: 'env' };
    }
    if (state.kafka && isServiceRunning(state.kafka)) return { settings: state.kafka.settings, source: 'up' };
    const server = await startKafka({ paths, ...(typeof options.kafka === 'object' ? options.kafka : {}) });
    return { settings: { brokers: server.brokers }, source: 'private', server };
  };

  const [mariadb, kafka] = await Promise.allSettled([
    options.mariadb ? mariadbTask() : Promise.resolve(undefined),
    options.kafka ? kafkaTask() : Promise.resolve(undefined),
  ]);
  const servers = [mariadb, kafka].flatMap((r) =>
    r.status === 'fulfilled' && r.value?.server ? [r.value.server] : [],
  );
  if (mariadb.status === 'rejected' || kafka.status === 'rejected') {
    await Promise.all(servers.map((s) => s.stop()));
    throw mariadb.status === 'rejected' ? mariadb.reason : (kafka as PromiseRejectedResult).reason;
  }

  const result: EnsuredServices = { env: {}, teardown: async () => {} };
  if (mariadb.value) {
    result.mariadb = { ...mariadb.value.settings, source: mariadb.value.source };
    result.env.MYSQL_URL = mariadb.value.settings.url;
  }
  if (kafka.value) {
    result.kafka = { ...kafka.value.settings, source: kafka.value.source };
    result.env.KAFKA_BROKERS = kafka.value.settings.brokers.join(',');
  }
  const previous: Record<string, string | undefined> = {};
  if (options.setEnv ?? true) {
    for (const [key, value] of Object.entries(result.env)) {
      previous[key] = process.env[key];
      process.env[key] = value;
    }
  }
  let done: Promise<void> | undefined;
  result.teardown = () => {
    done ??= (async () => {
      for (const [key, value] of Object.entries(previous)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      await Promise.all(servers.map((s) => s.stop()));
    })();
    return done;
  };
  return result;
}

function settingsOf(server: MariaDbServer): MariaDbSettings {
  return {
    host: server.host,
    port: server.port,
    user: server.user,
    password: server.password,
    url: server.url,
  };
}

async function checkMariaDb(settings: MariaDbSettings): Promise<void> {
  try {
    const connection = await createConnection({
      host: settings.host,
      port: settings.port,
      user: settings.user,
      password: settings.password,
      connectTimeout: 5_000,
    });
    await connection.end();
  } catch (error) {
    throw new ServiceStartError(
      'mariadb',
      'EXTERNAL_UNREACHABLE',
      `cannot connect to MYSQL_URL=${settings.url.replace(/:[^:@/]*@/, ':***@')}`,
      {
        fix: 'start the server it names, or unset MYSQL_URL so a private MariaDB is started',
        cause: error,
      },
    );
  }
}
