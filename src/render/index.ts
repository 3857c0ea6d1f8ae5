/** Plan → string, one module per output format. Every renderer is pure and deterministic. */
export type OutputFormat = 'text' | 'sql' | 'json' | 'markdown';

export { renderText } from './text.js';
export type { TextOptions } from './text.js';
export { renderSql } from './sql.js';
export type { SqlOptions } from './sql.js';
export { renderMarkdown } from './markdown.js';
export type { MarkdownOptions } from './markdown.js';
export type { SettingHint } from './describe.js';
export { escapeUnsafe } from './display.js';
