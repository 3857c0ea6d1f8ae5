import { createHash } from 'node:crypto';
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

/** How `pull --split` divides a spec into files: one per owning table's schema, or per owning table. */
export type SplitBy = 'schema' | 'table';

export const SPLIT_BY: readonly SplitBy[] = ['schema', 'table'];

/** One file of a split spec: its name inside the spec directory, and its text. */
export interface SpecFileText {
  readonly file: string;
  readonly text: string;
}

/**
 * The catalog's keys as a directory of spec files (`pull --split`): each file declares the same
 * `schemas` and the tables of one schema (or one table), so that the directory reads back as
 * `writeSpec` would. A governed schema without keys gets a file of its own in `schema` mode, so
 * that the directory is never empty.
 */
export function writeSplitSpec(
  catalog: { readonly foreignKeys: readonly WrittenForeignKey[] },
  options: WriteOptions,
  by: SplitBy,
): SpecFileText[] {
  const schemas = options.schemas.length > 0 ? options.schemas : [options.defaultSchema];
  const groupName = (fk: WrittenForeignKey): string =>
    by === 'schema' ? fk.table.schema : formatTableRef(fk.table);
  const groups = groupBy([...catalog.foreignKeys].sort(compareWritten), groupName);
  if (by === 'schema') for (const schema of schemas) if (!groups.has(schema)) groups.set(schema, []);
  if (groups.size === 0) groups.set(schemas[0] ?? options.defaultSchema, []);
  const names = fileNames([...groups.keys()]);
  return [...groups]
    .map(([group, foreignKeys]) => ({
      file: names.get(group) ?? `${group}.yaml`,
      text: writeSpec({ foreignKeys }, options),
    }))
    .sort((a, b) => compareStrings(a.file, b.file));
}

/**
 * A file name for each group: the name itself when it is plain (letters, digits, `_`, `-`, `.`) and
 * unique ignoring case (macOS and Windows file systems), else a readable part and a short hash.
 */
function fileNames(groups: readonly string[]): Map<string, string> {
  const plainLower = new Map<string, number>();
  const plain = (name: string) => /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name);
  for (const name of groups.filter(plain)) {
    const lower = name.toLowerCase();
    plainLower.set(lower, (plainLower.get(lower) ?? 0) + 1);
  }
  return new Map(
    groups.map((name) => {
      if (plain(name) && plainLower.get(name.toLowerCase()) === 1) return [name, `${name}.yaml`];
      const readable = name
        .replace(/[^A-Za-z0-9_.-]/g, '_')
        .replace(/^[.-]/, '_')
        .slice(0, 60);
      const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
      return [name, `${readable}-${hash}.yaml`];
    }),
  );
}
