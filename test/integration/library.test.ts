import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applySpec,
  connect,
  makePlan,
  parseSpec,
  renderSql,
  verify,
  engineFor,
  type ApplyEvent,
} from '../../src/index.js';
import { createDatabase, type TestDatabase } from '../support/targets.js';

describe('the library API (embedded engine)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createDatabase('pglite');
    await db.run(
      'CREATE TABLE orgs (id integer PRIMARY KEY); CREATE TABLE users (id integer PRIMARY KEY, org_id integer);',
    );
  });
  afterAll(async () => db.drop());

  it('plans, applies with progress events, and verifies', async () => {
    const spec = parseSpec(
      'version: 1\ntables:\n  users:\n    foreignKeys:\n      - { columns: [org_id], references: orgs(id) }\n',
      'inline.yaml',
    );
    const connection = await connect(db.url);
    try {
      const { plan } = await makePlan(connection, spec, {
        online: false,
        checkData: true,
        lockTimeoutMs: 5000,
      });
      expect(renderSql(plan, { engine: engineFor('postgres'), lockTimeoutMs: 5000 })).toContain(
        'ADD CONSTRAINT "users_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "public"."orgs" ("id");',
      );
      const events: ApplyEvent['kind'][] = [];
      const outcome = await applySpec(connection, spec, {
        online: false,
        checkData: true,
        lockTimeoutMs: 5000,
        lockWaitMs: 5000,
        denyHazards: [],
        onEvent: (event) => events.push(event.kind),
      });
      expect(outcome.applied).toEqual({ applied: 1, total: 1 });
      expect(outcome.result.plan.steps.map((step) => step.sql)).toEqual(plan.steps.map((step) => step.sql));
      expect(events).toEqual(['step', 'commit']);
      await verify(connection, spec);
    } finally {
      await connection.close();
    }
  });
});
