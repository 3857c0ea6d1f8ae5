/**
 * The main job end to end on the embedded engine, no server needed:
 * an app's tables with one FK (as Sequelize's sync left them), pull, edit the spec to add the
 * circular users → profiles key by hand-free declaration, plan, apply, plan again (empty).
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createPatch } from 'diff';
import { parseDocument } from 'yaml';
import pc from 'picocolors';
import { useColor } from '../src/cli/io.js';
import { run } from '../src/cli/main.js';
import { connect } from '../src/db/connection.js';

const directory = '.fkdiff-demo';
const url = `pglite:${join(directory, 'db')}`;
const spec = join(directory, 'fkdiff.yaml');

// Colour as the CLI does it: on a terminal, never with NO_COLOR.
const c = pc.createColors(useColor(process.stdout, process.env));

function heading(text: string): void {
  console.log(`\n${c.bold(`── ${text}`)}`);
}

async function fkdiff(...args: string[]): Promise<number> {
  console.log(`$ fkdiff ${args.join(' ')}`);
  return run(args);
}

async function createAppTables(): Promise<void> {
  const connection = await connect(url);
  try {
    // What sync() creates when User.belongsTo(Profile) has constraints: false.
    await connection.execute(`
      CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE, profile_id integer);
      CREATE TABLE profiles (
        id serial PRIMARY KEY,
        created_by_user_id integer NOT NULL REFERENCES users (id)
      );`);
  } finally {
    await connection.close();
  }
}

/** The edit a developer makes: declare users.profile_id → profiles.id instead of addConstraint(). */
async function editSpec(): Promise<void> {
  const before = await readFile(spec, 'utf8');
  const document = parseDocument(before);
  const columns = document.createNode(['profile_id'], { flow: true });
  document.setIn(['tables', 'users'], {
    foreignKeys: [
      { name: 'user_profile_id_fkey', columns, references: 'profiles(id)', onDelete: 'set null' },
    ],
  });
  document.setIn(['tables', 'profiles', 'foreignKeys', 0, 'onDelete'], 'cascade');
  const after = document.toString({ flowCollectionPadding: false, lineWidth: 0 });
  await writeFile(spec, after);
  console.log(createPatch('fkdiff.yaml', before, after, 'pulled', 'edited').split('\n').slice(2).join('\n'));
}

async function main(): Promise<number> {
  await rm(directory, { recursive: true, force: true });
  await mkdir(directory, { recursive: true });

  heading('1. The app has its tables (embedded PostgreSQL in .fkdiff-demo/db)');
  await createAppTables();

  heading('2. Pull the foreign keys the database has into a spec');
  if ((await fkdiff('pull', '--url', url, '-o', spec)) !== 0) return 1;
  console.log(await readFile(spec, 'utf8'));

  heading('3. Edit the spec: add the circular key, cascade deletes of users to their profiles');
  await editSpec();

  heading('4. Plan');
  if ((await fkdiff('plan', spec, '--url', url)) !== 0) return 1;

  heading('5. Apply');
  if ((await fkdiff('apply', spec, '--url', url, '--yes')) !== 0) return 1;

  heading('6. Plan again: nothing left to do');
  return fkdiff('plan', spec, '--url', url, '--exit-code');
}

process.exitCode = await main();
