import { describe, expect, it } from 'vitest';
import { postgresEngine } from '../../src/engines/postgres/index.js';
import { diff } from '../../src/diff/diff.js';
import type { DesiredForeignKey, ForeignKey } from '../../src/model/catalog.js';
import { HAZARD_CODES } from '../../src/model/plan.js';
import { planChanges } from '../../src/plan/plan.js';
import { partitionProblems } from '../../src/checks/partitions.js';
import { preflight } from '../../src/checks/preflight.js';
import { mysqlEngine } from '../../src/engines/mysql/index.js';
import { catalog, fk, table, want } from '../support/builders.js';

const tables = [
  table('users', ['id', 'profile_id', 'org_id', 'manager_id']),
  table('profiles', ['id', 'user_id', 'created_by_user_id']),
  table('orgs', ['id']),
];

function planSql(
  current: readonly ForeignKey[],
  desired: readonly DesiredForeignKey[],
  online = false,
): string[] {
  const changes = diff(current, desired, postgresEngine);
  return planChanges(changes, catalog(tables, current), postgresEngine, { online }).steps.map((s) => s.sql);
}

const profileFk = fk({ table: 'users', columns: ['profile_id'], references: 'profiles' });

interface Case {
  readonly name: string;
  readonly current: readonly ForeignKey[];
  readonly desired: readonly DesiredForeignKey[];
  readonly sql: readonly string[];
  readonly online?: boolean;
}

const cases: readonly Case[] = [
  {
    name: 'unchanged schema: empty plan',
    current: [profileFk],
    desired: [want({ ...profileFk, table: 'users', references: 'profiles' })],
    sql: [],
  },
  {
    name: 'add',
    current: [],
    desired: [
      want({
        table: 'users',
        columns: ['profile_id'],
        references: 'profiles',
        name: 'user_profile_id_fkey',
        onDelete: 'set null',
      }),
    ],
    sql: [
      'ALTER TABLE "public"."users" ADD CONSTRAINT "user_profile_id_fkey" FOREIGN KEY ("profile_id") REFERENCES "public"."profiles" ("id") ON DELETE SET NULL',
    ],
  },
  {
    name: 'drop a key the spec does not declare',
    current: [profileFk],
    desired: [],
    sql: ['ALTER TABLE "public"."users" DROP CONSTRAINT "users_profile_id_fkey"'],
  },
  {
    name: 'rename: same definition, other name',
    current: [profileFk],
    desired: [
      want({ table: 'users', columns: ['profile_id'], references: 'profiles', name: 'user_profile_fk' }),
    ],
    sql: ['ALTER TABLE "public"."users" RENAME CONSTRAINT "users_profile_id_fkey" TO "user_profile_fk"'],
  },
  {
    name: 'unnamed key matches an existing key of the same definition, whatever its name',
    current: [{ ...profileFk, name: 'SequelizeGeneratedName' }],
    desired: [want({ table: 'users', columns: ['profile_id'], references: 'profiles', unnamed: true })],
    sql: [],
  },
  {
    name: 'change of action: drop and add in one transaction',
    current: [profileFk],
    desired: [want({ table: 'users', columns: ['profile_id'], references: 'profiles', onDelete: 'cascade' })],
    sql: [
      'ALTER TABLE "public"."users" DROP CONSTRAINT "users_profile_id_fkey"',
      'ALTER TABLE "public"."users" ADD CONSTRAINT "users_profile_id_fkey" FOREIGN KEY ("profile_id") REFERENCES "public"."profiles" ("id") ON DELETE CASCADE',
    ],
  },
  {
    name: 'deferrability only: ALTER CONSTRAINT',
    current: [profileFk],
    desired: [
      want({
        table: 'users',
        columns: ['profile_id'],
        references: 'profiles',
        deferrable: true,
        initiallyDeferred: true,
      }),
    ],
    sql: [
      'ALTER TABLE "public"."users" ALTER CONSTRAINT "users_profile_id_fkey" DEFERRABLE INITIALLY DEFERRED',
    ],
  },
  {
    name: 'NOT VALID wanted valid: VALIDATE CONSTRAINT',
    current: [{ ...profileFk, validated: false }],
    desired: [want({ table: 'users', columns: ['profile_id'], references: 'profiles' })],
    sql: ['ALTER TABLE "public"."users" VALIDATE CONSTRAINT "users_profile_id_fkey"'],
  },
  {
    name: 'validated key satisfies notValid: true (validation cannot be undone)',
    current: [profileFk],
    desired: [want({ table: 'users', columns: ['profile_id'], references: 'profiles', validated: false })],
    sql: [],
  },
  {
    name: 'swapped names go through a temporary name',
    current: [
      fk({ table: 'users', columns: ['profile_id'], references: 'profiles', name: 'a' }),
      fk({ table: 'users', columns: ['org_id'], references: 'orgs', name: 'b' }),
    ],
    desired: [
      want({ table: 'users', columns: ['profile_id'], references: 'profiles', name: 'b' }),
      want({ table: 'users', columns: ['org_id'], references: 'orgs', name: 'a' }),
    ],
    sql: [
      'ALTER TABLE "public"."users" RENAME CONSTRAINT "a" TO "a_fkdiff_tmp"',
      'ALTER TABLE "public"."users" RENAME CONSTRAINT "b" TO "a"',
      'ALTER TABLE "public"."users" RENAME CONSTRAINT "a_fkdiff_tmp" TO "b"',
    ],
  },
  {
    name: 'duplicate constraints (sync alter): the closest is kept, the others dropped',
    current: [
      fk({ table: 'users', columns: ['profile_id'], references: 'profiles', name: 'users_profile_id_fkey' }),
      fk({
        table: 'users',
        columns: ['profile_id'],
        references: 'profiles',
        name: 'users_profile_id_fkey1',
        onDelete: 'cascade',
      }),
      fk({
        table: 'users',
        columns: ['profile_id'],
        references: 'profiles',
        name: 'users_profile_id_fkey2',
        onDelete: 'cascade',
      }),
    ],
    desired: [
      want({
        table: 'users',
        columns: ['profile_id'],
        references: 'profiles',
        unnamed: true,
        onDelete: 'cascade',
      }),
    ],
    sql: [
      'ALTER TABLE "public"."users" DROP CONSTRAINT "users_profile_id_fkey"',
      'ALTER TABLE "public"."users" DROP CONSTRAINT "users_profile_id_fkey2"',
    ],
  },
  {
    name: 'a name moves to another definition: drop frees it before the add',
    current: [fk({ table: 'users', columns: ['profile_id'], references: 'profiles', name: 'k' })],
    desired: [want({ table: 'users', columns: ['org_id'], references: 'orgs', name: 'k' })],
    sql: [
      'ALTER TABLE "public"."users" DROP CONSTRAINT "k"',
      'ALTER TABLE "public"."users" ADD CONSTRAINT "k" FOREIGN KEY ("org_id") REFERENCES "public"."orgs" ("id")',
    ],
  },
  {
    name: 'a rename takes the name of a dropped key directly, without a temporary name',
    current: [
      fk({ table: 'users', columns: ['org_id'], references: 'orgs', name: 'x' }),
      fk({ table: 'users', columns: ['profile_id'], references: 'profiles', name: 'y' }),
    ],
    desired: [want({ table: 'users', columns: ['profile_id'], references: 'profiles', name: 'x' })],
    sql: [
      'ALTER TABLE "public"."users" DROP CONSTRAINT "x"',
      'ALTER TABLE "public"."users" RENAME CONSTRAINT "y" TO "x"',
    ],
  },
  {
    name: 'derived name avoids a taken name like PostgreSQL (suffix 1)',
    current: [
      fk({ table: 'users', columns: ['profile_id'], references: 'profiles', name: 'users_org_id_fkey' }),
    ],
    desired: [
      want({ table: 'users', columns: ['profile_id'], references: 'profiles', unnamed: true }),
      want({ table: 'users', columns: ['org_id'], references: 'orgs', unnamed: true }),
    ],
    sql: [
      'ALTER TABLE "public"."users" ADD CONSTRAINT "users_org_id_fkey1" FOREIGN KEY ("org_id") REFERENCES "public"."orgs" ("id")',
    ],
  },
  {
    name: 'unnamed key holding a name another key declares gets a derived name',
    current: [fk({ table: 'users', columns: ['profile_id'], references: 'profiles', name: 'wanted' })],
    desired: [
      want({ table: 'users', columns: ['profile_id'], references: 'profiles', unnamed: true }),
      want({ table: 'users', columns: ['org_id'], references: 'orgs', name: 'wanted' }),
    ],
    sql: [
      'ALTER TABLE "public"."users" RENAME CONSTRAINT "wanted" TO "users_profile_id_fkey"',
      'ALTER TABLE "public"."users" ADD CONSTRAINT "wanted" FOREIGN KEY ("org_id") REFERENCES "public"."orgs" ("id")',
    ],
  },
  {
    name: 'online: add NOT VALID, validate in its own transaction',
    current: [],
    desired: [want({ table: 'users', columns: ['org_id'], references: 'orgs' })],
    online: true,
    sql: [
      'ALTER TABLE "public"."users" ADD CONSTRAINT "users_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "public"."orgs" ("id") NOT VALID',
      'ALTER TABLE "public"."users" VALIDATE CONSTRAINT "users_org_id_fkey"',
    ],
  },
  {
    name: 'MATCH FULL, composite, deferrable: full definition',
    current: [],
    desired: [
      want({
        table: 'profiles',
        columns: ['user_id', 'created_by_user_id'],
        references: 'users',
        referencedColumns: ['id', 'manager_id'],
        match: 'full',
        deferrable: true,
        onUpdate: 'cascade',
        name: 'pair_fk',
      }),
    ],
    sql: [
      'ALTER TABLE "public"."profiles" ADD CONSTRAINT "pair_fk" FOREIGN KEY ("user_id", "created_by_user_id") REFERENCES "public"."users" ("id", "manager_id") MATCH FULL ON UPDATE CASCADE DEFERRABLE INITIALLY IMMEDIATE',
    ],
  },
];

describe('diff + plan (PostgreSQL)', () => {
  it.each(cases)('$name', ({ current, desired, sql, online }) => {
    expect(planSql(current, desired, online ?? false)).toEqual(sql);
  });

  it('does not depend on the order of its inputs', () => {
    const current = [
      fk({ table: 'users', columns: ['profile_id'], references: 'profiles', name: 'x' }),
      fk({ table: 'users', columns: ['org_id'], references: 'orgs', name: 'y' }),
      fk({ table: 'profiles', columns: ['user_id'], references: 'users', name: 'z' }),
    ];
    const desired = [
      want({ table: 'users', columns: ['profile_id'], references: 'profiles', name: 'y' }),
      want({ table: 'users', columns: ['org_id'], references: 'orgs', name: 'x' }),
      want({ table: 'profiles', columns: ['created_by_user_id'], references: 'users', unnamed: true }),
    ];
    const expected = planSql(current, desired);
    expect(planSql([...current].reverse(), [...desired].reverse())).toEqual(expected);
    const rotate = <T>(list: readonly T[]): T[] => [...list.slice(1), ...list.slice(0, 1)];
    expect(planSql(rotate(current), rotate(rotate(desired)))).toEqual(expected);
  });

  it('shortens a derived name past 63 bytes with a hash, keeping distinct names distinct', () => {
    const long = 'a'.repeat(40);
    const owner = table(`t_${long}`, ['id', `${long}_x`, `${long}_y`]);
    const desired = [
      want({ table: owner.ref.name, columns: [`${long}_x`], references: 'orgs', unnamed: true }),
      want({ table: owner.ref.name, columns: [`${long}_y`], references: 'orgs', unnamed: true }),
    ];
    const changes = diff([], desired, postgresEngine);
    const names = changes.map((c) => (c.kind === 'add' ? c.fk.name : ''));
    for (const name of names) expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63);
    expect(new Set(names).size).toBe(2);
    expect(names[0]).toMatch(/^t_a{40}_a{11}_[0-9a-f]{8}$/);
    expect(Buffer.byteLength(names[0] ?? '')).toBe(63);
  });

  it('counts bytes, not characters, for non-ASCII names', () => {
    const changes = diff(
      [],
      [want({ table: 'ü'.repeat(40), columns: ['id'], references: 'orgs', unnamed: true })],
      postgresEngine,
    );
    const [change] = changes;
    expect(change?.kind).toBe('add');
    if (change?.kind === 'add') expect(Buffer.byteLength(change.fk.name)).toBeLessThanOrEqual(63);
  });

  it('keeps a partitioned table validated online (PostgreSQL cannot add NOT VALID there)', () => {
    const parts = [table('events', ['id', 'org_id'], { partitioned: true }), table('orgs', ['id'])];
    const changes = diff(
      [],
      [want({ table: 'events', columns: ['org_id'], references: 'orgs' })],
      postgresEngine,
    );
    const plan = planChanges(changes, catalog(parts, []), postgresEngine, { online: true });
    expect(plan.steps.map((s) => s.action.kind)).toEqual(['add']);
    expect(plan.steps[0]?.sql).not.toContain('NOT VALID');
  });

  it('adds a notValid key to a partitioned table validated (PostgreSQL refuses NOT VALID there)', () => {
    const parts = [table('events', ['id', 'org_id'], { partitioned: true }), table('orgs', ['id'])];
    const changes = diff(
      [],
      [want({ table: 'events', columns: ['org_id'], references: 'orgs', validated: false })],
      postgresEngine,
    );
    const plan = planChanges(changes, catalog(parts, []), postgresEngine, { online: false });
    expect(plan.steps.map((s) => s.sql)).toEqual([
      'ALTER TABLE "public"."events" ADD CONSTRAINT "events_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "public"."orgs" ("id")',
    ]);
    expect(plan.steps[0]?.hazards.map((h) => h.code)).toContain('validates-data');
  });

  it('assigns hazards: a plain add blocks writes, a drop drops an fk, cascade is flagged', () => {
    const changes = diff(
      [fk({ table: 'users', columns: ['org_id'], references: 'orgs' })],
      [want({ table: 'users', columns: ['profile_id'], references: 'profiles', onDelete: 'cascade' })],
      postgresEngine,
    );
    const plan = planChanges(changes, catalog(tables, []), postgresEngine, { online: false });
    const codes = plan.steps.map((s) => s.hazards.map((h) => h.code));
    // The drop locked users exclusively, so the add's check of users keeps readers waiting too.
    expect(codes).toEqual([
      ['drops-fk'],
      ['validates-data', 'blocks-writes', 'enables-cascade', 'blocks-reads'],
    ]);
    expect(plan.steps.every((s) => s.transaction === 1)).toBe(true);
  });

  it('online plans run validations in separate transactions without blocking writes', () => {
    const changes = diff(
      [],
      [
        want({ table: 'users', columns: ['profile_id'], references: 'profiles' }),
        want({ table: 'users', columns: ['org_id'], references: 'orgs' }),
      ],
      postgresEngine,
    );
    const plan = planChanges(changes, catalog(tables, []), postgresEngine, { online: true });
    expect(plan.steps.map((s) => [s.action.kind, s.transaction])).toEqual([
      ['add', 1],
      ['add', 1],
      ['validate', 2],
      ['validate', 3],
    ]);
    expect(plan.steps.flatMap((s) => s.hazards.map((h) => h.code))).not.toContain('blocks-writes');
  });
});

describe('preflight', () => {
  const problems = (desired: DesiredForeignKey) =>
    preflight(diff([], [desired], postgresEngine), catalog(tables, []), postgresEngine).map((p) => p.message);

  it('reports every missing table and column together', () => {
    expect(problems(want({ table: 'users', columns: ['nope'], references: 'ghosts', name: 'k' }))).toEqual([
      'public.users.k: referenced table public.ghosts does not exist',
      'public.users.k: column public.users.nope does not exist',
    ]);
    expect(
      problems(
        want({
          table: 'users',
          columns: ['org_id'],
          references: 'orgs',
          referencedColumns: ['uid'],
          name: 'k',
        }),
      ),
    ).toEqual(['public.users.k: referenced column public.orgs.uid does not exist']);
  });

  it('requires a primary key or unique constraint on exactly the referenced columns', () => {
    expect(
      problems(
        want({
          table: 'profiles',
          columns: ['user_id'],
          references: 'users',
          referencedColumns: ['manager_id'],
          name: 'k',
        }),
      ),
    ).toEqual([
      'public.profiles.k: no primary key or unique constraint covers exactly the referenced columns public.users (manager_id)',
    ]);
  });

  it('accepts a unique (non-primary) key as the target', () => {
    const withUnique = [
      table('users', ['id', 'email'], {
        indexes: [
          {
            name: 'users_email_key',
            columns: ['email'],
            unique: true,
            primary: false,
            usableForForeignKey: true,
          },
        ],
      }),
      table('profiles', ['id', 'email']),
    ];
    const changes = diff(
      [],
      [want({ table: 'profiles', columns: ['email'], references: 'users', referencedColumns: ['email'] })],
      postgresEngine,
    );
    expect(preflight(changes, catalog(withUnique, []), postgresEngine)).toEqual([]);
  });
});

describe('SET NULL on NOT NULL columns', () => {
  const strict = [
    table('users', ['id', 'org_id'], {
      columns: [
        { name: 'id', type: 'integer', nullable: false },
        { name: 'org_id', type: 'integer', nullable: false },
      ],
    }),
    table('orgs', ['id']),
  ];
  const setNull = want({ table: 'users', columns: ['org_id'], references: 'orgs', onDelete: 'set null' });

  it('PostgreSQL creates the key; the hazard says deletes will fail', () => {
    const changes = diff([], [setNull], postgresEngine);
    expect(preflight(changes, catalog(strict, []), postgresEngine)).toEqual([]);
    const plan = planChanges(changes, catalog(strict, []), postgresEngine, { online: false });
    expect(plan.steps[0]?.hazards.map((h) => h.message)).toContain(
      'public.users.users_org_id_fkey: deleting a row of orgs will fail while the rows of users that reference it exist: org_id cannot be set to NULL (NOT NULL)',
    );
  });

  it('InnoDB refuses the key: a pre-flight problem', () => {
    const changes = diff([], [setNull], mysqlEngine);
    expect(preflight(changes, catalog(strict, []), mysqlEngine).map((p) => p.message)).toEqual([
      'public.users.users_org_id_fkey: onDelete: set null needs nullable columns, but org_id is NOT NULL',
    ]);
  });
});

describe('partitions', () => {
  const tables = [
    table('payment', ['id', 'customer_id'], { partitioned: true }),
    table('payment_p1', ['id', 'customer_id'], { partitionOf: { schema: 'public', name: 'payment' } }),
    table('customer', ['id']),
  ];

  it('refuses a partition key identical to a key declared on its parent', () => {
    const desired = [
      want({ table: 'payment', columns: ['customer_id'], references: 'customer' }),
      want({ table: 'payment_p1', columns: ['customer_id'], references: 'customer' }),
    ];
    expect(partitionProblems(desired, catalog(tables, [])).map((p) => p.message)).toEqual([
      'public.payment_p1.payment_p1_customer_id_fkey: the same key is declared on public.payment, which PostgreSQL applies to each of its partitions; declare it once, on public.payment',
    ]);
  });

  it('accepts a partition key with other rules: PostgreSQL keeps it apart', () => {
    const desired = [
      want({ table: 'payment', columns: ['customer_id'], references: 'customer' }),
      want({ table: 'payment_p1', columns: ['customer_id'], references: 'customer', onDelete: 'cascade' }),
    ];
    expect(partitionProblems(desired, catalog(tables, []))).toEqual([]);
  });
});

describe('hazard codes', () => {
  it('the JSON Schema offers exactly the codes the planner uses', async () => {
    const { readFile } = await import('node:fs/promises');
    const schema = JSON.parse(
      await readFile(new URL('../../schemas/fkdiff.schema.json', import.meta.url), 'utf8'),
    ) as {
      properties: { policy: { properties: { denyHazards: { items: { enum: string[] } } } } };
    };
    expect([...schema.properties.policy.properties.denyHazards.items.enum].sort()).toEqual(
      [...HAZARD_CODES].sort(),
    );
  });
});
