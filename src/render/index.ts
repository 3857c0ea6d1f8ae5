/** Plan → string, one module per output format. Every renderer is pure and deterministic. */
export type OutputFormat = 'text' | 'sql' | 'json' | 'markdown' | 'sequelize-migration';

export { renderText } from './text.js';
export type { TextOptions } from './text.js';
export { renderSql } from './sql.js';
export type { SqlOptions } from './sql.js';
export { renderMarkdown } from './markdown.js';
export type { MarkdownOptions } from './markdown.js';
export type { SettingHint } from './describe.js';
export { escapeUnsafe } from './display.js';
export { migrationFileName, renderSequelizeMigration } from './sequelize-migration.js';
export type { SequelizeMigrationOptions } from './sequelize-migration.js';
