/** Runs SQL on one connection, inside or outside a transaction. Values only ever travel as binds. */
export interface Session {
  select<Row extends object>(sql: string, bind?: readonly unknown[]): Promise<Row[]>;
  execute(sql: string, bind?: readonly unknown[]): Promise<void>;
}
