/** Loads the caller's module of Sequelize models: the only I/O of the models stage. */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ModelStatic, Sequelize } from 'sequelize';
import { FkdiffError } from '../errors.js';
import { escapeUnsafe } from '../render/display.js';

function isSequelize(value: unknown): value is Sequelize {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<'getDialect' | 'define' | 'models', unknown>>;
  return (
    typeof candidate.getDialect === 'function' &&
    typeof candidate.define === 'function' &&
    typeof candidate.models === 'object'
  );
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * The Sequelize instance a module's export stands for: the instance, a function or promise returning
 * one, or an object holding it as `sequelize` (sequelize-cli's `models/index.js`).
 */
async function instanceFrom(value: unknown, depth = 0): Promise<Sequelize | undefined> {
  if (depth > 3) return undefined;
  if (isSequelize(value)) return value;
  if (isThenable(value)) return instanceFrom(await value, depth + 1);
  if (typeof value === 'function') return instanceFrom((value as () => unknown)(), depth + 1);
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    for (const key of ['default', 'sequelize', 'db']) {
      if (key in record) {
        const found = await instanceFrom(record[key], depth + 1);
        if (found !== undefined) return found;
      }
    }
  }
  return undefined;
}

type Associable = ModelStatic<never> & { associate?: (models: Sequelize['models']) => void };

/** Calls each model's `associate(models)`, in definition order, unless the module already has. */
function associateOnce(sequelize: Sequelize): void {
  const models = Object.values(sequelize.models) as Associable[];
  if (models.some((model) => Object.keys(model.associations).length > 0)) return;
  for (const model of models) model.associate?.(sequelize.models);
}

function modelsError(module: string, reason: string, cause?: unknown): FkdiffError {
  return new FkdiffError('MODELS_INVALID', `${escapeUnsafe(module)}: ${escapeUnsafe(reason)}`, {
    cause,
  });
}

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}

/**
 * Imports `module` (a path resolved against `cwd`) and returns its Sequelize instance with the
 * associations made. MODELS_INVALID, naming the module, when it does not load, throws or exports
 * no instance.
 */
export async function loadModels(module: string, cwd: string): Promise<Sequelize> {
  const path = isAbsolute(module) ? module : resolve(cwd, module);
  let exported: unknown;
  try {
    exported = await import(pathToFileURL(path).href);
  } catch (error) {
    // A missing module itself, not a missing import inside it.
    const missing =
      (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && reasonOf(error).includes(path);
    const why = missing ? 'no such module' : `does not load: ${reasonOf(error)}`;
    throw modelsError(module, why, error);
  }
  let sequelize: Sequelize | undefined;
  try {
    sequelize = await instanceFrom(exported);
    if (sequelize !== undefined) associateOnce(sequelize);
  } catch (error) {
    throw modelsError(module, `threw while setting up its models: ${reasonOf(error)}`, error);
  }
  if (sequelize === undefined) {
    throw modelsError(
      module,
      'exports no Sequelize instance (export the instance, or a function or promise returning one)',
    );
  }
  return sequelize;
}
