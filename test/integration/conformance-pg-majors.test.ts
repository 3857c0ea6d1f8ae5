import { describe, it } from 'vitest';
import { PG_MAJORS } from '../support/targets.js';
import { conformance } from './conformance.js';

// The version matrix: the whole conformance table on each other supported PostgreSQL major.
for (const server of PG_MAJORS) conformance({ kind: 'postgres', dialect: 'postgres', server });
if (PG_MAJORS.length === 0) {
  describe.skip('conformance on the other PostgreSQL majors (FKDIFF_PG_MAJORS is unset)', () => {
    it('needs `npm run pg-majors -- start`', () => undefined);
  });
}
