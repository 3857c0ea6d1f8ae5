/**
 * What a Sequelize-based tool does to read the keys: `queryInterface.getForeignKeyReferencesForTable`
 * once per table. Times a sample of tables (one query each) and scales the mean to all tables:
 * `node --import tsx bench/sequelize-loop.ts URL SAMPLE SCHEMA…`. Prints
 * `{ tables, sampled, sampleMs, scaledMs, peakRssMb }` as JSON.
 */
import { QueryTypes, Sequelize } from 'sequelize';
import { peakRssMb } from './measure.js';

const [url, sampleText, ...schemas] = process.argv.slice(2);
if (url === undefined || sampleText === undefined || schemas.length === 0) {
  throw new Error('usage: bench/sequelize-loop.ts URL SAMPLE SCHEMA…');
}
const sequelize = new Sequelize(url, { logging: false });
const postgres = sequelize.getDialect() === 'postgres';
const tables = await sequelize.query<{ schema: string; name: string }>(
  postgres
    ? 'SELECT table_schema AS schema, table_name AS name FROM information_schema.tables WHERE table_schema = ANY($1::text[])'
    : 'SELECT TABLE_SCHEMA AS `schema`, TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?)',
  postgres
    ? { type: QueryTypes.SELECT, bind: [schemas] }
    : { type: QueryTypes.SELECT, replacements: [schemas] },
);
const sample = tables.slice(0, Math.min(Number(sampleText), tables.length));
const queryInterface = sequelize.getQueryInterface();
const started = performance.now();
for (const table of sample) {
  await queryInterface.getForeignKeyReferencesForTable({ tableName: table.name, schema: table.schema });
}
const sampleMs = performance.now() - started;
await sequelize.close();
console.log(
  JSON.stringify({
    tables: tables.length,
    sampled: sample.length,
    sampleMs,
    scaledMs: sample.length === 0 ? 0 : (sampleMs / sample.length) * tables.length,
    peakRssMb: peakRssMb(),
  }),
);
