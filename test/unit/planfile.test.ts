import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engines/engine.js';
import { mysqlEngine } from '../../src/engines/mysql/index.js';
import { postgresEngine } from '../../src/engines/postgres/index.js';
import { FkdiffError, formatProblem } from '../../src/errors.js';
import type { Change } from '../../src/model/change.js';
import type { HazardCode, Plan, Step, StepAction } from '../../src/model/plan.js';
import { readPlanFile, writePlanFile } from '../../src/planfile/index.js';
import type { SavedPlan } from '../../src/planfile/index.js';
import { keyOn as fk, tableAt as table } from '../support/builders.js';
import { savedParts } from '../support/planfile.js';
import { savedPlanDifference } from '../../src/planfile/compare.js';

const postgres = postgresEngine;
const mysql = mysqlEngine;

// ---- fixtures ----

/** A step making `change`, which must be one of its plan's `changes`: the file gives its index. */
function step(
  engine: Engine,
  action: StepAction,
  transaction: number,
  change: Change,
  hazards: readonly HazardCode[] = [],
): Step {
  return {
    action,
    sql: engine.stepSql(action),
    transaction,
    hazards: hazards.map((code) => ({ code, message: `${action.fk.table.name}.${action.fk.name}: ${code}` })),
    change,
  };
}

const users = table('public', 'users');
const orders = table('public', 'orders');
const orgs = table('public', 'orgs');

const invoiceCustomer = fk(
  table('billing', 'invoices'),
  'invoices_customer_id_fkey',
  ['customer_id'],
  table('public', 'customers'),
  ['id'],
  { validated: false },
);
const orderUser = fk(orders, 'orders_user_id_fkey', ['user_id'], users, ['id'], { onDelete: 'cascade' });
const orderLegacy = fk(orders, 'orders_legacy_fkey', ['legacy_id'], table('public', 'legacy'), ['id']);
const userTeam = fk(users, 'users_team_id_fkey', ['team_id'], table('public', 'teams'), ['id']);
const userOrgOld = fk(users, 'users_org_id_fkey', ['org_id'], orgs, ['id']);
const userOrgNew = fk(users, 'users_org_id_fkey', ['org_id', 'region'], orgs, ['id', 'region'], {
  onDelete: 'cascade',
});
const userProfile = fk(users, 'users_profile_fk', ['profile_id'], table('public', 'profiles'), ['id'], {
  onDelete: 'set null',
});

const validateInvoice: Change = { kind: 'validate', fk: invoiceCustomer };
const addOrderUser: Change = {
  kind: 'add',
  fk: orderUser,
  source: { file: 'fkdiff.yaml', line: 12, column: 9 },
};
const dropLegacy: Change = { kind: 'drop', fk: orderLegacy };
const alterTeam: Change = { kind: 'alter', fk: userTeam, deferrable: true, initiallyDeferred: true };
const replaceOrg: Change = {
  kind: 'replace',
  from: userOrgOld,
  to: userOrgNew,
  fields: ['columns', 'referencedColumns', 'onDelete'],
  source: undefined,
};
const renameProfile: Change = { kind: 'rename', fk: userProfile, newName: 'users_profile_id_fkey' };

/** Every change kind; steps 0 to 6 make changes 2, 4, 5, 3, 4, 1 and 0. */
const postgresPlan: Plan = {
  dialect: 'postgres',
  schemas: ['public', 'billing'],
  online: false,
  changes: [validateInvoice, addOrderUser, dropLegacy, alterTeam, replaceOrg, renameProfile],
  steps: [
    step(postgres, { kind: 'drop', fk: orderLegacy }, 1, dropLegacy, ['drops-fk']),
    step(postgres, { kind: 'drop', fk: userOrgOld }, 1, replaceOrg),
    step(postgres, { kind: 'rename', fk: userProfile, newName: 'users_profile_id_fkey' }, 1, renameProfile),
    step(postgres, { kind: 'alter', fk: userTeam, deferrable: true, initiallyDeferred: true }, 1, alterTeam),
    step(postgres, { kind: 'add', fk: userOrgNew, notValid: false }, 1, replaceOrg, [
      'blocks-writes',
      'validates-data',
      'enables-cascade',
    ]),
    step(postgres, { kind: 'add', fk: orderUser, notValid: false }, 1, addOrderUser, [
      'blocks-writes',
      'validates-data',
      'enables-cascade',
    ]),
    step(postgres, { kind: 'validate', fk: invoiceCustomer }, 2, validateInvoice, ['validates-data']),
  ],
  fingerprint: 'sha256:5f2b9c',
};

const shopOrders = table('shop', 'orders');
const shopUser = fk(shopOrders, 'orders_user_id_fkey', ['user_id'], table('shop', 'users'), ['id'], {
  onDelete: 'restrict',
});
const shopUserCascade = { ...shopUser, onDelete: 'cascade' } as const;
const shopCoupon = fk(shopOrders, 'orders_coupon_id_fkey', ['coupon_id'], table('shop', 'coupons'), ['id']);
const dropCoupon: Change = { kind: 'drop', fk: shopCoupon };
const replaceUser: Change = {
  kind: 'replace',
  from: shopUser,
  to: shopUserCascade,
  fields: ['onDelete'],
  source: undefined,
};

/** The replace drops the key, then the index InnoDB left under its name, then adds it back. */
const mysqlPlan: Plan = {
  dialect: 'mysql',
  schemas: ['shop'],
  online: false,
  changes: [dropCoupon, replaceUser],
  steps: [
    step(mysql, { kind: 'drop', fk: shopCoupon }, 1, dropCoupon, ['drops-fk', 'non-transactional']),
    step(mysql, { kind: 'drop', fk: shopUser }, 2, replaceUser, ['non-transactional']),
    step(
      mysql,
      { kind: 'drop-index', fk: shopUserCascade, indexName: 'orders_user_id_fkey' },
      3,
      replaceUser,
    ),
    step(mysql, { kind: 'add', fk: shopUserCascade, notValid: false }, 4, replaceUser, [
      'validates-data',
      'enables-cascade',
    ]),
  ],
  fingerprint: 'sha256:0a1b',
};

const emptyPlan: Plan = {
  dialect: 'postgres',
  schemas: ['public', 'billing'],
  online: false,
  changes: [],
  steps: [],
  fingerprint: 'sha256:e3b0',
};

/** A plan dropping one key whose names are hostile to terminals, JSON and YAML. */
const hostilePlan: Plan = (() => {
  const key = fk(table('my.schema', 'a"b\n'), 'x|`y\u001b: #\u2028', ['naïve', '- z'], table('public', 't'), [
    'id',
    'id',
  ]);
  const drop: Change = { kind: 'drop', fk: key };
  return {
    ...emptyPlan,
    schemas: ['my.schema', '\t'],
    online: true,
    changes: [drop],
    steps: [step(postgres, { kind: 'drop', fk: key }, 1, drop, ['drops-fk'])],
    fingerprint: 'sha256:"\\',
  };
})();

// ---- helpers ----

/** A written plan with the value at `path` set, or removed when `value` is undefined; pretty-printed. */
function edit(plan: Plan, path: readonly (string | number)[], value: unknown): string {
  const document: unknown = JSON.parse(writePlanFile(plan));
  const parent = path
    .slice(0, -1)
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], document);
  const last = path.at(-1) ?? '';
  if (value === undefined) Reflect.deleteProperty(parent as object, last);
  else (parent as Record<string, unknown>)[last] = value;
  return `${JSON.stringify(document, null, 2)}\n`;
}

function refusal(text: string): FkdiffError {
  try {
    readPlanFile(text, 'plan.json');
  } catch (error) {
    if (error instanceof FkdiffError) return error;
    throw error;
  }
  throw new Error('readPlanFile accepted the document');
}

// ---- tests ----

describe('writePlanFile / readPlanFile', () => {
  it('writes the documented shape, pretty-printed with a trailing newline', () => {
    const text = writePlanFile(mysqlPlan);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.startsWith('{\n  "fkdiff": 1,\n  "dialect": "mysql",\n')).toBe(true);
    const document = JSON.parse(text) as { steps: Record<string, unknown>[] };
    expect(document).toMatchObject({
      fkdiff: 1,
      dialect: 'mysql',
      schemas: ['shop'],
      online: false,
      fingerprint: 'sha256:0a1b',
      summary: { add: 0, drop: 1, rename: 0, change: 1, validate: 0 },
      changes: [
        { kind: 'drop', fk: { name: 'orders_coupon_id_fkey', table: { schema: 'shop', name: 'orders' } } },
        {
          kind: 'replace',
          from: { onDelete: 'restrict' },
          to: { onDelete: 'cascade' },
          fields: ['onDelete'],
          source: null,
        },
      ],
      steps: [{ op: 'drop' }, { op: 'drop' }, { op: 'drop-index' }, { op: 'add' }],
      hazards: [
        { code: 'drops-fk', constraint: 'orders_coupon_id_fkey', table: { schema: 'shop', name: 'orders' } },
        { code: 'non-transactional', constraint: 'orders_coupon_id_fkey' },
        { code: 'non-transactional', constraint: 'orders_user_id_fkey' },
        { code: 'validates-data', constraint: 'orders_user_id_fkey' },
        { code: 'enables-cascade', constraint: 'orders_user_id_fkey' },
      ],
    });
    expect(Object.keys(document.steps[2] ?? {})).toEqual([
      'op',
      'table',
      'constraint',
      'indexName',
      'sql',
      'transaction',
      'change',
      'hazards',
      'fk',
    ]);
    expect(document.steps[0]).toEqual({
      op: 'drop',
      table: { schema: 'shop', name: 'orders' },
      constraint: 'orders_coupon_id_fkey',
      sql: 'ALTER TABLE `shop`.`orders` DROP FOREIGN KEY `orders_coupon_id_fkey`',
      transaction: 1,
      change: 0,
      hazards: [
        { code: 'drops-fk', message: 'orders.orders_coupon_id_fkey: drops-fk' },
        { code: 'non-transactional', message: 'orders.orders_coupon_id_fkey: non-transactional' },
      ],
      fk: {
        name: 'orders_coupon_id_fkey',
        table: { schema: 'shop', name: 'orders' },
        columns: ['coupon_id'],
        referencedTable: { schema: 'shop', name: 'coupons' },
        referencedColumns: ['id'],
        onDelete: 'no action',
        onUpdate: 'no action',
        match: 'simple',
        deferrable: false,
        initiallyDeferred: false,
        validated: true,
      },
    });
    // Every step of the replace names it, the drop-index that frees the key's name too.
    expect(document.steps.map((s) => s['change'])).toEqual([0, 1, 1, 1]);
  });

  it("gives each step the index of its change in the plan's changes", () => {
    const document = JSON.parse(writePlanFile(postgresPlan)) as { steps: { change: unknown }[] };
    expect(document.steps.map((s) => s.change)).toEqual([2, 4, 5, 3, 4, 1, 0]);
  });

  it.each([
    ['postgres', postgresPlan],
    ['mysql', mysqlPlan],
    ['empty', emptyPlan],
    ['hostile names', hostilePlan],
  ])('readPlanFile reads back what writePlanFile wrote: the %s plan', (_, plan) => {
    const expected: SavedPlan = {
      file: 'saved/plan.json',
      dialect: plan.dialect,
      schemas: plan.schemas,
      online: plan.online,
      fingerprint: plan.fingerprint,
      statements: plan.steps.map((s) => s.sql),
      ...savedParts(plan),
      spec: undefined,
    };
    expect(readPlanFile(writePlanFile(plan), 'saved/plan.json')).toStrictEqual(expected);
  });

  it('refuses text that is not JSON', () => {
    const error = refusal('{"fkdiff": 1,');
    expect(error.code).toBe('PLAN_FILE_INVALID');
    expect(error.message.startsWith('plan.json: not valid JSON: ')).toBe(true);
    expect(error.problems).toEqual([]);
  });

  it('refuses a document that is not an object, at its first character', () => {
    const error = refusal('[]');
    expect(error.code).toBe('PLAN_FILE_INVALID');
    expect(error.message).toBe('plan.json: not a plan as fkdiff writes it: 1 problem');
    expect(error.problems.map((problem) => problem.source)).toEqual([
      { file: 'plan.json', line: 1, column: 1 },
    ]);
  });

  /** Each with the problem that names the broken field, and the text at its line and column. */
  it.each<[string, string, string, string]>([
    ['another version', edit(emptyPlan, ['fkdiff'], 2), 'plan.json:2:13: fkdiff must be 1 (got 2)', '2'],
    [
      'format version "1"',
      edit(emptyPlan, ['fkdiff'], '1'),
      'plan.json:2:13: fkdiff must be a whole number (got "1")',
      '"1"',
    ],
    [
      'an unknown field',
      edit(emptyPlan, ['extra'], true),
      'plan.json:23:3: unknown key "extra" at the top level',
      '"extra": true',
    ],
    [
      'a missing field',
      edit(postgresPlan, ['steps', 3, 'sql'], undefined),
      'plan.json:326:5: missing required key "sql" in steps[3]',
      '{',
    ],
    [
      'a missing change index',
      edit(postgresPlan, ['steps', 0, 'change'], undefined),
      'plan.json:215:5: missing required key "change" in steps[0]',
      '{',
    ],
    [
      'a negative change index',
      edit(postgresPlan, ['steps', 0, 'change'], -1),
      'plan.json:224:17: steps[0].change must be >= 0',
      '-1',
    ],
    [
      'a null change index',
      edit(postgresPlan, ['steps', 0, 'change'], null),
      'plan.json:224:17: steps[0].change must be a whole number (got an empty value)',
      'null',
    ],
    [
      'an unknown dialect',
      edit(emptyPlan, ['dialect'], 'oracle'),
      'plan.json:3:14: dialect must be one of: postgres, mysql (got "oracle")',
      '"oracle"',
    ],
    [
      'an unknown change kind',
      edit(postgresPlan, ['changes', 0, 'kind'], 'truncate'),
      'plan.json:19:15: changes[0].kind must name a known variant (got "truncate")',
      '"truncate"',
    ],
    [
      'a field of another kind',
      edit(postgresPlan, ['changes', 2, 'newName'], 'x'),
      'plan.json:100:7: unknown key "newName" in changes[2]',
      '"newName": "x"',
    ],
    [
      'a bad referential action',
      edit(postgresPlan, ['steps', 0, 'fk', 'onDelete'], 'CASCADE'),
      'plan.json:247:21: steps[0].fk.onDelete must be one of: no action, restrict, cascade, set null, set default (got "CASCADE")',
      '"CASCADE"',
    ],
    [
      'an unknown hazard code',
      edit(postgresPlan, ['steps', 0, 'hazards', 0, 'code'], 'scary'),
      'plan.json:227:19: steps[0].hazards[0].code must be one of: blocks-writes, blocks-reads, validates-data, drops-fk, enables-cascade, drops-index, non-transactional (got "scary")',
      '"scary"',
    ],
    [
      'a wrong type',
      edit(postgresPlan, ['online'], 'no'),
      'plan.json:8:13: online must be true or false (got "no")',
      '"no"',
    ],
    [
      'a zero transaction',
      edit(postgresPlan, ['steps', 0, 'transaction'], 0),
      'plan.json:223:22: steps[0].transaction must be >= 1',
      '0',
    ],
    [
      'no columns',
      edit(postgresPlan, ['changes', 1, 'fk', 'columns'], []),
      'plan.json:52:20: changes[1].fk.columns must not be empty',
      '[]',
    ],
    [
      'a source without a column',
      edit(postgresPlan, ['changes', 1, 'source'], { file: 'fkdiff.yaml', line: 12 }),
      'plan.json:69:17: missing required key "column" in changes[1].source',
      '{',
    ],
  ])('refuses %s, naming the field at its line and column', (_, text, problem, at) => {
    const error = refusal(text);
    expect(error.code).toBe('PLAN_FILE_INVALID');
    const count = error.problems.length;
    expect(error.message).toBe(
      `plan.json: not a plan as fkdiff writes it: ${count} problem${count === 1 ? '' : 's'}`,
    );
    const found = error.problems.find((p) => formatProblem(p) === problem);
    expect(found, `${problem}\nin\n${error.problems.map(formatProblem).join('\n')}`).toBeDefined();
    const { line, column } = found?.source ?? { line: 0, column: 0 };
    const lineText = text.split('\n')[line - 1] ?? '';
    expect(lineText.slice(column - 1, column - 1 + at.length)).toBe(at);
  });
});

describe('strict plan files: apply runs a saved plan only when it is step for step the plan made now', () => {
  type Document = {
    dialect: string;
    steps: { sql: string; transaction: number; hazards: unknown[] }[];
    hazards: unknown[];
  };
  const edited = (edit: (document: Document) => void): SavedPlan => {
    const document = JSON.parse(writePlanFile(postgresPlan)) as Document;
    edit(document);
    return readPlanFile(JSON.stringify(document), 'plan.json');
  };

  it('accepts the file as written', () => {
    expect(
      savedPlanDifference(
        edited(() => undefined),
        postgresPlan,
      ),
    ).toBeUndefined();
  });

  it.each<[string, (document: Document) => void, string]>([
    ['another dialect', (d) => void (d.dialect = 'mysql'), 'it was made for mysql, the database is postgres'],
    [
      'two steps merged into one',
      (d) => {
        const [first, second] = d.steps;
        if (first !== undefined && second !== undefined) first.sql = `${first.sql}; ${second.sql}`;
        d.steps.splice(1, 1);
      },
      'it has 6 steps, a plan made now has 7',
    ],
    [
      'a statement edited',
      (d) => void ((d.steps[2] ?? { sql: '' }).sql += ' CASCADE'),
      'step 3: its SQL differs',
    ],
    [
      'a step moved to another transaction',
      (d) => void ((d.steps[0] ?? { transaction: 0 }).transaction = 9),
      'step 1: it runs in another transaction',
    ],
    [
      'the hazards stripped',
      (d) => {
        for (const saved of d.steps) saved.hazards = [];
        d.hazards = [];
      },
      'its hazards are [] in the file',
    ],
    [
      'the plan-level hazards stripped',
      (d) => void (d.hazards = []),
      "its list of hazards is not the plan's",
    ],
  ])('refuses %s', (_, edit, expected) => {
    expect(savedPlanDifference(edited(edit), postgresPlan)).toContain(expected);
  });
});
