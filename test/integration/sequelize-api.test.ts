/**
 * fkdiff inside a Sequelize app, on each server: examples/sequelize-cycle end to end, and the
 * library API over the caller's own instance (no URL, no second connection, left open).
 */
import { DataTypes, Sequelize } from 'sequelize';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineModels, syncAndConverge } from '../../examples/sequelize-cycle/app.js';
import { FkdiffError, fkdiffFor } from '../../src/index.js';
import { available, createDatabase, type TargetKind, type TestDatabase } from '../support/targets.js';

const KINDS: readonly Exclude<TargetKind, 'pglite'>[] = ['postgres', 'mysql'];

describe.each(KINDS)('Sequelize apps on %s', (kind) => {
  let db: TestDatabase;
  let sequelize: Sequelize;
  beforeEach(async () => {
    db = await createDatabase(kind);
    sequelize = new Sequelize(db.url, { logging: false });
  });
  afterEach(async () => {
    await sequelize.close();
    await db.drop();
  });

  it.skipIf(!available(kind))(
    'examples/sequelize-cycle: sync(), then one call adds the circular key',
    async () => {
      defineModels(sequelize);
      const outcome = await syncAndConverge(sequelize);
      expect(outcome.applied).toEqual({ applied: 1, total: 1 });
      expect(outcome.result.plan.changes.map((change) => change.kind)).toEqual(['add']);
      // The database now enforces users.profile_id: a user cannot point at a missing profile.
      await expect(
        sequelize.query(
          "INSERT INTO users (email, profile_id, createdAt, updatedAt) VALUES ('a', 42, NOW(), NOW())".replace(
            /createdAt|updatedAt/g,
            (name) => sequelize.getQueryInterface().quoteIdentifier(name),
          ),
        ),
      ).rejects.toThrow(/foreign key/i);
      // Running the app again changes nothing; the instance is still the app's, still open.
      const again = await syncAndConverge(sequelize);
      expect(again.applied).toEqual({ applied: 0, total: 0 });
      await expect(sequelize.authenticate()).resolves.toBeUndefined();
    },
  );

  it.skipIf(!available(kind))("plans and applies a YAML spec through the caller's instance", async () => {
    sequelize.define('Org', { name: DataTypes.STRING }, { tableName: 'orgs' });
    sequelize.define('Member', { orgId: DataTypes.INTEGER }, { tableName: 'members' });
    await sequelize.sync();
    const fkdiff = await fkdiffFor(sequelize);
    expect(fkdiff.connection.engine.name).toBe(kind);
    expect(fkdiff.connection.display).not.toMatch(/@/);
    const spec = await fkdiff.loadSpec({
      text: 'version: 1\ntables:\n  members:\n    foreignKeys:\n      - { name: members_org_fk, columns: [orgId], references: orgs(id), onDelete: cascade }\n',
      name: 'inline.yaml',
    });
    const planned = await fkdiff.plan(spec);
    expect(planned.plan.steps.map((step) => step.action.kind)).toEqual(['add']);
    const outcome = await fkdiff.apply(spec, { denyHazards: [] });
    expect(outcome.applied.applied).toBe(1);
    expect((await fkdiff.plan(spec)).plan.steps).toEqual([]);
    // The models, which declare no key, would drop it: the drift check from the app.
    const fromModels = await fkdiff.loadSpec({ models: true });
    expect((await fkdiff.plan(fromModels)).plan.changes.map((change) => change.kind)).toEqual(['drop']);
  });

  it.skipIf(!available(kind))(
    'constraints: false: the ORM works from metadata; only the database check is missing',
    async () => {
      defineModels(sequelize);
      await sequelize.sync();
      const { User, Profile } = sequelize.models;
      if (User === undefined || Profile === undefined) throw new Error('models missing');
      const user = await User.create({ email: 'a@example.com' });
      const profile = await Profile.create({ bio: 'hi', created_by_user_id: user.get('id') });
      const accessors = user as unknown as {
        setProfile(profile: unknown): Promise<void>;
        getProfile(): Promise<{ get(name: string): unknown } | null>;
      };
      // Association methods and eager loading work without the key.
      await accessors.setProfile(profile);
      expect((await accessors.getProfile())?.get('id')).toBe(profile.get('id'));
      const loaded = await User.findOne({ where: { id: user.get('id') }, include: [Profile] });
      expect((loaded?.get('Profile') as { get(name: string): unknown } | undefined)?.get('bio')).toBe('hi');
      // But nothing stops a dangling reference until the key exists.
      await User.update({ profile_id: 999 }, { where: { id: user.get('id') } });
      await User.update({ profile_id: profile.get('id') }, { where: { id: user.get('id') } });
      await syncAndConverge(sequelize);
      await expect(User.update({ profile_id: 999 }, { where: { id: user.get('id') } })).rejects.toThrow(
        /foreign key/i,
      );
    },
  );

  it.skipIf(!available(kind))(
    'sync() creates a cycle of keys in two passes (tables first, then alter): the models match',
    async () => {
      const a = sequelize.define('A', {}, { tableName: 'a' });
      const b = sequelize.define('B', {}, { tableName: 'b' });
      a.belongsTo(b);
      b.belongsTo(a);
      const statements: string[] = [];
      await sequelize.sync({ logging: (sql: string) => statements.push(sql) });
      expect(
        statements.filter((sql) => /^Executing \(default\): ALTER TABLE/i.test(sql)).length,
      ).toBeGreaterThan(0);
      const fkdiff = await fkdiffFor(sequelize);
      const planned = await fkdiff.plan(await fkdiff.loadSpec({ models: true }));
      expect(planned.current.foreignKeys).toHaveLength(2);
      expect(planned.plan.steps).toEqual([]);
    },
  );

  it.skipIf(!available(kind))("throws the CLI's errors, with their codes", async () => {
    const fkdiff = await fkdiffFor(sequelize);
    const bad = fkdiff.loadSpec({
      text: 'version: 1\ntables:\n  t:\n    foreignKeys:\n      - { columns: [a] }\n',
      name: 'bad.yaml',
    });
    await expect(bad).rejects.toBeInstanceOf(FkdiffError);
    await expect(bad).rejects.toMatchObject({ code: 'SPEC_INVALID' });
    await expect(fkdiff.loadSpec({ file: 'no-such-fkdiff.yaml' })).rejects.toMatchObject({
      code: 'SPEC_NOT_FOUND',
    });
  });
});

describe('fkdiffFor with a dialect fkdiff does not serve', () => {
  it('refuses it by name', async () => {
    const sqlite = { getDialect: () => 'sqlite' } as unknown as Sequelize;
    await expect(fkdiffFor(sqlite)).rejects.toMatchObject({
      code: 'CONNECTION_FAILED',
      message: 'Sequelize dialect sqlite is not supported: use postgres, mysql, mariadb',
    });
  });
});
