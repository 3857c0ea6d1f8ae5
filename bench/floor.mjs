// The floor: a minimal Node process that connects with the driver and runs fkdiff's own catalog
// query of all foreign keys, once. `node bench/floor.mjs postgres|mysql URL SCHEMA…`; prints the
// row count. Plain JavaScript on the built query text, so that nothing but the driver is loaded.
// PostgreSQL's key query depends on the server's version: the floor reads it from the startup
// message the server sends anyway (no extra round trip), as `server_version_num` would give it.
const [engine, url, ...schemas] = process.argv.slice(2);
if (engine === 'postgres') {
  const { foreignKeysSql } = await import('../dist/engines/postgres/catalog-sql.js');
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  let version = '';
  client.connection.on('parameterStatus', (message) => {
    if (message.parameterName === 'server_version') version = message.parameterValue;
  });
  await client.connect();
  const [major = '0', minor = '0'] = version.split(/[.\s]/);
  const result = await client.query(foreignKeysSql(Number(major) * 10_000 + Number(minor)), [schemas]);
  await client.end();
  console.log(result.rows.length);
} else if (engine === 'mysql') {
  const { foreignKeysSql } = await import('../dist/engines/mysql/catalog-sql.js');
  const { default: mysql } = await import('mysql2/promise');
  const connection = await mysql.createConnection({ uri: url });
  // fkdiff's queries use `$n` binds (Sequelize's form), some more than once: `?` for each, in order.
  const values = [];
  const sql = foreignKeysSql(schemas.length).replace(/\$(\d+)/g, (_, n) => {
    values.push(schemas[Number(n) - 1]);
    return '?';
  });
  const [rows] = await connection.query(sql, values);
  await connection.end();
  console.log(rows.length);
} else {
  throw new Error('usage: node bench/floor.mjs postgres|mysql URL SCHEMA…');
}
