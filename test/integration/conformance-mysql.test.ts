import { conformance } from './conformance.js';

conformance({ kind: 'mysql', dialect: 'mysql' });
