import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diff } from '../../src/diff/diff.js';
import { mysqlEngine } from '../../src/engines/mysql/index.js';
import { postgresEngine } from '../../src/engines/postgres/index.js';
import type { EngineName } from '../../src/engines/registry.js';
import { FkdiffError, formatProblem } from '../../src/errors.js';
import { MATCH_TYPES, REFERENTIAL_ACTIONS } from '../../src/model/catalog.js';
import type { Catalog, DesiredForeignKey, ForeignKey, Table } from '../../src/model/catalog.js';
import type { ChangeKind, FieldName } from '../../src/model/change.js';
import { HAZARD_CODES } from '../../src/model/plan.js';
import type { Plan, StepKind } from '../../src/model/plan.js';
import { planChanges } from '../../src/plan/plan.js';
import { readPlanFile, writePlanFile } from '../../src/planfile/index.js';
import type { SavedPlan } from '../../src/planfile/index.js';
import { catalog, fk, table, want } from '../support/builders.js';
import { savedParts } from '../support/planfile.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const SCHEMA_ID = 'https://unpkg.com/fkdiff/schemas/plan.schema.json';
const schema = JSON.parse(
  readFileSync(new URL('../../schemas/plan.schema.json', import.meta.url), 'utf8'),
) as JsonObject;

/** Every member of each model union, as a record so that a member added to the model fails to compile. */
const DIALECTS = { postgres: true, mysql: true } satisfies Record<EngineName, true>;
const CHANGE_KINDS = {
  add: true,
  drop: true,
  rename: true,
  alter: true,
  validate: true,
  replace: true,
} satisfies Record<ChangeKind, true>;
const STEP_OPS = {
  drop: true,
  rename: true,
  alter: true,
  add: true,
  validate: true,
  'drop-index': true,
} satisfies Record<StepKind, true>;
const FIELD_NAMES = {
  columns: true,
  referencedTable: true,
  referencedColumns: true,
  onDelete: true,
  onUpdate: true,
  match: true,
  deferrable: true,
  initiallyDeferred: true,
  enforced: true,
  period: true,
  onDeleteColumns: true,
} satisfies Record<FieldName, true>;

/** A value in a message: a string as it is, anything else as JSON. */
function shown(value: Json | undefined): string {
  return typeof value === 'string' ? value : JSON.stringify(value ?? null);
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The schema node at `path`, or undefined. */
function node(...path: string[]): Json | undefined {
  let current: Json | undefined = schema;
  for (const key of path) current = isObject(current) ? current[key] : undefined;
  return current;
}

/** The definitions a definition's `oneOf` refers to, by name. */
function variants(definition: string): string[] {
  const refs = node('definitions', definition, 'oneOf');
  if (!Array.isArray(refs)) throw new Error(`${definition} has no oneOf`);
  return refs.map((variant) => {
    const target = isObject(variant) ? variant['$ref'] : undefined;
    if (typeof target !== 'string' || !target.startsWith('#/definitions/')) {
      throw new Error(`${definition}: a variant is not a $ref to a definition`);
    }
    return target.slice('#/definitions/'.length);
  });
}

/** The `const` of `tag` in each variant of a definition's `oneOf`. */
function variantTags(definition: string, tag: string): Json[] {
  return variants(definition).map((name) => node('definitions', name, 'properties', tag, 'const') ?? null);
}

const FILE = 'plan.json';

/** A document as writePlanFile lays it out: two-space indentation, a trailing newline. */
function textOf(document: Json): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** readPlanFile's refusal of `document`, or undefined when it reads it. */
function refusal(document: Json): FkdiffError | undefined {
  try {
    readPlanFile(textOf(document), FILE);
    return undefined;
  } catch (error) {
    if (error instanceof FkdiffError) return error;
    throw error;
  }
}

/**
 * What is wrong with how readPlanFile takes `document`, which it must refuse: nothing when it throws
 * PLAN_FILE_INVALID with its count of problems, each at a line and column inside the file.
 */
function refusalFaults(document: Json): string[] {
  const error = refusal(document);
  if (error === undefined) return ['accepted'];
  const faults: string[] = [];
  if (error.code !== 'PLAN_FILE_INVALID') faults.push(`code ${error.code}`);
  const count = error.problems.length;
  const message = `${FILE}: not a plan as fkdiff writes it: ${count} problem${count === 1 ? '' : 's'}`;
  if (count === 0 || error.message !== message) faults.push(`message ${error.message}`);
  const lines = textOf(document).split('\n');
  for (const problem of error.problems) {
    const { source } = problem;
    const line = source === undefined ? undefined : lines[source.line - 1];
    const inside =
      source?.file === FILE &&
      line !== undefined &&
      Number.isInteger(source.column) &&
      source.column >= 1 &&
      source.column <= line.length;
    if (!inside) faults.push(`not inside the file: ${formatProblem(problem)}`);
  }
  return faults;
}

// ---- plans, through the pure stages ----

const pgTables = [
  table('users', ['id', 'profile_id', 'org_id', 'manager_id']),
  table('profiles', ['id', 'user_id', 'created_by_user_id']),
  table('orgs', ['id', 'owner_id']),
];

const userOrg = fk({ table: 'users', columns: ['org_id'], references: 'orgs' });
const userProfile = fk({ table: 'users', columns: ['profile_id'], references: 'profiles' });
const userManager = fk({ table: 'users', columns: ['manager_id'], references: 'users' });
const profileUser = fk({ table: 'profiles', columns: ['user_id'], references: 'users' });
const profileCreator = fk({
  table: 'profiles',
  columns: ['created_by_user_id'],
  references: 'users',
  validated: false,
});

const pgCurrent = [userOrg, userProfile, userManager, profileUser, profileCreator];
const pgDesired: DesiredForeignKey[] = [
  // userOrg is not declared: drop.
  want({ table: 'users', columns: ['profile_id'], references: 'profiles', name: 'users_profile_fk' }),
  want({ table: 'users', columns: ['manager_id'], references: 'users', onDelete: 'cascade' }),
  want({
    table: 'profiles',
    columns: ['user_id'],
    references: 'users',
    deferrable: true,
    initiallyDeferred: true,
  }),
  want({ table: 'profiles', columns: ['created_by_user_id'], references: 'users' }),
  {
    ...want({ table: 'orgs', columns: ['owner_id'], references: 'users', onDelete: 'set null' }),
    source: { file: 'fkdiff.yaml', line: 12, column: 9 },
  },
];

function postgresPlan(online: boolean): Plan {
  const changes = diff(pgCurrent, pgDesired, postgresEngine);
  return planChanges(changes, catalog(pgTables, pgCurrent), postgresEngine, { online });
}

const DB = 'app';

function mysqlTable(name: string, indexes: Table['indexes'] = []): Table {
  return {
    ref: { schema: DB, name },
    columns: ['id', 'a', 'b', 'x'].map((column) => ({ name: column, type: 'int', nullable: true })),
    indexes: [
      { name: 'PRIMARY', columns: ['id'], unique: true, primary: true, usableForForeignKey: true },
      ...indexes,
    ],
    partitioned: false,
  };
}

function mysqlKey(name: string, owner: string, columns: readonly string[]): ForeignKey {
  return {
    name,
    table: { schema: DB, name: owner },
    columns,
    referencedTable: { schema: DB, name: 'p' },
    referencedColumns: ['id'],
    onDelete: 'no action',
    onUpdate: 'no action',
    deferrable: false,
    initiallyDeferred: false,
    match: 'simple',
    validated: true,
  };
}

/** A leftover index named like a key being added on other columns is dropped first (drop-index). */
function mysqlPlan(): Plan {
  const leftover = { name: 'n', columns: ['a'], unique: false, primary: false, usableForForeignKey: true };
  const current: Catalog = {
    dialect: 'mysql',
    schemas: [DB],
    tables: [mysqlTable('p'), mysqlTable('c', [leftover])],
    foreignKeys: [mysqlKey('old', 'c', ['x'])],
  };
  const desired = [mysqlKey('n', 'c', ['b']), mysqlKey('renamed', 'c', ['x'])].map(
    (key): DesiredForeignKey => ({ ...key, source: undefined }),
  );
  return planChanges(diff(current.foreignKeys, desired, mysqlEngine), current, mysqlEngine, {
    online: false,
  });
}

const emptyPlan: Plan = planChanges([], catalog(pgTables, []), postgresEngine, { online: false });

const plans: readonly (readonly [string, Plan])[] = [
  // Every change kind, every step op but drop-index (MySQL only), a source both known and unknown.
  ['postgres', postgresPlan(false)],
  ['postgres --online', postgresPlan(true)],
  ['mysql', mysqlPlan()],
  ['empty', emptyPlan],
];

const documents: readonly (readonly [string, JsonObject])[] = plans.map(([name, plan]) => [
  name,
  JSON.parse(writePlanFile(plan)) as JsonObject,
]);

function documentNamed(name: string): JsonObject {
  const found = documents.find(([documentName]) => documentName === name);
  if (!found) throw new Error(`no ${name} document`);
  return found[1];
}

const postgresDocument = documentNamed('postgres');

/**
 * Which kinds of change the rendered plans' steps make, by which ops: MySQL renames by a drop and an
 * add, online adds are validated in a step of their own, an add may need a drop-index first.
 */
const MADE_BY: readonly string[] = [
  'add by add',
  'add by drop-index',
  'add by validate',
  'alter by alter',
  'drop by drop',
  'rename by add',
  'rename by drop',
  'rename by rename',
  'replace by add',
  'replace by drop',
  // Online: the new definition is added under a temporary name, then renamed.
  'replace by rename',
  'replace by validate',
  'validate by validate',
];

function listAt(document: JsonObject, key: 'changes' | 'steps' | 'hazards'): JsonObject[] {
  const list = document[key];
  if (!Array.isArray(list)) throw new Error(`${key} is not a list`);
  return list.filter(isObject);
}

function itemOf(
  document: JsonObject,
  list: 'changes' | 'steps',
  tag: 'kind' | 'op',
  value: string,
): JsonObject {
  const found = listAt(document, list).find((item) => item[tag] === value);
  if (!found) throw new Error(`no ${list} item with ${tag} ${value}`);
  return found;
}

/** The first change or step whose tag is `value`, in any rendered plan. */
function findItem(list: 'changes' | 'steps', tag: 'kind' | 'op', value: string): JsonObject {
  const document = documents.find(([, d]) => listAt(d, list).some((item) => item[tag] === value));
  if (!document) throw new Error(`no plan has a ${list} item with ${tag} ${value}`);
  return itemOf(document[1], list, tag, value);
}

type Path = readonly (string | number)[];

/** `value` with the value at `path` replaced by `replace(it)`, copying only along the path. */
function edited(value: Json, path: Path, replace: (value: Json) => Json): Json {
  const [key, ...rest] = path;
  if (key === undefined) return replace(value);
  if (Array.isArray(value) && typeof key === 'number') {
    return value.map((item, index) => (index === key ? edited(item, rest, replace) : item));
  }
  if (isObject(value) && typeof key === 'string') {
    return { ...value, [key]: edited(value[key] ?? null, rest, replace) };
  }
  throw new Error(`no ${String(key)} to edit`);
}

function without(value: Json, field: string): Json {
  if (!isObject(value)) throw new Error(`not an object: ${JSON.stringify(value)}`);
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== field));
}

// ---- tests ----

describe('schemas/plan.schema.json', () => {
  it('is a draft-07 schema with its published $id', () => {
    const spec = JSON.parse(
      readFileSync(new URL('../../schemas/fkdiff.schema.json', import.meta.url), 'utf8'),
    ) as JsonObject;
    expect(schema['$schema']).toBe(spec['$schema']);
    expect(schema['$schema']).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema['$id']).toBe(SCHEMA_ID);
    expect(typeof schema['title']).toBe('string');
    expect(typeof schema['description']).toBe('string');
  });

  it("lists exactly the model's values", () => {
    expect(node('properties', 'dialect', 'enum')).toEqual(Object.keys(DIALECTS));
    expect(node('definitions', 'foreignKey', 'properties', 'onDelete', 'enum')).toEqual([
      ...REFERENTIAL_ACTIONS,
    ]);
    expect(node('definitions', 'foreignKey', 'properties', 'onUpdate', 'enum')).toEqual([
      ...REFERENTIAL_ACTIONS,
    ]);
    expect(node('definitions', 'foreignKey', 'properties', 'match', 'enum')).toEqual([...MATCH_TYPES]);
    expect(node('definitions', 'hazardCode', 'enum')).toEqual([...HAZARD_CODES]);
    expect(node('definitions', 'replaceChange', 'properties', 'fields', 'items', 'enum')).toEqual(
      Object.keys(FIELD_NAMES),
    );
    expect(variantTags('change', 'kind')).toEqual(Object.keys(CHANGE_KINDS));
    expect(variantTags('step', 'op').sort()).toEqual(Object.keys(STEP_OPS).sort());
  });

  it('requires in every step variant change, an index into changes, right after transaction', () => {
    expect(variants('step')).toHaveLength(Object.keys(STEP_OPS).length);
    for (const variant of variants('step')) {
      const required = node('definitions', variant, 'required');
      if (!Array.isArray(required)) throw new Error(`${variant} has no required`);
      expect(required.indexOf('change'), variant).toBe(required.indexOf('transaction') + 1);
      expect(node('definitions', variant, 'properties', 'change'), variant).toMatchObject({
        type: 'integer',
        minimum: 0,
      });
    }
  });

  it('covers every change kind and step op in the rendered plans', () => {
    const kinds = new Set(documents.flatMap(([, d]) => listAt(d, 'changes').map((c) => c['kind'])));
    const ops = new Set(documents.flatMap(([, d]) => listAt(d, 'steps').map((s) => s['op'])));
    const notValid = new Set(
      documents.flatMap(([, d]) => listAt(d, 'steps').map((s) => s['notValid'] ?? 'none')),
    );
    expect([...kinds].sort()).toEqual(Object.keys(CHANGE_KINDS).sort());
    expect([...ops].sort()).toEqual(Object.keys(STEP_OPS).sort());
    expect(notValid).toEqual(new Set([true, false, 'none']));
    const sources = listAt(postgresDocument, 'changes').map((c) => ('source' in c ? c['source'] : 'none'));
    expect(sources).toContainEqual(null);
    expect(sources).toContainEqual({ file: 'fkdiff.yaml', line: 12, column: 9 });
  });

  it('gives every step the index of the change it helps make', () => {
    const made: string[] = [];
    for (const [name, document] of documents) {
      const changes = listAt(document, 'changes');
      for (const step of listAt(document, 'steps')) {
        const where = `${name}: ${shown(step['op'])} ${shown(step['constraint'])}`;
        const index = step['change'];
        const change = typeof index === 'number' ? changes[index] : undefined;
        if (change === undefined) {
          throw new Error(`${where}: change ${JSON.stringify(index)} is not in changes`);
        }
        // The step concerns the change's key, by its name before or after (or, online, the
        // temporary name the new definition is added under: the final name + `_fkdiff_new`).
        const names = [change['fk'], change['from'], change['to']]
          .filter(isObject)
          .map((key) => key['name'])
          .concat(change['newName'] ?? []);
        const constraint = shown(step['constraint']);
        const named = names.find(
          (candidate) => candidate === constraint || constraint.startsWith(`${shown(candidate)}_fkdiff_new`),
        );
        expect(named, where).toBeDefined();
        made.push(`${shown(change['kind'])} by ${shown(step['op'])}`);
      }
    }
    expect([...new Set(made)].sort()).toEqual(MADE_BY);
  });

  it.each(plans)('reads the rendered %s plan back', (_name, plan) => {
    const expected: SavedPlan = {
      file: FILE,
      dialect: plan.dialect,
      schemas: plan.schemas,
      online: plan.online,
      fingerprint: plan.fingerprint,
      statements: plan.steps.map((step) => step.sql),
      ...savedParts(plan),
      spec: undefined,
    };
    expect(readPlanFile(writePlanFile(plan), FILE)).toStrictEqual(expected);
  });

  it('reads the dialect and online mode each plan was made with, and one statement per step', () => {
    const read = plans.map(([name, plan]) => {
      const saved = readPlanFile(writePlanFile(plan), FILE);
      return [name, saved.dialect, saved.online, saved.statements.length === plan.steps.length];
    });
    expect(read).toEqual([
      ['postgres', 'postgres', false, true],
      ['postgres --online', 'postgres', true, true],
      ['mysql', 'mysql', false, true],
      ['empty', 'postgres', false, true],
    ]);
    expect(plans.map(([, plan]) => plan.steps.length > 0)).toEqual([true, true, true, false]);
  });

  const base = (): JsonObject => structuredClone(postgresDocument);
  const stepOf = (document: JsonObject, op: string): JsonObject => itemOf(document, 'steps', 'op', op);
  const changeOf = (document: JsonObject, kind: string): JsonObject =>
    itemOf(document, 'changes', 'kind', kind);
  const objectAt = (object: JsonObject, key: string): JsonObject => {
    const value = object[key];
    if (!isObject(value)) throw new Error(`${key} is not an object`);
    return value;
  };
  const firstHazard = (document: JsonObject): JsonObject => {
    const [hazard] = listAt(document, 'hazards');
    if (!hazard) throw new Error('the plan has no hazards');
    return hazard;
  };

  /** The Postgres document with one thing broken. */
  const breakages: readonly (readonly [string, (document: JsonObject) => void])[] = [
    ['an unknown top-level field', (d) => (d['comment'] = 'reviewed')],
    ['an unknown field in a foreign key', (d) => (objectAt(stepOf(d, 'add'), 'fk')['comment'] = 'x')],
    ['an unknown field in a table', (d) => (objectAt(stepOf(d, 'add'), 'table')['database'] = 'x')],
    ['an unknown field in a plan hazard', (d) => (firstHazard(d)['step'] = 0)],
    ['a missing top-level field', (d) => delete d['fingerprint']],
    ['a missing step field', (d) => delete stepOf(d, 'drop')['sql']],
    ['a missing op field', (d) => delete stepOf(d, 'rename')['newName']],
    ['a missing foreign key field', (d) => delete objectAt(changeOf(d, 'drop'), 'fk')['validated']],
    ['a missing source (null stands for unknown)', (d) => delete changeOf(d, 'add')['source']],
    ['another dialect', (d) => (d['dialect'] = 'sqlite')],
    ['an upper-case action', (d) => (objectAt(stepOf(d, 'add'), 'fk')['onDelete'] = 'CASCADE')],
    ['an unknown match type', (d) => (objectAt(stepOf(d, 'add'), 'fk')['match'] = 'partial')],
    ['an unknown hazard code', (d) => (firstHazard(d)['code'] = 'blocks-everything')],
    ['an unknown field name in replace', (d) => (changeOf(d, 'replace')['fields'] = ['name'])],
    ['an unknown change kind', (d) => (changeOf(d, 'drop')['kind'] = 'truncate')],
    ['an unknown step op', (d) => (stepOf(d, 'drop')['op'] = 'truncate')],
    ['a drop step with the add op field', (d) => (stepOf(d, 'drop')['notValid'] = false)],
    ['an add step with the drop-index op field', (d) => (stepOf(d, 'add')['indexName'] = 'n')],
    ['a validate step with the rename op field', (d) => (stepOf(d, 'validate')['newName'] = 'x')],
    ['a drop change with the rename change field', (d) => (changeOf(d, 'drop')['newName'] = 'x')],
    ['format version 2', (d) => (d['fkdiff'] = 2)],
    ['format version "1"', (d) => (d['fkdiff'] = '1')],
    ['empty columns', (d) => (objectAt(stepOf(d, 'drop'), 'fk')['columns'] = [])],
    ['empty referenced columns', (d) => (objectAt(changeOf(d, 'drop'), 'fk')['referencedColumns'] = [])],
    ['transaction 0', (d) => (stepOf(d, 'drop')['transaction'] = 0)],
    ['a fractional transaction', (d) => (stepOf(d, 'drop')['transaction'] = 1.5)],
    ['a source at line 0', (d) => (changeOf(d, 'add')['source'] = { file: 'f', line: 0, column: 1 })],
    ['a source without a column', (d) => (changeOf(d, 'add')['source'] = { file: 'f', line: 1 })],
    ['a negative summary count', (d) => (objectAt(d, 'summary')['add'] = -1)],
    ['a string for a boolean', (d) => (d['online'] = 'false')],
    ['a step without its change', (d) => delete stepOf(d, 'drop')['change']],
    ['a negative change index', (d) => (stepOf(d, 'drop')['change'] = -1)],
    ['a fractional change index', (d) => (stepOf(d, 'drop')['change'] = 0.5)],
    ['a null change index', (d) => (stepOf(d, 'drop')['change'] = null)],
  ];

  it.each(breakages)(
    'refuses %s with PLAN_FILE_INVALID, each problem inside the file',
    (_description, breakIt) => {
      const document = base();
      breakIt(document);
      expect(refusalFaults(document)).toEqual([]);
    },
  );

  it("refuses a change or step tagged as another variant than its fields' own", () => {
    const wrong: string[] = [];
    let refused = 0;
    for (const [list, tag, values] of [
      ['changes', 'kind', Object.keys(CHANGE_KINDS)],
      ['steps', 'op', Object.keys(STEP_OPS)],
    ] as const) {
      const fields = (value: string): string =>
        Object.keys(findItem(list, tag, value))
          .sort()
          .join();
      for (const from of values) {
        // drop and validate carry the same fields: retagged, each is a valid document of the other.
        for (const to of values.filter((value) => fields(value) !== fields(from))) {
          const document = { ...base(), [list]: [{ ...findItem(list, tag, from), [tag]: to }] };
          const faults = refusalFaults(document);
          if (faults.length > 0) wrong.push(`${list}: ${from} tagged ${to}: ${faults.join('; ')}`);
          else refused += 1;
        }
      }
    }
    expect(refused).toBeGreaterThan(50);
    expect(wrong).toEqual([]);
  });

  /**
   * Every field of every rendered document removed, an unknown field added to every object, and every
   * value replaced by ones of the wrong type or out of range: readPlanFile must refuse each of these
   * documents with PLAN_FILE_INVALID, every problem at a line and column inside the file. Reading a
   * plan parses it as YAML for the positions, which is slow: each change, step and hazard is broken
   * in a document holding only it, and a break already tried at the same place of the same variant
   * (the same field of another add step, another column of a list) is not tried again.
   */
  it('refuses every field removed, added or mistyped, each problem inside the file', () => {
    const faults: string[] = [];
    const tried = new Set<string>();
    const check = (document: Json, what: string): void => {
      if (tried.has(what)) return;
      tried.add(what);
      for (const fault of refusalFaults(document)) faults.push(`${what}: ${fault}`);
    };
    const wrongValues = (key: string | number, value: Json): Json[] => {
      if (value === null) return [0, {}];
      if (typeof value === 'string') return [0, null];
      if (typeof value === 'boolean') return ['true', 0, null];
      if (typeof value === 'number') return [String(value), -1, 0.5, 2 ** 53, null];
      if (Array.isArray(value)) return [{}, 'x', null];
      // A source may be null: unknown.
      return key === 'source' ? [[], 'x'] : [[], 'x', null];
    };
    /** Breaks `value`, at `path` in `document`; `where` names the place the same in every document. */
    const visit = (document: JsonObject, value: Json, path: Path, where: string): void => {
      const key = path.at(-1);
      if (key !== undefined) {
        for (const wrong of wrongValues(key, value)) {
          check(
            edited(document, path, () => wrong),
            `${where || '(top)'} = ${JSON.stringify(wrong)}`,
          );
        }
      }
      if (Array.isArray(value)) {
        value.forEach((item, index) => {
          visit(document, item, [...path, index], `${where}[*]`);
        });
      } else if (isObject(value)) {
        for (const field of Object.keys(value)) {
          // Fields added after version 1 was first written: files without them still read.
          if (OPTIONAL_FIELDS.has(`${where || '(top)'}.${field}`)) continue;
          check(
            edited(document, path, (object) => without(object, field)),
            `${where || '(top)'}.${field} removed`,
          );
        }
        check(
          edited(document, path, (object) => ({ ...(object as JsonObject), unexpected: true })),
          `${where || '(top)'}.unexpected added`,
        );
        for (const [field, child] of Object.entries(value)) {
          visit(document, child, [...path, field], where ? `${where}.${field}` : field);
        }
      }
    };
    const lists = ['changes', 'steps', 'hazards'] as const;
    const OPTIONAL_FIELDS = new Set(['(top).policy', '(top).spec', 'hazards[*].denied']);
    for (const [, document] of documents) {
      const skeleton: JsonObject = { ...document, changes: [], steps: [], hazards: [] };
      visit(skeleton, skeleton, [], '');
      for (const list of lists) {
        for (const item of listAt(document, list)) {
          const tag = item['kind'] ?? item['op'] ?? '*';
          visit({ ...skeleton, [list]: [item] }, item, [list, 0], `${list}[${shown(tag)}]`);
        }
      }
    }
    expect(faults).toEqual([]);
    expect(tried.size).toBeGreaterThan(1000);
  });
});
