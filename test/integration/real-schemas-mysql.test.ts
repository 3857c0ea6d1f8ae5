/**
 * Sakila (MySQL's sample schema; see /work/shared/data/real-schemas/README.md) on MariaDB, loaded by
 * the `mariadb` client into the test's own database: the file hard-codes the database `sakila` and
 * drops it, so it is never run as is; `sakilaInto` rewrites the name. What users rely on: `pull`
 * captures the 22 keys and plans nothing, though MariaDB reports RESTRICT where the file says nothing;
 * dropping every key and applying the pulled spec gives the same keys back; YAML edits plan exactly
 * those changes, and the printed SQL run by the `mariadb` client gives what apply gives.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { cli, runScript, tempFile } from '../support/cli.js';
import {
  changeList,
  editSpec,
  emptySpec,
  haveRealSchemas,
  loadMariadb,
  mysqlKeys,
  planJson,
  pull,
  readSpec,
  realSchema,
  sakilaInto,
  specKeys,
  type SpecEdit,
  withoutDropAllWarning,
} from '../support/real-schemas.js';
import { available, createDatabase, type TestDatabase } from '../support/targets.js';

const TIMEOUT = 120_000;
const SAKILA = 'sakila-mysql.sql';
const KEYS = 22;

describe.skipIf(!available('mysql') || !haveRealSchemas(SAKILA))(`${SAKILA} on MariaDB`, () => {
  const dropLater: TestDatabase[] = [];
  afterAll(async () => {
    await Promise.all(dropLater.map((db) => db.drop()));
  });

  async function fresh(): Promise<TestDatabase> {
    const db = await createDatabase('mysql');
    dropLater.push(db);
    await loadMariadb(db, sakilaInto(db.schema, await readFile(realSchema(SAKILA), 'utf8')));
    return db;
  }

  /** pull of the test's database, its name replaced so that two databases compare equal. */
  async function pulled(db: TestDatabase): Promise<string> {
    return (await pull(db.url, [db.schema])).replaceAll(db.schema, '<db>');
  }

  it('the rewritten file names only the test database', () => {
    const rewritten = sakilaInto(
      'fkdiff_t_x',
      'DROP SCHEMA IF EXISTS sakila;\nCREATE SCHEMA sakila;\nUSE sakila;\n',
    );
    expect(rewritten).toBe('USE `fkdiff_t_x`;\n');
    expect(() => sakilaInto('x', 'USE sakila;\n')).toThrow(/preamble/);
  });

  it(
    'pull captures the 22 keys, and plan of the pulled spec is empty',
    async () => {
      const db = await fresh();
      const catalog = await mysqlKeys(db);
      expect(catalog).toHaveLength(KEYS);
      // The file declares no ON DELETE but for one key: MariaDB reports its default, RESTRICT.
      expect(catalog.filter((key) => key.endsWith(' ON DELETE RESTRICT ON UPDATE CASCADE'))).toHaveLength(21);
      expect(catalog.filter((key) => key.endsWith(' ON DELETE SET NULL ON UPDATE CASCADE'))).toEqual([
        'payment fk_payment_rental: (rental_id) -> rental (rental_id) ON DELETE SET NULL ON UPDATE CASCADE',
      ]);

      const text = await pull(db.url, [db.schema]);
      expect(readSpec(text).schemas).toEqual([db.schema]);
      const keys = specKeys(text);
      expect(keys).toHaveLength(KEYS);
      // RESTRICT ≡ NO ACTION on MariaDB: written as the default, i.e. left out.
      expect(keys.filter((key) => key.onDelete === undefined)).toHaveLength(21);
      expect(keys.filter((key) => key.onDelete === 'set null').map((key) => key.name)).toEqual([
        'fk_payment_rental',
      ]);
      expect(keys.every((key) => key.onUpdate === 'cascade')).toBe(true);

      const spec = await tempFile('pulled.yaml', text);
      const planned = await cli(['plan', spec, '--url', db.url, '--exit-code']);
      expect(planned).toMatchObject({ code: 0, stderr: '' });
      expect(planned.stdout).toContain('No changes');

      // A user who writes the rule the file meant, restrict or no action, is told nothing changes either.
      for (const rule of ['restrict', 'no action', 'RESTRICT']) {
        const document = readSpec(text);
        for (const { foreignKeys } of Object.values(document.tables)) {
          for (const key of foreignKeys) key.onDelete ??= rule;
        }
        const explicit = await tempFile('explicit.yaml', stringify(document));
        const again = await cli(['plan', explicit, '--url', db.url, '--exit-code']);
        expect(again, rule).toMatchObject({ code: 0, stderr: '' });
      }
    },
    TIMEOUT,
  );

  it(
    'drop every key, then apply the pulled spec: the same keys come back',
    async () => {
      const db = await fresh();
      const before = await mysqlKeys(db);
      const text = await pull(db.url, [db.schema]);
      const spec = await tempFile('pulled.yaml', text);
      const empty = await tempFile('empty.yaml', emptySpec([db.schema]));

      const dropPlan = await planJson(empty, db.url);
      expect(dropPlan.summary).toMatchObject({ add: 0, drop: KEYS, rename: 0, change: 0 });
      const dropped = await cli(['apply', empty, '--url', db.url, '--yes']);
      expect(withoutDropAllWarning(dropped.stderr)).toBe('');
      expect(dropped.code).toBe(0);
      expect(await mysqlKeys(db)).toEqual([]);
      expect(specKeys(await pull(db.url, [db.schema]))).toEqual([]);

      const addPlan = await planJson(spec, db.url);
      expect(addPlan.summary).toMatchObject({ add: KEYS, drop: 0, rename: 0, change: 0 });
      const restored = await cli(['apply', spec, '--url', db.url, '--yes']);
      expect(restored.stderr).toBe('');
      expect(restored.code).toBe(0);
      expect(await cli(['plan', spec, '--url', db.url, '--exit-code'])).toMatchObject({
        code: 0,
        stderr: '',
      });
      expect(await pull(db.url, [db.schema])).toBe(text);
      // Independently of fkdiff: information_schema shows the same keys, rules included.
      expect(await mysqlKeys(db)).toEqual(before);
    },
    TIMEOUT,
  );

  it(
    'YAML edits plan exactly those changes; apply and the printed SQL run by mariadb agree',
    async () => {
      const [db, twin] = await Promise.all([fresh(), fresh()]);
      const edits: SpecEdit[] = [
        { edit: 'rename', name: 'fk_address_city', to: 'address_city_fk' },
        { edit: 'onDelete', name: 'fk_customer_address', to: 'cascade' },
        { edit: 'remove', name: 'fk_film_language_original' },
        { edit: 'unname', name: 'fk_store_staff' },
      ];
      const spec = await tempFile('edited.yaml', editSpec(await pull(db.url, [db.schema]), edits));

      const plan = await planJson(spec, db.url);
      expect(changeList(plan)).toEqual([
        'drop film.fk_film_language_original',
        'rename address.fk_address_city → address_city_fk',
        'replace customer.fk_customer_address',
      ]);
      // MariaDB cannot rename a foreign key: drops first, then adds.
      expect(plan.steps.map((step) => step.op)).toEqual(['drop', 'drop', 'drop', 'add', 'add']);
      const sql = await cli(['plan', spec, '--url', db.url, '--format', 'sql']);
      expect(sql).toMatchObject({ code: 0, stderr: '' });

      const applied = await cli(['apply', spec, '--url', db.url, '--yes']);
      expect(applied.stderr).toBe('');
      expect(applied.code).toBe(0);
      expect(await cli(['plan', spec, '--url', db.url, '--exit-code'])).toMatchObject({
        code: 0,
        stderr: '',
      });

      const after = await mysqlKeys(db);
      expect(after).toHaveLength(KEYS - 1);
      expect(after).toEqual(
        expect.arrayContaining([
          'address address_city_fk: (city_id) -> city (city_id) ON DELETE RESTRICT ON UPDATE CASCADE',
          'customer fk_customer_address: (address_id) -> address (address_id) ON DELETE CASCADE ON UPDATE CASCADE',
          // Unnamed in the spec, it matched the existing key: untouched.
          'store fk_store_staff: (manager_staff_id) -> staff (staff_id) ON DELETE RESTRICT ON UPDATE CASCADE',
        ]),
      );
      expect(after.filter((key) => / fk_(address_city|film_language_original):/.test(key))).toEqual([]);

      // The printed script names the database; the twin runs it with its own name.
      await runScript(twin, sql.stdout.replaceAll(db.schema, twin.schema));
      expect(await pulled(twin)).toBe(await pulled(db));
      expect(await mysqlKeys(twin)).toEqual(after);
    },
    TIMEOUT,
  );

  /*
   * InnoDB refuses SET NULL on a NOT NULL column (errno 150). Without a transaction, finding that out
   * at the add would leave the key dropped: pre-flight refuses it, naming the spec line.
   */
  it(
    'onDelete: set null on a NOT NULL column is refused before anything changes',
    async () => {
      const db = await fresh();
      const before = await mysqlKeys(db);
      const edits: SpecEdit[] = [{ edit: 'onDelete', name: 'fk_customer_address', to: 'set null' }];
      const spec = await tempFile('set-null.yaml', editSpec(await pull(db.url, [db.schema]), edits));
      const applied = await cli(['apply', spec, '--url', db.url, '--yes']);
      expect(applied.code).toBe(1);
      expect(applied.stderr).toContain('[PREFLIGHT_FAILED]');
      expect(applied.stderr).toMatch(
        /set-null\.yaml:\d+:\d+: \S+\.customer\.fk_customer_address: onDelete: set null needs nullable columns, but address_id is NOT NULL/,
      );
      expect(await mysqlKeys(db)).toEqual(before);
    },
    TIMEOUT,
  );
});
