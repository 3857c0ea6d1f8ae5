/**
 * The key attributes newer PostgreSQL servers have (issue 7): NOT ENFORCED and temporal keys (18),
 * ON DELETE SET NULL / SET DEFAULT (col) (15), NOT VALID on partitioned tables (18), and online rule
 * changes. On PostgreSQL 18 (the matrix server and PGlite) each case: the plan shows the expected
 * SQL → apply → each key's pg_get_constraintdef is the target's → the plan is empty → pull → the
 * plan is empty. On 14 and 16 each newer field is refused with its line and the version it needs.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cli, tempFile } from '../support/cli.js';
import {
  available,
  createDatabase,
  PG_MAJORS,
  type PostgresServer,
  type TargetKind,
  type TestDatabase,
} from '../support/targets.js';

const TIMEOUT_MS = 180_000;

interface VersionCase {
  readonly name: string;
  readonly setup: string;
  readonly spec: string;
  readonly flags?: readonly string[];
  /** The SQL of each step, in order. */
  readonly sql: readonly string[];
  /** Each key's pg_get_constraintdef after apply, by constraint name. */
  readonly defs: Readonly<Record<string, string>>;
  /**
   * Also on PGlite, whose every CLI run starts the engine (seconds each): the cases whose SQL the
   * matrix server does not already prove on the same engine code.
   */
  readonly pglite?: boolean;
}

const spec = (tables: string): string => `version: 1\ntables:\n${tables}`;

const parentChild = `
CREATE TABLE p (id integer PRIMARY KEY);
CREATE TABLE c (id integer PRIMARY KEY, p_id integer);
INSERT INTO p VALUES (1);
INSERT INTO c VALUES (1, 1);
`;

const rooms = `
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE TABLE rooms (id integer, valid_at daterange, PRIMARY KEY (id, valid_at WITHOUT OVERLAPS));
CREATE TABLE bookings (id integer PRIMARY KEY, room_id integer, booked_at daterange);
-- Room 1 exists from January to June and from June to December: the booking from March to
-- September is covered only by the two rows together (range containment, not equality).
INSERT INTO rooms VALUES (1, '[2024-01-01,2024-06-01)'), (1, '[2024-06-01,2025-01-01)');
INSERT INTO bookings VALUES (1, 1, '[2024-03-01,2024-09-01)');
`;

const temporalKey = (name: string, extra = ''): string =>
  `    foreignKeys:\n      - name: ${name}\n        columns: [room_id, booked_at]\n        references: rooms(id, valid_at)\n        period: true\n${extra}`;

const tenants = `
CREATE TABLE authors (tenant_id integer NOT NULL, id integer, PRIMARY KEY (tenant_id, id));
CREATE TABLE posts (id integer PRIMARY KEY, tenant_id integer NOT NULL DEFAULT 0, author_id integer DEFAULT 0);
INSERT INTO authors VALUES (1, 1), (0, 0);
INSERT INTO posts VALUES (1, 1, 1);
`;

const postsKey = (onDelete: string): string =>
  `  posts:\n    foreignKeys:\n      - name: posts_author_fkey\n        columns: [tenant_id, author_id]\n        references: authors(tenant_id, id)\n        onDelete: ${onDelete}\n`;

const addPostsKey = (rule: string): string =>
  `ALTER TABLE posts ADD CONSTRAINT posts_author_fkey FOREIGN KEY (tenant_id, author_id) REFERENCES authors (tenant_id, id) ON DELETE ${rule};`;

const partitioned = `
CREATE TABLE p (id integer PRIMARY KEY);
CREATE TABLE events (id integer, p_id integer, at date) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
INSERT INTO events VALUES (1, 99, '2024-05-01');
`;

const CASES: readonly VersionCase[] = [
  {
    name: 'enforced → not enforced: ALTER CONSTRAINT, no drop',
    pglite: true,
    setup: `${parentChild}ALTER TABLE c ADD CONSTRAINT c_p_fkey FOREIGN KEY (p_id) REFERENCES p (id);`,
    spec: spec(
      '  c:\n    foreignKeys:\n      - name: c_p_fkey\n        columns: [p_id]\n        references: p(id)\n        enforced: false\n',
    ),
    sql: ['ALTER TABLE "public"."c" ALTER CONSTRAINT "c_p_fkey" NOT ENFORCED'],
    defs: { c_p_fkey: 'FOREIGN KEY (p_id) REFERENCES p(id) NOT ENFORCED' },
  },
  {
    name: 'not enforced → enforced: ALTER CONSTRAINT, which checks the rows',
    pglite: true,
    setup: `${parentChild}ALTER TABLE c ADD CONSTRAINT c_p_fkey FOREIGN KEY (p_id) REFERENCES p (id) NOT ENFORCED;`,
    spec: spec(
      '  c:\n    foreignKeys:\n      - name: c_p_fkey\n        columns: [p_id]\n        references: p(id)\n',
    ),
    sql: ['ALTER TABLE "public"."c" ALTER CONSTRAINT "c_p_fkey" ENFORCED'],
    defs: { c_p_fkey: 'FOREIGN KEY (p_id) REFERENCES p(id)' },
  },
  {
    name: 'not enforced → enforced online: re-added NOT VALID, validated in its own transaction',
    flags: ['--online'],
    setup: `${parentChild}ALTER TABLE c ADD CONSTRAINT c_p_fkey FOREIGN KEY (p_id) REFERENCES p (id) NOT ENFORCED;`,
    spec: spec(
      '  c:\n    foreignKeys:\n      - name: c_p_fkey\n        columns: [p_id]\n        references: p(id)\n',
    ),
    sql: [
      'ALTER TABLE "public"."c" DROP CONSTRAINT "c_p_fkey"',
      'ALTER TABLE "public"."c" ADD CONSTRAINT "c_p_fkey" FOREIGN KEY ("p_id") REFERENCES "public"."p" ("id") NOT VALID',
      'ALTER TABLE "public"."c" VALIDATE CONSTRAINT "c_p_fkey"',
    ],
    defs: { c_p_fkey: 'FOREIGN KEY (p_id) REFERENCES p(id)' },
  },
  {
    name: 'a rule change of a NOT ENFORCED key with orphan rows stays NOT ENFORCED and is not checked',
    pglite: true,
    setup: `${parentChild}INSERT INTO c VALUES (2, 99);
ALTER TABLE c ADD CONSTRAINT c_p_fkey FOREIGN KEY (p_id) REFERENCES p (id) NOT ENFORCED;`,
    spec: spec(
      '  c:\n    foreignKeys:\n      - name: c_p_fkey\n        columns: [p_id]\n        references: p(id)\n        onDelete: cascade\n        enforced: false\n',
    ),
    sql: [
      'ALTER TABLE "public"."c" DROP CONSTRAINT "c_p_fkey"',
      'ALTER TABLE "public"."c" ADD CONSTRAINT "c_p_fkey" FOREIGN KEY ("p_id") REFERENCES "public"."p" ("id") ON DELETE CASCADE NOT ENFORCED',
    ],
    defs: { c_p_fkey: 'FOREIGN KEY (p_id) REFERENCES p(id) ON DELETE CASCADE NOT ENFORCED' },
  },
  {
    name: 'temporal key added: rows valid only under range containment pass the data check',
    pglite: true,
    setup: rooms,
    spec: spec(`  bookings:\n${temporalKey('bookings_room_fkey')}`),
    sql: [
      'ALTER TABLE "public"."bookings" ADD CONSTRAINT "bookings_room_fkey" FOREIGN KEY ("room_id", PERIOD "booked_at") REFERENCES "public"."rooms" ("id", PERIOD "valid_at")',
    ],
    defs: {
      bookings_room_fkey: 'FOREIGN KEY (room_id, PERIOD booked_at) REFERENCES rooms(id, PERIOD valid_at)',
    },
  },
  {
    name: 'temporal key renamed keeps PERIOD',
    setup: `${rooms}ALTER TABLE bookings ADD CONSTRAINT old_fkey FOREIGN KEY (room_id, PERIOD booked_at) REFERENCES rooms (id, PERIOD valid_at);`,
    spec: spec(`  bookings:\n${temporalKey('bookings_room_fkey')}`),
    sql: ['ALTER TABLE "public"."bookings" RENAME CONSTRAINT "old_fkey" TO "bookings_room_fkey"'],
    defs: {
      bookings_room_fkey: 'FOREIGN KEY (room_id, PERIOD booked_at) REFERENCES rooms(id, PERIOD valid_at)',
    },
  },
  {
    name: 'temporal key re-created online (MATCH FULL) keeps PERIOD through the temporary name',
    flags: ['--online'],
    setup: `${rooms}ALTER TABLE bookings ADD CONSTRAINT bookings_room_fkey FOREIGN KEY (room_id, PERIOD booked_at) REFERENCES rooms (id, PERIOD valid_at);`,
    spec: spec(`  bookings:\n${temporalKey('bookings_room_fkey', '        match: full\n')}`),
    sql: [
      'ALTER TABLE "public"."bookings" ADD CONSTRAINT "bookings_room_fkey_fkdiff_new" FOREIGN KEY ("room_id", PERIOD "booked_at") REFERENCES "public"."rooms" ("id", PERIOD "valid_at") MATCH FULL NOT VALID',
      'ALTER TABLE "public"."bookings" DROP CONSTRAINT "bookings_room_fkey"',
      'ALTER TABLE "public"."bookings" RENAME CONSTRAINT "bookings_room_fkey_fkdiff_new" TO "bookings_room_fkey"',
      'ALTER TABLE "public"."bookings" VALIDATE CONSTRAINT "bookings_room_fkey"',
    ],
    defs: {
      bookings_room_fkey:
        'FOREIGN KEY (room_id, PERIOD booked_at) REFERENCES rooms(id, PERIOD valid_at) MATCH FULL',
    },
  },
  {
    name: 'SET NULL (col) added',
    pglite: true,
    setup: tenants,
    spec: spec(postsKey('set null (author_id)')),
    sql: [
      'ALTER TABLE "public"."posts" ADD CONSTRAINT "posts_author_fkey" FOREIGN KEY ("tenant_id", "author_id") REFERENCES "public"."authors" ("tenant_id", "id") ON DELETE SET NULL ("author_id")',
    ],
    defs: {
      posts_author_fkey:
        'FOREIGN KEY (tenant_id, author_id) REFERENCES authors(tenant_id, id) ON DELETE SET NULL (author_id)',
    },
  },
  {
    name: 'SET NULL (col) changed to SET DEFAULT (col)',
    setup: `${tenants}${addPostsKey('SET NULL (author_id)')}`,
    spec: spec(postsKey('set default (author_id)')),
    sql: [
      'ALTER TABLE "public"."posts" DROP CONSTRAINT "posts_author_fkey"',
      'ALTER TABLE "public"."posts" ADD CONSTRAINT "posts_author_fkey" FOREIGN KEY ("tenant_id", "author_id") REFERENCES "public"."authors" ("tenant_id", "id") ON DELETE SET DEFAULT ("author_id")',
    ],
    defs: {
      posts_author_fkey:
        'FOREIGN KEY (tenant_id, author_id) REFERENCES authors(tenant_id, id) ON DELETE SET DEFAULT (author_id)',
    },
  },
  {
    name: 'SET DEFAULT (col) removed: the rule sets every column again',
    setup: `${tenants}${addPostsKey('SET DEFAULT (author_id)')}`,
    spec: spec(postsKey('set default')),
    sql: [
      'ALTER TABLE "public"."posts" DROP CONSTRAINT "posts_author_fkey"',
      'ALTER TABLE "public"."posts" ADD CONSTRAINT "posts_author_fkey" FOREIGN KEY ("tenant_id", "author_id") REFERENCES "public"."authors" ("tenant_id", "id") ON DELETE SET DEFAULT',
    ],
    defs: {
      posts_author_fkey:
        'FOREIGN KEY (tenant_id, author_id) REFERENCES authors(tenant_id, id) ON DELETE SET DEFAULT',
    },
  },
  {
    name: 'NOT VALID on a partitioned table (PostgreSQL 18) leaves the orphan rows unchecked',
    pglite: true,
    setup: partitioned,
    spec: spec(
      '  events:\n    foreignKeys:\n      - name: events_p_fkey\n        columns: [p_id]\n        references: p(id)\n        notValid: true\n',
    ),
    sql: [
      'ALTER TABLE "public"."events" ADD CONSTRAINT "events_p_fkey" FOREIGN KEY ("p_id") REFERENCES "public"."p" ("id") NOT VALID',
    ],
    defs: { events_p_fkey: 'FOREIGN KEY (p_id) REFERENCES p(id) NOT VALID' },
  },
];

interface PlannedStep {
  readonly sql: string;
}

async function keyDefinitions(db: TestDatabase): Promise<Record<string, string>> {
  const rows = await db.query<{ name: string; def: string }>(
    "SELECT conname::text AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE contype = 'f' AND conparentid = 0 AND connamespace = 'public'::regnamespace ORDER BY 1",
  );
  return Object.fromEntries(rows.map((row) => [row.name, row.def]));
}

function on18(kind: TargetKind, server: PostgresServer | undefined): void {
  const where = server === undefined ? 'PGlite (PostgreSQL 18)' : `PostgreSQL ${server.major}`;
  describe.skipIf(!available(kind, server))(`newer key attributes on ${where}`, () => {
    const dropLater: TestDatabase[] = [];
    afterAll(async () => {
      await Promise.all(dropLater.map((db) => db.drop()));
    });
    const fresh = async (setup: string): Promise<TestDatabase> => {
      const db = await createDatabase(kind, server);
      dropLater.push(db);
      await db.run(setup);
      return db;
    };

    const runnable = CASES.filter((c) => kind !== 'pglite' || c.pglite === true);
    it.each(runnable)(
      '$name',
      async (testCase) => {
        const db = await fresh(testCase.setup);
        const file = await tempFile('fkdiff.yaml', testCase.spec);
        const url = ['--url', db.url];
        const flags = testCase.flags ?? [];
        const planned = await cli(['plan', file, ...url, ...flags, '--format', 'json']);
        expect(planned.stderr).toBe('');
        expect(planned.code).toBe(0);
        const { steps } = JSON.parse(planned.stdout) as { steps: readonly PlannedStep[] };
        expect(steps.map((step) => step.sql)).toEqual(testCase.sql);

        const applied = await cli(['apply', file, ...url, ...flags, '--yes']);
        expect(applied.stderr).toBe('');
        expect(applied.code).toBe(0);
        expect(await keyDefinitions(db)).toEqual(testCase.defs);

        const again = await cli(['plan', file, ...url, '--exit-code']);
        expect(again.stderr).toBe('');
        expect(again.code).toBe(0);

        const pulled = await cli(['pull', ...url, '--schema', 'public']);
        expect(pulled.code).toBe(0);
        const fromPull = await cli([
          'plan',
          await tempFile('pulled.yaml', pulled.stdout),
          ...url,
          '--exit-code',
        ]);
        expect(fromPull.stderr).toBe('');
        expect(fromPull.code).toBe(0);
      },
      TIMEOUT_MS,
    );

    if (kind !== 'pglite')
      it(
        'temporal data check: a booking outside the room’s periods is reported, by containment',
        async () => {
          const db = await fresh(`${rooms}INSERT INTO bookings VALUES (2, 1, '[2024-12-01,2025-02-01)');`);
          const file = await tempFile(
            'fkdiff.yaml',
            spec(`  bookings:\n${temporalKey('bookings_room_fkey')}`),
          );
          const planned = await cli(['plan', file, '--url', db.url]);
          expect(planned.code).not.toBe(0);
          expect(planned.stderr).toContain(
            '1 row of public.bookings (room_id, booked_at) matches no row of public.rooms whose periods cover theirs',
          );
        },
        TIMEOUT_MS,
      );

    if (kind !== 'pglite')
      it(
        'online rule change: a VALIDATE that fails on orphan rows leaves a state the next apply finishes',
        async () => {
          const db = await fresh(`${parentChild}INSERT INTO c VALUES (2, 99);
ALTER TABLE c ADD CONSTRAINT c_p_fkey FOREIGN KEY (p_id) REFERENCES p (id) NOT VALID;`);
          const file = await tempFile(
            'fkdiff.yaml',
            spec(
              '  c:\n    foreignKeys:\n      - name: c_p_fkey\n        columns: [p_id]\n        references: p(id)\n        onDelete: cascade\n',
            ),
          );
          const url = ['--url', db.url];
          const planned = await cli([
            'plan',
            file,
            ...url,
            '--online',
            '--no-check-data',
            '--format',
            'json',
          ]);
          expect(planned.code).toBe(0);
          const { steps } = JSON.parse(planned.stdout) as {
            steps: readonly (PlannedStep & { transaction: number })[];
          };
          expect(steps.map((step) => [step.transaction, step.sql])).toEqual([
            [
              1,
              'ALTER TABLE "public"."c" ADD CONSTRAINT "c_p_fkey_fkdiff_new" FOREIGN KEY ("p_id") REFERENCES "public"."p" ("id") ON DELETE CASCADE NOT VALID',
            ],
            [1, 'ALTER TABLE "public"."c" DROP CONSTRAINT "c_p_fkey"'],
            [1, 'ALTER TABLE "public"."c" RENAME CONSTRAINT "c_p_fkey_fkdiff_new" TO "c_p_fkey"'],
            [2, 'ALTER TABLE "public"."c" VALIDATE CONSTRAINT "c_p_fkey"'],
          ]);
          // The VALIDATE fails on the orphan row: the new rule is in place, NOT VALID.
          const failed = await cli(['apply', file, ...url, '--online', '--no-check-data', '--yes']);
          expect(failed.code).not.toBe(0);
          expect(await keyDefinitions(db)).toEqual({
            c_p_fkey: 'FOREIGN KEY (p_id) REFERENCES p(id) ON DELETE CASCADE NOT VALID',
          });
          await db.run('DELETE FROM c WHERE p_id = 99');
          const rest = await cli(['plan', file, ...url, '--online', '--format', 'json']);
          const remaining = JSON.parse(rest.stdout) as { steps: readonly PlannedStep[] };
          expect(remaining.steps.map((step) => step.sql)).toEqual([
            'ALTER TABLE "public"."c" VALIDATE CONSTRAINT "c_p_fkey"',
          ]);
          const finished = await cli(['apply', file, ...url, '--online', '--yes']);
          expect(finished.stderr).toBe('');
          expect(finished.code).toBe(0);
          expect(await keyDefinitions(db)).toEqual({
            c_p_fkey: 'FOREIGN KEY (p_id) REFERENCES p(id) ON DELETE CASCADE',
          });
          const again = await cli(['plan', file, ...url, '--exit-code']);
          expect(again.code).toBe(0);
        },
        TIMEOUT_MS,
      );
  });
}

/** On servers older than 18 (and 15), each newer field is refused at its key's line, naming the version. */
function refusals(server: PostgresServer): void {
  describe.skipIf(!available('postgres', server))(
    `newer key attributes refused on PostgreSQL ${server.major}`,
    () => {
      let db: TestDatabase | undefined;
      afterAll(async () => {
        await db?.drop();
      });
      it(
        'refuses enforced: false, period: true and (before 15) set null (col), each with its line and version',
        async () => {
          db = await createDatabase('postgres', server);
          await db.run(`${parentChild}
CREATE TABLE rooms (id integer, valid_at daterange, PRIMARY KEY (id, valid_at));
CREATE TABLE bookings (id integer PRIMARY KEY, room_id integer, booked_at daterange);
${tenants}`);
          const text = spec(
            [
              '  c:\n    foreignKeys:\n      - name: c_p_fkey\n        columns: [p_id]\n        references: p(id)\n        enforced: false\n',
              `  bookings:\n${temporalKey('bookings_room_fkey')}`,
              postsKey('set null (author_id)'),
            ].join(''),
          );
          const file = await tempFile('fkdiff.yaml', text);
          const result = await cli(['plan', file, '--url', db.url]);
          expect(result.code).not.toBe(0);
          const line = (needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
          expect(result.stderr).toContain(
            `fkdiff.yaml:${line('name: c_p_fkey')}:9: public.c.c_p_fkey: enforced: false needs PostgreSQL 18 or later`,
          );
          expect(result.stderr).toContain(
            `fkdiff.yaml:${line('name: bookings_room_fkey')}:9: public.bookings.bookings_room_fkey: period: true needs PostgreSQL 18 or later`,
          );
          const setNull = `public.posts.posts_author_fkey: onDelete: set null (author_id) needs PostgreSQL 15 or later`;
          if (server.major < 15)
            expect(result.stderr).toContain(`fkdiff.yaml:${line('name: posts_author_fkey')}:9: ${setNull}`);
          else expect(result.stderr).not.toContain(setNull);
        },
        TIMEOUT_MS,
      );
    },
  );
}

describe.skipIf(!available('postgres'))('before PostgreSQL 18 (the 15 server)', () => {
  let db: TestDatabase | undefined;
  afterAll(async () => {
    await db?.drop();
  });
  it(
    'adds a notValid key on a partitioned table validated, and its hint does not ask for notValid: true again',
    async () => {
      db = await createDatabase('postgres');
      await db.run(partitioned);
      const file = await tempFile(
        'fkdiff.yaml',
        spec(
          '  events:\n    foreignKeys:\n      - name: events_p_fkey\n        columns: [p_id]\n        references: p(id)\n        notValid: true\n',
        ),
      );
      const planned = await cli(['plan', file, '--url', db.url]);
      expect(planned.code).not.toBe(0);
      expect(planned.stderr).toContain(
        'matches no row of public.p; fix the data (notValid: true does not help here',
      );
      expect(planned.stderr).not.toContain('declare notValid: true');
    },
    TIMEOUT_MS,
  );
});

describe.skipIf(!available('mysql'))('the newer key attributes on MariaDB', () => {
  let db: TestDatabase | undefined;
  afterAll(async () => {
    await db?.drop();
  });
  it('refuses each as PostgreSQL-only, at its line', async () => {
    db = await createDatabase('mysql');
    await db.run(
      'CREATE TABLE p (id integer PRIMARY KEY, r integer); CREATE TABLE c (p_id integer, r integer);',
    );
    const text = spec(
      '  c:\n    foreignKeys:\n      - columns: [p_id, r]\n        references: p(id, r)\n        enforced: false\n        period: true\n        onDelete: set null (p_id)\n',
    );
    const result = await cli(['plan', await tempFile('fkdiff.yaml', text), '--url', db.url]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('fkdiff.yaml:7:9: "enforced" is PostgreSQL-only');
    expect(result.stderr).toContain('fkdiff.yaml:8:9: "period" is PostgreSQL-only');
    expect(result.stderr).toContain(
      'fkdiff.yaml:9:19: "onDelete: set null/set default (columns)" is PostgreSQL-only',
    );
  });
});

const pg18 = PG_MAJORS.find((server) => server.major === 18);
if (pg18 !== undefined) on18('postgres', pg18);
on18('pglite', undefined);
for (const server of PG_MAJORS.filter((s) => s.major === 14 || s.major === 16)) refusals(server);
if (PG_MAJORS.length === 0) {
  describe.skip('newer key attributes on the PostgreSQL matrix (FKDIFF_PG_MAJORS is unset)', () => {
    it('needs `npm run pg-majors -- start`', () => undefined);
  });
}
