import { describe, expect, it } from 'vitest';
import { FkdiffError, formatProblem } from '../../src/errors.js';
import type { ErrorCode } from '../../src/errors.js';
import { parseSpec } from '../../src/spec/index.js';
import { MAX_SPEC_BYTES } from '../../src/spec/source.js';

const FILE = 'fkdiff.yaml';

function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

function failure(text: string): { code: ErrorCode; message: string; problems: string[] } {
  try {
    parseSpec(text, FILE);
  } catch (error) {
    if (!(error instanceof FkdiffError)) throw error;
    return { code: error.code, message: error.message, problems: error.problems.map(formatProblem) };
  }
  throw new Error('expected the spec to be refused');
}

const NOT_CORE = ': a spec uses plain mappings, lists, strings, numbers and booleans';

describe('parseSpec: bounded and well-formed input (refused before validation)', () => {
  it.each([
    [
      '!!set as tables (would read as an empty spec)',
      yaml('version: 1', 'tables: !!set { users }'),
      [`fkdiff.yaml:2:15: the YAML tag "!!set" is not allowed${NOT_CORE}`],
    ],
    [
      '!!omap as tables',
      yaml('version: 1', 'tables: !!omap', '  - users: { foreignKeys: [] }'),
      [`fkdiff.yaml:3:3: the YAML tag "!!omap" is not allowed${NOT_CORE}`],
    ],
    [
      '!!binary and a local tag',
      yaml('version: 1', 'schemas: [!!binary aGk=, !mine public]'),
      [
        `fkdiff.yaml:2:20: the YAML tag "!!binary" is not allowed${NOT_CORE}`,
        `fkdiff.yaml:2:32: the YAML tag "!mine" is not allowed${NOT_CORE}`,
      ],
    ],
    [
      'a NUL in a table name',
      yaml('version: 1', 'tables:', '  "us\\0ers": { foreignKeys: [] }'),
      ['fkdiff.yaml:3:3: a NUL character (\\0) is not allowed in a spec string'],
    ],
    [
      'a lone surrogate in a column name',
      yaml('version: 1', 'tables:', '  users:', '    foreignKeys:', '      - columns: ["a\\ud800"]'),
      [
        'fkdiff.yaml:5:19: a lone UTF-16 surrogate (an unpaired \\uD800-\\uDFFF escape) is not valid Unicode text',
      ],
    ],
    [
      'aliases that expand too far ("billion laughs")',
      yaml(
        'version: 1',
        'a: &a [x, x, x, x, x, x, x, x, x]',
        'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
        'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
        'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
        'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
      ),
      [
        'fkdiff.yaml:3:8: the aliases expand too far (more than 100 alias resolutions): write the values out instead of repeating them through aliases',
      ],
    ],
  ])('refuses %s as SPEC_SYNTAX with its line and column', (_, text, problems) => {
    const result = failure(text);
    expect(result.code).toBe('SPEC_SYNTAX');
    expect(result.problems).toEqual(problems);
  });

  it('keeps the core tags and a properly paired astral character', () => {
    const spec = parseSpec(
      yaml(
        'version: !!int 1',
        'tables:',
        '  "\\U0001F600": { foreignKeys: [] }',
        '  !!str plain: { foreignKeys: [] }',
      ),
      FILE,
    );
    expect(spec.tables.map((table) => table.ref.name)).toEqual(['😀', 'plain']);
  });

  it('refuses a spec over the size limit with SPEC_TOO_LARGE, before parsing it', () => {
    const text = `version: 1\n# ${'x'.repeat(MAX_SPEC_BYTES)}\n`;
    const result = failure(text);
    expect(result.code).toBe('SPEC_TOO_LARGE');
    expect(result.message).toBe(
      'fkdiff.yaml: the spec is 20.0 MiB, over the limit of 20.0 MiB; split it into several files (a directory of spec files, or include:)',
    );
  });
});
