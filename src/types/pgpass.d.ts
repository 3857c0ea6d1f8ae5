/** pgpass (brianc/node-pgpass): the password ~/.pgpass (or $PGPASSFILE) holds for a connection. */
declare module 'pgpass' {
  interface ConnectionInfo {
    readonly host: string;
    readonly port: number;
    readonly database: string;
    readonly user: string;
  }
  function pgpass(info: ConnectionInfo, done: (password: string | undefined) => void): void;
  export default pgpass;
}
