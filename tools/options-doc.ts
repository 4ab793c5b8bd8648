/** Writes docs/options.md from the option declarations: `node dist/tools/options-doc.js` (test/options.test.ts checks it is current). */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { optionsReference } from '../src/cli/train.js';

writeFileSync(fileURLToPath(new URL('../../docs/options.md', import.meta.url)), optionsReference());
