/**
 * Real public PostgreSQL schemas (pagila, lago-api, openstreetmap-website; see
 * /work/shared/data/real-schemas/README.md), each loaded with psql into a database of its own: what a
 * user adopting fkdiff on an existing database relies on. `pull` captures every key and plans nothing;
 * dropping every key and applying the pulled spec gives back the same keys; YAML edits plan exactly
 * those changes, and the printed SQL run by psql gives what apply gives.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { cli, runScript, tempFile } from '../support/cli.js';
import {
  changeList,
  editSpec,
  emptySpec,
  haveRealSchemas,
  loadPostgres,
  planJson,
  postgresKeys,
  postgresSchemasWithTables,
  pull,
  readSpec,
  realSchema,
  referenceOf,
  specKeys,
  type SpecEdit,
  type SpecKey,
  withoutDropAllWarning,
} from '../support/real-schemas.js';
import {
  available,
  createDatabase,
  PG_MAJORS,
  type PostgresServer,
  type TestDatabase,
} from '../support/targets.js';

const TIMEOUT = 120_000;

interface RealSchema {
  readonly file: string;
  /** The schemas holding tables, as `pull --schema` gets them (public first). */
  readonly schemas: readonly string[];
  /** The README's measured count. */
  readonly keys: number;
  /** YAML edits to the pulled spec, and the plan's changes they must give (see `changeList`). */
  readonly edits: readonly SpecEdit[];
  readonly changes: readonly string[];
  /** After apply, by key name: what the pulled key must look like, or null when it must be gone. */
  readonly after: Readonly<Record<string, Partial<SpecKey> | null>>;
  /** The oldest PostgreSQL major the file loads on, and why (the version matrix skips older ones). */
  readonly needs?: { readonly major: number; readonly why: string };
}

const PAGILA: RealSchema = {
  file: 'pagila-postgres.sql',
  schemas: ['public'],
  keys: 36,
  edits: [
    { edit: 'rename', name: 'address_city_id_fkey', to: 'address_city_fk' },
    // A key on a partition (payment_p2022_03), not on the partitioned parent.
    { edit: 'onDelete', name: 'payment_p2022_03_rental_id_fkey', to: 'cascade' },
    { edit: 'remove', name: 'film_original_language_id_fkey' },
    { edit: 'unname', name: 'staff_store_id_fkey' },
  ],
  changes: [
    'drop film.film_original_language_id_fkey',
    'rename address.address_city_id_fkey → address_city_fk',
    'replace payment_p2022_03.payment_p2022_03_rental_id_fkey',
  ],
  after: {
    address_city_id_fkey: null,
    address_city_fk: { columns: ['city_id'], onDelete: 'restrict', onUpdate: 'cascade' },
    payment_p2022_03_rental_id_fkey: { columns: ['rental_id'], onDelete: 'cascade' },
    film_original_language_id_fkey: null,
    // Unnamed, it matched the existing key of the same definition: nothing changed, name kept.
    staff_store_id_fkey: { columns: ['store_id'], references: 'store(store_id)' },
  },
};

const LAGO: RealSchema = {
  needs: { major: 15, why: 'its dump uses UNIQUE NULLS NOT DISTINCT, new in PostgreSQL 15' },
  file: 'lago-api-postgres-loadable.sql',
  schemas: ['public', 'partman'],
  keys: 339,
  edits: [
    { edit: 'rename', name: 'fk_rails_81e3b6abba', to: 'fk_add_ons_organization' },
    // charges.parent_id → charges(id): self-referencing.
    { edit: 'onDelete', name: 'fk_rails_3cfe1d68d7', to: 'cascade' },
    { edit: 'remove', name: 'fk_rails_49212d501e' },
    // A Rails-hashed name the derived one would not give: unnamed, it still matches.
    { edit: 'unname', name: 'fk_rails_65053e240e' },
    /*
     * The one composite key, unnamed and with another onDelete: fkdiff pairs it with the existing key
     * on the same columns and re-creates it under the existing name (not the derived
     * membership_roles_membership_id_organization_id_fkey).
     */
    { edit: 'onDelete', name: 'membership_role_membership_fk', to: 'cascade' },
    { edit: 'unname', name: 'membership_role_membership_fk' },
  ],
  changes: [
    'drop webhooks.fk_rails_49212d501e',
    'rename add_ons.fk_rails_81e3b6abba → fk_add_ons_organization',
    'replace charges.fk_rails_3cfe1d68d7',
    'replace membership_roles.membership_role_membership_fk',
  ],
  after: {
    fk_rails_81e3b6abba: null,
    fk_add_ons_organization: { columns: ['organization_id'], references: 'organizations(id)' },
    fk_rails_3cfe1d68d7: { columns: ['parent_id'], references: 'charges(id)', onDelete: 'cascade' },
    fk_rails_49212d501e: null,
    fk_rails_65053e240e: { columns: ['role_id'], references: 'roles(id)' },
    membership_role_membership_fk: {
      columns: ['membership_id', 'organization_id'],
      references: 'memberships(id, organization_id)',
      onDelete: 'cascade',
    },
    membership_roles_membership_id_organization_id_fkey: null,
  },
};

const OSM: RealSchema = {
  file: 'openstreetmap-website-postgres.sql',
  schemas: ['public'],
  keys: 69,
  edits: [
    { edit: 'rename', name: 'way_tags_id_fkey', to: 'way_tags_way_id_version_fkey' },
    { edit: 'onDelete', name: 'node_tags_id_fkey', to: 'cascade' },
    { edit: 'remove', name: 'diary_entries_language_code_fkey' },
    { edit: 'unname', name: 'relation_members_id_fkey' },
    // Doorkeeper's keys were added NOT VALID; validating one is the usual next migration.
    { edit: 'validate', name: 'fk_rails_330c32d8d9' },
  ],
  changes: [
    'drop diary_entries.diary_entries_language_code_fkey',
    'rename way_tags.way_tags_id_fkey → way_tags_way_id_version_fkey',
    'replace node_tags.node_tags_id_fkey',
    'validate oauth_access_grants.fk_rails_330c32d8d9',
  ],
  after: {
    way_tags_id_fkey: null,
    way_tags_way_id_version_fkey: { columns: ['way_id', 'version'], references: 'ways(way_id, version)' },
    node_tags_id_fkey: {
      columns: ['node_id', 'version'],
      references: 'nodes(node_id, version)',
      onDelete: 'cascade',
    },
    diary_entries_language_code_fkey: null,
    relation_members_id_fkey: { columns: ['relation_id', 'version'] },
    fk_rails_330c32d8d9: { columns: ['resource_owner_id'], notValid: undefined },
  },
};

type PostgresKind = 'postgres' | 'pglite';

function suite(
  kind: PostgresKind,
  schema: RealSchema,
  extra?: (fresh: Fresh) => void,
  server?: PostgresServer,
): void {
  // A file that needs a newer server than this one has no suite here (see RealSchema.needs).
  if (server !== undefined && schema.needs !== undefined && server.major < schema.needs.major) return;
  const skip = !available(kind, server) || !haveRealSchemas(schema.file);
  const where = server === undefined ? kind : `PostgreSQL ${server.major}`;
  describe.skipIf(skip)(`${schema.file} on ${where}`, () => {
    const dropLater: TestDatabase[] = [];
    afterAll(async () => {
      await Promise.all(dropLater.map((db) => db.drop()));
    });
    const fresh: Fresh = async () => {
      const db = await createDatabase(kind, server);
      dropLater.push(db);
      await loadPostgres(db, realSchema(schema.file));
      return db;
    };
    const { schemas, keys } = schema;

    it(
      'pull captures every key, and plan of the pulled spec is empty',
      async () => {
        const db = await fresh();
        expect(await postgresSchemasWithTables(db)).toEqual(schemas);
        const catalog = await postgresKeys(db);
        expect(catalog).toHaveLength(keys);

        const pulled = await pull(db.url, schemas);
        expect(readSpec(pulled).schemas).toEqual(schemas);
        expect(specKeys(pulled)).toHaveLength(keys);

        const spec = await tempFile('pulled.yaml', pulled);
        const planned = await cli(['plan', spec, '--url', db.url, '--exit-code']);
        expect(planned).toMatchObject({ code: 0, stderr: '' });
        expect(planned.stdout).toContain('No changes');
        const json = await planJson(spec, db.url);
        expect(json.changes).toEqual([]);
        expect(json.steps).toEqual([]);
      },
      TIMEOUT,
    );

    it(
      'drop every key, then apply the pulled spec: the same keys come back',
      async () => {
        const db = await fresh();
        const before = await postgresKeys(db);
        const pulled = await pull(db.url, schemas);
        const spec = await tempFile('pulled.yaml', pulled);
        const empty = await tempFile('empty.yaml', emptySpec(schemas));

        const dropPlan = await planJson(empty, db.url);
        expect(dropPlan.summary).toMatchObject({ add: 0, drop: keys, rename: 0, change: 0 });
        const dropped = await cli(['apply', empty, '--url', db.url, '--yes']);
        expect(withoutDropAllWarning(dropped.stderr)).toBe('');
        expect(dropped.code).toBe(0);
        expect(await postgresKeys(db)).toEqual([]);
        expect(specKeys(await pull(db.url, schemas))).toEqual([]);

        const addPlan = await planJson(spec, db.url);
        expect(addPlan.summary).toMatchObject({ add: keys, drop: 0, rename: 0, change: 0 });
        const restored = await cli(['apply', spec, '--url', db.url, '--yes']);
        expect(restored.stderr).toBe('');
        expect(restored.code).toBe(0);
        expect(await cli(['plan', spec, '--url', db.url, '--exit-code'])).toMatchObject({
          code: 0,
          stderr: '',
        });
        expect(await pull(db.url, schemas)).toBe(pulled);
        // Independently of fkdiff: pg_get_constraintdef of every key, NOT VALID included, is as before.
        expect(await postgresKeys(db)).toEqual(before);
      },
      TIMEOUT,
    );

    it(
      'YAML edits plan exactly those changes; apply and the printed SQL run by the client agree',
      async () => {
        const [db, twin] = await Promise.all([fresh(), fresh()]);
        const pulled = await pull(db.url, schemas);
        const spec = await tempFile('edited.yaml', editSpec(pulled, schema.edits));

        expect(changeList(await planJson(spec, db.url))).toEqual(schema.changes);
        const sql = await cli(['plan', spec, '--url', db.url, '--format', 'sql']);
        expect(sql).toMatchObject({ code: 0, stderr: '' });

        const applied = await cli(['apply', spec, '--url', db.url, '--yes']);
        expect(applied.stderr).toBe('');
        expect(applied.code).toBe(0);
        expect(await cli(['plan', spec, '--url', db.url, '--exit-code'])).toMatchObject({
          code: 0,
          stderr: '',
        });

        const after = await pull(db.url, schemas);
        const removed = schema.changes.filter((change) => change.startsWith('drop ')).length;
        expect(specKeys(after)).toHaveLength(keys - removed);
        const byName = new Map(specKeys(after).map((key) => [key.name, key]));
        for (const [name, expected] of Object.entries(schema.after)) {
          expect(byName.has(name), name).toBe(expected !== null);
          // Field by field, so that `undefined` means "left out of the pulled spec".
          for (const [field, value] of Object.entries(expected ?? {})) {
            expect(byName.get(name)?.[field], `${name}.${field}`).toEqual(value);
          }
        }

        // The same edit made by a user running the printed script with the database's own client.
        await runScript(twin, sql.stdout);
        expect(await pull(twin.url, schemas)).toBe(after);
        expect(await postgresKeys(twin)).toEqual(await postgresKeys(db));
      },
      TIMEOUT,
    );

    extra?.(fresh);
  });
}

type Fresh = () => Promise<TestDatabase>;

/** pagila's payment is partitioned by range; its keys are declared on six of the seven partitions. */
function pagilaPartitions(fresh: Fresh): void {
  const partitions = ['01', '02', '03', '04', '05', '06'].map((month) => `payment_p2022_${month}`);

  it(
    'the partition keys are pulled as the plain keys they are, on the partitions',
    async () => {
      const db = await fresh();
      const catalog = await postgresKeys(db);
      expect(catalog.filter((key) => key.endsWith('(clone)'))).toEqual([]);
      const keys = specKeys(await pull(db.url, ['public']));
      const onPartitions = keys.filter((key) => key.table.startsWith('payment'));
      expect(onPartitions.map((key) => `${key.table}.${String(key.name)}`).sort()).toEqual(
        partitions.flatMap((p) => ['customer', 'rental', 'staff'].map((c) => `${p}.${p}_${c}_id_fkey`)),
      );
      for (const key of onPartitions) {
        expect(key).not.toHaveProperty('onDelete');
        expect(key).not.toHaveProperty('onUpdate');
      }
      // The other 18: ON DELETE RESTRICT ON UPDATE CASCADE, kept apart from NO ACTION.
      const rest = keys.filter((key) => !key.table.startsWith('payment'));
      expect(rest).toHaveLength(18);
      expect(rest.filter((key) => key.onDelete === 'restrict' && key.onUpdate === 'cascade')).toHaveLength(
        17,
      );
    },
    TIMEOUT,
  );

  it(
    'moving the per-partition customer keys to the partitioned parent',
    async () => {
      const db = await fresh();
      const pulled = await pull(db.url, ['public']);
      const document = readSpec(pulled);
      for (const partition of partitions) {
        const table = document.tables[partition];
        if (table === undefined) throw new Error(`no ${partition} in the pulled spec`);
        table.foreignKeys = table.foreignKeys.filter((key) => key.columns[0] !== 'customer_id');
      }
      document.tables['payment'] = {
        foreignKeys: [{ columns: ['customer_id'], references: 'customer(customer_id)' }],
      };
      const spec = await tempFile('parent.yaml', stringify(document));

      const plan = await planJson(spec, db.url);
      expect(plan.steps.map((step) => step.op)).toEqual([...partitions.map(() => 'drop'), 'add']);
      const applied = await cli(['apply', spec, '--url', db.url, '--yes']);
      expect(applied).toMatchObject({ code: 0, stderr: '' });
      expect(await cli(['plan', spec, '--url', db.url, '--exit-code'])).toMatchObject({ code: 0 });

      // PostgreSQL clones the parent's key onto all seven partitions; pull shows the parent's only.
      const clones = (await postgresKeys(db)).filter((key) => key.includes(' payment_customer_id_fkey:'));
      expect(clones).toHaveLength(8);
      expect(clones.filter((key) => key.endsWith('(clone)'))).toHaveLength(7);
      const keys = specKeys(await pull(db.url, ['public']));
      expect(
        keys.filter((key) => key.columns[0] === 'customer_id' && key.table.startsWith('payment')),
      ).toEqual([expect.objectContaining({ table: 'payment', name: 'payment_customer_id_fkey' })]);
    },
    TIMEOUT,
  );
}

/** openstreetmap-website's five composite keys, in declared column order. */
function osmComposites(fresh: Fresh): void {
  it(
    'the composite keys are pulled in declared column order',
    async () => {
      const db = await fresh();
      const composite = specKeys(await pull(db.url, ['public']))
        .filter((key) => key.columns.length > 1)
        .map((key) => {
          const target = referenceOf(key);
          return `${key.table}.${String(key.name)} (${key.columns.join(', ')}) → ${target.table} (${target.columns.join(', ')})`;
        });
      expect(composite).toEqual([
        'node_tags.node_tags_id_fkey (node_id, version) → nodes (node_id, version)',
        'relation_members.relation_members_id_fkey (relation_id, version) → relations (relation_id, version)',
        'relation_tags.relation_tags_id_fkey (relation_id, version) → relations (relation_id, version)',
        'way_nodes.way_nodes_id_fkey (way_id, version) → ways (way_id, version)',
        'way_tags.way_tags_id_fkey (way_id, version) → ways (way_id, version)',
      ]);
    },
    TIMEOUT,
  );
}

suite('postgres', PAGILA, (fresh) => {
  pagilaPartitions(fresh);

  /*
   * PostgreSQL adopts identical partition keys as clones of a new key on the partitioned parent, so a
   * spec wanting both can never be met: fkdiff refuses it in pre-flight.
   */
  it(
    'a key on the partitioned parent beside the same keys on its partitions is refused before anything runs',
    async () => {
      const db = await fresh();
      const before = await postgresKeys(db);
      const document = readSpec(await pull(db.url, ['public']));
      document.tables['payment'] = {
        foreignKeys: [{ columns: ['customer_id'], references: 'customer(customer_id)' }],
      };
      const spec = await tempFile('parent-and-partitions.yaml', stringify(document));
      const applied = await cli(['apply', spec, '--url', db.url, '--yes']);
      expect(applied.code).toBe(1);
      expect(applied.stderr).toContain('[PREFLIGHT_FAILED]');
      expect(applied.stderr).toContain(
        'public.payment_p2022_01.payment_p2022_01_customer_id_fkey: the same key is declared on public.payment',
      );
      expect(await postgresKeys(db)).toEqual(before);
    },
    TIMEOUT,
  );
});
suite('postgres', LAGO);
suite('postgres', OSM, osmComposites);
// PGlite loads pagila as is (no extensions; its user is `postgres`, so OWNER TO postgres works).
suite('pglite', PAGILA, pagilaPartitions);
// The version matrix: every real schema on each other supported major (`npm run pg-majors`).
for (const server of PG_MAJORS) {
  for (const schema of [PAGILA, LAGO, OSM]) suite('postgres', schema, undefined, server);
}
