import { createHash } from 'node:crypto';
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
import { yamlLibrary } from './yaml-library.js';
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
  const byTable = groupBy([...catalog.foreignKeys].sort(compareWritten), (fk) => tableKey(fk.table));
  const tables = [...byTable.values()].flatMap((group): WrittenTable[] => {
    const [first] = group;
    return first === undefined
      ? []
      : [{ key: formatTableRef(first.table, owningSchema), foreignKeys: group }];
  });
  const declared = options.omitSchemas === true ? undefined : schemas;
  return plainText(declared, tables) ?? documentText(declared, tables);
}

interface WrittenTable {
  readonly key: string;
  readonly foreignKeys: readonly WrittenForeignKey[];
}

/** A field's value as written: a scalar, a one-line list, or the long form of `references`. */
type WrittenValue =
  | string
  | boolean
  | { readonly list: readonly string[] }
  | { readonly table: string; readonly columns: { readonly list: readonly string[] } };

/** The key's fields in the order they are written; fields equal to their default are left out. */
function writtenFields(fk: WrittenForeignKey): [string, WrittenValue][] {
  // Referenced tables are written relative to the owning table's schema, as the spec reads them.
  const referenced: ParsedTableRef =
    fk.referencedTable.schema === fk.table.schema
      ? { schema: undefined, name: fk.referencedTable.name }
      : fk.referencedTable;
  const references: WrittenValue = fitsShortReference(referenced, fk.referencedColumns)
    ? formatShortReference(referenced, fk.referencedColumns)
    : { table: formatTableRef(referenced), columns: { list: fk.referencedColumns } };
  // One entry per field, in the order they are written; a field added to the model fails to
  // compile here until the writer says how it is written.
  const fields: { readonly [F in KeyField]: Readonly<Record<string, WrittenValue>> } = {
    columns: { columns: { list: fk.columns } },
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
  const name: [string, WrittenValue][] = fk.name === undefined ? [] : [['name', fk.name]];
  return [...name, ...Object.values(fields).flatMap((entry) => Object.entries(entry))];
}

const HEADER = `# yaml-language-server: $schema=${SCHEMA_ID}`;

/**
 * Strings every YAML reader takes plain, as themselves: identifier-like words (no indicator, no
 * `:` or `#`, nothing a schema reads as null, a boolean or a number). `BLOCK` adds what a value
 * outside a flow list may hold: the short reference `table(a, b)`.
 */
const PLAIN_WORD = /^[A-Za-z_][A-Za-z0-9_$.-]*$/;
const PLAIN_BLOCK = /^[A-Za-z_][A-Za-z0-9_$.\-(), ]*[A-Za-z0-9_$.)-]$/;
const NOT_STRINGS = /^(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)$/;

class NotPlain extends Error {}

function plainWord(text: string, pattern: RegExp = PLAIN_WORD): string {
  if ((pattern.test(text) || PLAIN_WORD.test(text)) && !NOT_STRINGS.test(text)) return text;
  throw new NotPlain();
}

function plainList(list: readonly string[]): string {
  return `[${list.map((item) => plainWord(item)).join(', ')}]`;
}

function plainValue(value: WrittenValue, indent: string): string {
  if (typeof value === 'boolean') return ` ${value}`;
  if (typeof value === 'string') return ` ${plainWord(value, PLAIN_BLOCK)}`;
  if ('list' in value) return ` ${plainList(value.list)}`;
  return `\n${indent}  table: ${plainWord(value.table)}\n${indent}  columns: ${plainList(value.columns.list)}`;
}

/**
 * The spec written line by line, as yaml's Document writes it, where every name is a plain word
 * (nearly every database); undefined otherwise, and the library decides the quoting. Building a
 * Document of 10,000 keys costs more than the catalog query that read them.
 */
function plainText(
  schemas: readonly string[] | undefined,
  tables: readonly WrittenTable[],
): string | undefined {
  try {
    const lines = [HEADER, '', 'version: 1'];
    if (schemas !== undefined) lines.push(`schemas: ${plainList(schemas)}`);
    lines.push(tables.length === 0 ? 'tables: {}' : 'tables:');
    for (const [index, table] of tables.entries()) {
      if (index > 0) lines.push('');
      lines.push(`  ${plainWord(table.key)}:`, '    foreignKeys:');
      for (const fk of table.foreignKeys) {
        for (const [position, [field, value]] of writtenFields(fk).entries()) {
          lines.push(`${position === 0 ? '      - ' : '        '}${field}:${plainValue(value, '        ')}`);
        }
      }
    }
    return `${lines.join('\n')}\n`;
  } catch (error) {
    if (error instanceof NotPlain) return undefined;
    throw error;
  }
}

/** The spec through yaml's Document, which quotes whatever needs quoting so that it reads back. */
function documentText(schemas: readonly string[] | undefined, tables: readonly WrittenTable[]): string {
  const { Document, YAMLMap } = yamlLibrary();
  const document = new Document();
  const node = (value: WrittenValue): unknown => {
    if (typeof value !== 'object') return value;
    if ('list' in value) return document.createNode([...value.list], { flow: true });
    return { table: value.table, columns: node(value.columns) };
  };
  const map = new YAMLMap();
  for (const [index, table] of tables.entries()) {
    const foreignKeys = table.foreignKeys.map((fk) =>
      document.createNode(
        Object.fromEntries(writtenFields(fk).map(([field, value]) => [field, node(value)])),
      ),
    );
    const pair = document.createPair(table.key, document.createNode({ foreignKeys }));
    // A blank line between tables, for people reading a long pulled file.
    if (index > 0) pair.key.spaceBefore = true;
    map.items.push(pair);
  }
  const declared = schemas === undefined ? {} : { schemas: node({ list: schemas }) };
  document.contents = document.createNode({ version: 1, ...declared, tables: map });
  document.commentBefore = HEADER.slice(1);
  return document.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** `set null (tenant_id)` when the rule sets only some of the key's columns (PostgreSQL 15+). */
function writtenOnDelete(fk: WrittenForeignKey): string {
  const columns = deleteSetColumns(fk);
  return columns.length > 0 ? `${fk.onDelete} (${columns.join(', ')})` : fk.onDelete;
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
