import { ServiceStartError } from './service-start-error.js';
import type { KafkaSettings, MariaDbSettings } from './state-file.js';

/** External servers named by the environment, which tests use instead of starting their own. */
export interface ServiceOverrides {
  /** From `MYSQL_URL`. */
  mariadb?: MariaDbSettings;
  /** From `KAFKA_BROKERS`. */
  kafka?: KafkaSettings;
}

/**
 * Reads `MYSQL_URL` (`mysql://user[:password]@host[:port]`) and `KAFKA_BROKERS` (`host:port[,host:port…]`).
 *
 * @throws {ServiceStartError} `INVALID_OVERRIDE` when a variable is set but malformed.
 */
export function serviceOverrides(env: NodeJS.ProcessEnv = process.env): ServiceOverrides {
  const overrides: ServiceOverrides = {};
  if (env.MYSQL_URL?.trim()) overrides.mariadb = parseMysqlUrl(env.MYSQL_URL.trim());
  if (env.KAFKA_BROKERS?.trim()) overrides.kafka = parseKafkaBrokers(env.KAFKA_BROKERS.trim());
  return overrides;
}

/** Parses a `mysql://` (or `mariadb://`) URL into connection settings; the port defaults to 3306. */
export function parseMysqlUrl(url: string): MariaDbSettings {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('mariadb', `MYSQL_URL is not a URL: ${url}`);
  }
  if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:') {
    throw invalid('mariadb', `MYSQL_URL must start with mysql:// (got ${parsed.protocol}//)`);
  }
  if (!parsed.hostname) throw invalid('mariadb', `MYSQL_URL has no host: ${url}`);
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port ? Number(parsed.port) : 3306,
    user: decodeURIComponent(parsed.username) || 'root',
    password: decodeURIComponent(parsed.password),
    url,
  };
}

/** Parses a comma-separated `host:port` list. */
export function parseKafkaBrokers(value: string): KafkaSettings {
  const brokers = value
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  for (const broker of brokers) {
    if (!/^(\[[^\]]+\]|[^:\s]+):\d{1,5}$/.test(broker)) {
      throw invalid('kafka', `KAFKA_BROKERS must be host:port[,host:port…] (got ${JSON.stringify(broker)})`);
    }
  }
  if (brokers.length === 0) throw invalid('kafka', 'KAFKA_BROKERS is empty');
  return { brokers };
}

function invalid(service: 'mariadb' | 'kafka', summary: string): ServiceStartError {
  return new ServiceStartError(service, 'INVALID_OVERRIDE', summary, {
    fix: `fix or unset ${service === 'mariadb' ? 'MYSQL_URL' : 'KAFKA_BROKERS'}`,
  });
}
