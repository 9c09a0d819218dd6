import { readFileSync, statSync } from 'node:fs';
import * as nodePath from 'node:path';
import type { FileReport, RecordChecker } from '../core/workspace/check';
import { YAML_LIMITS } from '../core/yaml/yamlDocument';
import { CheckCache, contentHash } from '../node/checkCache';
import { parallelRecordChecker } from './parallelCheck';

/** A regular file's bytes, unless it is too large to be checked (then the check itself says so). */
function readBytes(path: string): Uint8Array | undefined {
  try {
    const stat = statSync(path);
    if (!stat.isFile() || stat.size > YAML_LIMITS.maxLength * 4) return undefined;
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return a === undefined || b === undefined ? a === b : Buffer.compare(a, b) === 0;
}

/**
 * `check --cache`: each record is read once and hashed; a record whose hash is in the review's cache takes
 * its kept report, the others are checked (on threads when they are many) from the bytes hashed. The
 * cache's key is the tool (`toolId`: its version and the hash of its code), review.yaml as the review
 * read it, and the extraction schema's path, use and bytes: whatever besides its own text and path
 * decides a record's diagnostics. Reports that span records (a consensus record's open disagreements, the
 * analyses checked against every record) are computed afresh from these.
 */
export function cachedRecordChecker(script: string, toolId: string): RecordChecker {
  return async (review, records) => {
    const schemaFile = nodePath.join(review.root, review.schemaPath);
    const schemaBytes = readBytes(schemaFile);
    const key = contentHash(
      toolId,
      review.reviewFile?.text ?? '\0unread',
      review.schemaPath,
      review.usesReviewSchema ? 'review schema' : 'base schema only',
      schemaBytes ?? '\0unread',
    );
    const cache = CheckCache.open(review.root, key);
    const reports: FileReport[] = new Array<FileReport>(records.length);
    const texts = new Map<string, Uint8Array>();
    const hashes = new Map<string, string>();
    const misses: number[] = [];
    records.forEach((record, index) => {
      const full = nodePath.join(review.root, record.path);
      const bytes = readBytes(full);
      const hash = bytes && contentHash(record.path, bytes);
      const kept = hash && cache.lookup(record.path, hash);
      if (kept) {
        reports[index] = kept;
        return;
      }
      if (bytes && hash) {
        texts.set(full, bytes);
        hashes.set(record.path, hash);
      }
      misses.push(index);
    });
    const checked = await parallelRecordChecker(script, { texts })(
      review,
      misses.map((index) => records[index]!),
    );
    checked.forEach((report, j) => {
      reports[misses[j]!] = report;
      const hash = hashes.get(report.path);
      if (hash) cache.store(hash, report);
    });
    // A schema edited while the records were checked: what was checked belongs to no state worth keeping.
    if (sameBytes(schemaBytes, readBytes(schemaFile))) cache.save();
    return reports;
  };
}
