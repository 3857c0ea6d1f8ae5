/** `--models MODULE`: the desired keys from the app's Sequelize models instead of a spec file. */
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sequelize } from 'sequelize';
import { connect, connectSequelize, type Connection, type Executor } from '../db/connection.js';
import { loadModels } from '../models/index.js';
import { loadSpecFile, specFromModels, type SpecInput } from '../pipeline.js';
import { migrationFileName } from '../render/index.js';
import { parseDuration } from './duration.js';

export interface SpecSourceOptions {
  readonly url?: string;
  readonly models?: string;
  readonly includeUnconstrained?: boolean;
  /** `--statement-timeout`: how long a catalog read or a check may wait for its answer. */
  readonly statementTimeout?: string;
}

function connectOptions(options: SpecSourceOptions): { statementTimeoutMs?: number } {
  return options.statementTimeout === undefined
    ? {}
    : { statementTimeoutMs: parseDuration(options.statementTimeout, '--statement-timeout') };
}

type Work<T> = (connection: Connection, raw: SpecInput) => Promise<T>;

async function using<T>(connection: Connection, work: (connection: Connection) => Promise<T>): Promise<T> {
  try {
    return await work(connection);
  } finally {
    await connection.close();
  }
}

/**
 * Runs `work` with the connection and the desired keys: from the spec file, or from the models module
 * (connected through `url` when given, else through the module's own Sequelize instance).
 */
export async function withSpecSource<T>(
  specFile: string,
  options: SpecSourceOptions,
  url: string | undefined,
  work: Work<T>,
  source: {
    /** An embedded engine may make a new database where there is none. */
    readonly create?: boolean;
    /** The desired keys to use instead of reading `specFile` (a saved plan's). */
    readonly fallback?: SpecInput;
    /** What the work's SQL runs on: `apply` executes through Sequelize, the rest only read. */
    readonly executor?: Executor;
  } = {},
): Promise<T> {
  if (options.models === undefined) {
    const raw = source.fallback ?? (await loadSpecFile(specFile));
    const connection = await connect(url, {
      create: source.create ?? false,
      executor: source.executor ?? 'driver',
      ...connectOptions(options),
    });
    return using(connection, (opened) => work(opened, raw));
  }
  const module = options.models;
  const sequelize: Sequelize = await loadModels(module, process.cwd());
  try {
    const connection =
      url === undefined || url === ''
        ? await connectSequelize(sequelize, connectOptions(options))
        : await connect(url, {
            create: false,
            executor: source.executor ?? 'driver',
            ...connectOptions(options),
          });
    return await using(connection, (opened) =>
      work(
        opened,
        specFromModels(opened, sequelize, {
          module,
          includeUnconstrained: options.includeUnconstrained ?? false,
        }),
      ),
    );
  } finally {
    // The module's instance was opened for this command: close its pool so the process can exit.
    await sequelize.close();
  }
}

/** Writes the migration to `out`, or into `out/<timestamp>-fkdiff.cjs` when `out` is a directory. */
export async function writeMigration(out: string, text: string, now: Date): Promise<string> {
  const isDirectory = await stat(out).then(
    (found) => found.isDirectory(),
    () => false,
  );
  const file = isDirectory ? join(out, migrationFileName(now)) : out;
  await writeFile(file, text);
  return file;
}
