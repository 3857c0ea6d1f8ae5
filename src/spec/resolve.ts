import type { Engine, EngineCapabilities } from '../engines/engine.js';
import { normalizedRules } from '../engines/engine.js';
import { problemsError } from '../errors.js';
import type { Problem } from '../errors.js';
import { definitionKey, newerAttributes, tableKey } from '../model/catalog.js';
import type { DesiredForeignKey, SourceLocation, TableRef } from '../model/catalog.js';
import type { HazardCode } from '../model/plan.js';
import { compileExclude, isExcluded } from './exclude.js';
import type { TableMatcher } from './exclude.js';
import { sortProblems } from './messages.js';
import type { Located, RawForeignKey, RawSpec, RawTable } from './parse.js';
import { formatTableRef, quoteName } from './table-ref.js';

/** A spec made definite for one database: every table qualified, every default filled in. */
export interface Spec {
  readonly file: string;
  /** The governed schemas: as declared, or the connection's default schema. */
  readonly schemas: readonly string[];
  /** Glob patterns as written; see `compileExclude`. */
  readonly exclude: readonly string[];
  readonly denyHazards: readonly HazardCode[];
  readonly foreignKeys: readonly DesiredForeignKey[];
}

/** The part of an engine that resolving a spec asks about; any `Engine` is one. */
export type SpecDialect = Pick<Engine, 'name' | 'identifierLength' | 'normalizeAction'> & {
  readonly capabilities: Pick<
    EngineCapabilities,
    | 'deferrable'
    | 'match'
    | 'notValid'
    | 'constraintNameScope'
    | 'constraintNamesIgnoreCase'
    | 'maxIdentifierLength'
    | 'identifierUnit'
    | 'newerAttributesSince'
  >;
};

export interface ResolveContext {
  readonly dialect: SpecDialect;
  /** The connection's current schema (PostgreSQL `current_schema()`, MySQL the URL's database). */
  readonly defaultSchema: string;
}

/** A resolved key with the place its name is written, for problems about names. */
interface ResolvedForeignKey {
  readonly fk: DesiredForeignKey;
  readonly nameSource: SourceLocation | undefined;
}

/**
 * Qualifies tables, fills in defaults and checks what depends on the database: governed schemas,
 * the dialect's features, name scope and length. Every problem is reported in one SPEC_INVALID error.
 */
export function resolveSpec(raw: RawSpec, context: ResolveContext): Spec {
  const schemas = raw.schemas ?? [context.defaultSchema];
  const owningSchema = schemas[0] ?? context.defaultSchema;
  const excluded = compileExclude(raw.exclude);
  const problems: Problem[] = [];
  const resolved: ResolvedForeignKey[] = [];
  const declaredTables = new Map<string, SourceLocation>();
  for (const table of raw.tables) {
    const ref: TableRef = { schema: table.ref.schema ?? owningSchema, name: table.ref.name };
    problems.push(...tableProblems(table, ref, { schemas, excluded, patterns: raw.exclude, declaredTables }));
    for (const fk of table.foreignKeys) {
      resolved.push(resolveForeignKey(fk, ref, context.dialect));
      problems.push(...foreignKeyProblems(fk, context.dialect));
    }
  }
  problems.push(...nameProblems(resolved, context.dialect), ...repeatedDefinitionProblems(resolved));
  if (problems.length > 0) {
    throw problemsError('SPEC_INVALID', `${raw.file}: invalid spec`, sortProblems(problems));
  }
  return {
    file: raw.file,
    schemas,
    exclude: raw.exclude,
    denyHazards: raw.denyHazards,
    foreignKeys: resolved.map(({ fk }) => fk),
  };
}

function resolveForeignKey(fk: RawForeignKey, table: TableRef, dialect: SpecDialect): ResolvedForeignKey {
  const initiallyDeferred = fk.initiallyDeferred?.value ?? false;
  const desired: DesiredForeignKey = {
    name: fk.name?.value,
    table,
    columns: fk.columns,
    referencedTable: { schema: fk.referencedTable.schema ?? table.schema, name: fk.referencedTable.name },
    referencedColumns: fk.referencedColumns,
    onDelete: fk.onDelete ?? 'no action',
    onUpdate: fk.onUpdate ?? 'no action',
    deferrable: (fk.deferrable?.value ?? false) || initiallyDeferred,
    initiallyDeferred,
    match: fk.match?.value ?? 'simple',
    // A NOT ENFORCED key is never validated (PostgreSQL keeps convalidated false).
    validated: (fk.enforced?.value ?? true) && !(fk.notValid?.value ?? false),
    ...newerAttributes({
      enforced: fk.enforced?.value ?? true,
      period: fk.period?.value ?? false,
      onDeleteColumns: fk.onDeleteColumns?.value ?? [],
    }),
    source: fk.source,
  };
  return { fk: normalizedRules(desired, dialect), nameSource: fk.name?.source };
}

interface TableScope {
  readonly schemas: readonly string[];
  readonly excluded: TableMatcher;
  readonly patterns: readonly string[];
  /** Tables seen so far, by `tableKey`: `users` and `public.users` are the same table. */
  readonly declaredTables: Map<string, SourceLocation>;
}

function tableProblems(table: RawTable, ref: TableRef, scope: TableScope): Problem[] {
  const problems: Problem[] = [];
  const at = (message: string): void => {
    problems.push({ message, source: table.source });
  };
  const name = formatTableRef(ref);
  if (!scope.schemas.includes(ref.schema)) {
    const schema = quoteName(ref.schema);
    at(`table ${name} is in schema ${schema}, which this file does not govern; add it to schemas`);
  }
  if (table.foreignKeys.length > 0 && scope.excluded(ref)) {
    const pattern = scope.patterns.find((candidate) => isExcluded([candidate], ref)) ?? '';
    at(
      `table ${name} declares foreign keys but exclude pattern ${JSON.stringify(pattern)} tells fkdiff to leave it alone`,
    );
  }
  const earlier = scope.declaredTables.get(tableKey(ref));
  if (earlier === undefined) scope.declaredTables.set(tableKey(ref), table.source);
  else at(`duplicate table ${name} (also declared at ${placeOf(earlier, table.source)})`);
  return problems;
}

/** PostgreSQL-only fields the dialect lacks, and contradictions between the fields. */
function foreignKeyProblems(fk: RawForeignKey, dialect: SpecDialect): Problem[] {
  const { capabilities } = dialect;
  const postgresOnly: readonly {
    field: string;
    located: Located<unknown> | undefined;
    supported: boolean;
  }[] = [
    { field: 'deferrable', located: fk.deferrable, supported: capabilities.deferrable },
    { field: 'initiallyDeferred', located: fk.initiallyDeferred, supported: capabilities.deferrable },
    { field: 'match', located: fk.match, supported: capabilities.match },
    { field: 'notValid', located: fk.notValid, supported: capabilities.notValid },
    ...newerFields(fk).map(({ field, located }) => ({
      field,
      located,
      supported: capabilities.newerAttributesSince !== undefined,
    })),
  ];
  const problems: Problem[] = postgresOnly.flatMap(({ field, located, supported }) =>
    supported || located === undefined
      ? []
      : [
          {
            message: `"${field}" is PostgreSQL-only; ${dialect.name} does not support it`,
            source: located.source,
          },
        ],
  );
  problems.push(...newerAttributeProblems(fk));
  if (capabilities.deferrable && fk.initiallyDeferred?.value === true && fk.deferrable?.value === false) {
    problems.push({
      message: 'initiallyDeferred: true needs a deferrable key; remove "deferrable: false"',
      source: fk.initiallyDeferred.source,
    });
  }
  return problems;
}

/** The newer attributes a key declares, by the field that declares each (for refusals). */
function newerFields(fk: RawForeignKey): { field: string; located: Located<unknown> | undefined }[] {
  return [
    { field: 'onDelete: set null/set default (columns)', located: fk.onDeleteColumns },
    { field: 'enforced', located: fk.enforced },
    { field: 'period', located: fk.period },
  ];
}

/** Contradictions among the newer attributes (PostgreSQL 15 and 18), whatever the server. */
function newerAttributeProblems(fk: RawForeignKey): Problem[] {
  const problems: Problem[] = [];
  const columns = fk.onDeleteColumns;
  if (columns !== undefined) {
    if (fk.onDelete !== 'set null' && fk.onDelete !== 'set default') {
      problems.push({
        message: 'onDelete: a column list belongs only to set null (col, …) or set default (col, …)',
        source: columns.source,
      });
    }
    const outside = columns.value.filter((column) => !fk.columns.includes(column));
    if (columns.value.length === 0 || outside.length > 0) {
      problems.push({
        message: `onDelete: the columns set must be some of the key's columns (${fk.columns.join(', ')})${outside.length > 0 ? `; not ${outside.join(', ')}` : ''}`,
        source: columns.source,
      });
    }
  }
  if (fk.period?.value === true) {
    if (fk.columns.length < 2) {
      problems.push({
        message: 'period: true needs at least two columns, the last of them a range compared with PERIOD',
        source: fk.period.source,
      });
    }
    if ((fk.onDelete ?? 'no action') !== 'no action' || (fk.onUpdate ?? 'no action') !== 'no action') {
      problems.push({
        message: 'period: true allows only "no action" for onDelete and onUpdate (PostgreSQL 18)',
        source: fk.period.source,
      });
    }
  }
  if (fk.enforced?.value === false && fk.notValid?.value === true) {
    problems.push({
      message: 'notValid does not apply to a key with enforced: false (it is never validated); remove it',
      source: fk.notValid.source,
    });
  }
  return problems;
}

/** Names that clash within the dialect's scope (table or schema) or exceed its identifier limit. */
function nameProblems(resolved: readonly ResolvedForeignKey[], dialect: SpecDialect): Problem[] {
  const { constraintNameScope, constraintNamesIgnoreCase, maxIdentifierLength, identifierUnit } =
    dialect.capabilities;
  const problems: Problem[] = [];
  const seen = new Map<string, SourceLocation | undefined>();
  for (const { fk, nameSource } of resolved) {
    if (fk.name === undefined) continue;
    const source = nameSource ?? fk.source;
    const length = dialect.identifierLength(fk.name);
    if (length > maxIdentifierLength) {
      problems.push({
        message: `constraint name "${fk.name}" is ${length} ${identifierUnit} long; ${dialect.name} allows at most ${maxIdentifierLength}`,
        source,
      });
    }
    const scope =
      constraintNameScope === 'table'
        ? `on table ${formatTableRef(fk.table)}`
        : `in schema ${quoteName(fk.table.schema)}`;
    const key = `${scope}\u0000${constraintNamesIgnoreCase ? fk.name.toLowerCase() : fk.name}`;
    if (seen.has(key)) {
      const earlier = seen.get(key);
      const also = earlier === undefined ? '' : ` (also at ${placeOf(earlier, source)})`;
      problems.push({ message: `duplicate constraint name "${fk.name}" ${scope}${also}`, source });
    } else {
      seen.set(key, source);
    }
  }
  return problems;
}

/**
 * Two keys with the same definition where one has no name: the unnamed one would match whichever
 * key of that definition the database holds, so the plan could not tell them apart.
 */
function repeatedDefinitionProblems(resolved: readonly ResolvedForeignKey[]): Problem[] {
  const firstByDefinition = new Map<string, DesiredForeignKey>();
  const problems: Problem[] = [];
  for (const { fk } of resolved) {
    const key = definitionKey(fk);
    const earlier = firstByDefinition.get(key);
    if (earlier === undefined) {
      firstByDefinition.set(key, fk);
    } else if (earlier.name === undefined || fk.name === undefined) {
      const where = earlier.source === undefined ? '' : ` at ${placeOf(earlier.source, fk.source)}`;
      problems.push({
        message: `foreign key (${fk.columns.join(', ')}) repeats the one${where}; name both or remove one`,
        source: fk.source,
      });
    }
  }
  return problems;
}

/** Where `earlier` is, as seen from `here`: the line and column in the same file, else the file too. */
function placeOf(earlier: SourceLocation, here: SourceLocation | undefined): string {
  return here === undefined || earlier.file === here.file
    ? lineAndColumn(earlier)
    : `${earlier.file}:${earlier.line}:${earlier.column}`;
}

function lineAndColumn(location: SourceLocation): string {
  return `line ${location.line}, column ${location.column}`;
}
