/**
 * Sequelize models → the desired keys, exactly as `sync()` creates them: the same RawSpec the YAML
 * stage produces, so the rest of the pipeline does not know where the spec came from. Pure: it reads
 * the models' metadata, in which Sequelize has already settled each association's key and rules.
 */
import type { Model, ModelAttributeColumnOptions, ModelStatic, Sequelize } from 'sequelize';
import type { Engine } from '../engines/engine.js';
import { FkdiffError } from '../errors.js';
import { REFERENTIAL_ACTIONS, type ReferentialAction, type SourceLocation } from '../model/catalog.js';
import { escapeUnsafe } from '../render/display.js';
import type { RawForeignKey, RawSpec, RawTable } from '../spec/parse.js';
import type { ParsedTableRef } from '../spec/table-ref.js';

export interface ModelsSpecOptions {
  /** The module's name, for messages and as the spec's file. */
  readonly module: string;
  /** The engine serving the instance's dialect: it names the keys the server creates. */
  readonly engine: Pick<Engine, 'sequelize' | 'capabilities'>;
  /** The connection's current schema: governed along with every schema a model names. */
  readonly defaultSchema: string;
  /** Also declare the keys of associations with `constraints: false`, which `sync()` leaves out. */
  readonly includeUnconstrained: boolean;
}

type AnyModel = ModelStatic<Model>;
type TableName =
  string | { readonly tableName: string; readonly schema?: string; readonly delimiter?: string };

/** The parts of Sequelize's association objects read here (they are not in its typings). */
interface AssociationMeta {
  readonly associationType: string;
  readonly source: AnyModel;
  readonly target: AnyModel;
  readonly foreignKey: string;
  readonly options: {
    readonly constraints?: boolean;
    readonly onDelete?: string;
    readonly onUpdate?: string;
  };
  readonly identifierField?: string;
  readonly foreignIdentifierField?: string;
  readonly targetKeyField?: string;
  readonly sourceKeyField?: string;
  readonly through?: { readonly model: AnyModel };
}

interface Context extends ModelsSpecOptions {
  /** Whether Sequelize treats `schema` as a real schema; elsewhere it prefixes the table name. */
  readonly schemas: boolean;
  readonly source: SourceLocation;
}

function invalid(context: Pick<Context, 'module'>, message: string): FkdiffError {
  return new FkdiffError('MODELS_INVALID', `${escapeUnsafe(context.module)}: ${escapeUnsafe(message)}`);
}

function tableRef(name: TableName, context: Context): ParsedTableRef {
  if (typeof name === 'string') return { schema: undefined, name };
  if (name.schema === undefined || name.schema === '') return { schema: undefined, name: name.tableName };
  return context.schemas
    ? { schema: name.schema, name: name.tableName }
    : { schema: undefined, name: `${name.schema}${name.delimiter ?? '.'}${name.tableName}` };
}

function modelTable(model: AnyModel, context: Context): ParsedTableRef {
  return tableRef(model.getTableName(), context);
}

function readAction(value: unknown, where: string, context: Context): ReferentialAction | undefined {
  if (value === undefined || value === null) return undefined;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const action = text.trim().toLowerCase().replace(/\s+/g, ' ');
  const known = REFERENTIAL_ACTIONS.find((candidate) => candidate === action);
  if (known === undefined) {
    throw invalid(context, `${where}: unknown referential action ${text}`);
  }
  return known;
}

interface KeyDraft {
  readonly name: string | undefined;
  readonly column: string;
  readonly referencedTable: ParsedTableRef;
  readonly referencedColumn: string;
  readonly onDelete: ReferentialAction | undefined;
  readonly onUpdate: ReferentialAction | undefined;
  readonly deferral?: Deferral | undefined;
}

interface Deferral {
  readonly deferrable: boolean;
  readonly initiallyDeferred: boolean;
}

/** `references.deferrable` (PostgreSQL's generator writes it; MySQL's ignores it), by its SQL. */
function readDeferral(value: unknown, context: Context): Deferral | undefined {
  const given = typeof value === 'function' || (typeof value === 'object' && value !== null);
  if (!context.engine.capabilities.deferrable || !given) return undefined;
  let sql: unknown;
  try {
    sql = (value as { toString(): unknown }).toString();
  } catch {
    // SET_DEFERRED / SET_IMMEDIATE need a query generator: they are for transactions, not keys.
    return undefined;
  }
  switch (sql) {
    case 'DEFERRABLE INITIALLY DEFERRED':
      return { deferrable: true, initiallyDeferred: true };
    case 'DEFERRABLE INITIALLY IMMEDIATE':
      return { deferrable: true, initiallyDeferred: false };
    default:
      return undefined;
  }
}

function rawKey(draft: KeyDraft, context: Context): RawForeignKey {
  const { source } = context;
  return {
    source,
    name: draft.name === undefined ? undefined : { value: draft.name, source },
    columns: [draft.column],
    referencedTable: draft.referencedTable,
    referencedColumns: [draft.referencedColumn],
    onDelete: draft.onDelete,
    onUpdate: draft.onUpdate,
    deferrable: draft.deferral === undefined ? undefined : { value: draft.deferral.deferrable, source },
    initiallyDeferred:
      draft.deferral === undefined ? undefined : { value: draft.deferral.initiallyDeferred, source },
    match: undefined,
    notValid: undefined,
  };
}

/** What `REFERENCES` clause an attribute makes in CREATE TABLE (Sequelize's query generators). */
function referencedTable(
  references: NonNullable<ModelAttributeColumnOptions['references']>,
  owning: ParsedTableRef,
  context: Context,
): ParsedTableRef {
  const target = typeof references === 'string' ? references : references.model;
  if (target === undefined) return { schema: undefined, name: owning.name };
  const name: TableName = typeof target === 'function' ? (target as AnyModel).getTableName() : target;
  // An unqualified name is resolved in the owning table's schema, as the spec reads it too.
  return tableRef(name, context);
}

/** The keys `sync()` declares for a model: one per attribute with `references`, in attribute order. */
function syncedKeys(model: AnyModel, context: Context): RawForeignKey[] {
  const owning = modelTable(model, context);
  const keys: RawForeignKey[] = [];
  for (const [attribute, options] of Object.entries(model.getAttributes())) {
    const references = options.references;
    if (references === undefined) continue;
    const where = `${model.name}.${attribute}`;
    const column = options.field ?? attribute;
    const key = typeof references === 'string' ? undefined : references.key;
    const draft: KeyDraft = {
      name: context.engine.sequelize.syncConstraintName(owning.name, column, keys.length + 1),
      column,
      referencedTable: referencedTable(references, owning, context),
      referencedColumn: key ?? 'id',
      onDelete: readAction(options.onDelete, where, context),
      onUpdate: readAction(options.onUpdate, where, context),
      deferral: typeof references === 'string' ? undefined : readDeferral(references.deferrable, context),
    };
    keys.push(rawKey(draft, context));
  }
  return keys;
}

function fieldOf(model: AnyModel, attribute: string): string {
  return model.getAttributes()[attribute]?.field ?? attribute;
}

interface OwnedKey {
  readonly owner: AnyModel;
  readonly draft: KeyDraft;
}

/** The key an association with `constraints: false` stands for: what `sync()` would have made. */
function unconstrainedKeys(association: AssociationMeta, context: Context): OwnedKey[] {
  const { source, target, options } = association;
  const where = `${source.name}.${association.associationType}(${target.name})`;
  const rules = {
    onDelete: readAction(options.onDelete, where, context),
    onUpdate: readAction(options.onUpdate, where, context),
  };
  const key = (owner: AnyModel, column: string, to: AnyModel, toColumn: string | undefined): OwnedKey => ({
    owner,
    draft: {
      name: undefined,
      column,
      referencedTable: modelTable(to, context),
      referencedColumn: toColumn ?? to.primaryKeyAttribute,
      ...rules,
    },
  });
  switch (association.associationType) {
    case 'BelongsTo':
      return [key(source, fieldOf(source, association.foreignKey), target, association.targetKeyField)];
    case 'HasOne':
    case 'HasMany':
      return [key(target, fieldOf(target, association.foreignKey), source, association.sourceKeyField)];
    case 'BelongsToMany': {
      const through = association.through?.model;
      if (through === undefined) return [];
      return [
        key(
          through,
          association.identifierField ?? association.foreignKey,
          source,
          association.sourceKeyField,
        ),
        key(through, association.foreignIdentifierField ?? '', target, association.targetKeyField),
      ];
    }
    default:
      throw invalid(context, `${where}: unknown association type`);
  }
}

function associationsOf(model: AnyModel): AssociationMeta[] {
  return Object.values(model.associations) as unknown as AssociationMeta[];
}

/** An association whose target (or `through` model) is not one of this instance's models. */
function checkTargets(models: readonly AnyModel[], context: Context): void {
  const known = new Set(models);
  for (const model of models) {
    for (const association of associationsOf(model)) {
      const missing = [association.target, association.through?.model].find(
        (other) => other !== undefined && !known.has(other),
      );
      if (missing !== undefined) {
        throw invalid(
          context,
          `${model.name}.${association.associationType}(${missing.name}): model ${missing.name} is not defined on this Sequelize instance`,
        );
      }
    }
  }
}

const tableId = (ref: ParsedTableRef): string => JSON.stringify([ref.schema ?? null, ref.name]);

function extraKeys(models: readonly AnyModel[], synced: Map<AnyModel, RawForeignKey[]>, context: Context) {
  const owned = models
    .flatMap((model) => associationsOf(model))
    .filter((association) => association.options.constraints === false)
    .flatMap((association) => unconstrainedKeys(association, context));
  const seen = new Set<string>();
  for (const { owner, draft } of owned) {
    const keys = synced.get(owner) ?? [];
    const id = `${modelTable(owner, context).name}\u0000${draft.column}`;
    // Declared from both sides, or already made by a constrained association on the same column.
    if (seen.has(id) || keys.some((key) => key.columns[0] === draft.column)) continue;
    seen.add(id);
    synced.set(owner, [...keys, rawKey(draft, context)]);
  }
}

/** The instance's models as a spec: the keys `sync()` creates on its dialect, with their names. */
export function modelsSpec(sequelize: Sequelize, options: ModelsSpecOptions): RawSpec {
  const supports = (sequelize as unknown as { dialect: { supports: { schemas?: boolean } } }).dialect
    .supports;
  const context: Context = {
    ...options,
    schemas: supports.schemas === true,
    source: { file: options.module, line: 1, column: 1 },
  };
  const models = Object.values(sequelize.models) as AnyModel[];
  checkTargets(models, context);
  const synced = new Map(models.map((model) => [model, syncedKeys(model, context)]));
  if (options.includeUnconstrained) extraKeys(models, synced, context);
  const tables: RawTable[] = [...synced]
    .filter(([, keys]) => keys.length > 0)
    .map(([model, foreignKeys]) => ({ ref: modelTable(model, context), source: context.source, foreignKeys }))
    .sort((a, b) => tableId(a.ref).localeCompare(tableId(b.ref)));
  const named = [
    ...new Set(tables.flatMap((table) => (table.ref.schema === undefined ? [] : [table.ref.schema]))),
  ];
  const others = named.filter((schema) => schema !== options.defaultSchema).sort();
  return {
    file: options.module,
    schemas: named.length === 0 ? undefined : [options.defaultSchema, ...others],
    tables,
    exclude: [],
    denyHazards: [],
  };
}
