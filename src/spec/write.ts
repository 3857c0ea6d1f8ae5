import { Document, YAMLMap } from 'yaml';
import type { Node } from 'yaml';
import { groupBy } from '../collections.js';
import {
  compareStrings,
  compareTables,
  deleteSetColumns,
  isEnforced,
  isPeriod,
  tableKey,
} from '../model/catalog.js';
import type { DesiredForeignKey, ForeignKey } from '../model/catalog.js';
import type { KeyField } from '../model/fields.js';
import { SCHEMA_ID } from './schema.js';
import { fitsShortReference, formatShortReference, formatTableRef } from './table-ref.js';
import type { ParsedTableRef } from './table-ref.js';

export interface WriteOptions {
  /** The schemas the written file governs; empty means `[defaultSchema]`. */
  readonly schemas: readonly string[];
  readonly defaultSchema: string;
  /** Leave `schemas` out: the file then governs the connection's default schema, whichever it is. */
  readonly omitSchemas?: boolean;
}

/**
 * The catalog's foreign keys as spec text (`fkdiff pull`). Deterministic, and it reads back
 * (parseSpec, then resolveSpec) to exactly the same keys. Fields equal to their default are left out.
 */
/** A key as written: from the catalog, or desired without a name (pulled from models). */
export type WrittenForeignKey = ForeignKey | Omit<DesiredForeignKey, 'source'>;

function compareWritten(a: WrittenForeignKey, b: WrittenForeignKey): number {
  const byName =
    compareStrings(a.name ?? '', b.name ?? '') || compareStrings(a.columns.join(), b.columns.join());
  return compareTables(a.table, b.table) || byName;
}

export function writeSpec(
  catalog: { readonly foreignKeys: readonly WrittenForeignKey[] },
  options: WriteOptions,
): string {
  const schemas = options.schemas.length > 0 ? options.schemas : [options.defaultSchema];
  const owningSchema = schemas[0] ?? options.defaultSchema;
  const document = new Document();
  const tables = new YAMLMap();
  const byTable = groupBy([...catalog.foreignKeys].sort(compareWritten), (fk) => tableKey(fk.table));
  for (const [index, group] of [...byTable.values()].entries()) {
    const [first] = group;
    if (first === undefined) continue;
    const foreignKeys = group.map((fk) => foreignKeyNode(document, fk));
    const pair = document.createPair(
      formatTableRef(first.table, owningSchema),
      document.createNode({ foreignKeys }),
    );
    // A blank line between tables, for people reading a long pulled file.
    if (index > 0) pair.key.spaceBefore = true;
    tables.items.push(pair);
  }
  const declared = options.omitSchemas === true ? {} : { schemas: flowList(document, schemas) };
  document.contents = document.createNode({ version: 1, ...declared, tables });
  document.commentBefore = ` yaml-language-server: $schema=${SCHEMA_ID}`;
  return document.toString({ lineWidth: 0, flowCollectionPadding: false });
}

function foreignKeyNode(document: Document, fk: WrittenForeignKey): Node {
  // Referenced tables are written relative to the owning table's schema, as the spec reads them.
  const referenced: ParsedTableRef =
    fk.referencedTable.schema === fk.table.schema
      ? { schema: undefined, name: fk.referencedTable.name }
      : fk.referencedTable;
  const references = fitsShortReference(referenced, fk.referencedColumns)
    ? formatShortReference(referenced, fk.referencedColumns)
    : { table: formatTableRef(referenced), columns: flowList(document, fk.referencedColumns) };
  // One entry per field, in the order they are written; a field added to the model fails to
  // compile here until the writer says how it is written.
  const fields: { readonly [F in KeyField]: Readonly<Record<string, unknown>> } = {
    columns: { columns: flowList(document, fk.columns) },
    referencedTable: { references },
    // Written with the referenced table, in `references`.
    referencedColumns: {},
    onDelete: fk.onDelete === 'no action' ? {} : { onDelete: writtenOnDelete(fk) },
    // Written with the rule, in `onDelete`: `set null (tenant_id)`.
    onDeleteColumns: {},
    onUpdate: fk.onUpdate === 'no action' ? {} : { onUpdate: fk.onUpdate },
    deferrable: fk.deferrable ? { deferrable: true } : {},
    initiallyDeferred: fk.initiallyDeferred ? { initiallyDeferred: true } : {},
    match: fk.match === 'simple' ? {} : { match: fk.match },
    period: isPeriod(fk) ? { period: true } : {},
    // A NOT ENFORCED key is never validated: `enforced: false` says it all.
    validated: fk.validated || !isEnforced(fk) ? {} : { notValid: true },
    enforced: isEnforced(fk) ? {} : { enforced: false },
  };
  const written = Object.values(fields).flatMap((entry) => Object.entries(entry));
  return document.createNode({ name: fk.name, ...Object.fromEntries(written) });
}

/** `set null (tenant_id)` when the rule sets only some of the key's columns (PostgreSQL 15+). */
function writtenOnDelete(fk: WrittenForeignKey): string {
  const columns = deleteSetColumns(fk);
  return columns.length > 0 ? `${fk.onDelete} (${columns.join(', ')})` : fk.onDelete;
}

function flowList(document: Document, items: readonly string[]): Node {
  return document.createNode([...items], { flow: true });
}
