export { runFleet, failureOutcome } from './run.js';
export type { FleetEvent, FleetOptions } from './run.js';
export { parseTargetsFile } from './targets-file.js';
export type { FleetTarget } from './targets-file.js';
export { FLEET_COMMANDS, FLEET_EXIT, fleetExitCode, statusCounts } from './report.js';
export type {
  FleetCommand,
  FleetNoun,
  FleetReport,
  Shard,
  SkipReason,
  TargetOutcome,
  TargetResult,
  TargetStatus,
} from './report.js';
export { mergeFleetReports, readFleetJson, writeFleetJson } from './report-json.js';
export { globMatcher, parseShard, shardOf } from './select.js';
