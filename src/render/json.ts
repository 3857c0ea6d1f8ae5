/**
 * The plan as JSON for scripts and for `apply --plan`: a public contract, documented field by field in
 * docs/plan-json.md. Fields are written in a fixed order and read back strictly.
 */
import { FkdiffError } from '../errors.js';
import { MATCH_TYPES, REFERENTIAL_ACTIONS } from '../model/catalog.js';
import type { DialectName, ForeignKey, SourceLocation, TableRef } from '../model/catalog.js';
import type { Change, ChangeKind, FieldName } from '../model/change.js';
import { HAZARD_CODES } from '../model/plan.js';
import type { Hazard, Plan, Step, StepOp, StepOpKind } from '../model/plan.js';
import { assertNever, planHazards, summarize } from './describe.js';
import type { PlanHazard, Summary } from './describe.js';
import {
  ShapeError,
  at,
  readArray,
  readBoolean,
  readEnum,
  readInteger,
  readKey,
  readObject,
  readString,
  readTagged,
} from './json-reader.js';
import type { JsonObject, VariantReader } from './json-reader.js';

/** Bumped on any change that an older reader would misread; `parsePlanJson` refuses other versions. */
const FORMAT_VERSION = 1;

// ---- writing ----

function tableJson(ref: TableRef): object {
  return { schema: ref.schema, name: ref.name };
}

function foreignKeyJson(fk: ForeignKey): object {
  return {
    name: fk.name,
    table: tableJson(fk.table),
    columns: fk.columns,
    referencedTable: tableJson(fk.referencedTable),
    referencedColumns: fk.referencedColumns,
    onDelete: fk.onDelete,
    onUpdate: fk.onUpdate,
    match: fk.match,
    deferrable: fk.deferrable,
    initiallyDeferred: fk.initiallyDeferred,
    validated: fk.validated,
  };
}

function sourceJson(source: SourceLocation | undefined): object | null {
  return source ? { file: source.file, line: source.line, column: source.column } : null;
}

function changeJson(change: Change): object {
  switch (change.kind) {
    case 'add':
      return { kind: change.kind, fk: foreignKeyJson(change.fk), source: sourceJson(change.source) };
    case 'drop':
    case 'validate':
      return { kind: change.kind, fk: foreignKeyJson(change.fk) };
    case 'rename':
      return { kind: change.kind, fk: foreignKeyJson(change.fk), newName: change.newName };
    case 'alter':
      return {
        kind: change.kind,
        fk: foreignKeyJson(change.fk),
        deferrable: change.deferrable,
        initiallyDeferred: change.initiallyDeferred,
      };
    case 'replace':
      return {
        kind: change.kind,
        from: foreignKeyJson(change.from),
        to: foreignKeyJson(change.to),
        fields: change.fields,
        source: sourceJson(change.source),
      };
    default:
      return assertNever(change);
  }
}

/** The fields only one kind of step has, written between the common head and tail of a step. */
function stepOpFields(op: StepOp): object {
  switch (op.op) {
    case 'drop':
    case 'validate':
      return {};
    case 'rename':
      return { newName: op.newName };
    case 'alter':
      return { deferrable: op.deferrable, initiallyDeferred: op.initiallyDeferred };
    case 'add':
      return { notValid: op.notValid };
    case 'drop-index':
      return { indexName: op.indexName };
    default:
      return assertNever(op);
  }
}

function hazardJson(hazard: Hazard): object {
  return { code: hazard.code, message: hazard.message };
}

function stepJson(step: Step): object {
  return {
    op: step.op.op,
    table: tableJson(step.op.fk.table),
    constraint: step.op.fk.name,
    ...stepOpFields(step.op),
    sql: step.sql,
    transaction: step.transaction,
    hazards: step.hazards.map(hazardJson),
    fk: foreignKeyJson(step.op.fk),
  };
}

function planHazardJson(hazard: PlanHazard): object {
  return {
    code: hazard.code,
    message: hazard.message,
    table: tableJson(hazard.table),
    constraint: hazard.constraint,
  };
}

/** The plan as pretty-printed JSON (2 spaces, trailing newline); `parsePlanJson` reads it back. */
export function renderJson(plan: Plan): string {
  const document = {
    fkdiff: FORMAT_VERSION,
    dialect: plan.dialect,
    schemas: plan.schemas,
    online: plan.online,
    fingerprint: plan.fingerprint,
    summary: summarize(plan.changes),
    changes: plan.changes.map(changeJson),
    steps: plan.steps.map(stepJson),
    hazards: planHazards(plan.steps).map(planHazardJson),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

// ---- reading ----

/** Records over a union type, so that a member added to the model must be added here too. */
const DIALECTS: Readonly<Record<DialectName, true>> = { postgres: true, mysql: true };
const FIELD_NAMES: Readonly<Record<FieldName, true>> = {
  columns: true,
  referencedTable: true,
  referencedColumns: true,
  onDelete: true,
  onUpdate: true,
  match: true,
  deferrable: true,
  initiallyDeferred: true,
};

function readTable(value: unknown, path: string): TableRef {
  const object = readObject(value, path, ['schema', 'name']);
  return {
    schema: readString(object['schema'], at(path, 'schema')),
    name: readString(object['name'], at(path, 'name')),
  };
}

function readColumns(value: unknown, path: string): readonly string[] {
  const columns = readArray(value, path, readString);
  if (columns.length === 0) throw new ShapeError(path, 'expected at least one column');
  return columns;
}

function readForeignKey(value: unknown, path: string): ForeignKey {
  const object = readObject(value, path, [
    'name',
    'table',
    'columns',
    'referencedTable',
    'referencedColumns',
    'onDelete',
    'onUpdate',
    'match',
    'deferrable',
    'initiallyDeferred',
    'validated',
  ]);
  const fk: ForeignKey = {
    name: readString(object['name'], at(path, 'name')),
    table: readTable(object['table'], at(path, 'table')),
    columns: readColumns(object['columns'], at(path, 'columns')),
    referencedTable: readTable(object['referencedTable'], at(path, 'referencedTable')),
    referencedColumns: readColumns(object['referencedColumns'], at(path, 'referencedColumns')),
    onDelete: readEnum(object['onDelete'], at(path, 'onDelete'), REFERENTIAL_ACTIONS),
    onUpdate: readEnum(object['onUpdate'], at(path, 'onUpdate'), REFERENTIAL_ACTIONS),
    match: readEnum(object['match'], at(path, 'match'), MATCH_TYPES),
    deferrable: readBoolean(object['deferrable'], at(path, 'deferrable')),
    initiallyDeferred: readBoolean(object['initiallyDeferred'], at(path, 'initiallyDeferred')),
    validated: readBoolean(object['validated'], at(path, 'validated')),
  };
  if (fk.referencedColumns.length !== fk.columns.length) {
    throw new ShapeError(
      at(path, 'referencedColumns'),
      `expected ${fk.columns.length} columns, as many as columns`,
    );
  }
  return fk;
}

function readSource(value: unknown, path: string): SourceLocation | undefined {
  if (value === null) return undefined;
  const object = readObject(value, path, ['file', 'line', 'column']);
  return {
    file: readString(object['file'], at(path, 'file')),
    line: readInteger(object['line'], at(path, 'line'), 1),
    column: readInteger(object['column'], at(path, 'column'), 1),
  };
}

function readHazard(value: unknown, path: string): Hazard {
  const object = readObject(value, path, ['code', 'message']);
  return {
    code: readEnum(object['code'], at(path, 'code'), HAZARD_CODES),
    message: readString(object['message'], at(path, 'message')),
  };
}

const fkAt = (object: JsonObject, path: string, key = 'fk'): ForeignKey =>
  readForeignKey(object[key], at(path, key));
const booleanAt = (object: JsonObject, path: string, key: string): boolean =>
  readBoolean(object[key], at(path, key));
const stringAt = (object: JsonObject, path: string, key: string): string =>
  readString(object[key], at(path, key));

const CHANGE_READERS: { readonly [K in ChangeKind]: VariantReader<Change> } = {
  add: {
    keys: ['kind', 'fk', 'source'],
    read: (o, p) => ({ kind: 'add', fk: fkAt(o, p), source: readSource(o['source'], at(p, 'source')) }),
  },
  drop: { keys: ['kind', 'fk'], read: (o, p) => ({ kind: 'drop', fk: fkAt(o, p) }) },
  rename: {
    keys: ['kind', 'fk', 'newName'],
    read: (o, p) => ({ kind: 'rename', fk: fkAt(o, p), newName: stringAt(o, p, 'newName') }),
  },
  alter: {
    keys: ['kind', 'fk', 'deferrable', 'initiallyDeferred'],
    read: (o, p) => ({
      kind: 'alter',
      fk: fkAt(o, p),
      deferrable: booleanAt(o, p, 'deferrable'),
      initiallyDeferred: booleanAt(o, p, 'initiallyDeferred'),
    }),
  },
  validate: { keys: ['kind', 'fk'], read: (o, p) => ({ kind: 'validate', fk: fkAt(o, p) }) },
  replace: {
    keys: ['kind', 'from', 'to', 'fields', 'source'],
    read: (o, p) => ({
      kind: 'replace',
      from: fkAt(o, p, 'from'),
      to: fkAt(o, p, 'to'),
      fields: readArray(o['fields'], at(p, 'fields'), (value, path) => readKey(value, path, FIELD_NAMES)),
      source: readSource(o['source'], at(p, 'source')),
    }),
  },
};

const STEP_KEYS = ['op', 'table', 'constraint', 'sql', 'transaction', 'hazards', 'fk'] as const;

/** The fields every step has, around its op; `table` and `constraint` must repeat the op's key. */
function readStepAround(object: JsonObject, path: string, op: StepOp): Step {
  const table = readTable(object['table'], at(path, 'table'));
  if (table.schema !== op.fk.table.schema || table.name !== op.fk.table.name) {
    throw new ShapeError(at(path, 'table'), 'does not match fk.table');
  }
  if (stringAt(object, path, 'constraint') !== op.fk.name) {
    throw new ShapeError(at(path, 'constraint'), 'does not match fk.name');
  }
  return {
    op,
    sql: stringAt(object, path, 'sql'),
    hazards: readArray(object['hazards'], at(path, 'hazards'), readHazard),
    transaction: readInteger(object['transaction'], at(path, 'transaction'), 1),
  };
}

const STEP_READERS: { readonly [K in StepOpKind]: VariantReader<Step> } = {
  drop: { keys: STEP_KEYS, read: (o, p) => readStepAround(o, p, { op: 'drop', fk: fkAt(o, p) }) },
  rename: {
    keys: [...STEP_KEYS, 'newName'],
    read: (o, p) =>
      readStepAround(o, p, { op: 'rename', fk: fkAt(o, p), newName: stringAt(o, p, 'newName') }),
  },
  alter: {
    keys: [...STEP_KEYS, 'deferrable', 'initiallyDeferred'],
    read: (o, p) =>
      readStepAround(o, p, {
        op: 'alter',
        fk: fkAt(o, p),
        deferrable: booleanAt(o, p, 'deferrable'),
        initiallyDeferred: booleanAt(o, p, 'initiallyDeferred'),
      }),
  },
  add: {
    keys: [...STEP_KEYS, 'notValid'],
    read: (o, p) =>
      readStepAround(o, p, { op: 'add', fk: fkAt(o, p), notValid: booleanAt(o, p, 'notValid') }),
  },
  validate: { keys: STEP_KEYS, read: (o, p) => readStepAround(o, p, { op: 'validate', fk: fkAt(o, p) }) },
  'drop-index': {
    keys: [...STEP_KEYS, 'indexName'],
    read: (o, p) =>
      readStepAround(o, p, { op: 'drop-index', fk: fkAt(o, p), indexName: stringAt(o, p, 'indexName') }),
  },
};

function readSteps(value: unknown, path: string): readonly Step[] {
  const steps = readArray(value, path, (item, itemPath) => readTagged(item, itemPath, 'op', STEP_READERS));
  steps.forEach((step, index) => {
    const previous = steps[index - 1];
    if (previous && step.transaction < previous.transaction) {
      throw new ShapeError(
        at(at(path, index), 'transaction'),
        'transaction numbers must not decrease through the plan',
      );
    }
  });
  return steps;
}

function readSummary(value: unknown, path: string): Summary {
  const object = readObject(value, path, ['add', 'drop', 'rename', 'change', 'validate']);
  const count = (key: keyof Summary): number => readInteger(object[key], at(path, key), 0);
  return {
    add: count('add'),
    drop: count('drop'),
    rename: count('rename'),
    change: count('change'),
    validate: count('validate'),
  };
}

function readPlanHazard(value: unknown, path: string): PlanHazard {
  const object = readObject(value, path, ['code', 'message', 'table', 'constraint']);
  return {
    code: readEnum(object['code'], at(path, 'code'), HAZARD_CODES),
    message: stringAt(object, path, 'message'),
    table: readTable(object['table'], at(path, 'table')),
    constraint: stringAt(object, path, 'constraint'),
  };
}

/**
 * `summary` and `hazards` are derived from `changes` and `steps`; a file where they disagree was edited
 * by hand, and which side the editor meant is unknowable, so it is refused.
 */
function checkDerived(object: JsonObject, changes: readonly Change[], steps: readonly Step[]): void {
  const summary = readSummary(object['summary'], 'summary');
  if (JSON.stringify(summary) !== JSON.stringify(summarize(changes))) {
    throw new ShapeError(
      'summary',
      `does not match the changes, which give ${JSON.stringify(summarize(changes))}`,
    );
  }
  const hazards = readArray(object['hazards'], 'hazards', readPlanHazard);
  if (
    JSON.stringify(hazards.map(planHazardJson)) !== JSON.stringify(planHazards(steps).map(planHazardJson))
  ) {
    throw new ShapeError('hazards', "does not match the steps' hazards");
  }
}

function readPlan(value: unknown): Plan {
  const object = readObject(value, '', [
    'fkdiff',
    'dialect',
    'schemas',
    'online',
    'fingerprint',
    'summary',
    'changes',
    'steps',
    'hazards',
  ]);
  const version = readInteger(object['fkdiff'], 'fkdiff', 1);
  if (version !== FORMAT_VERSION) {
    throw new ShapeError(
      'fkdiff',
      `unsupported plan format ${version}: this fkdiff reads format ${FORMAT_VERSION}`,
    );
  }
  const dialect = readKey(object['dialect'], 'dialect', DIALECTS);
  const schemas = readArray(object['schemas'], 'schemas', readString);
  const online = readBoolean(object['online'], 'online');
  const fingerprint = readString(object['fingerprint'], 'fingerprint');
  const changes = readArray(object['changes'], 'changes', (item, path) =>
    readTagged(item, path, 'kind', CHANGE_READERS),
  );
  const steps = readSteps(object['steps'], 'steps');
  checkDerived(object, changes, steps);
  return { dialect, schemas, online, changes, steps, fingerprint };
}

function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new FkdiffError('PLAN_FILE_INVALID', `${file}: not valid JSON: ${reason}`, { cause: error });
  }
}

/**
 * Reads a plan written by `renderJson`, refusing anything else: unknown or missing fields, wrong types,
 * another format version, or derived fields that disagree. Errors name the file and the field's path.
 */
export function parsePlanJson(text: string, file: string): Plan {
  const value = parseJsonText(text, file);
  try {
    return readPlan(value);
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    const where = error.path === '' ? '' : `${error.path}: `;
    throw new FkdiffError('PLAN_FILE_INVALID', `${file}: ${where}${error.message}`);
  }
}
