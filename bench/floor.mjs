// The floor of `study-extract check` (run by bench/run.ts as a process of its own): what reading every
// record with js-yaml, the fast reader the check is built on, and validating it with one compiled ajv
// validator costs, with nothing else. Usage: node bench/floor.mjs <review-dir> <base-schema.json>
import { readdirSync, readFileSync } from 'node:fs';
import * as nodePath from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { load } = require('js-yaml');
const Ajv2020 = require('ajv/dist/2020').default;

const [root, baseFile] = process.argv.slice(2);
const base = JSON.parse(readFileSync(baseFile, 'utf8'));
const review = JSON.parse(readFileSync(nodePath.join(root, 'schemas', 'extraction.schema.json'), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: false });
ajv.addSchema(base);
ajv.addSchema(review);
const validate = ajv.compile({ allOf: [{ $ref: base.$id }, { $ref: review.$id }] });

let files = 0;
let invalid = 0;
const records = nodePath.join(root, 'records');
for (const reviewer of readdirSync(records).sort()) {
  for (const name of readdirSync(nodePath.join(records, reviewer)).sort()) {
    if (!name.endsWith('.study.yaml')) continue;
    files++;
    if (!validate(load(readFileSync(nodePath.join(records, reviewer, name), 'utf8')))) invalid++;
  }
}
process.stdout.write(`${JSON.stringify({ files, invalid })}\n`);
