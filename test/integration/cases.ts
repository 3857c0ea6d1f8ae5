import type { StepKind } from '../../src/model/plan.js';

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

export interface ConformanceCase {
  readonly name: string;
  /** Default: both dialects. */
  readonly dialects?: readonly CaseDialect[];
  readonly setup: (c: CaseContext) => string;
  readonly spec: (c: CaseContext) => string;
  /** Extra options for plan and apply. */
  readonly flags?: readonly string[];
  /** The plan's step kinds, in order, per dialect (or the same for all). */
  readonly ops: readonly StepKind[] | Readonly<Partial<Record<CaseDialect, readonly StepKind[]>>>;
}

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
  },
  {
    name: 'drop a key the spec no longer declares',
    setup: (c) => usersProfiles(c) + addFk(c, 'users', 'users_org_id_fkey', 'org_id', 'orgs'),
    spec: () => 'version: 1\ntables: {}\n',
    ops: ['drop'],
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
  },
];
