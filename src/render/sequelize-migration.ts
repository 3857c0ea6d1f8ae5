/**
 * Plan → a sequelize-cli / umzug migration: a CommonJS module exporting `up` and `down` that runs the
 * plan's statements through `queryInterface.sequelize.query` and needs nothing from fkdiff at run
 * time. `down` is the inverse, computed from the plan's changes, so it restores the keys as they
 * were when the plan was made. Pure.
 */
import pc from 'picocolors';
import type { Engine } from '../engines/engine.js';
import { assertNever } from '../collections.js';
import { countOf } from '../labels.js';
import type { ForeignKey } from '../model/catalog.js';
import type { Change } from '../model/change.js';
import type { Plan, StepAction } from '../model/plan.js';
import { changeVerb, describeChange, describeStep } from './describe.js';
import { displayName, displayTable, escapeUnsafe } from './display.js';

export interface SequelizeMigrationOptions {
  readonly engine: Pick<Engine, 'capabilities' | 'stepSql'>;
}

/** One statement of the migration: its transaction group, what it does, its SQL. */
interface Statement {
  readonly group: number;
  readonly what: string;
  readonly sql: string;
}

/** Consecutive statements made for one change, under one comment. */
interface Block {
  readonly title: string;
  readonly statements: readonly Statement[];
}

const NO_COLOR = pc.createColors(false);

function changeTitle(change: Change, prefix = ''): string {
  const fk = change.kind === 'replace' ? change.to : change.fk;
  const detail = describeChange(change, NO_COLOR);
  const what = `${prefix}${changeVerb(change)} foreign key ${displayName(fk.name)} on ${displayTable(fk.table)}`;
  return detail === '' ? what : `${what}: ${detail}`;
}

function upBlocks(plan: Plan): Block[] {
  const blocks: { change: Change; statements: Statement[] }[] = [];
  for (const step of plan.steps) {
    const statement = { group: step.transaction, what: describeStep(step.action), sql: step.sql };
    const last = blocks.at(-1);
    if (last?.change === step.change) last.statements.push(statement);
    else blocks.push({ change: step.change, statements: [statement] });
  }
  return blocks.map(({ change, statements }) => ({ title: changeTitle(change), statements }));
}

/** The phases of an undo, in the order they run: names are free before they are taken again. */
interface Undo {
  readonly drops: readonly StepAction[];
  readonly alters: readonly StepAction[];
  readonly renames: readonly StepAction[];
  readonly adds: readonly StepAction[];
}

const readd = (fk: ForeignKey): StepAction => ({ kind: 'add', fk, notValid: !fk.validated });

function undoOf(change: Change, renameInPlace: boolean): Undo {
  const none: Undo = { drops: [], alters: [], renames: [], adds: [] };
  switch (change.kind) {
    case 'add':
      return { ...none, drops: [{ kind: 'drop', fk: change.fk }] };
    case 'drop':
      return { ...none, adds: [readd(change.fk)] };
    case 'replace':
      return { ...none, drops: [{ kind: 'drop', fk: change.to }], adds: [readd(change.from)] };
    case 'rename': {
      const renamed = { ...change.fk, name: change.newName };
      return renameInPlace
        ? { ...none, renames: [{ kind: 'rename', fk: renamed, newName: change.fk.name }] }
        : { ...none, drops: [{ kind: 'drop', fk: renamed }], adds: [readd(change.fk)] };
    }
    case 'alter': {
      const altered = {
        ...change.fk,
        deferrable: change.deferrable,
        initiallyDeferred: change.initiallyDeferred,
      };
      const back = { deferrable: change.fk.deferrable, initiallyDeferred: change.fk.initiallyDeferred };
      const deferral =
        back.deferrable === change.deferrable && back.initiallyDeferred === change.initiallyDeferred
          ? []
          : [{ kind: 'alter' as const, fk: altered, ...back }];
      // Enforcement goes back as it was (PostgreSQL 18).
      const enforcement =
        change.enforced === undefined
          ? []
          : [
              {
                kind: 'alter' as const,
                fk: altered,
                deferrable: change.deferrable,
                initiallyDeferred: change.initiallyDeferred,
                enforced: !change.enforced,
              },
            ];
      return { ...none, alters: [...enforcement, ...deferral] };
    }
    case 'validate':
      // Validation cannot be undone in place: the key goes back NOT VALID.
      return { ...none, drops: [{ kind: 'drop', fk: change.fk }], adds: [readd(change.fk)] };
    default:
      return assertNever(change);
  }
}

function downBlocks(plan: Plan, options: SequelizeMigrationOptions): Block[] {
  const { engine } = options;
  const changes = [...plan.changes].reverse();
  const undos = changes.map((change) => undoOf(change, engine.capabilities.renameConstraint));
  const phases: (keyof Undo)[] = ['drops', 'alters', 'renames', 'adds'];
  return phases.flatMap((phase) =>
    changes.flatMap((change, index) => {
      const actions = undos[index]?.[phase] ?? [];
      if (actions.length === 0) return [];
      const statements = actions.map((action) => ({
        group: 1,
        what: describeStep(action),
        sql: engine.stepSql(action),
      }));
      return [{ title: changeTitle(change, 'undo: '), statements }];
    }),
  );
}

/** `//` comments end at a line break: everything in one is escaped first. */
const comment = (indent: string, text: string): string => `${indent}// ${escapeUnsafe(text)}`;

function statementsArray(name: string, blocks: readonly Block[]): string {
  if (blocks.length === 0) return `const ${name} = [];`;
  const lines = blocks.flatMap((block, index) => [
    ...(index > 0 ? [''] : []),
    comment('  ', block.title),
    ...block.statements.flatMap((statement) => [
      comment('  ', `  ${statement.what}`),
      `  [${statement.group}, ${JSON.stringify(statement.sql)}],`,
    ]),
  ]);
  return [`const ${name} = [`, ...lines, '];'].join('\n');
}

/** Transactional DDL: each group of statements in one transaction, all or nothing. */
const TRANSACTIONAL_RUNNER = `/** Runs each group of statements in one transaction: a failure rolls its group back. */
async function run(queryInterface, statements) {
  const groups = [...new Set(statements.map(([group]) => group))];
  for (const group of groups) {
    await queryInterface.sequelize.transaction(async (transaction) => {
      for (const [inGroup, sql] of statements) {
        if (inGroup === group) await queryInterface.sequelize.query(sql, { transaction });
      }
    });
  }
}`;

/** DDL that commits by itself: one statement at a time, saying which one failed. */
const STEPWISE_RUNNER = `/**
 * Runs the statements one by one. Each DDL statement commits by itself, so a transaction would not
 * undo the ones before a failure: the error says which step failed and how many were applied.
 */
async function run(queryInterface, statements) {
  for (const [index, [, sql]] of statements.entries()) {
    try {
      await queryInterface.sequelize.query(sql);
    } catch (error) {
      const applied = index === 0 ? 'none applied' : \`steps 1-\${index} applied and committed\`;
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(\`step \${index + 1} of \${statements.length} failed (\${applied}): \${reason}; statement: \${sql}\`);
    }
  }
}`;

/** The migration's text: header, the `up` and `down` statements, the runner, the exports. */
export function renderSequelizeMigration(plan: Plan, options: SequelizeMigrationOptions): string {
  const up = upBlocks(plan);
  const down = downBlocks(plan, options);
  const runner = options.engine.capabilities.transactionalDdl ? TRANSACTIONAL_RUNNER : STEPWISE_RUNNER;
  const header = [
    `// fkdiff migration (${plan.dialect}): ${countOf(plan.changes.length, 'change')}, ${countOf(plan.steps.length, 'step')}; fingerprint ${plan.fingerprint}.`,
    '// up makes the foreign keys match the spec; down puts them back as they were when this file was made.',
    '// Runs with sequelize-cli (db:migrate, db:migrate:undo) or umzug; needs nothing from fkdiff.',
  ];
  const exports = `/**
 * sequelize-cli calls up(queryInterface, Sequelize); umzug's default resolver calls up({ name, path,
 * context }): the context may be the queryInterface or the Sequelize instance.
 */
function queryInterfaceOf(argument) {
  const given = argument && argument.context !== undefined ? argument.context : argument;
  return given && typeof given.getQueryInterface === 'function' ? given.getQueryInterface() : given;
}

module.exports = {
  up: (argument) => run(queryInterfaceOf(argument), up),
  down: (argument) => run(queryInterfaceOf(argument), down),
};`;
  return `${[
    `'use strict';\n${header.join('\n')}`,
    statementsArray('up', up),
    statementsArray('down', down),
    runner,
    exports,
  ].join('\n\n')}\n`;
}

/** sequelize-cli's file name: a UTC timestamp (YYYYMMDDHHmmss), then a name; `.cjs` stays CommonJS. */
export function migrationFileName(now: Date): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `${stamp}-fkdiff.cjs`;
}
