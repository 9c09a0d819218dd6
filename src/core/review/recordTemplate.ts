import type { Diagnostic } from '../common/diagnostic';
import { fileSystemErrorCode, fileSystemReason, type EntryKind, type ReviewFileSystem } from './fileSystem';

/** A `records` template of review.yaml, e.g. `records/{reviewer}/{study}.study.yaml`. */
export interface RecordTemplate {
  source: string;
  segments: string[];
  hasStudy: boolean;
  hasReviewer: boolean;
}

export const DEFAULT_RECORDS_TEMPLATE = 'records/{reviewer}/{study}.study.yaml';
const RECORD_SUFFIX = '.study.yaml';
const PLACEHOLDER = /\{(reviewer|study)\}/g;

// Ids become single path segments: a safe alphabet, never `.` or `..`, never hidden. The editor's New Study
// Record and review.schema.json spell them the same way.
const STUDY_ID = /^[a-z0-9][a-z0-9._-]*$/;
const REVIEWER_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

const STUDY_ID_RULE =
  'a study id uses lower-case letters, digits, `.`, `_` and `-`, and starts with a letter or digit (e.g. `preschl-2011`)';
const REVIEWER_ID_RULE =
  'a reviewer id uses letters, digits, `.`, `_` and `-`, and starts with a letter or digit';

export function isStudyId(value: string): boolean {
  return STUDY_ID.test(value);
}

/** Also the rule of the consensus id, which takes a reviewer's place in the template. */
export function isReviewerId(value: string): boolean {
  return REVIEWER_ID.test(value);
}

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

/**
 * Why a parsed template cannot lay out records safely, or `undefined`: records are `.study.yaml` files,
 * and `{reviewer}` and `{study}` each fill a whole folder name or the file name before `.study.yaml`, so
 * that a segment of a record's path is exactly an id and an id is never part of another name. A template
 * without `{study}` or `{reviewer}` is reported on its own (`template-missing-study`, …).
 */
export function templateLayoutProblem(template: RecordTemplate): string | undefined {
  const last = template.segments[template.segments.length - 1] ?? '';
  if (!last.endsWith(RECORD_SUFFIX) || last === RECORD_SUFFIX)
    return `The records template must name \`${RECORD_SUFFIX}\` files (e.g. \`${DEFAULT_RECORDS_TEMPLATE}\`).`;
  for (let i = 0; i < template.segments.length; i++) {
    const segment = template.segments[i]!;
    const placeholders = segment.match(PLACEHOLDER) ?? [];
    if (placeholders.length === 0) continue;
    const stem = i === template.segments.length - 1 ? segment.slice(0, -RECORD_SUFFIX.length) : segment;
    if (placeholders.length > 1 || stem !== placeholders[0])
      return `In the records template, ${placeholders.map((p) => `\`${p}\``).join(' and ')} must fill a whole folder name or the file name before \`${RECORD_SUFFIX}\` (found \`${segment}\`).`;
  }
  return undefined;
}

/** The relative path of a record in the template's layout. */
export function recordPath(template: RecordTemplate, reviewer: string, study: string): string {
  return template.segments
    .join('/')
    .replace(PLACEHOLDER, (_, name: string) => (name === 'reviewer' ? reviewer : study));
}

/**
 * The folder that holds `reviewer`'s records of every study: the template's segments before the first one
 * that depends on the study, with `{reviewer}` filled in (`records/consensus`). Empty for the review folder.
 */
export function reviewerFolder(template: RecordTemplate, reviewer: string): string {
  const fixed: string[] = [];
  for (const segment of template.segments.slice(0, -1)) {
    if (segment.includes('{study}')) break;
    fixed.push(segment.replace('{reviewer}', reviewer));
  }
  return fixed.join('/');
}

/** The template's folders before any placeholder (`records`): every record lies below them. */
export function templateBaseFolder(template: RecordTemplate): string {
  const fixed: string[] = [];
  for (const segment of template.segments.slice(0, -1)) {
    if (segment.includes('{')) break;
    fixed.push(segment);
  }
  return fixed.join('/');
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

/** The first captured id that is not a safe path segment, if any. */
function unsafeCapture(
  groups: Record<string, string> | undefined,
): { placeholder: 'study' | 'reviewer'; value: string } | undefined {
  if (groups?.reviewer !== undefined && !isReviewerId(groups.reviewer))
    return { placeholder: 'reviewer', value: groups.reviewer };
  if (groups?.study !== undefined && !isStudyId(groups.study))
    return { placeholder: 'study', value: groups.study };
  return undefined;
}

export interface FoundRecord {
  /** Relative to the review folder, with `/` separators. */
  path: string;
  reviewer?: string;
  study?: string;
}

export interface SkippedPath {
  path: string;
  reason: 'outside-review' | 'not-a-file' | 'unreadable' | 'invalid-record-name';
  /** outside-review: where the path leads; unreadable: why, in words. */
  detail?: string;
  /** invalid-record-name: which id the name gives, and the name. */
  placeholder?: 'study' | 'reviewer';
  value?: string;
}

/** Codes under which a folder is simply not there (yet). */
const MISSING = new Set(['ENOENT', 'ENOTDIR']);

/**
 * Lists the record files that match the template below `root`. A path that leaves the review folder
 * through a symlink is reported, never read; so is a name that is not a valid id (it would become part of
 * other paths, such as the consensus record's) and a folder that cannot be listed. A record file that
 * cannot be resolved (a loop of links, no permission) is listed: reading it reports why.
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
  const unreadable = (path: string, error: unknown) =>
    skipped.push({ path, reason: 'unreadable', detail: fileSystemReason(error) });

  const visit = async (
    dir: string,
    relative: string[],
    index: number,
    captures: Record<string, string>,
  ): Promise<void> => {
    const segment = template.segments[index]!;
    const last = index === template.segments.length - 1;
    const pattern = segmentPattern(segment);
    let candidates: {
      name: string;
      kind?: EntryKind;
      captures: Record<string, string>;
      groups?: Record<string, string>;
    }[];
    if (!pattern) {
      candidates = [{ name: segment, captures }];
    } else {
      let entries: { name: string; kind: EntryKind }[];
      try {
        entries = await fs.readDirectory(dir);
      } catch (error) {
        if (!MISSING.has(fileSystemErrorCode(error) ?? '')) unreadable(relative.join('/') || '.', error);
        return;
      }
      candidates = entries
        .map((entry) => ({ entry, match: pattern.exec(entry.name) }))
        .filter(({ match }) => match !== null)
        .map(({ entry, match }) => ({
          name: entry.name,
          kind: entry.kind,
          captures: { ...captures, ...match!.groups },
          groups: { ...match!.groups },
        }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    }
    for (const candidate of candidates) {
      const full = join(dir, candidate.name);
      const path = [...relative, candidate.name].join('/');
      const badName = unsafeCapture(candidate.groups);
      // A record's name is judged before anything else is done with it.
      if (last && badName) {
        skipped.push({ path, reason: 'invalid-record-name', ...badName });
        continue;
      }
      // A plain file or folder listed below the review stays inside it; only links need resolving.
      let kind = candidate.kind;
      if (kind === undefined || kind === 'symlink' || kind === 'other') {
        let stat: Awaited<ReturnType<ReviewFileSystem['stat']>>;
        try {
          stat = await fs.stat(full);
        } catch (error) {
          if (last && pattern)
            records.push({ path, reviewer: candidate.captures.reviewer, study: candidate.captures.study });
          else unreadable(path, error);
          continue;
        }
        if (!stat) {
          if (candidate.kind === 'symlink')
            skipped.push({
              path,
              reason: 'unreadable',
              detail: 'it is a symbolic link to something that does not exist',
            });
          continue;
        }
        let real: string;
        try {
          real = await fs.realPath(full);
        } catch (error) {
          unreadable(path, error);
          continue;
        }
        if (!isInside(realRoot, real)) {
          skipped.push({ path, reason: 'outside-review', detail: real });
          continue;
        }
        kind = stat.kind;
      }
      if (last) {
        if (kind === 'file')
          records.push({ path, reviewer: candidate.captures.reviewer, study: candidate.captures.study });
        else if (pattern) skipped.push({ path, reason: 'not-a-file' });
      } else if (kind === 'directory') {
        // Hidden folders (`.git`, an editor's settings) hold no records: no id starts with `.`.
        if (badName && candidate.name.startsWith('.')) continue;
        if (badName) skipped.push({ path, reason: 'invalid-record-name', ...badName });
        else await visit(full, [...relative, candidate.name], index + 1, candidate.captures);
      }
    }
  };
  if (template.segments.length > 0) await visit(root, [], 0, {});
  return { records, skipped };
}

/** What a skipped path is reported as, at the start of the path's file. */
export function skippedPathDiagnostic(skip: SkippedPath): Diagnostic {
  const messages: Record<SkippedPath['reason'], () => string> = {
    'outside-review': () => `This path leads outside the review folder (to ${skip.detail}); it is not read.`,
    'not-a-file': () => 'This path matches the records template but is not a file.',
    unreadable: () => `This path cannot be read: ${skip.detail ?? 'unknown reason'}. It is not checked.`,
    'invalid-record-name': () =>
      skip.placeholder === 'reviewer'
        ? `"${skip.value}" cannot name a reviewer's folder: ${REVIEWER_ID_RULE}. Rename the folder; its records are not checked until then.`
        : `"${skip.value}" cannot name a study: ${STUDY_ID_RULE}. Rename the file; it is not checked until then.`,
  };
  return {
    severity: 'error',
    code: skip.reason,
    message: messages[skip.reason](),
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
  };
}

/**
 * Whether a relative path is a record of the template, and whose and of which study. A name that is not a
 * valid id is not a record (the listing reports it).
 */
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
    if (!match || unsafeCapture(match.groups)) return undefined;
    Object.assign(captures, match.groups);
  }
  return { path: relativePath, reviewer: captures.reviewer, study: captures.study };
}
