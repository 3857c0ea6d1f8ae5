/**
 * 2,000 generated documents through the public parse and offline validation: each either passes or
 * fails cleanly, with a coded FkdiffError whose message (and each problem) is one line; never a crash,
 * another error type, or a hang (the run is bounded by the test's time limit).
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { printable } from '../../src/cli/io.js';
import { FkdiffError, formatProblem } from '../../src/errors.js';
import { checkSpecOffline } from '../../src/pipeline.js';
import { parseSpec } from '../../src/spec/index.js';

const name = fc.oneof(
  fc.constantFrom('users', 'orgs', 'public.users', '"a.b".c', 'x"y', '', ' ', '*', 'a\nb', '\u001b[31m'),
  fc.string({ maxLength: 12 }),
);
const action = fc.oneof(
  fc.constantFrom('cascade', 'set null', 'no action', 'restrict', 'set default (a)'),
  fc.string(),
);
const scalar = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.double(),
);

const foreignKey = fc.record(
  {
    name,
    columns: fc.oneof(fc.array(name, { maxLength: 3 }), scalar),
    references: fc.oneof(
      fc.record({ table: name, columns: fc.array(name, { maxLength: 3 }) }, { requiredKeys: [] }),
      name.map((table) => `${table}(id)`),
      scalar,
    ),
    onDelete: action,
    onUpdate: action,
    deferrable: scalar,
    notValid: scalar,
    match: fc.oneof(fc.constantFrom('simple', 'full', 'partial'), scalar),
  },
  { requiredKeys: [] },
);

const specDocument = fc.record(
  {
    version: fc.oneof(fc.constant(1), scalar),
    schemas: fc.oneof(fc.array(name, { maxLength: 3 }), scalar),
    tables: fc.oneof(
      fc.dictionary(
        name,
        fc.oneof(fc.record({ foreignKeys: fc.array(foreignKey, { maxLength: 3 }) }), scalar),
        {
          maxKeys: 4,
        },
      ),
      scalar,
    ),
    exclude: fc.oneof(fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }), scalar),
    policy: fc.oneof(
      fc.record({ denyHazards: fc.array(fc.string({ maxLength: 12 }), { maxLength: 2 }) }),
      scalar,
    ),
  },
  { requiredKeys: [] },
);

/** Valid-looking specs, raw text with YAML's punctuation, and specs with a line damaged. */
const documents = fc.oneof(
  specDocument.map((document) => stringify(document)),
  fc.string({ unit: fc.constantFrom(...Array.from('ab:-[]{}&*!|>\'"#%@` \n\t,?')), maxLength: 80 }),
  fc.tuple(specDocument, fc.nat(), fc.string({ maxLength: 6 })).map(([document, at, junk]) => {
    const lines = stringify(document).split('\n');
    lines.splice(at % (lines.length + 1), 0, junk);
    return lines.join('\n');
  }),
);

function outcome(text: string): 'valid' | 'refused' {
  try {
    checkSpecOffline(parseSpec(text, 'fuzz.yaml'));
    return 'valid';
  } catch (error) {
    if (!(error instanceof FkdiffError)) throw error;
    expect(error.code).toMatch(/^[A-Z_]+$/u);
    // As the CLI prints them: every line escaped (raw names in messages are escaped there).
    expect(printable(error.message)).not.toMatch(/\p{Cc}/u);
    for (const problem of error.problems) expect(printable(formatProblem(problem))).not.toMatch(/\p{Cc}/u);
    return 'refused';
  }
}

describe('fuzzed specs fail cleanly', () => {
  it('2,000 generated documents: each valid, or refused with a coded one-line error', () => {
    const seen = { valid: 0, refused: 0 };
    fc.assert(
      fc.property(documents, (text) => {
        seen[outcome(text)] += 1;
      }),
      { numRuns: 2000, seed: 10 },
    );
    expect(seen.valid + seen.refused).toBe(2000);
    expect(seen.refused).toBeGreaterThan(0);
  }, 60_000);
});
