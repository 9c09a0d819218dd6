// The tools `npm run bench` measures the check against, installed from npm into bench/.peers (ignored by
// git) the first time, and reused after. Without the registry the bench says so and goes on without them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as nodePath from 'node:path';
import { BASE_SCHEMA_ID } from '../src/core/schema/schema';

const PEERS_DIR = nodePath.join(__dirname, '.peers');
const REPO = nodePath.resolve(__dirname, '..');

/** Pinned, so that figures of different days compare the same peers. */
const PEERS = { 'ajv-cli': '5.0.0', 'yaml-language-server': '1.25.0' } as const;
type Peer = keyof typeof PEERS;

export interface Peers {
  /** The script of each installed peer (run with `node`), by name. */
  scripts: Partial<Record<Peer, string>>;
  /** Why a peer is missing, when one is. */
  unavailable?: string;
}

const SCRIPTS: Record<Peer, string> = {
  'ajv-cli': 'node_modules/ajv-cli/dist/index.js',
  'yaml-language-server': 'node_modules/yaml-language-server/bin/yaml-language-server',
};

function installedVersion(peer: Peer): string | undefined {
  try {
    const manifest = nodePath.join(PEERS_DIR, 'node_modules', peer, 'package.json');
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  } catch {
    return undefined;
  }
}

let found: Peers | undefined;

/** Installs the peers once (npm, into bench/.peers); later calls and later runs reuse them. */
export function ensurePeers(): Peers {
  if (found) return found;
  const missing = (Object.keys(PEERS) as Peer[]).filter((peer) => installedVersion(peer) !== PEERS[peer]);
  let unavailable: string | undefined;
  if (missing.length > 0) {
    mkdirSync(PEERS_DIR, { recursive: true });
    const manifest = nodePath.join(PEERS_DIR, 'package.json');
    if (!existsSync(manifest))
      writeFileSync(manifest, `${JSON.stringify({ name: 'bench-peers', private: true }, null, 2)}\n`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const run = spawnSync(
      npm,
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--no-save',
        '--prefix',
        PEERS_DIR,
        ...missing.map((peer) => `${peer}@${PEERS[peer]}`),
      ],
      { encoding: 'utf8', timeout: 180_000 },
    );
    if (run.status !== 0)
      unavailable = `npm could not install ${missing.join(', ')} (${(run.error?.message ?? run.stderr ?? '').trim().split('\n').pop()})`;
  }
  const scripts: Peers['scripts'] = {};
  for (const peer of Object.keys(PEERS) as Peer[])
    if (installedVersion(peer) !== undefined) scripts[peer] = nodePath.join(PEERS_DIR, SCRIPTS[peer]);
  found = { scripts, unavailable };
  return found;
}

export const BASE_SCHEMA_FILE = nodePath.join(REPO, 'schemas', 'study-record.schema.json');

/**
 * What a record must satisfy, as one schema for tools that take a schema file: the base and the review's
 * schema, both by `$id`, as the check compiles them (ajv-cli is given the two as referenced schemas).
 */
export function writeCombinedSchema(dir: string, reviewSchemaFile: string): string {
  const reviewSchema = JSON.parse(readFileSync(reviewSchemaFile, 'utf8')) as { $id: string };
  const file = nodePath.join(dir, 'combined.schema.json');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    file,
    JSON.stringify({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'https://study-extraction.dev/bench/combined.schema.json',
      allOf: [{ $ref: BASE_SCHEMA_ID }, { $ref: reviewSchema.$id }],
    }),
  );
  return file;
}

/**
 * The same schemas in one self-contained file, for a language server that would otherwise fetch the base
 * by its `$id`: the base goes under `$defs`, and every reference to it (or inside it) points there.
 */
export function writeBundledSchema(dir: string, reviewSchemaFile: string): string {
  const base = JSON.parse(readFileSync(BASE_SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
  const review = JSON.parse(readFileSync(reviewSchemaFile, 'utf8')) as Record<string, unknown>;
  const BASE_DEF = '#/$defs/study-record-base';
  const rewrite = (node: unknown, inBase: boolean): unknown => {
    if (Array.isArray(node)) return node.map((item) => rewrite(item, inBase));
    if (typeof node !== 'object' || node === null) return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        if (value.startsWith(BASE_SCHEMA_ID)) out.$ref = BASE_DEF + value.slice(BASE_SCHEMA_ID.length + 1);
        else if (inBase && value.startsWith('#')) out.$ref = BASE_DEF + value.slice(1);
        else out.$ref = value;
      } else out[key] = rewrite(value, inBase);
    }
    return out;
  };
  const { $id: _baseId, $schema: _baseDialect, ...baseBody } = base;
  const bundled = rewrite(review, false) as Record<string, unknown>;
  delete bundled.$id;
  bundled.$defs = {
    ...((bundled.$defs as Record<string, unknown> | undefined) ?? {}),
    'study-record-base': rewrite(baseBody, true),
  };
  bundled.allOf = [...((bundled.allOf as unknown[] | undefined) ?? []), { $ref: BASE_DEF }];
  const file = nodePath.join(dir, 'bundled.schema.json');
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, JSON.stringify(bundled, null, 2));
  return file;
}
