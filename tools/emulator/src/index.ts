export { type Emulator, startEmulator } from './emulator.js';
export {
  type BlackholeStats,
  type FailNextFault,
  FaultController,
  type FaultScope,
} from './faults.js';
export { type EmulatorOptions, InvalidEmulatorOptionError } from './options.js';
export { EMULATED_VERSION, MYSQL_SERVER_VERSION } from './sql/sql-engine.js';
