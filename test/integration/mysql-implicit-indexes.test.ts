import { afterAll, describe, expect, it } from 'vitest';
import { applySteps } from '../../src/apply/apply.js';
import { connect, type Connection } from '../../src/db/connection.js';
import { mysqlEngine } from '../../src/engines/mysql/index.js';
import { diff } from '../../src/diff/diff.js';
import { introspectMysql } from '../../src/engines/mysql/introspect.js';
import type { Catalog, DesiredForeignKey } from '../../src/model/catalog.js';
import type { Plan, StepKind } from '../../src/model/plan.js';
import { implicitIndexProblems } from '../../src/engines/mysql/implicit-indexes.js';
import { planChanges } from '../../src/plan/plan.js';
import { available, createDatabase, type TestDatabase } from '../support/targets.js';

/*
 * End to end on the server: introspect → diff → plan → run each step → introspect again → nothing
 * left to do. Every case starts from its own database.
 */

const BASE = `
CREATE TABLE p (id INT PRIMARY KEY, a INT, b INT, KEY p_a (a));
CREATE TABLE c (id INT PRIMARY KEY, a INT, b INT, x INT, y INT);
CREATE TABLE d (id INT PRIMARY KEY, a INT);
`;

type Shape = readonly [
  name: string,
  table: string,
  columns: readonly string[],
  references?: string,
  refColumns?: readonly string[],
];

function desired(schema: string, shapes: readonly Shape[]): DesiredForeignKey[] {
  return shapes.map(([name, table, columns, references = 'p', refColumns = ['id']]) => ({
    name,
    table: { schema, name: table },
    columns,
    referencedTable: { schema, name: references },
    referencedColumns: refColumns,
    onDelete: 'no action',
    onUpdate: 'no action',
    deferrable: false,
    initiallyDeferred: false,
    match: 'simple',
    validated: true,
    source: undefined,
  }));
}

const addFk = (name: string, table: string, columns: string, target = 'p (id)') =>
  `ALTER TABLE ${table} ADD CONSTRAINT ${name} FOREIGN KEY (${columns}) REFERENCES ${target};`;

interface Case {
  readonly name: string;
  readonly setup: string;
  readonly want: readonly Shape[];
  readonly ops: readonly StepKind[];
  /** Index names of table c once the plan has run. */
  readonly indexesOfC: readonly string[];
}

const CASES: readonly Case[] = [
  {
    name: 'an index one add would reuse is dropped for another add: the leftover in the way goes too',
    setup: `CREATE INDEX idx ON c (b, x);${addFk('fk1', 'c', 'a')}ALTER TABLE c DROP FOREIGN KEY fk1;`,
    want: [
      ['fk1', 'c', ['b']],
      ['idx', 'c', ['a']],
    ],
    ops: ['drop-index', 'drop-index', 'add', 'add'],
    indexesOfC: ['PRIMARY', 'fk1', 'idx'],
  },
  {
    name: 'a rename (drop + add) on the same columns: the server renames its index',
    setup: addFk('old_fk', 'c', 'a'),
    want: [['new_fk', 'c', ['a']]],
    ops: ['drop', 'add'],
    indexesOfC: ['PRIMARY', 'new_fk'],
  },
  {
    name: 'a name moves to other columns of the same table',
    setup: addFk('n', 'c', 'a'),
    want: [['n', 'c', ['b']]],
    ops: ['drop', 'drop-index', 'add'],
    indexesOfC: ['PRIMARY', 'n'],
  },
  {
    name: 'two keys swap names',
    setup: addFk('fk_a', 'c', 'x') + addFk('fk_b', 'c', 'y'),
    want: [
      ['fk_a', 'c', ['y']],
      ['fk_b', 'c', ['x']],
    ],
    ops: ['drop', 'drop', 'drop-index', 'drop-index', 'add', 'add'],
    indexesOfC: ['PRIMARY', 'fk_a', 'fk_b'],
  },
  {
    name: 'an index left behind by a dropped key blocks a new key of that name',
    setup: addFk('n', 'c', 'a') + 'ALTER TABLE c DROP FOREIGN KEY n;',
    want: [['n', 'c', ['b']]],
    ops: ['drop-index', 'add'],
    indexesOfC: ['PRIMARY', 'n'],
  },
  {
    name: 'a key on columns that already have an index',
    setup: 'CREATE INDEX c_ab ON c (a, b);',
    want: [['c_a_fk', 'c', ['a']]],
    ops: ['add'],
    indexesOfC: ['PRIMARY', 'c_ab'],
  },
  {
    name: 'a leftover with the key’s name and a user index on the key’s columns',
    setup: addFk('n', 'c', 'x') + 'ALTER TABLE c DROP FOREIGN KEY n; CREATE INDEX mine ON c (a);',
    want: [['n', 'c', ['a']]],
    ops: ['drop-index', 'add'],
    indexesOfC: ['PRIMARY', 'mine'],
  },
  {
    name: 'a unique key serves the new key: the index with its name stays',
    setup:
      addFk('n', 'c', 'x') + 'ALTER TABLE c DROP FOREIGN KEY n; CREATE UNIQUE INDEX c_a_unique ON c (a);',
    want: [['n', 'c', ['a']]],
    ops: ['add'],
    indexesOfC: ['PRIMARY', 'c_a_unique', 'n'],
  },
  {
    name: 'a name moves from one table to another: the old table keeps its index',
    setup: addFk('n', 'c', 'a'),
    want: [['n', 'd', ['a']]],
    ops: ['drop', 'add'],
    indexesOfC: ['PRIMARY', 'n'],
  },
  {
    name: 'an index in the way that a remaining key can do without (another index serves it)',
    setup: 'CREATE INDEX n ON c (a); CREATE INDEX c_ab ON c (a, b);' + addFk('r', 'c', 'a'),
    want: [
      ['r', 'c', ['a']],
      ['n', 'c', ['x']],
    ],
    ops: ['drop-index', 'add'],
    indexesOfC: ['PRIMARY', 'c_ab', 'n'],
  },
];

const databases: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(databases.map((db) => db.drop()));
});

async function fresh(setup: string): Promise<{ db: TestDatabase; connection: Connection }> {
  const db = await createDatabase('mysql');
  databases.push(db);
  await db.run(BASE + setup);
  return { db, connection: await connect(db.url) };
}

async function planFor(
  connection: Connection,
  want: readonly DesiredForeignKey[],
): Promise<{ plan: Plan; current: Catalog }> {
  const current = await introspectMysql(connection, [connection.defaultSchema], []);
  const changes = diff(current.foreignKeys, want, mysqlEngine);
  expect(implicitIndexProblems(changes, current)).toEqual([]);
  return { plan: planChanges(changes, current, mysqlEngine, { online: false }), current };
}

async function run(connection: Connection, plan: Plan, count = plan.steps.length): Promise<void> {
  for (const step of plan.steps.slice(0, count)) await connection.execute(step.sql);
}

async function expectConverged(connection: Connection, want: readonly DesiredForeignKey[]): Promise<Catalog> {
  const after = await introspectMysql(connection, [connection.defaultSchema], []);
  expect(diff(after.foreignKeys, want, mysqlEngine)).toEqual([]);
  return after;
}

function indexNames(catalog: Catalog, table: string): string[] {
  return (catalog.tables.find((t) => t.ref.name === table)?.indexes ?? []).map((index) => index.name).sort();
}

describe.skipIf(!available('mysql'))('mysql implicit foreign key indexes, end to end', () => {
  it.each(CASES)('$name', async (testCase) => {
    const { connection } = await fresh(testCase.setup);
    try {
      const want = desired(connection.defaultSchema, testCase.want);
      const { plan } = await planFor(connection, want);
      expect(plan.steps.map((step) => step.action.kind)).toEqual(testCase.ops);
      await run(connection, plan);
      const after = await expectConverged(connection, want);
      expect(indexNames(after, 'c')).toEqual([...testCase.indexesOfC].sort());
    } finally {
      await connection.close();
    }
  });

  // A re-run after a failure part-way must plan from the new state and converge.
  const partial = CASES.filter((c) => c.ops.length > 2).flatMap((c) =>
    Array.from({ length: c.ops.length - 1 }, (_, i) => ({ ...c, stopAfter: i + 1 })),
  );
  it.each(partial)('$name: stopped after step $stopAfter, a new plan converges', async (testCase) => {
    const { connection } = await fresh(testCase.setup);
    try {
      const want = desired(connection.defaultSchema, testCase.want);
      await run(connection, (await planFor(connection, want)).plan, testCase.stopAfter);
      await run(connection, (await planFor(connection, want)).plan);
      await expectConverged(connection, want);
      expect((await planFor(connection, want)).plan.steps).toEqual([]);
    } finally {
      await connection.close();
    }
  });

  it('runs a swap through applySteps', async () => {
    const { connection } = await fresh(addFk('fk_a', 'c', 'x') + addFk('fk_b', 'c', 'y'));
    try {
      const want = desired(connection.defaultSchema, [
        ['fk_a', 'c', ['y']],
        ['fk_b', 'c', ['x']],
      ]);
      const { plan } = await planFor(connection, want);
      expect(await applySteps(connection, plan, { lockTimeoutMs: 5000 })).toEqual({
        applied: 6,
        total: 6,
      });
      await expectConverged(connection, want);
    } finally {
      await connection.close();
    }
  });

  it('without the index drops, the server refuses the swap: "Duplicate key name"', async () => {
    const { connection } = await fresh(addFk('fk_a', 'c', 'x') + addFk('fk_b', 'c', 'y'));
    try {
      const want = desired(connection.defaultSchema, [
        ['fk_a', 'c', ['y']],
        ['fk_b', 'c', ['x']],
      ]);
      const { plan } = await planFor(connection, want);
      const withoutIndexDrops = plan.steps.filter((step) => step.action.kind !== 'drop-index');
      await expect(
        (async () => {
          for (const step of withoutIndexDrops) await connection.execute(step.sql);
        })(),
      ).rejects.toMatchObject({
        original: {
          errno: 1061,
          sqlMessage: expect.stringMatching(/^Duplicate key name 'fk_[ab]'$/) as string,
        },
      });
    } finally {
      await connection.close();
    }
  });

  it.each([
    {
      name: 'a remaining key needs it',
      setup: 'CREATE INDEX n ON c (a, b);' + addFk('r', 'c', 'a'),
      want: [
        ['r', 'c', ['a']],
        ['n', 'c', ['x']],
      ] as const,
      neededBy: 'c.r',
    },
    {
      name: 'the referenced side of a remaining key needs it',
      setup: 'CREATE INDEX n ON c (a);' + addFk('d_fk', 'd', 'a', 'c (a)'),
      want: [
        ['d_fk', 'd', ['a'], 'c', ['a']],
        ['n', 'c', ['x']],
      ] as const,
      neededBy: 'd.d_fk',
    },
    {
      name: 'InnoDB cannot have created (a unique key)',
      setup: 'CREATE UNIQUE INDEX n ON c (a);',
      want: [['n', 'c', ['x']]] as const,
      neededBy: undefined,
    },
  ])('an index in the way that $name is never dropped, and the conflict is reported', async (testCase) => {
    const { connection } = await fresh(testCase.setup);
    try {
      const schema = connection.defaultSchema;
      const want = desired(schema, testCase.want);
      const current = await introspectMysql(connection, [schema], []);
      const changes = diff(current.foreignKeys, want, mysqlEngine);
      const problems = implicitIndexProblems(changes, current);
      expect(problems.map((problem) => problem.message)).toEqual([
        expect.stringContaining(
          testCase.neededBy === undefined
            ? 'it is not one fkdiff may drop'
            : `${schema}.${testCase.neededBy} needs that index`,
        ),
      ]);
      const plan = planChanges(changes, current, mysqlEngine, { online: false });
      expect(plan.steps.map((step) => step.action.kind)).toEqual(['add']);
      // What the server says if the plan ran anyway; the index survives.
      await expect(run(connection, plan)).rejects.toMatchObject({
        original: { errno: 1061, sqlMessage: "Duplicate key name 'n'" },
      });
      expect(indexNames(await introspectMysql(connection, [schema], []), 'c')).toContain('n');
    } finally {
      await connection.close();
    }
  });
});
