/**
 * The whole-process benchmark cases: each is one command a user (or a comparable tool) runs, timed
 * from spawn to exit. A later benchmark (a fleet of schemas, `--each-schema`) adds cases here.
 */
import type { EngineName } from '../src/engines/registry.js';

/** What a case runs against: one loaded database and the spec files made from it. */
export interface CaseContext {
  readonly engine: EngineName;
  readonly url: string;
  readonly schemas: readonly string[];
  /** The spec `fkdiff pull` wrote of the database (nothing to change). */
  readonly pulledSpec: string;
  /** A spec changing about 10 % of the keys. */
  readonly changedSpec: string;
  /** A second database holding the changed keys (PostgreSQL), for tools that diff two databases. */
  readonly changedUrl: string | undefined;
  /** A scratch directory for output files. */
  readonly scratchDir: string;
  /** The key count, for cases that sample. */
  readonly foreignKeys: number;
}

export interface Command {
  readonly command: string;
  readonly args: readonly string[];
}

export interface BenchCase {
  readonly id: string;
  /** As the report names it. */
  readonly label: string;
  readonly engines: readonly EngineName[];
  /**
   * `wall`: the process's wall-clock time; `reported`: the process times a sample itself and prints
   * `{ "scaledMs": … }` as JSON (a loop too slow to run in full).
   */
  readonly timing: 'wall' | 'reported';
  /** Fewer runs for the slow cases: the number of runs at `foreignKeys`. */
  runs(foreignKeys: number, quick: boolean): number;
  command(context: CaseContext): Command;
}

const NODE = process.execPath;
const FKDIFF = 'dist/cli/bin.js';
const BOTH: readonly EngineName[] = ['postgres', 'mysql'];

function standardRuns(foreignKeys: number, quick: boolean): number {
  if (quick) return 3;
  return foreignKeys >= 20_000 ? 3 : 5;
}

function schemaArgs(context: CaseContext): string[] {
  return context.schemas.flatMap((schema) => ['--schema', schema]);
}

/** The floor every fkdiff figure is compared with (bench/floor.mjs). */
export const FLOOR_ID = 'floor';

export const CASES: readonly BenchCase[] = [
  {
    id: FLOOR_ID,
    label: 'floor: node + driver, one catalog query of all keys',
    engines: BOTH,
    timing: 'wall',
    runs: standardRuns,
    command: (context) => ({
      command: NODE,
      args: ['bench/floor.mjs', context.engine, context.url, ...context.schemas],
    }),
  },
  {
    id: 'pull',
    label: 'fkdiff pull -o FILE',
    engines: BOTH,
    timing: 'wall',
    runs: standardRuns,
    command: (context) => ({
      command: NODE,
      args: [
        FKDIFF,
        'pull',
        '--url',
        context.url,
        ...schemaArgs(context),
        '-o',
        `${context.scratchDir}/pulled-again.yaml`,
        '--force',
      ],
    }),
  },
  {
    id: 'plan-unchanged',
    label: 'fkdiff plan, pulled spec (no changes)',
    engines: BOTH,
    timing: 'wall',
    runs: standardRuns,
    command: (context) => ({
      command: NODE,
      args: [FKDIFF, 'plan', context.pulledSpec, '--url', context.url],
    }),
  },
  {
    id: 'plan-changed',
    label: 'fkdiff plan, 10 % changed',
    engines: BOTH,
    timing: 'wall',
    runs: standardRuns,
    command: (context) => ({
      command: NODE,
      args: [FKDIFF, 'plan', context.changedSpec, '--url', context.url],
    }),
  },
  {
    id: 'plan-sql',
    label: 'fkdiff plan --format sql, 10 % changed',
    engines: BOTH,
    timing: 'wall',
    runs: standardRuns,
    command: (context) => ({
      command: NODE,
      args: [FKDIFF, 'plan', context.changedSpec, '--url', context.url, '--format', 'sql'],
    }),
  },
  {
    id: 'migra',
    label: 'migra (@pgkit/migra), database → database with the 10 % change',
    engines: ['postgres'],
    timing: 'wall',
    runs: (foreignKeys, quick) => (quick || foreignKeys >= 20_000 ? 1 : 3),
    command: (context) => ({
      command: NODE,
      args: ['node_modules/@pgkit/migra/dist/command.js', context.url, context.changedUrl ?? '', '--unsafe'],
    }),
  },
  {
    id: 'sequelize-loop',
    label: "Sequelize's getForeignKeyReferencesForTable per table (sample of 100 tables, scaled)",
    engines: BOTH,
    timing: 'reported',
    runs: () => 1,
    command: (context) => ({
      command: NODE,
      args: ['--import', 'tsx', 'bench/sequelize-loop.ts', context.url, '100', ...context.schemas],
    }),
  },
];
