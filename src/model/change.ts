import type { ForeignKey, SourceLocation } from './catalog.js';

/** A field of a foreign key whose value differs between the database and the spec. */
export type FieldName =
  | 'columns'
  | 'referencedTable'
  | 'referencedColumns'
  | 'onDelete'
  | 'onUpdate'
  | 'match'
  | 'deferrable'
  | 'initiallyDeferred';

/**
 * One difference between the current and the desired catalog. Every foreign key named here is
 * complete: an added key already carries its final (possibly derived) name.
 */
export type Change =
  | { readonly kind: 'add'; readonly fk: ForeignKey; readonly source: SourceLocation | undefined }
  | { readonly kind: 'drop'; readonly fk: ForeignKey }
  /** Same definition, other name. */
  | { readonly kind: 'rename'; readonly fk: ForeignKey; readonly newName: string }
  /** Only DEFERRABLE / INITIALLY DEFERRED differ; `fk` carries the final name. */
  | {
      readonly kind: 'alter';
      readonly fk: ForeignKey;
      readonly deferrable: boolean;
      readonly initiallyDeferred: boolean;
    }
  /** Exists NOT VALID and is wanted validated; `fk` carries the final name. */
  | { readonly kind: 'validate'; readonly fk: ForeignKey }
  /** A difference that can only be made by dropping `from` and adding `to`. */
  | {
      readonly kind: 'replace';
      readonly from: ForeignKey;
      readonly to: ForeignKey;
      readonly fields: readonly FieldName[];
      readonly source: SourceLocation | undefined;
    };

export type ChangeKind = Change['kind'];

/** The key a change is about, as it will be: what sorts changes and groups them by table. */
export function changedKey(change: Change): ForeignKey {
  return change.kind === 'replace' ? change.to : change.fk;
}
