/** Which throwaway service an error is about. */
export type ServiceName = 'mariadb' | 'kafka';

/** Stable machine-readable reasons a service could not be started or reached. */
export type ServiceStartErrorCode =
  | 'MARIADB_NOT_INSTALLED'
  | 'MARIADB_INIT_FAILED'
  | 'MARIADB_START_FAILED'
  | 'MARIADB_START_TIMEOUT'
  | 'JAVA_NOT_FOUND'
  | 'KAFKA_JARS_MISSING'
  | 'KAFKA_FORMAT_FAILED'
  | 'KAFKA_START_FAILED'
  | 'KAFKA_START_TIMEOUT'
  | 'EXTERNAL_UNREACHABLE'
  | 'INVALID_OVERRIDE';

/** Details attached to a {@link ServiceStartError}. */
export interface ServiceStartErrorDetails {
  /** The command that fixes the problem, e.g. `apt-get install -y mariadb-server-core`. */
  fix?: string;
  /** The service's log file, if one was written. */
  logFile?: string;
  /** The last lines of that log file. */
  logTail?: string;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * Thrown when a throwaway service (or an external one named by `MYSQL_URL` / `KAFKA_BROKERS`) cannot be
 * started or reached. The message says what failed, shows the tail of the service's log and the command
 * that fixes it; `code` is stable and meant for programs.
 */
export class ServiceStartError extends Error {
  /** Stable reason, e.g. `MARIADB_NOT_INSTALLED`. */
  readonly code: ServiceStartErrorCode;
  /** The service concerned. */
  readonly service: ServiceName;
  /** The command that fixes the problem, when one is known. */
  readonly fix: string | undefined;
  /** The service's log file, when one was written. */
  readonly logFile: string | undefined;
  /** The last lines of the log file, when one was written. */
  readonly logTail: string | undefined;

  constructor(
    service: ServiceName,
    code: ServiceStartErrorCode,
    summary: string,
    details: ServiceStartErrorDetails = {},
  ) {
    super(
      formatMessage(service, summary, details),
      details.cause === undefined ? {} : { cause: details.cause },
    );
    this.name = 'ServiceStartError';
    this.code = code;
    this.service = service;
    this.fix = details.fix;
    this.logFile = details.logFile;
    this.logTail = details.logTail;
  }
}

function formatMessage(service: ServiceName, summary: string, details: ServiceStartErrorDetails): string {
  const parts = [`${service}: ${summary}`];
  if (details.logTail) {
    parts.push(`--- last lines of ${details.logFile ?? 'the log'} ---\n${details.logTail.trimEnd()}\n---`);
  } else if (details.logFile) {
    parts.push(`log: ${details.logFile}`);
  }
  if (details.fix) parts.push(`To fix: ${details.fix}`);
  return parts.join('\n');
}
