import { conformance } from './conformance.js';

conformance({ kind: 'pglite', dialect: 'postgres' });
