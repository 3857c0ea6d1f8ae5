import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../src/db/redact.js';

/** A secret as people pick them: printable, `@` and `:` included, nothing that ends a URL's authority. */
const secret = fc
  .string({ unit: fc.constantFrom(...Array.from('abcXYZ019@:!$%&*()+,;=~-_.')), minLength: 6, maxLength: 24 })
  .filter((text) => /[a-zA-Z0-9]{3}/u.test(text) && !text.includes('***'));

const scheme = fc.constantFrom('postgres', 'postgresql', 'mysql', 'mariadb');
const words = fc.string({ unit: fc.constantFrom(...Array.from('ab :,()\n')), maxLength: 20 });

describe('secret redaction', () => {
  it('hides the password of any URL in any message, a raw @ in it included', () => {
    fc.assert(
      fc.property(words, scheme, secret, words, (before, kind, password, after) => {
        const text = `${before}${kind}://app:${password}@db.example:5432/shop${after}`;
        const shown = redactSecrets(text);
        expect(shown).not.toContain(password);
        expect(shown).toContain(`${kind}://app:***@db.example:5432/shop`);
      }),
    );
  });

  it('hides a password given as a parameter, in a URL or as a keyword', () => {
    fc.assert(
      fc.property(
        secret.filter((text) => !/[&;#]/u.test(text)),
        (password) => {
          const query = redactSecrets(
            `cannot connect to postgres://app@h/db?sslmode=require&password=${password}`,
          );
          expect(query).toBe('cannot connect to postgres://app@h/db?sslmode=require&password=***');
          expect(redactSecrets(`host=h password=${password} dbname=x`)).toBe('host=h password=*** dbname=x');
        },
      ),
    );
  });

  it('leaves text without secrets as it is', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        fc.pre(!text.includes('@') && !/password=/iu.test(text));
        expect(redactSecrets(text)).toBe(text);
      }),
    );
  });

  it('reads a megabyte of hostile text in one pass', () => {
    const hostile = `${'x://a:'.repeat(100_000)}@${'@'.repeat(100_000)}${'a://'.repeat(100_000)}`;
    const shown = redactSecrets(hostile);
    expect(shown.length).toBeLessThanOrEqual(hostile.length + 3);
  });
});
