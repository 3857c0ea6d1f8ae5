import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applySpec,
  connect,
  engineFor,
  makePlan,
  parseSpec,
  renderSql,
  type Connection,
} from '../../src/index.js';
import { tablesPerTransaction } from '../../src/engines/postgres/locks.js';
import { transactionGroups } from '../../src/model/plan.js';
import { createDatabase, type TestDatabase } from '../support/targets.js';

const TABLES = 2_000;
const postgres = engineFor('postgres');

/** 2,000 keys, each table referencing the next: every table is locked by two steps. */
function ringSpec(): string {
  const lines = ['version: 1', 'tables:'];
  for (let i = 0; i < TABLES; i += 1) {
    lines.push(
      `  t${i}:`,
      '    foreignKeys:',
      `      - { columns: [next_id], references: "t${(i + 1) % TABLES}(id)" }`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const OPTIONS = { online: false, checkData: false, lockTimeoutMs: 5_000 } as const;

describe("PostgreSQL's lock table: a plan too large for one transaction runs in several", () => {
  let db: TestDatabase;
  let connection: Connection;
  const spec = parseSpec(ringSpec(), 'ring.yaml');
  beforeAll(async () => {
    db = await createDatabase('postgres');
    for (let start = 0; start < TABLES; start += 500) {
      const statements = Array.from(
        { length: 500 },
        (_, i) => `CREATE TABLE t${start + i} (id integer PRIMARY KEY, next_id integer);`,
      );
      await db.run(statements.join('\n'));
    }
    connection = await connect(db.url);
  }, 120_000);
  afterAll(async () => {
    await connection.close();
    await db.drop();
  });

  it('reads the capacity from the server settings', async () => {
    const [settings] = await db.query<{ locks: string; connections: string; prepared: string }>(
      "SELECT current_setting('max_locks_per_transaction') AS locks, current_setting('max_connections') AS connections, current_setting('max_prepared_transactions') AS prepared",
    );
    const capacity = await postgres.lockCapacity?.(connection);
    const slots = Number(settings?.connections) + Number(settings?.prepared);
    expect(capacity?.tablesPerTransaction).toBe(tablesPerTransaction(Number(settings?.locks), slots));
    expect(capacity?.basis).toContain(`max_locks_per_transaction = ${settings?.locks}`);
  });

  it('splits by an injected limit: every transaction locks at most that many tables, and the plan says so', async () => {
    const limit = 300;
    const { plan } = await makePlan(connection, spec, {
      ...OPTIONS,
      lockCapacity: { tablesPerTransaction: limit, basis: 'a test limit' },
    });
    expect(plan.steps).toHaveLength(TABLES);
    const groups = transactionGroups(plan.steps);
    expect(groups.length).toBeGreaterThanOrEqual(Math.ceil(TABLES / limit));
    for (const group of groups) {
      const tables = new Set(
        group.flatMap((step) => [step.action.fk.table.name, step.action.fk.referencedTable.name]),
      );
      expect(tables.size).toBeLessThanOrEqual(limit);
    }
    const hazards = plan.steps.flatMap((step) => step.hazards).filter((h) => h.code === 'non-transactional');
    expect(hazards).toHaveLength(groups.length - 1);
    expect(hazards[0]?.message).toContain(
      `the plan runs in ${groups.length} transactions so that none locks more than ${limit} tables (a test limit)`,
    );
    const sql = renderSql(plan, { engine: postgres, lockTimeoutMs: 5_000 });
    expect(sql.match(/^BEGIN;$/gm)).toHaveLength(groups.length);
  });

  it('applies 2,000 keys in the transactions the server allows, and then plans nothing', async () => {
    const capacity = await postgres.lockCapacity?.(connection);
    const outcome = await applySpec(connection, spec, { ...OPTIONS, lockWaitMs: 5_000, denyHazards: [] });
    expect(outcome.applied).toEqual({ applied: TABLES, total: TABLES });
    const groups = transactionGroups(outcome.result.plan.steps).length;
    // The ring locks all 2,000 tables: on a default server (1,600 tables per transaction) that is two.
    if ((capacity?.tablesPerTransaction ?? Infinity) < TABLES) expect(groups).toBeGreaterThanOrEqual(2);
    else expect(groups).toBe(1);
    const { plan } = await makePlan(connection, spec, OPTIONS);
    expect(plan.steps).toEqual([]);
  }, 120_000);
});
