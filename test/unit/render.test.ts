import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engines/engine.js';
import { mysqlEngine } from '../../src/engines/mysql/index.js';
import { postgresEngine } from '../../src/engines/postgres/index.js';
import type { ForeignKey, TableRef } from '../../src/model/catalog.js';
import { changedKey, type Change } from '../../src/model/change.js';
import { tableKey } from '../../src/model/catalog.js';
import type { Hazard, HazardCode, Plan, Step, StepAction } from '../../src/model/plan.js';
import { renderMarkdown, renderSql, renderText } from '../../src/render/index.js';
import { keyOn as fk, tableAt as table } from '../support/builders.js';

const postgres = postgresEngine;
const mysql = mysqlEngine;

// ---- fixtures ----

function hazard(code: HazardCode, key: ForeignKey): Hazard {
  return { code, message: `${key.table.name}.${key.name}: ${code}` };
}

/** The change a hand-made step stands for: these plans are built step by step. */
function changeFor(action: StepAction): Change {
  switch (action.kind) {
    case 'add':
    case 'drop-index':
      return { kind: 'add', fk: action.fk, source: undefined };
    case 'drop':
    case 'validate':
      return { kind: action.kind, fk: action.fk };
    case 'rename':
      return { kind: 'rename', fk: action.fk, newName: action.newName };
    case 'alter':
      return { ...action, kind: 'alter' };
  }
}

function step(
  engine: Engine,
  action: StepAction,
  transaction: number,
  hazards: readonly HazardCode[] = [],
): Step {
  return {
    action,
    sql: engine.stepSql(action),
    transaction,
    hazards: hazards.map((code) => hazard(code, action.fk)),
    change: changeFor(action),
  };
}

const users = table('public', 'users');
const orders = table('public', 'orders');
const orgs = table('public', 'orgs');
const invoices = table('billing', 'invoices');

const invoiceCustomer = fk(
  invoices,
  'invoices_customer_id_fkey',
  ['customer_id'],
  table('public', 'customers'),
  ['id'],
  {
    validated: false,
  },
);
const orderUser = fk(orders, 'orders_user_id_fkey', ['user_id'], users, ['id'], { onDelete: 'cascade' });
const orderLegacy = fk(orders, 'orders_legacy_fkey', ['legacy_id'], table('public', 'legacy'), ['id']);
/** The plan with each step pointing at the plan's own change for its key, as planChanges makes it. */
function linked(plan: Plan): Plan {
  const sameKey = (change: Change, step: Step): boolean => {
    const { table, name } = step.action.fk;
    const key = changedKey(change);
    const names = change.kind === 'replace' ? [change.from.name, change.to.name] : [key.name];
    return tableKey(key.table) === tableKey(table) && names.includes(name);
  };
  return {
    ...plan,
    steps: plan.steps.map((s) => ({ ...s, change: plan.changes.find((c) => sameKey(c, s)) ?? s.change })),
  };
}

const userTeam = fk(users, 'users_team_id_fkey', ['team_id'], table('public', 'teams'), ['id']);
const userOrgOld = fk(users, 'users_org_id_fkey', ['org_id'], orgs, ['id']);
const userOrgNew = fk(users, 'users_org_id_fkey', ['org_id', 'region'], orgs, ['id', 'region'], {
  onDelete: 'cascade',
});
const userProfile = fk(users, 'users_profile_fk', ['profile_id'], table('public', 'profiles'), ['id'], {
  onDelete: 'set null',
});

const postgresChanges: readonly Change[] = [
  { kind: 'validate', fk: invoiceCustomer },
  { kind: 'add', fk: orderUser, source: { file: 'fkdiff.yaml', line: 12, column: 9 } },
  { kind: 'drop', fk: orderLegacy },
  { kind: 'alter', fk: userTeam, deferrable: true, initiallyDeferred: true },
  {
    kind: 'replace',
    from: userOrgOld,
    to: userOrgNew,
    fields: ['columns', 'referencedColumns', 'onDelete'],
    source: undefined,
  },
  { kind: 'rename', fk: userProfile, newName: 'users_profile_id_fkey' },
];

const postgresPlan: Plan = linked({
  dialect: 'postgres',
  schemas: ['public', 'billing'],
  online: false,
  changes: postgresChanges,
  steps: [
    step(postgres, { kind: 'drop', fk: orderLegacy }, 1, ['drops-fk']),
    step(postgres, { kind: 'drop', fk: userOrgOld }, 1),
    step(postgres, { kind: 'rename', fk: userProfile, newName: 'users_profile_id_fkey' }, 1),
    step(postgres, { kind: 'alter', fk: userTeam, deferrable: true, initiallyDeferred: true }, 1),
    step(postgres, { kind: 'add', fk: userOrgNew, notValid: false }, 1, [
      'blocks-writes',
      'validates-data',
      'enables-cascade',
    ]),
    step(postgres, { kind: 'add', fk: orderUser, notValid: false }, 1, [
      'blocks-writes',
      'validates-data',
      'enables-cascade',
    ]),
    step(postgres, { kind: 'validate', fk: invoiceCustomer }, 2, ['validates-data']),
  ],
  fingerprint: 'sha256:5f2b9c',
});

const shopOrders = table('shop', 'orders');
const shopUser = fk(shopOrders, 'orders_user_id_fkey', ['user_id'], table('shop', 'users'), ['id'], {
  onDelete: 'restrict',
});
const shopUserCascade = { ...shopUser, onDelete: 'cascade' } as const;
const shopCoupon = fk(shopOrders, 'orders_coupon_id_fkey', ['coupon_id'], table('shop', 'coupons'), ['id']);

const mysqlPlan: Plan = linked({
  dialect: 'mysql',
  schemas: ['shop'],
  online: false,
  changes: [
    { kind: 'drop', fk: shopCoupon },
    { kind: 'replace', from: shopUser, to: shopUserCascade, fields: ['onDelete'], source: undefined },
  ],
  steps: [
    step(mysql, { kind: 'drop', fk: shopCoupon }, 1, ['drops-fk', 'non-transactional']),
    step(mysql, { kind: 'drop', fk: shopUser }, 2, ['non-transactional']),
    step(mysql, { kind: 'drop-index', fk: shopCoupon, indexName: 'orders_coupon_id_fkey' }, 3),
    step(mysql, { kind: 'add', fk: shopUserCascade, notValid: false }, 4, [
      'validates-data',
      'enables-cascade',
    ]),
  ],
  fingerprint: 'sha256:0a1b',
});

const emptyPlan: Plan = {
  dialect: 'postgres',
  schemas: ['public', 'billing'],
  online: false,
  changes: [],
  steps: [],
  fingerprint: 'sha256:e3b0',
};

/** A plan dropping one key whose names are hostile to terminals, comments and markdown. */
function planWithNames(owner: TableRef, name: string, columns: readonly string[] = ['id']): Plan {
  const key = fk(
    owner,
    name,
    columns,
    table('public', 'targets'),
    columns.map(() => 'id'),
  );
  return linked({
    ...emptyPlan,
    changes: [{ kind: 'drop', fk: key }],
    steps: [step(postgres, { kind: 'drop', fk: key }, 1, ['drops-fk'])],
  });
}

const ESC = '\u001b';

// ---- sql ----

describe('renderSql', () => {
  it('wraps each PostgreSQL transaction in BEGIN … COMMIT with the lock timeout', () => {
    expect(renderSql(postgresPlan, { engine: postgres, lockTimeoutMs: 5000 })).toBe(
      [
        '-- fkdiff plan: 7 steps, fingerprint sha256:5f2b9c',
        '',
        'BEGIN;',
        "SET LOCAL lock_timeout = '5000ms';",
        '-- drop foreign key orders_legacy_fkey on public.orders',
        'ALTER TABLE "public"."orders" DROP CONSTRAINT "orders_legacy_fkey";',
        '-- drop foreign key users_org_id_fkey on public.users',
        'ALTER TABLE "public"."users" DROP CONSTRAINT "users_org_id_fkey";',
        '-- rename foreign key users_profile_fk on public.users to users_profile_id_fkey',
        'ALTER TABLE "public"."users" RENAME CONSTRAINT "users_profile_fk" TO "users_profile_id_fkey";',
        '-- alter foreign key users_team_id_fkey on public.users: deferrable initially deferred',
        'ALTER TABLE "public"."users" ALTER CONSTRAINT "users_team_id_fkey" DEFERRABLE INITIALLY DEFERRED;',
        '-- add foreign key users_org_id_fkey on public.users',
        'ALTER TABLE "public"."users" ADD CONSTRAINT "users_org_id_fkey" FOREIGN KEY ("org_id", "region") REFERENCES "public"."orgs" ("id", "region") ON DELETE CASCADE;',
        '-- add foreign key orders_user_id_fkey on public.orders',
        'ALTER TABLE "public"."orders" ADD CONSTRAINT "orders_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "public"."users" ("id") ON DELETE CASCADE;',
        'COMMIT;',
        '',
        'BEGIN;',
        "SET LOCAL lock_timeout = '5000ms';",
        '-- validate foreign key invoices_customer_id_fkey on billing.invoices',
        'ALTER TABLE "billing"."invoices" VALIDATE CONSTRAINT "invoices_customer_id_fkey";',
        'COMMIT;',
        '',
      ].join('\n'),
    );
  });

  it('runs MySQL statements one by one, without BEGIN or COMMIT', () => {
    expect(renderSql(mysqlPlan, { engine: mysql, lockTimeoutMs: 5000 })).toBe(
      [
        '-- fkdiff plan: 4 steps, fingerprint sha256:0a1b',
        'SET SESSION lock_wait_timeout = 5;',
        '',
        '-- drop foreign key orders_coupon_id_fkey on shop.orders',
        'ALTER TABLE `shop`.`orders` DROP FOREIGN KEY `orders_coupon_id_fkey`;',
        '-- drop foreign key orders_user_id_fkey on shop.orders',
        'ALTER TABLE `shop`.`orders` DROP FOREIGN KEY `orders_user_id_fkey`;',
        '-- drop index orders_coupon_id_fkey on shop.orders: a leftover of an earlier key, in the way of foreign key orders_coupon_id_fkey',
        'ALTER TABLE `shop`.`orders` DROP INDEX `orders_coupon_id_fkey`;',
        '-- add foreign key orders_user_id_fkey on shop.orders',
        'ALTER TABLE `shop`.`orders` ADD CONSTRAINT `orders_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `shop`.`users` (`id`) ON DELETE CASCADE;',
        '',
      ].join('\n'),
    );
  });

  it('renders an empty plan as one comment line', () => {
    expect(renderSql(emptyPlan, { engine: postgres, lockTimeoutMs: 5000 })).toBe('-- fkdiff: no changes\n');
  });

  it('says when an add leaves validation to a later step', () => {
    const plan: Plan = linked({
      ...postgresPlan,
      steps: [step(postgres, { kind: 'add', fk: orderUser, notValid: true }, 1)],
    });
    expect(renderSql(plan, { engine: postgres, lockTimeoutMs: 5000 }).split('\n').slice(0, 6)).toEqual([
      '-- fkdiff plan: 1 step, fingerprint sha256:5f2b9c',
      '',
      'BEGIN;',
      "SET LOCAL lock_timeout = '5000ms';",
      '-- add foreign key orders_user_id_fkey on public.orders, not valid: existing rows are not checked here',
      'ALTER TABLE "public"."orders" ADD CONSTRAINT "orders_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "public"."users" ("id") ON DELETE CASCADE NOT VALID;',
    ]);
  });

  it.each([250, 30_000])('sets lock_timeout %i ms', (lockTimeoutMs) => {
    expect(renderSql(postgresPlan, { engine: postgres, lockTimeoutMs })).toContain(
      `\nSET LOCAL lock_timeout = '${lockTimeoutMs}ms';\n`,
    );
  });

  it('keeps a constraint name in a comment on one line', () => {
    const plan = planWithNames(table('public', 'users'), 'evil\nDROP TABLE users; --\u001b[2J');
    expect(renderSql(plan, { engine: postgres, lockTimeoutMs: 5000 })).toBe(
      [
        '-- fkdiff plan: 1 step, fingerprint sha256:e3b0',
        '',
        'BEGIN;',
        "SET LOCAL lock_timeout = '5000ms';",
        '-- drop foreign key "evil\\nDROP TABLE users; --\\u001b[2J" on public.users',
        // The statement itself keeps the exact name: a quoted identifier may span lines.
        'ALTER TABLE "public"."users" DROP CONSTRAINT "evil\nDROP TABLE users; --\u001b[2J";',
        'COMMIT;',
        '',
      ].join('\n'),
    );
  });

  it('escapes a fingerprint read from a hand-edited plan file', () => {
    expect(
      renderSql(
        { ...mysqlPlan, fingerprint: 'x\nDROP DATABASE shop;' },
        { engine: mysql, lockTimeoutMs: 5000 },
      ).split('\n')[0],
    ).toBe('-- fkdiff plan: 4 steps, fingerprint x\\nDROP DATABASE shop;');
  });
});

// ---- text ----

describe('renderText', () => {
  const options = { color: false, engine: postgres, managedCount: 12 };

  it('shows the summary, the changes by table, the hazards and the numbered SQL', () => {
    expect(renderText(postgresPlan, options)).toBe(
      [
        'Plan: 1 to add, 1 to drop, 1 to rename, 2 to change, 1 to validate.',
        '',
        'billing.invoices',
        '  ~ validate invoices_customer_id_fkey',
        '    ! validates-data: invoices.invoices_customer_id_fkey: validates-data',
        '',
        'public.orders',
        '  + add orders_user_id_fkey (user_id) → public.users (id) ON DELETE CASCADE',
        '    ! blocks-writes: orders.orders_user_id_fkey: blocks-writes',
        '    ! validates-data: orders.orders_user_id_fkey: validates-data',
        '    ! enables-cascade: orders.orders_user_id_fkey: enables-cascade',
        '  - drop orders_legacy_fkey (legacy_id) → public.legacy (id)',
        '    ! drops-fk: orders.orders_legacy_fkey: drops-fk',
        '',
        'public.users',
        '  ~ alter users_team_id_fkey: not deferrable → deferrable initially deferred',
        '  ~ change users_org_id_fkey: columns (org_id) → (org_id, region), referenced columns (id) → (id, region), on delete no action → cascade',
        '    ! blocks-writes: users.users_org_id_fkey: blocks-writes',
        '    ! validates-data: users.users_org_id_fkey: validates-data',
        '    ! enables-cascade: users.users_org_id_fkey: enables-cascade',
        '  ~ rename users_profile_fk → users_profile_id_fkey',
        '',
        'SQL:',
        '  -- transaction 1',
        '  1. ALTER TABLE "public"."orders" DROP CONSTRAINT "orders_legacy_fkey";',
        '  2. ALTER TABLE "public"."users" DROP CONSTRAINT "users_org_id_fkey";',
        '  3. ALTER TABLE "public"."users" RENAME CONSTRAINT "users_profile_fk" TO "users_profile_id_fkey";',
        '  4. ALTER TABLE "public"."users" ALTER CONSTRAINT "users_team_id_fkey" DEFERRABLE INITIALLY DEFERRED;',
        '  5. ALTER TABLE "public"."users" ADD CONSTRAINT "users_org_id_fkey" FOREIGN KEY ("org_id", "region") REFERENCES "public"."orgs" ("id", "region") ON DELETE CASCADE;',
        '  6. ALTER TABLE "public"."orders" ADD CONSTRAINT "orders_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "public"."users" ("id") ON DELETE CASCADE;',
        '  -- transaction 2',
        '  7. ALTER TABLE "billing"."invoices" VALIDATE CONSTRAINT "invoices_customer_id_fkey";',
        '',
      ].join('\n'),
    );
  });

  it('has no escape codes at all without colour', () => {
    expect(renderText(postgresPlan, options)).not.toContain(ESC);
    expect(renderText(mysqlPlan, { ...options, engine: mysql })).not.toContain(ESC);
  });

  it('colours each kind of line with colour on', () => {
    const lines = renderText(postgresPlan, { ...options, color: true }).split('\n');
    const line = (start: string): string | undefined => lines.find((l) => l.includes(start));
    expect(line('+ add')).toContain(`${ESC}[32m`);
    expect(line('- drop')).toContain(`${ESC}[31m`);
    expect(line('~ rename')).toContain(`${ESC}[33m`);
    expect(line('~ validate')).toContain(`${ESC}[36m`);
    expect(line('! drops-fk')).toContain(`${ESC}[35m`);
    // The columns only one side has are picked out inside the yellow change line.
    expect(line('~ change')).toContain(`${ESC}[32mregion${ESC}[33m`);
  });

  it('numbers MySQL statements without transaction headers', () => {
    const text = renderText(mysqlPlan, { ...options, engine: mysql });
    expect(text).not.toContain('-- transaction');
    expect(text).toContain('  ~ change orders_user_id_fkey: on delete restrict → cascade\n');
    expect(text.split('\n').filter((l) => /^ {2}\d\. /.test(l))).toHaveLength(4);
  });

  it('reports each hazard once per constraint, under its change', () => {
    const plan: Plan = linked({
      ...emptyPlan,
      changes: [
        { kind: 'drop', fk: orderLegacy },
        { kind: 'drop', fk: userTeam },
      ],
      steps: [
        step(postgres, { kind: 'drop', fk: orderLegacy }, 1, ['drops-fk', 'drops-fk']),
        step(postgres, { kind: 'drop', fk: userTeam }, 1, ['drops-fk']),
      ],
    });
    const hazardLines = renderText(plan, options)
      .split('\n')
      .filter((l) => l.startsWith('    !'));
    expect(hazardLines).toEqual([
      '    ! drops-fk: orders.orders_legacy_fkey: drops-fk',
      '    ! drops-fk: users.users_team_id_fkey: drops-fk',
    ]);
  });

  it('aligns step numbers and continuation lines', () => {
    const plan: Plan = linked({
      ...postgresPlan,
      steps: Array.from({ length: 10 }, (_, index) => ({
        ...step(postgres, { kind: 'validate', fk: invoiceCustomer }, 1),
        sql: index === 9 ? 'ALTER TABLE t\nVALIDATE CONSTRAINT c' : `SELECT ${index}`,
      })),
    });
    const text = renderText(plan, options);
    expect(text).toContain('\n   1. SELECT 0;\n');
    expect(text).toContain('\n  10. ALTER TABLE t\n      VALIDATE CONSTRAINT c;\n');
  });

  it('says how many keys match when there is nothing to do', () => {
    expect(renderText(emptyPlan, options)).toBe(
      'No changes: the database matches the spec (12 foreign keys in schemas public, billing).\n',
    );
    expect(renderText({ ...emptyPlan, schemas: ['shop'] }, { ...options, managedCount: 1 })).toBe(
      'No changes: the database matches the spec (1 foreign key in schema shop).\n',
    );
  });

  it('quotes names that need it and shows non-ASCII names as they are', () => {
    const plan = planWithNames(table('my.schema', 'a"b'), 'fk with spaces', ['naïve', 'größe', '用户']);
    const text = renderText(plan, options);
    expect(text).toContain('\n"my.schema"."a""b"\n');
    expect(text).toContain('  - drop "fk with spaces" (naïve, größe, 用户) → public.targets (id, id, id)\n');
  });

  it('escapes line breaks, terminal escapes and bidi controls in names', () => {
    const plan = planWithNames(table('public', 'users\u001b[31m'), 'a\nb\u202ec\\d');
    const text = renderText(plan, { ...options, color: true });
    expect(text).toContain('"users\\u001b[31m"');
    expect(text).toContain('- drop "a\\nb\\u202ec\\\\d"');
    expect(text).toContain('! drops-fk: users\\u001b[31m.a\\nb\\u202ec\\d: drops-fk');
    // The only escape sequences left are picocolors' own.
    expect(text.replace(new RegExp(`${ESC}\\[\\d+m`, 'g'), '')).not.toContain(ESC);
    expect(text).not.toContain('\u202e');
    // A line break inside the SQL's quoted name continues the statement, aligned under its first line.
    expect(text).toContain(
      '\n  1. ALTER TABLE "public"."users\\u001b[31m" DROP CONSTRAINT "a\n     b\\u202ec\\d";\n',
    );
  });
});

// ---- markdown ----

describe('renderMarkdown', () => {
  const options = { engine: postgres, managedCount: 12, lockTimeoutMs: 5000 };

  it('renders a heading, the summary, a table of changes, hazards and the SQL', () => {
    const markdown = renderMarkdown(postgresPlan, options);
    expect(
      markdown.startsWith(
        '### fkdiff plan\n\nPlan: 1 to add, 1 to drop, 1 to rename, 2 to change, 1 to validate.\n\n',
      ),
    ).toBe(true);
    expect(markdown).toContain(
      [
        '| table | constraint | change |',
        '| --- | --- | --- |',
        '| `billing.invoices` | `invoices_customer_id_fkey` | validate |',
        '| `public.orders` | `orders_user_id_fkey` | add `(user_id) → public.users (id) ON DELETE CASCADE` |',
        '| `public.orders` | `orders_legacy_fkey` | drop `(legacy_id) → public.legacy (id)` |',
        '| `public.users` | `users_team_id_fkey` | alter `not deferrable → deferrable initially deferred` |',
        '| `public.users` | `users_org_id_fkey` | change `columns (org_id) → (org_id, region), referenced columns (id) → (id, region), on delete no action → cascade` |',
        '| `public.users` | `users_profile_fk` → `users_profile_id_fkey` | rename |',
      ].join('\n'),
    );
    expect(markdown).toContain('#### Hazards\n\n- **drops-fk**: orders.orders\\_legacy\\_fkey: drops-fk\n');
    expect(markdown).toContain(
      `#### SQL\n\n7 statements, in 2 transactions:\n\n\`\`\`sql\n${renderSql(postgresPlan, { engine: postgres, lockTimeoutMs: 5000 })}\`\`\`\n`,
    );
    expect(markdown.endsWith('```\n')).toBe(true);
  });

  it('says that MySQL commits each statement on its own', () => {
    expect(renderMarkdown(mysqlPlan, { ...options, engine: mysql })).toContain(
      '4 statements, each committed on its own:',
    );
  });

  it('escapes pipes and backticks in table cells', () => {
    const plan = planWithNames(table('public', 'a|b'), 'x`y``z');
    const row = renderMarkdown(plan, options)
      .split('\n')
      .find((l) => l.startsWith('| `public'));
    expect(row).toBe('| `public.a\\|b` | ```x`y``z``` | drop `(id) → public.targets (id)` |');
  });

  it('pads a code span whose name starts with a backtick', () => {
    const row = renderMarkdown(planWithNames(users, '`tick'), options)
      .split('\n')
      .find((l) => l.startsWith('| `public'));
    expect(row).toContain('| `` `tick `` |');
  });

  it('escapes markdown in hazard messages and keeps them on one line', () => {
    const key = fk(users, 'x', ['id'], users, ['id']);
    const plan: Plan = linked({
      ...emptyPlan,
      changes: [{ kind: 'drop', fk: key }],
      steps: [
        {
          ...step(postgres, { kind: 'drop', fk: key }, 1),
          hazards: [{ code: 'drops-fk', message: '*bold* <b>@team</b> [x](y)\n# h' }],
        },
      ],
    });
    expect(renderMarkdown(plan, options)).toContain(
      '- **drops-fk**: \\*bold\\* \\<b\\>\\@team\\</b\\> \\[x\\](y)\\\\n\\# h\n',
    );
  });

  it('fences SQL with more backticks than any run inside it', () => {
    const plan = planWithNames(shopOrders, 'a```b');
    const mysqlStep = step(mysql, { kind: 'drop', fk: plan.steps[0]?.action.fk ?? shopCoupon }, 1);
    const markdown = renderMarkdown(
      { ...plan, dialect: 'mysql', steps: [mysqlStep] },
      { ...options, engine: mysql },
    );
    expect(mysqlStep.sql).toContain('``````');
    expect(markdown).toContain('\n```````sql\n');
    expect(markdown.endsWith('\n```````\n')).toBe(true);
  });

  it('renders an empty plan as the heading and one line', () => {
    expect(renderMarkdown(emptyPlan, options)).toBe(
      '### fkdiff plan\n\nNo changes: the database matches the spec (12 foreign keys in schemas `public`, `billing`).\n',
    );
  });
});
