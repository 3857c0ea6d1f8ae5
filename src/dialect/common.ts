import type { ForeignKey, ReferentialAction } from '../model/catalog.js';

/** Shared by the dialects: SQL keywords for a referential action. */
export function actionSql(action: ReferentialAction): string {
  return action.toUpperCase();
}

/** `ON DELETE … ON UPDATE …`, leaving out NO ACTION, the default of both engines. */
export function actionClauses(fk: ForeignKey): string {
  const clauses: string[] = [];
  if (fk.onDelete !== 'no action') clauses.push(`ON DELETE ${actionSql(fk.onDelete)}`);
  if (fk.onUpdate !== 'no action') clauses.push(`ON UPDATE ${actionSql(fk.onUpdate)}`);
  return clauses.join(' ');
}

export function joinSql(parts: readonly string[]): string {
  return parts.filter((part) => part !== '').join(' ');
}
