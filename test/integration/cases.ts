import type { HazardCode, StepKind } from '../../src/model/plan.js';

export type CaseDialect = 'postgres' | 'mysql';

/** What a case needs to write DDL and a spec that work on the target it runs on. */
export interface CaseContext {
  readonly dialect: CaseDialect;
  /** The default schema (MySQL: the test's database). */
  readonly schema: string;
  /** A second schema (MySQL: a second database). */
  readonly other: string;
  /** Quotes an identifier for the target. */
  q(name: string): string;
  /** `CREATE SCHEMA` for `other` where the target needs it. */
  readonly createOther: string;
}

/** The same expectation on every dialect, or one per dialect. */
export type PerDialect<T> = T | Readonly<Partial<Record<CaseDialect, T>>>;

/** The SQL of each step (`steps[].sql` of `plan --format json`), in plan order. */
export type StepSql = (c: CaseContext) => readonly string[];

export interface ConformanceCase {
  readonly name: string;
  /** Default: both dialects. */
  readonly dialects?: readonly CaseDialect[];
  /**
   * The oldest PostgreSQL (`server_version_num`) the case runs on; on older servers of the version
   * matrix it is skipped, saying so (PostgreSQL 15: ON DELETE SET NULL (col)).
   */
  readonly postgresSince?: number;
  readonly setup: (c: CaseContext) => string;
  readonly spec: (c: CaseContext) => string;
  /** Extra options for plan and apply. */
  readonly flags?: readonly string[];
  /** The plan's step kinds, in order. */
  readonly ops: PerDialect<readonly StepKind[]>;
  /** The exact statement of each step. */
  readonly sql: PerDialect<StepSql>;
  /** The hazard codes of each step (`steps[].hazards[].code`), one list per step, in plan order. */
  readonly hazards: PerDialect<readonly (readonly HazardCode[])[]>;
}

/** A table qualified with its schema (MySQL: database), as the dialects write it. */
const tbl = (c: CaseContext, name: string, schema = c.schema): string => `${c.q(schema)}.${c.q(name)}`;

const usersProfiles = (c: CaseContext): string => `
CREATE TABLE ${c.q('profiles')} (id integer PRIMARY KEY, created_by_user_id integer);
CREATE TABLE ${c.q('users')} (id integer PRIMARY KEY, profile_id integer, org_id integer);
CREATE TABLE ${c.q('orgs')} (id integer PRIMARY KEY);
INSERT INTO ${c.q('orgs')} VALUES (1);
INSERT INTO ${c.q('profiles')} VALUES (1, NULL);
INSERT INTO ${c.q('users')} VALUES (1, 1, 1);
`;

const addFk = (
  c: CaseContext,
  table: string,
  name: string,
  columns: string,
  target: string,
  extra = '',
): string =>
  `ALTER TABLE ${c.q(table)} ADD CONSTRAINT ${c.q(name)} FOREIGN KEY (${columns}) REFERENCES ${c.q(target)} (id) ${extra};\n`;

/** The two keys of the identifier-limit case: the one named at the limit, then the derived one. */
const longNameAdds = (c: CaseContext, atLimit: string, derived: string): readonly string[] => {
  const table = tbl(c, `t_${'x'.repeat(50)}`);
  const orgs = `${tbl(c, 'orgs')} (${c.q('id')})`;
  return [
    `ALTER TABLE ${table} ADD CONSTRAINT ${c.q(atLimit)} FOREIGN KEY (${c.q('org2')}) REFERENCES ${orgs}`,
    `ALTER TABLE ${table} ADD CONSTRAINT ${c.q(derived)} FOREIGN KEY (${c.q(`org_id_${'y'.repeat(40)}`)}) REFERENCES ${orgs}`,
  ];
};

export const cases: readonly ConformanceCase[] = [
  {
    name: 'unchanged schema gives an empty plan',
    setup: (c) => usersProfiles(c) + addFk(c, 'users', 'users_profile_id_fkey', 'profile_id', 'profiles'),
    spec: () => `
version: 1
tables:
  users:
    foreignKeys:
      - columns: [profile_id]
        references: profiles(id)
`,
    ops: [],
    sql: () => [],
    hazards: [],
  },
  {
    name: 'add (the circular users ↔ profiles pair)',
    setup: usersProfiles,
    spec: () => `
version: 1
tables:
  users:
    foreignKeys:
      - name: user_profile_id_fkey
        columns: [profile_id]
        references: { table: profiles, columns: [id] }
        onDelete: set null
  profiles:
    foreignKeys:
      - columns: [created_by_user_id]
        references: users(id)
`,
    ops: ['add', 'add'],
    sql: (c) => [
      `ALTER TABLE ${tbl(c, 'profiles')} ADD CONSTRAINT ${c.q('profiles_created_by_user_id_fkey')} FOREIGN KEY (${c.q('created_by_user_id')}) REFERENCES ${tbl(c, 'users')} (${c.q('id')})`,
      `ALTER TABLE ${tbl(c, 'users')} ADD CONSTRAINT ${c.q('user_profile_id_fkey')} FOREIGN KEY (${c.q('profile_id')}) REFERENCES ${tbl(c, 'profiles')} (${c.q('id')}) ON DELETE SET NULL`,
    ],
    hazards: {
      postgres: [
        ['validates-data', 'blocks-writes'],
        ['validates-data', 'blocks-writes', 'enables-cascade'],
      ],
      mysql: [
        ['non-transactional', 'validates-data', 'blocks-writes'],
        ['validates-data', 'blocks-writes', 'enables-cascade'],
      ],
    },
  },
  {
    name: 'drop a key the spec no longer declares',
    setup: (c) => usersProfiles(c) + addFk(c, 'users', 'users_org_id_fkey', 'org_id', 'orgs'),
    spec: () => 'version: 1\ntables: {}\n',
    ops: ['drop'],
    sql: {
      postgres: (c) => [`ALTER TABLE ${tbl(c, 'users')} DROP CONSTRAINT ${c.q('users_org_id_fkey')}`],
      mysql: (c) => [`ALTER TABLE ${tbl(c, 'users')} DROP FOREIGN KEY ${c.q('users_org_id_fkey')}`],
    },
    hazards: [['drops-fk']],
  },
  {
    name: 'change of ON DELETE action',
    setup: (c) => usersProfiles(c) + addFk(c, 'users', 'users_org_id_fkey', 'org_id', 'orgs'),
    spec: () => `
version: 1
tables:
  users:
    foreignKeys:
      - name: users_org_id_fkey
        columns: [org_id]
        references: orgs(id)
        onDelete: cascade
        onUpdate: cascade
`,
    ops: ['drop', 'add'],
    sql: {
      postgres: (c) => [
        `ALTER TABLE ${tbl(c, 'users')} DROP CONSTRAINT ${c.q('users_org_id_fkey')}`,
        `ALTER TABLE ${tbl(c, 'users')} ADD CONSTRAINT ${c.q('users_org_id_fkey')} FOREIGN KEY (${c.q('org_id')}) REFERENCES ${tbl(c, 'orgs')} (${c.q('id')}) ON DELETE CASCADE ON UPDATE CASCADE`,
      ],
      mysql: (c) => [
        `ALTER TABLE ${tbl(c, 'users')} DROP FOREIGN KEY ${c.q('users_org_id_fkey')}`,
        `ALTER TABLE ${tbl(c, 'users')} ADD CONSTRAINT ${c.q('users_org_id_fkey')} FOREIGN KEY (${c.q('org_id')}) REFERENCES ${tbl(c, 'orgs')} (${c.q('id')}) ON DELETE CASCADE ON UPDATE CASCADE`,
      ],
    },
    // One enables-cascade for deletes, one for updates. PostgreSQL: the drop holds exclusive locks on
    // users and orgs until commit, so the re-added key's check blocks reads too.
    hazards: {
      postgres: [
        [],
        ['validates-data', 'blocks-writes', 'enables-cascade', 'enables-cascade', 'blocks-reads'],
      ],
      mysql: [
        ['non-transactional'],
        ['validates-data', 'blocks-writes', 'enables-cascade', 'enables-cascade'],
      ],
    },
  },
  {
    name: 'rename',
    setup: (c) => usersProfiles(c) + addFk(c, 'users', 'users_org_id_fkey', 'org_id', 'orgs'),
    spec: () => `
version: 1
tables:
  users:
    foreignKeys:
      - name: fk_users_org
        columns: [org_id]
        references: orgs(id)
`,
    ops: { postgres: ['rename'], mysql: ['drop', 'add'] },
    sql: {
      postgres: (c) => [
        `ALTER TABLE ${tbl(c, 'users')} RENAME CONSTRAINT ${c.q('users_org_id_fkey')} TO ${c.q('fk_users_org')}`,
      ],
      mysql: (c) => [
        `ALTER TABLE ${tbl(c, 'users')} DROP FOREIGN KEY ${c.q('users_org_id_fkey')}`,
        `ALTER TABLE ${tbl(c, 'users')} ADD CONSTRAINT ${c.q('fk_users_org')} FOREIGN KEY (${c.q('org_id')}) REFERENCES ${tbl(c, 'orgs')} (${c.q('id')})`,
      ],
    },
    // MySQL cannot rename a foreign key: the key added under the new name checks every row again.
    hazards: { postgres: [[]], mysql: [['non-transactional'], ['validates-data', 'blocks-writes']] },
  },
  {
    name: 'two keys swap names',
    setup: (c) =>
      usersProfiles(c) +
      addFk(c, 'users', 'fk_a', 'org_id', 'orgs') +
      addFk(c, 'users', 'fk_b', 'profile_id', 'profiles'),
    spec: () => `
version: 1
tables:
  users:
    foreignKeys:
      - { name: fk_b, columns: [org_id], references: orgs(id) }
      - { name: fk_a, columns: [profile_id], references: profiles(id) }
`,
    // InnoDB left an index named after each dropped key on the other key's columns: in the way.
    ops: {
      postgres: ['rename', 'rename', 'rename'],
      mysql: ['drop', 'drop', 'drop-index', 'drop-index', 'add', 'add'],
    },
    // PostgreSQL: a cycle, broken with a temporary name.
    sql: {
      postgres: (c) => [
        `ALTER TABLE ${tbl(c, 'users')} RENAME CONSTRAINT ${c.q('fk_a')} TO ${c.q('fk_a_fkdiff_tmp')}`,
        `ALTER TABLE ${tbl(c, 'users')} RENAME CONSTRAINT ${c.q('fk_b')} TO ${c.q('fk_a')}`,
        `ALTER TABLE ${tbl(c, 'users')} RENAME CONSTRAINT ${c.q('fk_a_fkdiff_tmp')} TO ${c.q('fk_b')}`,
      ],
      mysql: (c) => [
        `ALTER TABLE ${tbl(c, 'users')} DROP FOREIGN KEY ${c.q('fk_a')}`,
        `ALTER TABLE ${tbl(c, 'users')} DROP FOREIGN KEY ${c.q('fk_b')}`,
        `ALTER TABLE ${tbl(c, 'users')} DROP INDEX ${c.q('fk_b')}`,
        `ALTER TABLE ${tbl(c, 'users')} DROP INDEX ${c.q('fk_a')}`,
        `ALTER TABLE ${tbl(c, 'users')} ADD CONSTRAINT ${c.q('fk_b')} FOREIGN KEY (${c.q('org_id')}) REFERENCES ${tbl(c, 'orgs')} (${c.q('id')})`,
        `ALTER TABLE ${tbl(c, 'users')} ADD CONSTRAINT ${c.q('fk_a')} FOREIGN KEY (${c.q('profile_id')}) REFERENCES ${tbl(c, 'profiles')} (${c.q('id')})`,
      ],
    },
    hazards: {
      postgres: [[], [], []],
      mysql: [
        ['non-transactional'],
        [],
        ['drops-index'],
        ['drops-index'],
        ['validates-data', 'blocks-writes'],
        ['validates-data', 'blocks-writes'],
      ],
    },
  },
  {
    name: 'composite key, column order preserved',
    setup: (c) => `
CREATE TABLE ${c.q('nodes')} (node_id integer NOT NULL, version integer NOT NULL, PRIMARY KEY (node_id, version));
CREATE TABLE ${c.q('node_tags')} (id integer PRIMARY KEY, version integer NOT NULL, node_id integer NOT NULL);
`,
    spec: () => `
version: 1
tables:
  node_tags:
    foreignKeys:
      - name: node_tags_fk
        columns: [node_id, version]
        references: { table: nodes, columns: [node_id, version] }
`,
    ops: ['add'],
    sql: (c) => [
      `ALTER TABLE ${tbl(c, 'node_tags')} ADD CONSTRAINT ${c.q('node_tags_fk')} FOREIGN KEY (${c.q('node_id')}, ${c.q('version')}) REFERENCES ${tbl(c, 'nodes')} (${c.q('node_id')}, ${c.q('version')})`,
    ],
    hazards: [['validates-data', 'blocks-writes']],
  },
  {
    name: 'self-reference',
    setup: (c) => `CREATE TABLE ${c.q('employees')} (id integer PRIMARY KEY, manager_id integer);\n`,
    spec: () => `
version: 1
tables:
  employees:
    foreignKeys:
      - columns: [manager_id]
        references: employees(id)
        onDelete: set null
`,
    ops: ['add'],
    sql: (c) => [
      `ALTER TABLE ${tbl(c, 'employees')} ADD CONSTRAINT ${c.q('employees_manager_id_fkey')} FOREIGN KEY (${c.q('manager_id')}) REFERENCES ${tbl(c, 'employees')} (${c.q('id')}) ON DELETE SET NULL`,
    ],
    hazards: [['validates-data', 'blocks-writes', 'enables-cascade']],
  },
  {
    name: 'cross-schema reference',
    setup: (c) => `${c.createOther}
CREATE TABLE ${c.q(c.other)}.${c.q('customers')} (id integer PRIMARY KEY);
CREATE TABLE ${c.q('invoices')} (id integer PRIMARY KEY, customer_id integer);
`,
    spec: (c) => `
version: 1
schemas: [${JSON.stringify(c.schema)}]
tables:
  invoices:
    foreignKeys:
      - columns: [customer_id]
        references: { table: ${JSON.stringify(`${c.other}.customers`)}, columns: [id] }
        onDelete: restrict
`,
    ops: ['add'],
    sql: {
      postgres: (c) => [
        `ALTER TABLE ${tbl(c, 'invoices')} ADD CONSTRAINT ${c.q('invoices_customer_id_fkey')} FOREIGN KEY (${c.q('customer_id')}) REFERENCES ${tbl(c, 'customers', c.other)} (${c.q('id')}) ON DELETE RESTRICT`,
      ],
      // InnoDB's RESTRICT is NO ACTION, the default: no clause.
      mysql: (c) => [
        `ALTER TABLE ${tbl(c, 'invoices')} ADD CONSTRAINT ${c.q('invoices_customer_id_fkey')} FOREIGN KEY (${c.q('customer_id')}) REFERENCES ${tbl(c, 'customers', c.other)} (${c.q('id')})`,
      ],
    },
    hazards: [['validates-data', 'blocks-writes']],
  },
  {
    name: 'quoted and non-ASCII identifiers',
    setup: (c) => `
CREATE TABLE ${c.q('Weird.Table "x"')} (${c.q('Id')} integer PRIMARY KEY);
CREATE TABLE ${c.q('bücher')} (id integer PRIMARY KEY, ${c.q('Owner Id')} integer, ${c.q('autor`s')} integer);
`,
    spec: () => `
version: 1
tables:
  bücher:
    foreignKeys:
      - name: "Bücher → Weird"
        columns: [Owner Id]
        references: { table: '"Weird.Table ""x"""', columns: [Id] }
      - columns: ["autor\`s"]
        references: { table: '"Weird.Table ""x"""', columns: [Id] }
`,
    ops: ['add', 'add'],
    sql: (c) => [
      `ALTER TABLE ${tbl(c, 'bücher')} ADD CONSTRAINT ${c.q('Bücher → Weird')} FOREIGN KEY (${c.q('Owner Id')}) REFERENCES ${tbl(c, 'Weird.Table "x"')} (${c.q('Id')})`,
      `ALTER TABLE ${tbl(c, 'bücher')} ADD CONSTRAINT ${c.q('bücher_autor`s_fkey')} FOREIGN KEY (${c.q('autor`s')}) REFERENCES ${tbl(c, 'Weird.Table "x"')} (${c.q('Id')})`,
    ],
    hazards: {
      postgres: [
        ['validates-data', 'blocks-writes'],
        ['validates-data', 'blocks-writes'],
      ],
      mysql: [
        ['non-transactional', 'validates-data', 'blocks-writes'],
        ['validates-data', 'blocks-writes'],
      ],
    },
  },
  {
    name: 'names at the identifier limit, and derived names shortened with a hash',
    setup: (c) => `
CREATE TABLE ${c.q('orgs')} (id integer PRIMARY KEY);
CREATE TABLE ${c.q('t_' + 'x'.repeat(50))} (id integer PRIMARY KEY, ${c.q('org_id_' + 'y'.repeat(40))} integer, org2 integer);
`,
    spec: (c) => `
version: 1
tables:
  t_${'x'.repeat(50)}:
    foreignKeys:
      - columns: [org_id_${'y'.repeat(40)}]
        references: orgs(id)
      - name: ${'n'.repeat(c.dialect === 'postgres' ? 63 : 64)}
        columns: [org2]
        references: orgs(id)
`,
    ops: ['add', 'add'],
    // The derived name has 105 characters: it keeps its first 54 (PostgreSQL: 63 bytes in all) or 55
    // (MySQL: 64 characters), then `_` and the first 8 hex digits of its SHA-256.
    sql: {
      postgres: (c) => longNameAdds(c, 'n'.repeat(63), `t_${'x'.repeat(50)}_o_88b5a8f4`),
      mysql: (c) => longNameAdds(c, 'n'.repeat(64), `t_${'x'.repeat(50)}_or_88b5a8f4`),
    },
    hazards: {
      postgres: [
        ['validates-data', 'blocks-writes'],
        ['validates-data', 'blocks-writes'],
      ],
      mysql: [
        ['non-transactional', 'validates-data', 'blocks-writes'],
        ['validates-data', 'blocks-writes'],
      ],
    },
  },
  {
    name: 'deferrable, initially deferred',
    dialects: ['postgres'],
    setup: (c) => usersProfiles(c) + addFk(c, 'users', 'users_org_id_fkey', 'org_id', 'orgs'),
    spec: () => `
version: 1
tables:
  users:
    foreignKeys:
      - columns: [org_id]
        references: orgs(id)
        deferrable: true
        initiallyDeferred: true
`,
    ops: ['alter'],
    sql: (c) => [
      `ALTER TABLE ${tbl(c, 'users')} ALTER CONSTRAINT ${c.q('users_org_id_fkey')} DEFERRABLE INITIALLY DEFERRED`,
    ],
    hazards: [[]],
  },
  {
    name: 'MATCH FULL',
    dialects: ['postgres'],
    setup: (c) => `
CREATE TABLE ${c.q('nodes')} (node_id integer, version integer, PRIMARY KEY (node_id, version));
CREATE TABLE ${c.q('ways')} (id integer PRIMARY KEY, node_id integer, version integer);
`,
    spec: () => `
version: 1
tables:
  ways:
    foreignKeys:
      - columns: [node_id, version]
        references: { table: nodes, columns: [node_id, version] }
        match: full
`,
    ops: ['add'],
    sql: (c) => [
      `ALTER TABLE ${tbl(c, 'ways')} ADD CONSTRAINT ${c.q('ways_node_id_version_fkey')} FOREIGN KEY (${c.q('node_id')}, ${c.q('version')}) REFERENCES ${tbl(c, 'nodes')} (${c.q('node_id')}, ${c.q('version')}) MATCH FULL`,
    ],
    hazards: [['validates-data', 'blocks-writes']],
  },
  {
    name: 'NOT VALID becomes validated',
    dialects: ['postgres'],
    setup: (c) => usersProfiles(c) + addFk(c, 'users', 'users_org_id_fkey', 'org_id', 'orgs', 'NOT VALID'),
    spec: () => `
version: 1
tables:
  users:
    foreignKeys:
      - columns: [org_id]
        references: orgs(id)
`,
    ops: ['validate'],
    sql: (c) => [`ALTER TABLE ${tbl(c, 'users')} VALIDATE CONSTRAINT ${c.q('users_org_id_fkey')}`],
    // VALIDATE CONSTRAINT checks the rows without blocking writes.
    hazards: [['validates-data']],
  },
  {
    name: 'online: added NOT VALID, then validated in a transaction of its own',
    dialects: ['postgres'],
    flags: ['--online'],
    setup: usersProfiles,
    spec: () => `
version: 1
tables:
  users:
    foreignKeys:
      - columns: [org_id]
        references: orgs(id)
`,
    ops: ['add', 'validate'],
    sql: (c) => [
      `ALTER TABLE ${tbl(c, 'users')} ADD CONSTRAINT ${c.q('users_org_id_fkey')} FOREIGN KEY (${c.q('org_id')}) REFERENCES ${tbl(c, 'orgs')} (${c.q('id')}) NOT VALID`,
      `ALTER TABLE ${tbl(c, 'users')} VALIDATE CONSTRAINT ${c.q('users_org_id_fkey')}`,
    ],
    hazards: [[], ['validates-data']],
  },
  {
    name: 'new key kept NOT VALID',
    dialects: ['postgres'],
    setup: usersProfiles,
    spec: () => `
version: 1
tables:
  users:
    foreignKeys:
      - columns: [org_id]
        references: orgs(id)
        notValid: true
`,
    ops: ['add'],
    sql: (c) => [
      `ALTER TABLE ${tbl(c, 'users')} ADD CONSTRAINT ${c.q('users_org_id_fkey')} FOREIGN KEY (${c.q('org_id')}) REFERENCES ${tbl(c, 'orgs')} (${c.q('id')}) NOT VALID`,
    ],
    hazards: [[]],
  },
  {
    name: 'unique (non-primary) key as the target',
    setup: (c) => `
CREATE TABLE ${c.q('accounts')} (id integer PRIMARY KEY, email varchar(100) NOT NULL UNIQUE);
CREATE TABLE ${c.q('logins')} (id integer PRIMARY KEY, email varchar(100));
`,
    spec: () => `
version: 1
tables:
  logins:
    foreignKeys:
      - columns: [email]
        references: accounts(email)
        onUpdate: cascade
`,
    ops: ['add'],
    sql: (c) => [
      `ALTER TABLE ${tbl(c, 'logins')} ADD CONSTRAINT ${c.q('logins_email_fkey')} FOREIGN KEY (${c.q('email')}) REFERENCES ${tbl(c, 'accounts')} (${c.q('email')}) ON UPDATE CASCADE`,
    ],
    hazards: [['validates-data', 'blocks-writes', 'enables-cascade']],
  },
  {
    name: 'partitioned table: the per-partition clones are not managed',
    dialects: ['postgres'],
    setup: (c) => `
CREATE TABLE ${c.q('orgs')} (id integer PRIMARY KEY);
CREATE TABLE ${c.q('events')} (id integer, org_id integer REFERENCES ${c.q('orgs')} (id)) PARTITION BY RANGE (id);
CREATE TABLE ${c.q('events_p1')} PARTITION OF ${c.q('events')} FOR VALUES FROM (0) TO (100);
CREATE TABLE ${c.q('events_p2')} PARTITION OF ${c.q('events')} FOR VALUES FROM (100) TO (200);
`,
    spec: () => `
version: 1
tables:
  events:
    foreignKeys:
      - columns: [org_id]
        references: orgs(id)
        onDelete: cascade
`,
    ops: ['drop', 'add'],
    // PostgreSQL before 18 cannot add a NOT VALID key to a partitioned table: the add checks the rows.
    sql: (c) => [
      `ALTER TABLE ${tbl(c, 'events')} DROP CONSTRAINT ${c.q('events_org_id_fkey')}`,
      `ALTER TABLE ${tbl(c, 'events')} ADD CONSTRAINT ${c.q('events_org_id_fkey')} FOREIGN KEY (${c.q('org_id')}) REFERENCES ${tbl(c, 'orgs')} (${c.q('id')}) ON DELETE CASCADE`,
    ],
    hazards: [[], ['validates-data', 'blocks-writes', 'enables-cascade', 'blocks-reads']],
  },
  {
    name: 'RESTRICT and NO ACTION are the same rule in InnoDB',
    dialects: ['mysql'],
    setup: (c) =>
      usersProfiles(c) +
      addFk(c, 'users', 'users_org_id_fkey', 'org_id', 'orgs', 'ON DELETE RESTRICT ON UPDATE NO ACTION'),
    spec: () => `
version: 1
tables:
  users:
    foreignKeys:
      - columns: [org_id]
        references: orgs(id)
        onDelete: no action
        onUpdate: restrict
`,
    ops: [],
    sql: () => [],
    hazards: [],
  },
  {
    name: 'a name moves from one table to another',
    setup: (c) => usersProfiles(c) + addFk(c, 'users', 'fk_moving', 'org_id', 'orgs'),
    spec: () => `
version: 1
tables:
  profiles:
    foreignKeys:
      - { name: fk_moving, columns: [created_by_user_id], references: users(id) }
`,
    ops: ['drop', 'add'],
    sql: {
      postgres: (c) => [
        `ALTER TABLE ${tbl(c, 'users')} DROP CONSTRAINT ${c.q('fk_moving')}`,
        `ALTER TABLE ${tbl(c, 'profiles')} ADD CONSTRAINT ${c.q('fk_moving')} FOREIGN KEY (${c.q('created_by_user_id')}) REFERENCES ${tbl(c, 'users')} (${c.q('id')})`,
      ],
      mysql: (c) => [
        `ALTER TABLE ${tbl(c, 'users')} DROP FOREIGN KEY ${c.q('fk_moving')}`,
        `ALTER TABLE ${tbl(c, 'profiles')} ADD CONSTRAINT ${c.q('fk_moving')} FOREIGN KEY (${c.q('created_by_user_id')}) REFERENCES ${tbl(c, 'users')} (${c.q('id')})`,
      ],
    },
    // PostgreSQL: the drop locked users exclusively, and the add reads users to check the rows.
    hazards: {
      postgres: [['drops-fk'], ['validates-data', 'blocks-writes', 'blocks-reads']],
      mysql: [
        ['non-transactional', 'drops-fk'],
        ['validates-data', 'blocks-writes'],
      ],
    },
  },
  {
    name: 'ON DELETE SET NULL (col) keeps its column list when the key is re-created',
    dialects: ['postgres'],
    postgresSince: 150000,
    setup: (c) => `
CREATE TABLE ${c.q('authors')} (tenant_id integer NOT NULL, id integer, PRIMARY KEY (tenant_id, id));
CREATE TABLE ${c.q('posts')} (id integer PRIMARY KEY, tenant_id integer NOT NULL, author_id integer);
INSERT INTO ${c.q('authors')} VALUES (1, 1);
INSERT INTO ${c.q('posts')} VALUES (1, 1, 1);
ALTER TABLE ${c.q('posts')} ADD CONSTRAINT ${c.q('posts_author_fkey')} FOREIGN KEY (tenant_id, author_id) REFERENCES ${c.q('authors')} (tenant_id, id) ON DELETE SET NULL (author_id);
`,
    spec: () => `
version: 1
tables:
  posts:
    foreignKeys:
      - name: posts_author_fkey
        columns: [tenant_id, author_id]
        references: authors(tenant_id, id)
        onDelete: set null (author_id)
        onUpdate: cascade
`,
    ops: ['drop', 'add'],
    sql: (c) => [
      `ALTER TABLE ${tbl(c, 'posts')} DROP CONSTRAINT ${c.q('posts_author_fkey')}`,
      `ALTER TABLE ${tbl(c, 'posts')} ADD CONSTRAINT ${c.q('posts_author_fkey')} FOREIGN KEY (${c.q('tenant_id')}, ${c.q('author_id')}) REFERENCES ${tbl(c, 'authors')} (${c.q('tenant_id')}, ${c.q('id')}) ON DELETE SET NULL (${c.q('author_id')}) ON UPDATE CASCADE`,
    ],
    hazards: [[], ['validates-data', 'blocks-writes', 'enables-cascade', 'blocks-reads']],
  },
];
