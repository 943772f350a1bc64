export { ensureKafkaJars, kafkaJarsCommand, kafkaVersion } from './ensure-kafka-jars.js';
export type { MariaDbBinaries } from './ensure-mariadb-binaries.js';
export {
  ensureMariaDbBinaries,
  MARIADB_INSTALL_COMMAND,
  MARIADB_PACKAGES,
} from './ensure-mariadb-binaries.js';
export type { EnsuredServices, EnsureServicesOptions, ServiceSource } from './ensure-services.js';
export { ensureServices } from './ensure-services.js';
export { freePort, freePorts } from './free-port.js';
export type { KafkaServerPropertiesInput } from './kafka-server-properties.js';
export { kafkaClusterId, kafkaServerProperties } from './kafka-server-properties.js';
export type { RunPaths } from './run-paths.js';
export { packageDir, runPaths } from './run-paths.js';
export type { ServiceOverrides } from './service-overrides.js';
export { parseKafkaBrokers, parseMysqlUrl, serviceOverrides } from './service-overrides.js';
export type { ServiceName, ServiceStartErrorCode, ServiceStartErrorDetails } from './service-start-error.js';
export { ServiceStartError } from './service-start-error.js';
export type { KafkaServer, StartKafkaOptions } from './start-kafka.js';
export { canListTopics, startKafka } from './start-kafka.js';
export type { MariaDbServer, StartMariaDbOptions } from './start-mariadb.js';
export { startMariaDb } from './start-mariadb.js';
export type {
  KafkaRecord,
  KafkaSettings,
  MariaDbRecord,
  MariaDbSettings,
  ServiceRecord,
  ServicesState,
} from './state-file.js';
export { readState } from './state-file.js';
export { isServiceRunning, stopService } from './stop-service.js';
