/**
 * `pull --models` / `plan --models` against what Sequelize's `sync()` really creates, on each server:
 * the spec written from the models is the spec pulled from the synced database, byte for byte, and
 * a plan of the models against it is empty.
 */
import { join } from 'node:path';
import type { Sequelize } from 'sequelize';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadModels } from '../../src/models/index.js';
import { cli, tempFile } from '../support/cli.js';
import { available, createDatabase, type TargetKind, type TestDatabase } from '../support/targets.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'models');
const fixture = (name: string): string => join(FIXTURES, name);

/** The module's instance, synced as the app would; the module reads its URL from the environment. */
async function synced(module: string, setup?: (sequelize: Sequelize) => Promise<void>): Promise<void> {
  const sequelize = await loadModels(module, process.cwd());
  try {
    await setup?.(sequelize);
    await sequelize.sync();
  } finally {
    await sequelize.close();
  }
}

const KINDS: readonly Exclude<TargetKind, 'pglite'>[] = ['postgres', 'mysql'];

describe.each(KINDS)('Sequelize models on %s', (kind) => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createDatabase(kind);
    process.env.FKDIFF_MODELS_URL = db.url;
  });
  afterEach(async () => {
    delete process.env.FKDIFF_MODELS_URL;
    await db.drop();
  });

  it.skipIf(!available(kind))('writes every association type exactly as sync() creates it', async () => {
    const module = fixture('associations.cjs');
    await synced(module);
    const pulled = await cli(['pull', '--url', db.url]);
    const fromModels = await cli(['pull', '--models', module]);
    expect(fromModels.stderr).toBe('');
    expect(fromModels.stdout).toBe(pulled.stdout);
    // Through --url too, with the module only supplying the models.
    expect((await cli(['pull', '--models', module, '--url', db.url])).stdout).toBe(pulled.stdout);
    expect(await cli(['plan', '--models', module, '--exit-code'])).toMatchObject({ code: 0 });
    const text = fromModels.stdout;
    if (kind === 'postgres') {
      expect(text).toContain(
        '- name: members_sponsor_id_fkey\n        columns: [sponsor_id]\n        references: orgs(id)\n        deferrable: true\n        initiallyDeferred: true\n',
      );
      // belongsTo, allowNull false: NO ACTION (written as the default), ON UPDATE CASCADE.
      expect(text).toContain(
        '- name: teams_org_id_fkey\n        columns: [org_id]\n        references: orgs(id)\n        onUpdate: cascade\n',
      );
      // hasMany, allowNull false: CASCADE; the first side declared decides the rules.
      expect(text).toContain(
        '- name: Projects_orgId_fkey\n        columns: [orgId]\n        references: orgs(id)\n        onDelete: cascade\n        onUpdate: cascade\n',
      );
      expect(text).toContain(
        '- name: Projects_teamId_fkey\n        columns: [teamId]\n        references: teams(id)\n        onDelete: restrict\n',
      );
      // belongsToMany: both keys of the through table take the first association's onDelete.
      expect(text).toContain(
        '- name: Assignments_project_id_fkey\n        columns: [project_id]\n        references: Projects(id)\n        onDelete: restrict\n        onUpdate: cascade\n',
      );
    } else {
      expect(text).toContain('- name: members_ibfk_1\n        columns: [lead_of_team]\n');
      expect(text).toContain('- name: members_ibfk_4\n        columns: [team_id]\n');
    }
  });

  it.skipIf(!available(kind))('follows schema (PostgreSQL) or its table-name prefix (MySQL)', async () => {
    const module = fixture('schemas.cjs');
    const schemaArgs = kind === 'postgres' ? ['--schema', 'public', '--schema', 'billing'] : [];
    await synced(module, async (sequelize) => {
      if (kind === 'postgres') await sequelize.createSchema('billing', {});
    });
    const pulled = await cli(['pull', '--url', db.url, ...schemaArgs]);
    const fromModels = await cli(['pull', '--models', module]);
    expect(fromModels.stdout).toBe(pulled.stdout);
    expect(fromModels.stdout).toContain(kind === 'postgres' ? 'billing.lines:' : `'"billing.lines"':`);
    expect(await cli(['plan', '--models', module, '--exit-code'])).toMatchObject({ code: 0 });
  });

  it.skipIf(!available(kind))('names a key as the server shortens a long name', async () => {
    const module = fixture('long-names.cjs');
    await synced(module);
    const pulled = await cli(['pull', '--url', db.url]);
    expect((await cli(['pull', '--models', module])).stdout).toBe(pulled.stdout);
  });

  it.skipIf(!available(kind))(
    'leaves constraints: false keys out unless asked, and converges the seed cycle',
    async () => {
      const module = fixture('cycle.cjs');
      await synced(module);
      const plain = await cli(['pull', '--models', module]);
      expect(plain.stdout).not.toContain('profile_id');
      const withUnconstrained = await cli(['pull', '--models', module, '--include-unconstrained']);
      // No name: the key matches whatever name it was given by hand.
      expect(withUnconstrained.stdout).toContain(
        'users:\n    foreignKeys:\n      - columns: [profile_id]\n        references: profiles(id)\n',
      );
      const pending = await cli(['plan', '--models', module, '--include-unconstrained', '--exit-code']);
      expect(pending.code).toBe(2);
      const applied = await cli(['apply', '--models', module, '--include-unconstrained', '--yes']);
      expect(applied.stderr).toBe('');
      expect(applied.code).toBe(0);
      expect(await cli(['plan', '--models', module, '--include-unconstrained', '--exit-code'])).toMatchObject(
        {
          code: 0,
        },
      );
      // The models without the flag do not declare the key: a plan would drop it.
      const drift = await cli(['plan', '--models', module, '--exit-code']);
      expect(drift.code).toBe(2);
      expect(drift.stdout).toMatch(/drop/);
    },
  );

  it.skipIf(!available(kind))('keeps a key added by hand after sync(), as the seed does', async () => {
    const module = fixture('cycle.cjs');
    await synced(module);
    const sequelize = await loadModels(module, process.cwd());
    try {
      await sequelize.getQueryInterface().addConstraint('users', {
        fields: ['profile_id'],
        type: 'foreign key',
        name: 'user_profile_id_fkey',
        references: { table: 'profiles', field: 'id' },
        // The seed leaves the rules out; Sequelize's typings want them: these are the defaults.
        onDelete: 'NO ACTION',
        onUpdate: 'NO ACTION',
      });
    } finally {
      await sequelize.close();
    }
    expect(await cli(['plan', '--models', module, '--include-unconstrained', '--exit-code'])).toMatchObject({
      code: 0,
    });
  });

  it.skipIf(!available(kind))(
    'sync({ alter: true }) drops and re-adds the keys on every run; the models plan stays empty',
    async () => {
      const module = fixture('cycle.cjs');
      await synced(module);
      const sequelize = await loadModels(module, process.cwd());
      const synchronizedName = kind === 'postgres' ? 'profiles_created_by_user_id_fkey' : 'profiles_ibfk_1';
      const statements: string[] = [];
      try {
        // A custom name given by hand...
        const qi = sequelize.getQueryInterface();
        await qi.removeConstraint('profiles', synchronizedName);
        await qi.addConstraint('profiles', {
          fields: ['created_by_user_id'],
          type: 'foreign key',
          name: 'profile_creator_fk',
          references: { table: 'users', field: 'id' },
          onDelete: 'NO ACTION',
          onUpdate: 'CASCADE',
        });
        for (const run of [1, 2]) {
          statements.length = 0;
          await sequelize.sync({ alter: true, logging: (sql: string) => statements.push(sql) });
          const dropped = statements.filter((sql) => /DROP (CONSTRAINT|FOREIGN KEY)/i.test(sql));
          // The one key sync() created, profiles.created_by_user_id, is dropped and re-added each run.
          expect(dropped, `run ${run}`).toHaveLength(1);
          expect(statements.some((sql) => /REFERENCES/i.test(sql))).toBe(true);
        }
      } finally {
        await sequelize.close();
      }
      // ...is replaced: re-added under the name the server gives it, so the models match again.
      const pulled = (await cli(['pull', '--url', db.url])).stdout;
      expect(pulled).toContain(`name: ${synchronizedName}\n`);
      expect(pulled).not.toContain('profile_creator_fk');
      expect(await cli(['plan', '--models', module, '--exit-code'])).toMatchObject({ code: 0 });
    },
  );

  it.skipIf(!available(kind))('names a model whose association targets another instance', async () => {
    const module = fixture('foreign-target.cjs');
    const result = await cli(['plan', '--models', module]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `fkdiff: ${module}: Invoice.BelongsTo(Account): model Account is not defined on this Sequelize instance [MODELS_INVALID]\n`,
    );
  });
});

describe('a models module that cannot be used', () => {
  const bad = async (name: string, text: string) => {
    const module = await tempFile(name, text);
    return { module, result: await cli(['pull', '--models', module]) };
  };

  it('does not exist', async () => {
    const result = await cli(['pull', '--models', './no-such-models.cjs']);
    expect(result).toMatchObject({ code: 1 });
    expect(result.stderr).toBe('fkdiff: ./no-such-models.cjs: no such module [MODELS_INVALID]\n');
  });

  it('throws while loading', async () => {
    const { module, result } = await bad('throws.cjs', "throw new Error('models/index.js: boom');\n");
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`fkdiff: ${module}: does not load: models/index.js: boom [MODELS_INVALID]\n`);
  });

  it('exports no Sequelize instance', async () => {
    const { module, result } = await bad('nothing.cjs', 'module.exports = { models: {} };\n');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `fkdiff: ${module}: exports no Sequelize instance (export the instance, or a function or promise returning one) [MODELS_INVALID]\n`,
    );
  });

  it('has a factory that rejects', async () => {
    const { module, result } = await bad(
      'rejects.cjs',
      "module.exports = async () => { throw new Error('no config for env test'); };\n",
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `fkdiff: ${module}: threw while setting up its models: no config for env test [MODELS_INVALID]\n`,
    );
  });
});
