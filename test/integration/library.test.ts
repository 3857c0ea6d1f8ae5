import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyPlan,
  connect,
  makePlan,
  parseSpec,
  renderSql,
  verify,
  dialectFor,
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
      expect(renderSql(plan, { dialect: dialectFor('postgres'), lockTimeoutMs: 5000 })).toContain(
        'ADD CONSTRAINT "users_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "public"."orgs" ("id");',
      );
      const events: ApplyEvent['kind'][] = [];
      const result = await applyPlan(connection, plan, {
        lockTimeoutMs: 5000,
        onEvent: (event) => events.push(event.kind),
      });
      expect(result).toEqual({ applied: 1, total: 1 });
      expect(events).toEqual(['step', 'commit']);
      await verify(connection, spec);
    } finally {
      await connection.close();
    }
  });
});
