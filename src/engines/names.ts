/** The engines fkdiff knows, by the name plans and catalogs carry; registry.ts gives each its Engine. */
export const ENGINE_NAMES = ['postgres', 'mysql'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/** An unpaired UTF-16 surrogate: not Unicode text, which no server stores as it is. */
export const LONE_SURROGATE = /\p{Cs}/u;
