import type { ForeignKey, SourceLocation } from './catalog.js';
import type { KeyField } from './fields.js';

/** A field whose difference a `replace` makes (validation is a change of its own). */
export type FieldName = Exclude<KeyField, 'validated'>;

/**
 * One difference between the current and the desired catalog. Every foreign key named here is
 * complete: an added key already carries its final (possibly derived) name.
 */
export type Change =
  | { readonly kind: 'add'; readonly fk: ForeignKey; readonly source: SourceLocation | undefined }
  | { readonly kind: 'drop'; readonly fk: ForeignKey }
  /** Same definition, other name. */
  | { readonly kind: 'rename'; readonly fk: ForeignKey; readonly newName: string }
  /**
   * Only DEFERRABLE / INITIALLY DEFERRED and/or enforcement differ; `fk` carries the final name.
   * `enforced` is set when enforcement changes (PostgreSQL 18 ALTER CONSTRAINT [NOT] ENFORCED).
   */
  | {
      readonly kind: 'alter';
      readonly fk: ForeignKey;
      readonly deferrable: boolean;
      readonly initiallyDeferred: boolean;
      readonly enforced?: boolean;
      /** Where the spec declares the key, for the data check's message when it becomes enforced. */
      readonly source?: SourceLocation | undefined;
    }
  /** Exists NOT VALID and is wanted validated; `fk` carries the final name. */
  | {
      readonly kind: 'validate';
      readonly fk: ForeignKey;
      /** Where the spec declares the key, for the data check's message. */
      readonly source?: SourceLocation | undefined;
    }
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

/** A change seen as the keys it removes and the keys it creates (with the key each replaces). */
export interface DropsAndAdds {
  readonly dropped: readonly ForeignKey[];
  readonly added: readonly { readonly fk: ForeignKey; readonly before: ForeignKey | undefined }[];
}

/**
 * What a change removes and creates when it cannot be done in place: a replace is a drop and an
 * add; a rename is one too where constraints cannot be renamed (`renameInPlace` false).
 */
export function asDropsAndAdds(change: Change, renameInPlace: boolean): DropsAndAdds {
  switch (change.kind) {
    case 'add':
      return { dropped: [], added: [{ fk: change.fk, before: undefined }] };
    case 'drop':
      return { dropped: [change.fk], added: [] };
    case 'replace':
      return { dropped: [change.from], added: [{ fk: change.to, before: change.from }] };
    case 'rename':
      return renameInPlace
        ? { dropped: [], added: [] }
        : {
            dropped: [change.fk],
            added: [{ fk: { ...change.fk, name: change.newName }, before: change.fk }],
          };
    case 'alter':
    case 'validate':
      return { dropped: [], added: [] };
  }
}

/** Where the spec declares the key a change creates, when it does. */
export function changeSource(change: Change): SourceLocation | undefined {
  return change.kind === 'add' ||
    change.kind === 'replace' ||
    change.kind === 'validate' ||
    change.kind === 'alter'
    ? change.source
    : undefined;
}
