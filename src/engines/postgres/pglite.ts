/**
 * PGlite, PostgreSQL compiled to WebAssembly, as a transport: it runs in this process and
 * pglite-socket serves it on a local port, so that the same Sequelize/pg path is used as for a server.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FkdiffError } from '../../errors.js';
import type { EmbeddedTransport } from '../engine.js';

const SCHEME = 'pglite:';

export const pgliteTransport: EmbeddedTransport = {
  scheme: SCHEME,
  parseLocation(rest) {
    if (rest === 'memory' || rest === '//memory') return { location: undefined, display: `${SCHEME}memory` };
    const directory = rest.replace(/^\/\/(?=\/)/, '');
    if (directory === '') throw new FkdiffError('URL_INVALID', `${SCHEME} URL needs "memory" or a directory`);
    return { location: directory, display: `${SCHEME}${directory}` };
  },
  async open(directory, { create }) {
    // A mistyped directory would otherwise be a new, empty database.
    if (directory !== undefined && !create && !existsSync(join(directory, 'PG_VERSION'))) {
      throw new FkdiffError('CONNECTION_FAILED', `${SCHEME}${directory}: no database in this directory`, {
        settings: ['create'],
      });
    }
    // Loaded only when asked for: most runs connect to a server.
    const [{ PGlite }, { PGLiteSocketServer }, { btree_gist }] = await Promise.all([
      import('@electric-sql/pglite'),
      import('@electric-sql/pglite-socket'),
      import('@electric-sql/pglite/contrib/btree_gist'),
    ]);
    // btree_gist is what temporal keys (PostgreSQL 18 WITHOUT OVERLAPS / PERIOD) on scalar columns
    // need; a database that created it cannot be read without it. Loading it costs no measurable time.
    const db = await PGlite.create(directory, { extensions: { btree_gist } });
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
    await server.start();
    const [host, port] = server.getServerConn().split(':');
    return {
      settings: {
        host: host ?? '127.0.0.1',
        port: Number(port),
        user: 'postgres',
        password: '',
        database: 'postgres',
        params: {},
      },
      stop: async () => {
        await server.stop();
        await db.close();
      },
    };
  },
};
