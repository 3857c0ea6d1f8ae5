import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { diff } from '../../src/diff/diff.js';
import { mysqlEngine } from '../../src/engines/mysql/index.js';
import { postgresEngine } from '../../src/engines/postgres/index.js';
import type { Engine } from '../../src/engines/engine.js';
import type { DesiredForeignKey, ForeignKey } from '../../src/model/catalog.js';
import { planChanges } from '../../src/plan/plan.js';
import { migrationFileName, renderSequelizeMigration } from '../../src/render/index.js';
import { buildersFor } from '../support/builders.js';
import { tempFile } from '../support/cli.js';

interface Migration {
  up(queryInterface: unknown): Promise<void>;
  down(queryInterface: unknown): Promise<void>;
}

/** Loads the migration as sequelize-cli does (require) and records what it runs, and how. */
async function recorded(
  engine: Engine,
  current: readonly ForeignKey[],
  desired: readonly DesiredForeignKey[],
) {
  const b = buildersFor(engine, engine.name === 'postgres' ? 'public' : 'app');
  const tables = [
    b.table('users', ['id', 'org_id', 'team_id']),
    b.table('orgs', ['id']),
    b.table('teams', ['id']),
  ];
  const plan = planChanges(diff(current, desired, engine), b.catalog(tables, current), engine, {
    online: false,
  });
  const file = await tempFile('migration.cjs', renderSequelizeMigration(plan, { engine }));
  const migration = createRequire(import.meta.url)(file) as Migration;
  const log: string[] = [];
  const sequelize = {
    query: (sql: string, options?: { transaction?: string }) => {
      log.push(`${options?.transaction ?? 'none'}: ${sql}`);
      return Promise.resolve();
    },
    transaction: async (work: (transaction: string) => Promise<void>) => {
      log.push('begin');
      await work('tx');
      log.push('commit');
    },
  };
  const queryInterface = { sequelize };
  await migration.up(queryInterface);
  const up = log.splice(0);
  // umzug's default resolver passes { name, path, context }.
  await migration.down({ name: 'x', path: file, context: queryInterface });
  return { up, down: log.splice(0), plan };
}

describe('sequelize-migration', () => {
  const pg = buildersFor(postgresEngine, 'public');

  it('PostgreSQL: up in one transaction; down undoes a deferrability change and a validation', async () => {
    const current = [
      pg.fk({ table: 'users', columns: ['org_id'], references: 'orgs', deferrable: true }),
      pg.fk({ table: 'users', columns: ['team_id'], references: 'teams', validated: false }),
    ];
    const desired = [
      pg.want({ table: 'users', columns: ['org_id'], references: 'orgs' }),
      pg.want({ table: 'users', columns: ['team_id'], references: 'teams' }),
    ];
    const { up, down } = await recorded(postgresEngine, current, desired);
    expect(up[0]).toBe('begin');
    expect(up.at(-1)).toBe('commit');
    expect(down).toEqual([
      'begin',
      'tx: ALTER TABLE "public"."users" DROP CONSTRAINT "users_team_id_fkey"',
      'tx: ALTER TABLE "public"."users" ALTER CONSTRAINT "users_org_id_fkey" DEFERRABLE INITIALLY IMMEDIATE',
      'tx: ALTER TABLE "public"."users" ADD CONSTRAINT "users_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "public"."teams" ("id") NOT VALID',
      'commit',
    ]);
  });

  it('MySQL: statements one by one, no transaction; down re-adds what up dropped', async () => {
    const my = buildersFor(mysqlEngine, 'app');
    const current = [
      my.fk({ table: 'users', columns: ['org_id'], references: 'orgs', name: 'users_org_fk' }),
    ];
    const desired = [
      my.want({ table: 'users', columns: ['team_id'], references: 'teams', name: 'users_team_fk' }),
    ];
    const { up, down } = await recorded(mysqlEngine, current, desired);
    expect(up.every((line) => line.startsWith('none: '))).toBe(true);
    expect(down).toEqual([
      'none: ALTER TABLE `app`.`users` DROP FOREIGN KEY `users_team_fk`',
      'none: ALTER TABLE `app`.`users` ADD CONSTRAINT `users_org_fk` FOREIGN KEY (`org_id`) REFERENCES `app`.`orgs` (`id`)',
    ]);
  });

  it('an empty plan makes a migration that does nothing', async () => {
    const key = pg.fk({ table: 'users', columns: ['org_id'], references: 'orgs' });
    const { up, down } = await recorded(
      postgresEngine,
      [key],
      [pg.want({ table: 'users', columns: ['org_id'], references: 'orgs' })],
    );
    expect([...up, ...down]).toEqual([]);
  });

  it('is named as sequelize-cli names migrations, in UTC', () => {
    expect(migrationFileName(new Date(Date.UTC(2026, 1, 5, 6, 29, 3)))).toBe('20260205062903-fkdiff.cjs');
  });
});
