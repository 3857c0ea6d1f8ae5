/**
 * Pre-flight: everything that would make the plan fail and can be known from the catalog alone:
 * missing tables and columns, keys that nothing unique backs, names too long or taken.
 */
import type { Engine, NewerAttribute } from '../engines/engine.js';
import type { Problem } from '../errors.js';
import { tableLabel } from '../labels.js';
import { changedKey, changeSource, type Change } from '../model/change.js';
import type { Catalog, ForeignKey, SourceLocation, Table } from '../model/catalog.js';
import {
  deleteSetColumns,
  isEnforced,
  isPeriod,
  servesColumns,
  tableKey,
  type ReservedName,
} from '../model/catalog.js';
import { nameScopeKey } from '../diff/constraint-names.js';

function hasKeyOn(table: Table, columns: readonly string[], engine: Engine): boolean {
  switch (engine.capabilities.referencedKey) {
    case 'unique': {
      const wanted = [...columns].sort().join('\u0000');
      return table.indexes.some(
        (index) =>
          index.unique &&
          index.usableForForeignKey &&
          [...index.columns].sort().join('\u0000') === wanted &&
          index.columns.length === columns.length,
      );
    }
    case 'leading-index':
      return table.indexes.some((index) => servesColumns(index, columns));
  }
}

function missingColumns(table: Table, columns: readonly string[]): string[] {
  return columns.filter((column) => !table.columns.some((c) => c.name === column));
}

/** The owning side: its table and columns exist, and their types can reference the target's. */
function owningProblems(fk: ForeignKey, owner: Table, target: Table | undefined, engine: Engine): string[] {
  const problems = missingColumns(owner, fk.columns).map(
    (column) => `column ${tableLabel(fk.table)}.${column} does not exist`,
  );
  if (target === undefined) return problems;
  fk.columns.forEach((column, i) => {
    const from = owner.columns.find((c) => c.name === column);
    const to = target.columns.find((c) => c.name === fk.referencedColumns[i]);
    if (from !== undefined && to !== undefined && !engine.columnTypesMatch(from.type, to.type)) {
      problems.push(
        `column ${column} (${from.type}) cannot reference ${tableLabel(fk.referencedTable)}.${to.name} (${to.type}): the types do not match`,
      );
    }
  });
  return problems;
}

/** The referenced side: its columns exist and a key the engine accepts covers them. */
function referencedProblems(fk: ForeignKey, target: Table, engine: Engine): string[] {
  const absent = missingColumns(target, fk.referencedColumns);
  const problems = absent.map(
    (column) => `referenced column ${tableLabel(fk.referencedTable)}.${column} does not exist`,
  );
  if (absent.length === 0 && !hasKeyOn(target, fk.referencedColumns, engine)) {
    const columns = `${tableLabel(fk.referencedTable)} (${fk.referencedColumns.join(', ')})`;
    problems.push(
      engine.capabilities.referencedKey === 'unique'
        ? `no primary key or unique constraint covers exactly the referenced columns ${columns}`
        : `no index starts with the referenced columns ${columns}`,
    );
  }
  return problems;
}

/** Rules the engine cannot create, and a name longer than it allows. */
function ruleProblems(fk: ForeignKey, owner: Table | undefined, engine: Engine): string[] {
  const problems: string[] = [];
  const events = ['onDelete', 'onUpdate'] as const;
  if (engine.capabilities.setNullNeedsNullableColumns && owner !== undefined) {
    const notNull = owner.columns
      .filter((c) => fk.columns.includes(c.name) && !c.nullable)
      .map((c) => c.name);
    for (const event of events) {
      if (fk[event] === 'set null' && notNull.length > 0) {
        problems.push(
          `${event}: set null needs nullable columns, but ${notNull.join(', ')} ${notNull.length === 1 ? 'is' : 'are'} NOT NULL`,
        );
      }
    }
  }
  if (!engine.capabilities.setDefault) {
    for (const event of events) {
      if (fk[event] === 'set default')
        problems.push(`${event}: set default is not supported by ${engine.name} (InnoDB)`);
    }
  }
  const refused = engine.identifierProblem(fk.name);
  if (refused !== undefined) problems.push(`name ${refused}`);
  const length = engine.identifierLength(fk.name);
  if (length > engine.capabilities.maxIdentifierLength) {
    problems.push(
      `name is ${length} ${engine.capabilities.identifierUnit} long; ${engine.name} allows ${engine.capabilities.maxIdentifierLength}`,
    );
  }
  return problems;
}

/** A key on a table whose storage engine ignores it would "apply" and then never be there. */
function storageProblems(table: Table): string[] {
  const storage = table.ignoresForeignKeys;
  return storage === undefined
    ? []
    : [
        `table ${tableLabel(table.ref)} uses the ${storage} storage engine, which ignores foreign keys; convert it to InnoDB first`,
      ];
}

function keyProblems(
  fk: ForeignKey,
  source: SourceLocation | undefined,
  tables: ReadonlyMap<string, Table>,
  engine: Engine,
): Problem[] {
  const owner = tables.get(tableKey(fk.table));
  const target = tables.get(tableKey(fk.referencedTable));
  const messages = [
    ...(owner === undefined ? [`table ${tableLabel(fk.table)} does not exist`] : []),
    ...(target === undefined ? [`referenced table ${tableLabel(fk.referencedTable)} does not exist`] : []),
    ...(fk.columns.length === fk.referencedColumns.length
      ? []
      : [`${fk.columns.length} columns reference ${fk.referencedColumns.length} columns`]),
    ...[...new Set([owner, target])].flatMap((table) => (table === undefined ? [] : storageProblems(table))),
    ...(owner === undefined ? [] : owningProblems(fk, owner, target, engine)),
    ...(target === undefined ? [] : referencedProblems(fk, target, engine)),
    ...ruleProblems(fk, owner, engine),
  ];
  return messages.map((message) => ({ message: `${tableLabel(fk.table)}.${fk.name}: ${message}`, source }));
}

/** Every problem of the changes, not just the first. */
export function preflight(
  changes: readonly Change[],
  catalog: Catalog,
  engine: Engine,
  reserved: readonly ReservedName[] = [],
): Problem[] {
  const tables = new Map(catalog.tables.map((table) => [tableKey(table.ref), table]));
  const holders = new Map(reserved.map((r) => [nameScopeKey(r.table, r.name, engine), r.holder]));
  const taken = (fk: ForeignKey, name: string, source: SourceLocation | undefined): Problem[] => {
    const holder = holders.get(nameScopeKey(fk.table, name, engine));
    return holder === undefined
      ? []
      : [{ message: `${tableLabel(fk.table)}.${name}: the name is already taken by ${holder}`, source }];
  };
  const perChange = changes.flatMap((change): Problem[] => {
    switch (change.kind) {
      case 'add':
        return [
          ...keyProblems(change.fk, change.source, tables, engine),
          ...taken(change.fk, change.fk.name, change.source),
        ];
      case 'replace':
        return [
          ...keyProblems(change.to, change.source, tables, engine),
          ...(change.to.name === change.from.name ? [] : taken(change.to, change.to.name, change.source)),
        ];
      case 'rename': {
        const tooLong = engine.identifierLength(change.newName) > engine.capabilities.maxIdentifierLength;
        const refused = engine.identifierProblem(change.newName);
        return [
          ...(refused === undefined
            ? []
            : [
                {
                  message: `${tableLabel(change.fk.table)}.${change.newName}: name ${refused}`,
                  source: undefined,
                },
              ]),
          ...(tooLong
            ? [
                {
                  message: `${tableLabel(change.fk.table)}.${change.newName}: name is too long`,
                  source: undefined,
                },
              ]
            : []),
          ...taken(change.fk, change.newName, undefined),
        ];
      }
      case 'drop':
      case 'alter':
      case 'validate':
        return [];
    }
  });
  return [
    ...perChange,
    ...versionProblems(changes, catalog, engine),
    ...(engine.planning?.problems(changes, catalog) ?? []),
  ];
}

// ---- Server versions (issue 7): attributes only newer servers have. ----

/** `server_version_num` as users write it: 160004 → 16.4. */
export function formatServerVersion(version: number): string {
  return `${Math.floor(version / 10000)}.${version % 10000}`;
}

/** What each newer attribute is called in the spec, when a key declares it. */
function declaredNewerAttributes(
  fk: ForeignKey,
): { readonly attribute: NewerAttribute; readonly field: string }[] {
  return [
    ...(deleteSetColumns(fk).length > 0
      ? [
          {
            attribute: 'onDeleteColumns' as const,
            field: `onDelete: ${fk.onDelete} (${deleteSetColumns(fk).join(', ')})`,
          },
        ]
      : []),
    ...(isEnforced(fk) ? [] : [{ attribute: 'enforced' as const, field: 'enforced: false' }]),
    ...(isPeriod(fk) ? [{ attribute: 'period' as const, field: 'period: true' }] : []),
  ];
}

/**
 * Keys a change would create (or make NOT ENFORCED) with an attribute the connected server's
 * version lacks: refused with the key's spec line and the version the attribute needs.
 */
export function versionProblems(changes: readonly Change[], catalog: Catalog, engine: Engine): Problem[] {
  const since = engine.capabilities.newerAttributesSince;
  const version = catalog.serverVersion;
  if (since === undefined || version === undefined) return [];
  return changes.flatMap((change): Problem[] => {
    const fk =
      change.kind === 'add' ||
      change.kind === 'replace' ||
      (change.kind === 'alter' && change.enforced === false)
        ? changedKey(change)
        : undefined;
    if (fk === undefined) return [];
    const wanted = change.kind === 'alter' ? { ...fk, enforced: false } : fk;
    return declaredNewerAttributes(wanted)
      .filter(({ attribute }) => version < since[attribute])
      .map(({ attribute, field }) => ({
        message: `${tableLabel(fk.table)}.${fk.name}: ${field} needs ${engine.productName('')} ${Math.floor(since[attribute] / 10000)} or later; the server is ${formatServerVersion(version)}`,
        source: changeSource(change),
      }));
  });
}
