/**
 * The only place that maps an engine's name to its code: adding an engine is one folder, its name in
 * names.ts and one line here.
 */
import type { Engine } from './engine.js';
import { mysqlEngine } from './mysql/index.js';
import { postgresEngine } from './postgres/index.js';

import { ENGINE_NAMES, type EngineName } from './names.js';

export { ENGINE_NAMES, type EngineName } from './names.js';

const ENGINES: Readonly<Record<EngineName, Engine>> = {
  postgres: postgresEngine,
  mysql: mysqlEngine,
};

export function engineFor(name: EngineName): Engine {
  return ENGINES[name];
}

const ALL: readonly Engine[] = ENGINE_NAMES.map(engineFor);

/** The engine whose server URLs use `protocol` (`postgres:`), if any. */
export function engineForScheme(protocol: string): Engine | undefined {
  return ALL.find((engine) => engine.url.schemes.includes(protocol));
}

/** The engine embedded in this process that `url` names (`pglite:…`), if any. */
export function embeddedEngineFor(url: string): Engine | undefined {
  return ALL.find((engine) => engine.embedded !== undefined && url.startsWith(engine.embedded.scheme));
}

/** Every URL form fkdiff accepts, for messages. */
export function urlForms(): string {
  const forms = [
    ...ALL.flatMap((engine) => engine.url.schemes.map((scheme) => `${scheme}//`)),
    ...ALL.flatMap((engine) => (engine.embedded === undefined ? [] : [engine.embedded.scheme])),
  ];
  return `${forms.slice(0, -1).join(', ')} or ${forms.at(-1) ?? ''}`;
}

/** The engine a spec is checked against when no database is given: the first registered. */
export function offlineEngine(): Engine {
  return engineFor(ENGINE_NAMES[0]);
}

/** The engine serving a Sequelize instance of this dialect (`sequelize.getDialect()`), if any. */
export function engineForSequelizeDialect(dialect: string): Engine | undefined {
  return ALL.find((engine) => engine.sequelize.dialects.includes(dialect));
}
