// The content-hash cache of `study-extract check --cache`: each record's diagnostics (and what the analyses
// of review.yaml may refer to in it), kept under a hash of its bytes, in one file inside the review. Every
// entry belongs to one state of the inputs that decide every record's diagnostics (the tool, review.yaml,
// the extraction schema): when any of them changes, no entry is used. Whatever is wrong with the file, it
// is read as no cache: a check with it gives exactly what a check without it gives.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import type { Diagnostic } from '../core/common/diagnostic';
import type { FileReport, RecordUsage } from '../core/workspace/check';
import { replaceFile } from './atomicWrite';

/** The cache folder, relative to the review folder (left out of git by the .gitignore `init` writes). */
export const CACHE_FOLDER = '.study-extract-cache';
const CACHE_FILE = 'check.json';
const FORMAT = 1;

export function contentHash(...parts: (string | Uint8Array)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) {
    hash.update(String(typeof part === 'string' ? part.length : part.byteLength));
    hash.update(':');
    hash.update(part);
  }
  return hash.digest('hex');
}

interface Entry {
  hash: string;
  diagnostics: Diagnostic[];
  usage?: RecordUsage;
}

export class CheckCache {
  private readonly fresh = new Map<string, string>();
  private changed = false;

  private constructor(
    private readonly file: string,
    /** The hash of everything besides a record's own bytes that decides its diagnostics. */
    private readonly key: string,
    private readonly entries: Map<string, Entry>,
  ) {}

  /**
   * The cache of the review in `root` for inputs hashed as `key`. An entry made under another key, or a
   * file that is missing, unreadable, not a regular file or not what this version writes, gives none.
   */
  static open(root: string, key: string): CheckCache {
    const file = nodePath.join(root, CACHE_FOLDER, CACHE_FILE);
    return new CheckCache(file, key, readEntries(file, key));
  }

  /** The report of the record at `path` (relative) whose bytes hash to `hash`, if one was kept. */
  lookup(path: string, hash: string): FileReport | undefined {
    const entry = this.entries.get(path);
    if (!entry || entry.hash !== hash) return undefined;
    this.fresh.set(path, JSON.stringify(entry));
    // JSON writes an outcome without a type as null; the check's own reports say undefined.
    const usage = entry.usage && {
      groups: entry.usage.groups,
      outcomes: entry.usage.outcomes.map(([id, type]): [string, string | undefined] => [
        id,
        type ?? undefined,
      ]),
    };
    return { path, diagnostics: entry.diagnostics, usage };
  }

  /** Keeps the report of a record checked from bytes that hash to `hash`. */
  store(hash: string, report: FileReport): void {
    const entry: Entry = { hash, diagnostics: report.diagnostics, usage: report.usage };
    this.fresh.set(report.path, JSON.stringify(entry));
    this.changed = true;
  }

  /**
   * Writes the entries looked up or stored in this run (records gone from the review are dropped), when
   * anything changed. A cache that cannot be written is left as it is: the check's results stand.
   */
  save(): void {
    if (!this.changed && this.fresh.size === this.entries.size) return;
    const paths = [...this.fresh.keys()].sort();
    const body = paths.map((path) => `${JSON.stringify(path)}:${this.fresh.get(path)!}`).join(',\n');
    const text = `{"format":${FORMAT},"key":${JSON.stringify(this.key)},"entries":{\n${body}\n}}\n`;
    try {
      const folder = nodePath.dirname(this.file);
      const stat = fs.lstatSync(folder, { throwIfNoEntry: false });
      // A link could lead the writes out of the review: only a real folder is written into.
      if (stat && !stat.isDirectory()) return;
      if (!stat) fs.mkdirSync(folder);
      replaceFile(this.file, text);
    } catch {
      // Read-only review, a full disk, a name taken by something else: checking does not depend on it.
    }
  }
}

function readEntries(file: string, key: string): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  try {
    const folder = fs.lstatSync(nodePath.dirname(file), { throwIfNoEntry: false });
    const stat = fs.lstatSync(file, { throwIfNoEntry: false });
    if (!folder?.isDirectory() || !stat?.isFile()) return entries;
    const data: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (!isObject(data) || data.format !== FORMAT || data.key !== key || !isObject(data.entries))
      return entries;
    for (const [path, entry] of Object.entries(data.entries)) if (isEntry(entry)) entries.set(path, entry);
  } catch {
    // Not JSON, unreadable: no entry.
  }
  return entries;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const SEVERITIES = new Set(['error', 'warning', 'information']);
const isCount = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= 0;
const isPosition = (value: unknown) => isObject(value) && isCount(value.line) && isCount(value.character);
const isStrings = (value: unknown) => Array.isArray(value) && value.every((s) => typeof s === 'string');

/** An entry as `store` writes it; anything else (a hand edit, a truncated write) is not used. */
function isEntry(value: unknown): value is Entry {
  if (!isObject(value) || typeof value.hash !== 'string' || !Array.isArray(value.diagnostics)) return false;
  const diagnosticsOk = value.diagnostics.every(
    (d) =>
      isObject(d) &&
      typeof d.severity === 'string' &&
      SEVERITIES.has(d.severity) &&
      typeof d.message === 'string' &&
      typeof d.code === 'string' &&
      isObject(d.range) &&
      isPosition(d.range.start) &&
      isPosition(d.range.end) &&
      (d.data === undefined || isObject(d.data)) &&
      (d.related === undefined || Array.isArray(d.related)),
  );
  if (!diagnosticsOk) return false;
  if (value.usage === undefined) return true;
  const usage = value.usage;
  return (
    isObject(usage) &&
    isStrings(usage.groups) &&
    Array.isArray(usage.outcomes) &&
    usage.outcomes.every(
      (o) =>
        Array.isArray(o) &&
        o.length === 2 &&
        typeof o[0] === 'string' &&
        (o[1] === null || o[1] === undefined || typeof o[1] === 'string'),
    )
  );
}
