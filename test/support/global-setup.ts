import type { TestProject } from 'vitest/node';
import { existsSync } from 'node:fs';
import { REAL_SCHEMAS_DIR } from './real-schemas.js';
import { MYSQL_URL, PG_MAJORS, POSTGRES_URL, probe, REQUIRE_DATABASES } from './targets.js';

/**
 * Asks each server once whether it is up. Without it, its suites are skipped with a notice; under
 * FKDIFF_REQUIRE_DATABASES=1 (CI) the run fails instead.
 */
export default async function setup(project: TestProject): Promise<void> {
  const servers = [
    ['postgres', POSTGRES_URL],
    ['mysql', MYSQL_URL],
  ] as const;
  const missing: string[] = [];
  const up = { postgres: false, mysql: false };
  for (const [kind, url] of servers) {
    const failure = await probe(kind);
    up[kind] = failure === undefined;
    if (failure !== undefined) missing.push(`${kind} at ${url.replace(/:[^:@/]*@/, ':***@')}: ${failure}`);
  }
  project.provide('servers', up);
  const majors: Record<number, boolean> = {};
  for (const server of PG_MAJORS) {
    const failure = await probe('postgres', server);
    majors[server.major] = failure === undefined;
    if (failure !== undefined) missing.push(`PostgreSQL ${server.major} at ${server.url}: ${failure}`);
  }
  project.provide('majors', majors);
  if (PG_MAJORS.length === 0) {
    missing.push(
      'the other PostgreSQL majors (version matrix): FKDIFF_PG_MAJORS is unset; `npm run pg-majors -- start` prints it',
    );
  }
  if (!existsSync(REAL_SCHEMAS_DIR)) {
    missing.push(`the real schemas (tests that load them): ${REAL_SCHEMAS_DIR} does not exist`);
  }
  if (missing.length === 0) return;
  const notice = missing.map((line) => `  - ${line}`).join('\n');
  if (REQUIRE_DATABASES) {
    throw new Error(
      `FKDIFF_REQUIRE_DATABASES=1 but a database server or the real schemas are missing:\n${notice}`,
    );
  }
  process.stderr.write(
    `\nSKIPPING the integration tests of what is missing (unit and PGlite tests still run):\n${notice}\n\n`,
  );
}
