/** Rewrites the field table in README.md from the field catalog. */
import { readFileSync, writeFileSync } from 'node:fs';
import { withFieldTable } from '../src/catalog/field-table.ts';

const file = new URL('../README.md', import.meta.url);
writeFileSync(file, withFieldTable(readFileSync(file, 'utf8')));
process.stderr.write('README.md field table updated\n');
