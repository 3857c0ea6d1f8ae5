/** The spec stage: YAML with positions → validated RawSpec → Spec resolved for one database; and back. */
export { compileExclude, isExcluded } from './exclude.js';
export type { TableMatcher } from './exclude.js';
export { parseSpec } from './parse.js';
export type { Located, RawForeignKey, RawSpec, RawTable } from './parse.js';
export { resolveSpec } from './resolve.js';
export type { ResolveContext, Spec, SpecDialect } from './resolve.js';
export { SCHEMA_ID } from './schema.js';
export { formatTableRef, parseTableRef } from './table-ref.js';
export type { ParsedTableRef } from './table-ref.js';
export { loadSpec } from './load.js';
export type { ReadSpecText } from './load.js';
export { SPLIT_BY, writeSpec, writeSplitSpec } from './write.js';
export type { SpecFileText, SplitBy, WriteOptions } from './write.js';
