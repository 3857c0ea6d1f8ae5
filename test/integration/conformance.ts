import { afterAll, describe, expect, it } from 'vitest';
import type { HazardCode, StepKind } from '../../src/model/plan.js';
import { cli, runScript, tempFile } from '../support/cli.js';
import {
  available,
  createDatabase,
  type PostgresServer,
  type TargetKind,
  type TestDatabase,
} from '../support/targets.js';
import { cases, type CaseContext, type CaseDialect, type ConformanceCase, type PerDialect } from './cases.js';

/**
 * A case runs about ten CLI processes; an embedded engine starts in each, which on a busy 2-core
 * machine takes several seconds. This is a correctness test: speed is measured by `npm run bench`.
 */
const CASE_TIMEOUT_MS = 180_000;

function context(db: TestDatabase, dialect: CaseDialect): CaseContext {
  return dialect === 'postgres'
    ? {
        dialect,
        schema: db.schema,
        other: db.otherSchema,
        q: (name) => `"${name.replaceAll('"', '""')}"`,
        createOther: `CREATE SCHEMA "${db.otherSchema}";`,
      }
    : {
        dialect,
        schema: db.schema,
        other: db.otherSchema,
        q: (name) => `\`${name.replaceAll('`', '``')}\``,
        createOther: '',
      };
}

/** A case's expectation for one dialect; a case must state one for every dialect it runs on. */
function forDialect<T extends object>(
  value: PerDialect<T>,
  dialect: CaseDialect,
  what: string,
  testCase: ConformanceCase,
): T {
  const shared = Array.isArray(value) || typeof value === 'function';
  const picked = shared ? (value as T) : (value as Partial<Record<CaseDialect, T>>)[dialect];
  if (picked === undefined) throw new Error(`case "${testCase.name}" states no ${what} for ${dialect}`);
  return picked;
}

/** What `plan --format json` says of each step, as far as the cases check it. */
interface PlannedStep {
  readonly op: StepKind;
  readonly sql: string;
  readonly hazards: readonly { readonly code: HazardCode }[];
}

/** pull output with the test's own database names replaced, so two databases compare equal. */
function normalized(pulled: string, db: TestDatabase): string {
  return pulled.replaceAll(db.otherSchema, '<other>').replaceAll(db.schema, '<schema>');
}

async function prepared(
  dropLater: TestDatabase[],
  testCase: ConformanceCase,
  kind: TargetKind,
  dialect: CaseDialect,
  server: PostgresServer | undefined,
) {
  const db = await createDatabase(kind, server);
  dropLater.push(db);
  const c = context(db, dialect);
  await db.run(testCase.setup(c));
  const spec = await tempFile('fkdiff.yaml', testCase.spec(c));
  return { db, spec, c };
}

/**
 * Every case of the table on one target: plan shows the expected steps, with their exact SQL and
 * their hazards; apply converges (the next plan is empty); pull → plan is empty; the printed SQL
 * run by the database's own client gives the same foreign keys as apply.
 */
export function conformance(target: {
  readonly kind: TargetKind;
  readonly dialect: CaseDialect;
  /** A PostgreSQL of the version matrix instead of FKDIFF_PG_URL. */
  readonly server?: PostgresServer;
}): void {
  const where = target.server === undefined ? target.kind : `PostgreSQL ${target.server.major}`;
  describe.skipIf(!available(target.kind, target.server))(`conformance on ${where}`, () => {
    const dropLater: TestDatabase[] = [];
    afterAll(async () => {
      await Promise.all(dropLater.map((db) => db.drop()));
    });

    // A case that needs a newer PostgreSQL than a matrix server is not run there (the machine's own
    // server's version is known only once connected: such a case is skipped then, saying why).
    const major = target.server?.major;
    const applicable = cases.filter(
      (c) =>
        (c.dialects ?? ['postgres', 'mysql']).includes(target.dialect) &&
        !(
          target.dialect === 'postgres' &&
          major !== undefined &&
          c.postgresSince !== undefined &&
          major * 10000 < c.postgresSince
        ),
    );
    // The server's version, read once, for the cases that need a newer PostgreSQL.
    let serverVersion: Promise<number> | undefined;
    const versionOf = (): Promise<number> => {
      serverVersion ??= createDatabase(target.kind, target.server).then(async (db) => {
        dropLater.push(db);
        const [row] = await db.query<{ version: number | string }>(
          "SELECT current_setting('server_version_num')::int AS version",
        );
        return Number(row?.version ?? 0);
      });
      return serverVersion;
    };
    it.for<ConformanceCase>(applicable)('$name', { timeout: CASE_TIMEOUT_MS }, async (testCase, { skip }) => {
      const since = testCase.postgresSince;
      if (since !== undefined && target.dialect === 'postgres' && (await versionOf()) < since) {
        skip(`needs PostgreSQL ${Math.floor(since / 10000)}`);
      }
      const { db, spec, c } = await prepared(dropLater, testCase, target.kind, target.dialect, target.server);
      const url = ['--url', db.url];
      const flags = testCase.flags ?? [];

      const planned = await cli(['plan', spec, ...url, ...flags, '--format', 'json']);
      // A spec that drops every key says so, as a warning; nothing else goes to stderr.
      expect(planned.stderr.replace(/^fkdiff: warning: [^\n]* declares no foreign keys: [^\n]*\n/m, '')).toBe(
        '',
      );
      expect(planned.code).toBe(0);
      const { steps } = JSON.parse(planned.stdout) as { steps: readonly PlannedStep[] };
      expect(steps.map((s) => s.op)).toEqual(forDialect(testCase.ops, target.dialect, 'ops', testCase));
      expect(steps.map((s) => s.sql)).toEqual(forDialect(testCase.sql, target.dialect, 'sql', testCase)(c));
      expect(steps.map((s) => s.hazards.map((h) => h.code))).toEqual(
        forDialect(testCase.hazards, target.dialect, 'hazards', testCase),
      );

      const sql = await cli(['plan', spec, ...url, ...flags, '--format', 'sql']);
      expect(sql.code).toBe(0);

      const applied = await cli(['apply', spec, ...url, ...flags, '--yes']);
      expect(applied.stderr.replace(/^fkdiff: warning: [^\n]* declares no foreign keys: [^\n]*\n/m, '')).toBe(
        '',
      );
      expect(applied.code).toBe(0);

      // Convergence: the next plan is empty.
      const again = await cli(['plan', spec, ...url, '--exit-code']);
      expect(again.stderr).toBe('');
      expect(again.code).toBe(0);

      // pull writes a spec whose plan against the same database is empty.
      const pulled = await cli(['pull', ...url, '--schema', db.schema]);
      expect(pulled.code).toBe(0);
      const pulledSpec = await tempFile('pulled.yaml', pulled.stdout);
      const fromPull = await cli(['plan', pulledSpec, ...url, '--exit-code']);
      expect(fromPull.stderr).toBe('');
      expect(fromPull.code).toBe(0);

      // The printed SQL, run by the database's own client, gives what apply gave.
      // MySQL scripts name the database; the twin gets the same script with its own names.
      const twin = await prepared(dropLater, testCase, target.kind, target.dialect, target.server);
      const script = sql.stdout
        .replaceAll(db.otherSchema, twin.db.otherSchema)
        .replaceAll(db.schema, twin.db.schema);
      await runScript(twin.db, script);
      const twinPulled = await cli(['pull', '--url', twin.db.url, '--schema', twin.db.schema]);
      expect(normalized(twinPulled.stdout, twin.db)).toBe(normalized(pulled.stdout, db));
    });
  });
}
