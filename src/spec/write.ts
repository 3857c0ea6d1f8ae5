import { Document, YAMLMap } from 'yaml';
import type { Node } from 'yaml';
import { compareForeignKeys, sameTable } from '../model/catalog.js';
import type { Catalog, ForeignKey, TableRef } from '../model/catalog.js';
import { SCHEMA_ID } from './schema.js';
import { fitsShortReference, formatShortReference, formatTableRef } from './table-ref.js';
import type { ParsedTableRef } from './table-ref.js';

export interface WriteOptions {
  /** The schemas the written file governs; empty means `[defaultSchema]`. */
  readonly schemas: readonly string[];
  readonly defaultSchema: string;
}

/**
 * The catalog's foreign keys as spec text (`fkdiff pull`). Deterministic, and it reads back
 * (parseSpec, then resolveSpec) to exactly the same keys. Fields equal to their default are left out.
 */
export function writeSpec(catalog: Catalog, options: WriteOptions): string {
  const schemas = options.schemas.length > 0 ? options.schemas : [options.defaultSchema];
  const owningSchema = schemas[0] ?? options.defaultSchema;
  const document = new Document();
  const tables = new YAMLMap();
  for (const [index, group] of groupByTable([...catalog.foreignKeys].sort(compareForeignKeys)).entries()) {
    const foreignKeys = group.foreignKeys.map((fk) => foreignKeyNode(document, fk));
    const pair = document.createPair(
      formatTableRef(group.table, owningSchema),
      document.createNode({ foreignKeys }),
    );
    // A blank line between tables, for people reading a long pulled file.
    if (index > 0) pair.key.spaceBefore = true;
    tables.items.push(pair);
  }
  document.contents = document.createNode({ version: 1, schemas: flowList(document, schemas), tables });
  document.commentBefore = ` yaml-language-server: $schema=${SCHEMA_ID}`;
  return document.toString({ lineWidth: 0, flowCollectionPadding: false });
}

interface TableGroup {
  readonly table: TableRef;
  readonly foreignKeys: readonly ForeignKey[];
}

/** Consecutive keys of the same table, from keys sorted by table. */
function groupByTable(sorted: readonly ForeignKey[]): TableGroup[] {
  const groups: { table: TableRef; foreignKeys: ForeignKey[] }[] = [];
  for (const fk of sorted) {
    const last = groups.at(-1);
    if (last !== undefined && sameTable(last.table, fk.table)) last.foreignKeys.push(fk);
    else groups.push({ table: fk.table, foreignKeys: [fk] });
  }
  return groups;
}

function foreignKeyNode(document: Document, fk: ForeignKey): Node {
  // Referenced tables are written relative to the owning table's schema, as the spec reads them.
  const referenced: ParsedTableRef =
    fk.referencedTable.schema === fk.table.schema
      ? { schema: undefined, name: fk.referencedTable.name }
      : fk.referencedTable;
  const references = fitsShortReference(referenced, fk.referencedColumns)
    ? formatShortReference(referenced, fk.referencedColumns)
    : { table: formatTableRef(referenced), columns: flowList(document, fk.referencedColumns) };
  return document.createNode({
    name: fk.name,
    columns: flowList(document, fk.columns),
    references,
    ...(fk.onDelete === 'no action' ? {} : { onDelete: fk.onDelete }),
    ...(fk.onUpdate === 'no action' ? {} : { onUpdate: fk.onUpdate }),
    ...(fk.deferrable ? { deferrable: true } : {}),
    ...(fk.initiallyDeferred ? { initiallyDeferred: true } : {}),
    ...(fk.match === 'simple' ? {} : { match: fk.match }),
    ...(fk.validated ? {} : { notValid: true }),
  });
}

function flowList(document: Document, items: readonly string[]): Node {
  return document.createNode([...items], { flow: true });
}
