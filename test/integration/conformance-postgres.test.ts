import { conformance } from './conformance.js';

conformance({ kind: 'postgres', dialect: 'postgres' });
