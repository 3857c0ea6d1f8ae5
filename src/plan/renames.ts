import type { Engine } from '../engines/engine.js';
import { groupBy } from '../collections.js';
import type { ForeignKey } from '../model/catalog.js';
import { fitIdentifier, nameScopeKey } from '../diff/constraint-names.js';

/** A constraint to rename in place, and the rename it serves. */
export interface Rename<Tag> {
  readonly fk: ForeignKey;
  readonly newName: string;
  readonly tag: Tag;
}

/**
 * Renames within one name scope, in an order that never takes a name still held by another key; a
 * cycle (two keys swapping names) goes through a temporary name.
 */
function orderScope<Tag>(renames: readonly Rename<Tag>[], held: Set<string>, engine: Engine): Rename<Tag>[] {
  const steps: Rename<Tag>[] = [];
  let pending = [...renames];
  const scoped = (fk: ForeignKey, name: string) => nameScopeKey(fk.table, name, engine);
  const rename = (step: Rename<Tag>): void => {
    steps.push(step);
    held.delete(scoped(step.fk, step.fk.name));
    held.add(scoped(step.fk, step.newName));
  };
  while (pending.length > 0) {
    const ready = pending.find((r) => !held.has(scoped(r.fk, r.newName)));
    if (ready !== undefined) {
      rename(ready);
      pending = pending.filter((r) => r !== ready);
      continue;
    }
    const [first, ...rest] = pending;
    if (first === undefined) break;
    let temporary = '';
    for (let attempt = 0; temporary === '' || held.has(scoped(first.fk, temporary)); attempt += 1) {
      temporary = fitIdentifier(`${first.fk.name}_fkdiff_tmp${attempt === 0 ? '' : String(attempt)}`, engine);
    }
    rename({ ...first, newName: temporary });
    pending = [...rest, { ...first, fk: { ...first.fk, name: temporary } }];
  }
  return steps;
}

/**
 * The renames in a safe order. Renames only collide within a name scope (a table on PostgreSQL), so
 * each scope is ordered on its own: the work grows with the renames per table, not per plan.
 * `held` holds the scoped names taken while the renames run.
 */
export function orderRenames<Tag>(
  renames: readonly Rename<Tag>[],
  held: Set<string>,
  engine: Engine,
): Rename<Tag>[] {
  const scopes = groupBy(renames, (r) => nameScopeKey(r.fk.table, '', engine));
  return [...scopes.values()].flatMap((group) => orderScope(group, held, engine));
}
