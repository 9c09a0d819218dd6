// Prints the README's tables of diagnostic codes, generated from src/core/common/diagnosticCodes.ts; with
// --write, rewrites them in README.md between <!-- codes:start --> and <!-- codes:end -->.
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { diagnosticCodesMarkdown, withCodesTable } from '../src/core/common/diagnosticCodes';

const README = path.join(__dirname, '..', 'README.md');

if (process.argv.includes('--write')) {
  const updated = withCodesTable(readFileSync(README, 'utf8'));
  if (updated === undefined) {
    process.stderr.write('README.md has no <!-- codes:start --> … <!-- codes:end --> section.\n');
    process.exit(1);
  }
  writeFileSync(README, updated);
} else {
  process.stdout.write(diagnosticCodesMarkdown());
}
