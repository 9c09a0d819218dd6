import type { EntryKind, ReviewFileSystem } from './fileSystem';

/** A `records` template of review.yaml, e.g. `records/{reviewer}/{study}.study.yaml`. */
export interface RecordTemplate {
  source: string;
  segments: string[];
  hasStudy: boolean;
  hasReviewer: boolean;
}

export const DEFAULT_RECORDS_TEMPLATE = 'records/{reviewer}/{study}.study.yaml';
const PLACEHOLDER = /\{(reviewer|study)\}/g;

export type TemplateProblem =
  'empty' | 'absolute' | 'outside' | 'unknown-placeholder' | 'repeated-placeholder';

export function parseRecordTemplate(source: string): {
  template?: RecordTemplate;
  problem?: TemplateProblem;
  detail?: string;
} {
  const normalized = source.trim().replace(/\\/g, '/');
  if (normalized === '') return { problem: 'empty' };
  if (normalized.startsWith('/') || /^[A-Za-z]:/.test(normalized)) return { problem: 'absolute' };
  const segments = normalized.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) return { problem: 'outside' };
  const unknown = /\{(?!reviewer\}|study\})[^}]*\}/.exec(normalized);
  if (unknown) return { problem: 'unknown-placeholder', detail: unknown[0] };
  for (const name of ['reviewer', 'study']) {
    if ((normalized.match(new RegExp(`\\{${name}\\}`, 'g')) ?? []).length > 1)
      return { problem: 'repeated-placeholder', detail: `{${name}}` };
  }
  return {
    template: {
      source: normalized,
      segments,
      hasStudy: normalized.includes('{study}'),
      hasReviewer: normalized.includes('{reviewer}'),
    },
  };
}

/** The relative path of a record in the template's layout. */
export function recordPath(template: RecordTemplate, reviewer: string, study: string): string {
  return template.segments
    .join('/')
    .replace(PLACEHOLDER, (_, name: string) => (name === 'reviewer' ? reviewer : study));
}

function segmentPattern(segment: string): RegExp | undefined {
  if (!segment.includes('{')) return undefined;
  const parts = segment.split(/(\{reviewer\}|\{study\})/);
  const source = parts
    .map((part) =>
      part === '{reviewer}'
        ? '(?<reviewer>[^/]+?)'
        : part === '{study}'
          ? '(?<study>[^/]+?)'
          : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${source}$`, 'u');
}

export interface FoundRecord {
  /** Relative to the review folder, with `/` separators. */
  path: string;
  reviewer?: string;
  study?: string;
}

export interface SkippedPath {
  path: string;
  reason: 'outside-review' | 'not-a-file';
  detail?: string;
}

/**
 * Lists the record files that match the template below `root`. A path that leaves the review folder
 * through a symlink is reported, never read.
 */
export async function findRecordFiles(
  root: string,
  template: RecordTemplate,
  fs: ReviewFileSystem,
  join: (...parts: string[]) => string,
  isInside: (root: string, path: string) => boolean,
): Promise<{ records: FoundRecord[]; skipped: SkippedPath[] }> {
  const records: FoundRecord[] = [];
  const skipped: SkippedPath[] = [];
  const realRoot = await fs.realPath(root).catch(() => root);

  const visit = async (
    dir: string,
    relative: string[],
    index: number,
    captures: Record<string, string>,
  ): Promise<void> => {
    const segment = template.segments[index]!;
    const last = index === template.segments.length - 1;
    const pattern = segmentPattern(segment);
    let candidates: { name: string; kind?: EntryKind; captures: Record<string, string> }[];
    if (!pattern) {
      candidates = [{ name: segment, captures }];
    } else {
      const entries = await fs.readDirectory(dir).catch(() => []);
      candidates = entries
        .map((entry) => ({ entry, match: pattern.exec(entry.name) }))
        .filter(({ match }) => match !== null)
        .map(({ entry, match }) => ({
          name: entry.name,
          kind: entry.kind,
          captures: { ...captures, ...match!.groups },
        }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    }
    for (const candidate of candidates) {
      const full = join(dir, candidate.name);
      const rel = [...relative, candidate.name];
      // A plain file or folder listed below the review stays inside it; only links need resolving.
      let kind = candidate.kind;
      if (kind === undefined || kind === 'symlink' || kind === 'other') {
        const stat = await fs.stat(full);
        if (!stat) continue;
        const real = await fs.realPath(full).catch(() => full);
        if (!isInside(realRoot, real)) {
          skipped.push({ path: rel.join('/'), reason: 'outside-review', detail: real });
          continue;
        }
        kind = stat.kind;
      }
      if (last) {
        if (kind === 'file')
          records.push({
            path: rel.join('/'),
            reviewer: candidate.captures.reviewer,
            study: candidate.captures.study,
          });
        else if (pattern) skipped.push({ path: rel.join('/'), reason: 'not-a-file' });
      } else if (kind === 'directory') {
        await visit(full, rel, index + 1, candidate.captures);
      }
    }
  };
  if (template.segments.length > 0) await visit(root, [], 0, {});
  return { records, skipped };
}

/** Whether a relative path is a record of the template, and whose and of which study. */
export function matchRecordPath(template: RecordTemplate, relativePath: string): FoundRecord | undefined {
  const parts = relativePath.split('/');
  if (parts.length !== template.segments.length) return undefined;
  const captures: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const pattern = segmentPattern(template.segments[i]!);
    if (!pattern) {
      if (parts[i] !== template.segments[i]) return undefined;
      continue;
    }
    const match = pattern.exec(parts[i]!);
    if (!match) return undefined;
    Object.assign(captures, match.groups);
  }
  return { path: relativePath, reviewer: captures.reviewer, study: captures.study };
}
