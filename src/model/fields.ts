/**
 * The attributes of a foreign key, one entry each: how it compares and how a difference in it is
 * made. A field added to `ForeignKey` fails to compile here until both are said.
 */
import {
  deleteSetColumns,
  isEnforced,
  isPeriod,
  sameColumns,
  sameTable,
  type ForeignKey,
} from './catalog.js';

/** Every attribute of a key but its name and its owning table. */
export type KeyField = Exclude<keyof ForeignKey, 'name' | 'table'>;

/** What a key is apart from its name. */
export type KeyDefinition = Omit<ForeignKey, 'name'>;

export function sameField(field: KeyField, a: KeyDefinition, b: KeyDefinition): boolean {
  switch (field) {
    case 'columns':
    case 'referencedColumns':
      return sameColumns(a[field], b[field]);
    case 'referencedTable':
      return sameTable(a[field], b[field]);
    case 'onDelete':
    case 'onUpdate':
    case 'match':
    case 'deferrable':
    case 'initiallyDeferred':
    case 'validated':
      return a[field] === b[field];
    case 'enforced':
      return isEnforced(a) === isEnforced(b);
    case 'period':
      return isPeriod(a) === isPeriod(b);
    case 'onDeleteColumns':
      return sameColumns(deleteSetColumns(a), deleteSetColumns(b));
  }
}

/**
 * How a difference in a field is made: the key is dropped and added again (`recreate`), altered in
 * place (`alter`: DEFERRABLE / INITIALLY DEFERRED; `enforce`: ALTER CONSTRAINT [NOT] ENFORCED,
 * PostgreSQL 18), or validated (`validate`).
 */
export type FieldChange = 'recreate' | 'alter' | 'enforce' | 'validate';

export const FIELD_CHANGE: { readonly [F in KeyField]: FieldChange } = {
  columns: 'recreate',
  referencedTable: 'recreate',
  referencedColumns: 'recreate',
  onDelete: 'recreate',
  onUpdate: 'recreate',
  match: 'recreate',
  onDeleteColumns: 'recreate',
  period: 'recreate',
  deferrable: 'alter',
  initiallyDeferred: 'alter',
  validated: 'validate',
  enforced: 'enforce',
};

/** Every field, in the order messages and files list them. */
export const KEY_FIELDS = Object.keys(FIELD_CHANGE) as readonly KeyField[];

/** The fields whose difference a change of kind `how` makes. */
export function fieldsChangedBy(how: FieldChange): readonly KeyField[] {
  return KEY_FIELDS.filter((field) => FIELD_CHANGE[field] === how);
}

/** The fields of `a` and `b` that differ, among `fields`. */
export function differingFields<F extends KeyField>(
  fields: readonly F[],
  a: KeyDefinition,
  b: KeyDefinition,
): F[] {
  return fields.filter((field) => !sameField(field, a, b));
}
