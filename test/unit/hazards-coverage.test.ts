/** drops-fk only when the database really stops checking the rows: hazards from coverage. */
import { describe, expect, it } from 'vitest';
import { diff } from '../../src/diff/diff.js';
import { postgresEngine } from '../../src/engines/postgres/index.js';
import type { Catalog, DesiredForeignKey } from '../../src/model/catalog.js';
import { planChanges } from '../../src/plan/plan.js';
import { catalog, fk, ref, table, want } from '../support/builders.js';

function dropHazards(current: Catalog, desired: readonly DesiredForeignKey[]): string[] {
  const changes = diff(current.foreignKeys, desired, postgresEngine, []);
  const plan = planChanges(changes, current, postgresEngine, { online: false });
  return plan.steps.flatMap((step) =>
    step.hazards.filter((hazard) => hazard.code === 'drops-fk').map((hazard) => hazard.message),
  );
}

const tables = [table('orgs', ['id']), table('users', ['id', 'org_id'])];

describe('drops-fk from coverage', () => {
  it('removing one of two identical keys drops nothing', () => {
    const keep = fk({ table: 'users', columns: ['org_id'], references: 'orgs' });
    const twin = { ...keep, name: 'users_org_id_fkey1' };
    const current = catalog(tables, [keep, twin]);
    expect(dropHazards(current, [want({ table: 'users', columns: ['org_id'], references: 'orgs' })])).toEqual(
      [],
    );
  });

  it('removing the only key is drops-fk, with names quoted as everywhere else', () => {
    const only = fk({ table: 'users', columns: ['org_id'], references: 'orgs', name: 'odd name' });
    expect(dropHazards(catalog(tables, [only]), [])).toEqual([
      'public.users."odd name": the database stops checking users (org_id) against orgs',
    ]);
  });

  it("moving partitions' keys to their partitioned parent drops nothing", () => {
    const partitioned = [
      table('orgs', ['id']),
      table('payments', ['id', 'org_id'], { partitioned: true }),
      table('payments_2024', ['id', 'org_id'], { partitionOf: ref('payments') }),
      table('payments_2025', ['id', 'org_id'], { partitionOf: ref('payments') }),
    ];
    const onPartitions = ['payments_2024', 'payments_2025'].map((name) =>
      fk({ table: name, columns: ['org_id'], references: 'orgs' }),
    );
    const current = catalog(partitioned, onPartitions);
    expect(
      dropHazards(current, [want({ table: 'payments', columns: ['org_id'], references: 'orgs' })]),
    ).toEqual([]);
    // Dropped without the parent's key taking over, they are hazards again.
    expect(dropHazards(current, [])).toHaveLength(2);
  });
});

describe('--online advised only where it helps', () => {
  it('not on a partitioned table, which PostgreSQL before 18 cannot add a key to NOT VALID', () => {
    const partitioned = [table('orgs', ['id']), table('payments', ['id', 'org_id'], { partitioned: true })];
    const plain = [table('orgs', ['id']), table('payments', ['id', 'org_id'])];
    const advice = (tablesNow: typeof plain): (string | undefined)[] => {
      const changes = diff(
        [],
        [want({ table: 'payments', columns: ['org_id'], references: 'orgs' })],
        postgresEngine,
        [],
      );
      const plan = planChanges(changes, catalog(tablesNow, []), postgresEngine, { online: false });
      return plan.steps.flatMap((step) =>
        step.hazards.filter((hazard) => hazard.code === 'blocks-writes').map((hazard) => hazard.avoidedBy),
      );
    };
    expect(advice(plain)).toEqual(['online']);
    expect(advice(partitioned)).toEqual([undefined]);
  });
});
