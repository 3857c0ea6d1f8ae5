/**
 * `npm run build`'s second step: the CLI as one ES module (dist/cli/bin.js) with its dependencies,
 * and a chunk for each part a command loads only when it needs it (a driver, the prompt, the glob
 * library, the Sequelize session). A process then reads a handful of files instead of resolving and
 * compiling some 250 modules: that was most of the CPU time of `fkdiff --version`. The library
 * (dist/index.js) stays tsc's output, one module per source file.
 *
 * Left outside the bundle and loaded from node_modules as they are: Sequelize (apply and --models
 * only; it requires its dialect modules by name), PGlite (its WebAssembly files sit beside its
 * code), and the yaml library, which src/spec/yaml-library.ts requires at run time by name.
 */
import { chmod, rm } from 'node:fs/promises';
import { build } from 'esbuild';

const OUT_DIR = 'dist/cli';

// tsc's output of the CLI's own files stays for the library's users; the bundle replaces bin.js.
await rm(`${OUT_DIR}/bin.js.map`, { force: true });
await build({
  entryPoints: { bin: 'src/cli/bin.ts' },
  outdir: OUT_DIR,
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['sequelize', '@electric-sql/*', 'yaml', 'pg-native', 'cloudflare:sockets'],
  // The bundled CommonJS packages (pg, mysql2, ajv, commander) call require for Node's own modules.
  banner: {
    js: "import { createRequire as fkdiffCreateRequire } from 'node:module'; const require = fkdiffCreateRequire(import.meta.url);",
  },
  legalComments: 'eof',
  logLevel: 'warning',
});
// tsc wrote bin.js first, without the execute bit a clone's `./dist/cli/bin.js` needs.
await chmod(`${OUT_DIR}/bin.js`, 0o755);
