/**
 * The yaml library, loaded the first time it is needed. Specs in the plain subset are read and
 * written without it (fast-yaml.ts, write.ts); loading it costs a large plan more than the rest of
 * reading its spec. It ships CommonJS too, so it loads synchronously, where it is needed.
 */
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

type YamlLibrary = typeof Yaml;

let loaded: YamlLibrary | undefined;

export function yamlLibrary(): YamlLibrary {
  loaded ??= createRequire(import.meta.url)('yaml') as YamlLibrary;
  return loaded;
}
