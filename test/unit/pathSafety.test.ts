// Every path derived from review.yaml stays inside the review folder, ids are single safe path segments,
// and file-system failures (loops of links, permissions, impossible paths) become diagnostics, never
// exceptions. Reviews are written to temporary folders and read from disk, symbolic links included.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { FileSystemError, fileSystemReason, type ReviewFileSystem } from '../../src/core/review/fileSystem';
import { nodeFileSystem } from '../../src/node/fileSystem';
import {
  findRecordFiles,
  isReviewerId,
  isStudyId,
  matchRecordPath,
  parseRecordTemplate,
  reviewerFolder,
  skippedPathDiagnostic,
  templateLayoutProblem,
  DEFAULT_RECORDS_TEMPLATE,
} from '../../src/core/review/recordTemplate';
import {
  findReviewRoot,
  isInside,
  openReview,
  readTextFile,
  resolveInsideReview,
  validateReviewText,
  type Review,
} from '../../src/core/review/review';
import type { Diagnostic } from '../../src/core/common/diagnostic';

const TEMP = realpathSync(mkdtempSync(path.join(tmpdir(), 'study-extraction-path-safety-')));
after(() => rmSync(TEMP, { recursive: true, force: true }));

let counter = 0;
/** A fresh folder below the temporary one. */
function folder(name: string): string {
  const dir = path.join(TEMP, `${++counter}-${name}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

const REVIEW_YAML = `title: Path safety
schema: schemas/extraction.schema.json
records: records/{reviewer}/{study}.study.yaml
reviewers: [ek, mk]
consensus: consensus
`;

const SCHEMA = JSON.stringify({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://example.org/path-safety.schema.json',
  $ref: 'https://study-extraction.dev/schemas/study-record.schema.json',
});

function record(study: string, reviewer: string): string {
  return `study: ${study}\nreviewer: ${reviewer}\nstatus: draft\ncitation: { authors: [Doe J], year: 2020 }\n`;
}

/** A review folder: review.yaml (given or the default), the schema and the files named. */
function makeReview(files: Record<string, string> = {}, reviewYaml = REVIEW_YAML): string {
  const root = folder('review');
  const all: Record<string, string> = {
    'review.yaml': reviewYaml,
    'schemas/extraction.schema.json': SCHEMA,
    ...files,
  };
  for (const [relative, text] of Object.entries(all)) {
    mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    writeFileSync(path.join(root, relative), text);
  }
  return root;
}

function link(root: string, relative: string, target: string): void {
  mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
  symlinkSync(target, path.join(root, relative));
}

const range = (line: number, start: number, end: number) => ({
  start: { line, character: start },
  end: { line, character: end },
});

function reviewDiagnostics(review: Review): Diagnostic[] {
  return review.fileDiagnostics.get('review.yaml') ?? [];
}

function only(diagnostics: Diagnostic[], code: string): Diagnostic {
  const found = diagnostics.filter((d) => d.code === code);
  assert.equal(found.length, 1, `one ${code}; got ${JSON.stringify(diagnostics, null, 1)}`);
  return found[0]!;
}

/** The disk, with chosen paths failing as a permission problem does (the tests may run as root). */
function deniedFileSystem(denied: string[]): ReviewFileSystem {
  const check = (p: string) => {
    if (denied.some((d) => p === d || p.startsWith(`${d}/`)))
      throw new FileSystemError(p, 'EACCES', fileSystemReason({ code: 'EACCES' }));
  };
  return {
    readFile: async (p) => (check(p), nodeFileSystem.readFile(p)),
    readDirectory: async (p) => (check(p), nodeFileSystem.readDirectory(p)),
    stat: async (p) => (check(p), nodeFileSystem.stat(p)),
    realPath: async (p) => (check(p), nodeFileSystem.realPath(p)),
  };
}

describe('resolveInsideReview', () => {
  test('a path inside resolves to its real path, normalized as written', async () => {
    const root = makeReview();
    const resolved = await resolveInsideReview(root, './schemas//extraction.schema.json', nodeFileSystem);
    assert.deepEqual(resolved, {
      path: path.join(root, 'schemas', 'extraction.schema.json'),
      relative: 'schemas/extraction.schema.json',
    });
    assert.deepEqual(await resolveInsideReview(root, 'schemas\\extraction.schema.json', nodeFileSystem), {
      path: path.join(root, 'schemas', 'extraction.schema.json'),
      relative: 'schemas/extraction.schema.json',
    });
    assert.deepEqual(await resolveInsideReview(root, 'records/../schemas', nodeFileSystem), {
      path: path.join(root, 'schemas'),
      relative: 'schemas',
    });
  });

  test('what does not exist yet resolves below the deepest folder that does', async () => {
    const root = makeReview();
    assert.deepEqual(await resolveInsideReview(root, 'records/consensus/a-2020.study.yaml', nodeFileSystem), {
      path: path.join(root, 'records', 'consensus', 'a-2020.study.yaml'),
      relative: 'records/consensus/a-2020.study.yaml',
    });
  });

  test('absolute paths are refused, however they are spelled', async () => {
    const root = makeReview();
    for (const written of [
      '/etc/passwd',
      path.join(root, 'schemas', 'extraction.schema.json'),
      'C:\\Windows\\x.json',
      'c:x.json',
      '\\\\server\\share\\x.json',
    ]) {
      const resolved = await resolveInsideReview(root, written, nodeFileSystem);
      assert.ok(
        'refused' in resolved && resolved.refused === 'absolute',
        `${written}: ${JSON.stringify(resolved)}`,
      );
      assert.match(resolved.message, /absolute path/);
    }
  });

  test('climbing out with `..` is refused, also after going down first', async () => {
    const root = makeReview();
    for (const written of ['..', '../outside/pwn', 'records/../../x', 'a/b/../../../x', '..\\x']) {
      const resolved = await resolveInsideReview(root, written, nodeFileSystem);
      assert.ok('refused' in resolved && resolved.refused === 'leaves-review', written);
      assert.equal(resolved.message, `"${written}" leaves the review folder`);
    }
  });

  test('a symbolic link that leads outside is refused, for the link and for anything below it', async () => {
    const root = makeReview();
    const outside = folder('outside');
    link(root, 'records/consensus', outside);
    for (const written of ['records/consensus', 'records/consensus/a-2020.study.yaml']) {
      const resolved = await resolveInsideReview(root, written, nodeFileSystem);
      assert.ok('refused' in resolved && resolved.refused === 'through-link', written);
      assert.equal(
        resolved.message,
        `"${written}" goes through a symbolic link that leads outside the review folder ("records/consensus" → ${outside})`,
      );
    }
  });

  test('a link that leaves the review and a link back in is still refused', async () => {
    const root = makeReview({ 'records/ek/a-2020.study.yaml': record('a-2020', 'ek') });
    const outside = folder('outside');
    symlinkSync(path.join(root, 'records', 'ek'), path.join(outside, 'back'));
    link(root, 'records/out', outside);
    const resolved = await resolveInsideReview(root, 'records/out/back/a-2020.study.yaml', nodeFileSystem);
    assert.ok('refused' in resolved && resolved.refused === 'through-link');
  });

  test('a link that stays inside resolves to its target', async () => {
    const root = makeReview({ 'records/ek/a-2020.study.yaml': record('a-2020', 'ek') });
    link(root, 'records/alias', 'ek');
    assert.deepEqual(await resolveInsideReview(root, 'records/alias/a-2020.study.yaml', nodeFileSystem), {
      path: path.join(root, 'records', 'ek', 'a-2020.study.yaml'),
      relative: 'records/alias/a-2020.study.yaml',
    });
  });

  test('a review folder reached through a link is measured by its real path', async () => {
    const root = makeReview();
    const alias = path.join(folder('alias'), 'review');
    symlinkSync(root, alias);
    assert.deepEqual(await resolveInsideReview(alias, 'schemas', nodeFileSystem), {
      path: path.join(root, 'schemas'),
      relative: 'schemas',
    });
  });

  test('a link to nothing is refused: writing through it could create its target anywhere', async () => {
    const root = makeReview();
    const nowhere = path.join(folder('outside'), 'not-yet');
    link(root, 'records/consensus', nowhere);
    const resolved = await resolveInsideReview(root, 'records/consensus/a.study.yaml', nodeFileSystem);
    assert.deepEqual(resolved, {
      refused: 'through-link',
      message:
        '"records/consensus/a.study.yaml" goes through a symbolic link that leads nowhere ("records/consensus")',
    });
  });

  test('a loop of links and a permission problem are refusals with the reason, not exceptions', async () => {
    const root = makeReview();
    link(root, 'records/loop', 'loop');
    assert.deepEqual(await resolveInsideReview(root, 'records/loop/x.study.yaml', nodeFileSystem), {
      refused: 'unreadable',
      message:
        '"records/loop/x.study.yaml" cannot be resolved: "records/loop": too many levels of symbolic links (a symbolic link loop)',
    });
    const denied = deniedFileSystem([path.join(root, 'records')]);
    assert.deepEqual(await resolveInsideReview(root, 'records/ek', denied), {
      refused: 'unreadable',
      message: '"records/ek" cannot be resolved: "records": permission denied',
    });
  });

  test('isInside does not take a sibling or a `..name` folder for the review', () => {
    assert.equal(isInside('/r/review', '/r/review'), true);
    assert.equal(isInside('/r/review', '/r/review/..data/x'), true);
    assert.equal(isInside('/r/review', '/r/review-2/x'), false);
    assert.equal(isInside('/r/review', '/r'), false);
  });
});

describe('ids are single safe path segments', () => {
  test('study ids: lower-case letters, digits, `.`, `_`, `-`, not starting with a mark', () => {
    for (const id of ['preschl-2011', 'a', '2020.b_c-d']) assert.equal(isStudyId(id), true, id);
    for (const id of ['', '.', '..', '.hidden', '-x', 'Preschl-2011', 'a/b', 'a\\b', 'a b', 'run.sh\n', 'é'])
      assert.equal(isStudyId(id), false, JSON.stringify(id));
  });

  test('reviewer ids: letters too, same marks, never a path', () => {
    for (const id of ['ek', 'EK', 'reviewer_1', 'a.b-c']) assert.equal(isReviewerId(id), true, id);
    for (const id of ['', '.', '..', '.git', '_x', 'a/b', '../../../outside/pwn', 'e k'])
      assert.equal(isReviewerId(id), false, JSON.stringify(id));
  });

  test('review.yaml: an unsafe consensus id is reported at its value and never used', () => {
    const text = REVIEW_YAML.replace('consensus: consensus', 'consensus: ../../../outside/pwn');
    const { config, diagnostics } = validateReviewText(text);
    assert.equal(config.consensus, 'consensus');
    const d = only(diagnostics, 'pattern');
    assert.deepEqual(d.range, range(4, 11, 31));
    assert.match(d.message, /`consensus`.*"\.\.\/\.\.\/\.\.\/outside\/pwn".*letters, digits/);
  });

  test('review.yaml: unsafe reviewer ids are reported at their values and left out', () => {
    const text = REVIEW_YAML.replace('reviewers: [ek, mk]', 'reviewers: [ek, ../mk, .git]');
    const { config, diagnostics } = validateReviewText(text);
    assert.deepEqual(config.reviewers, ['ek']);
    const patterns = diagnostics.filter((d) => d.code === 'pattern');
    assert.deepEqual(
      patterns.map((d) => d.range),
      [range(3, 16, 21), range(3, 23, 27)],
    );
  });
});

describe('the records template', () => {
  const layout = (source: string) => templateLayoutProblem(parseRecordTemplate(source).template!);

  test('accepts ids as whole folder names or as the file name before `.study.yaml`', () => {
    for (const source of [
      DEFAULT_RECORDS_TEMPLATE,
      '{reviewer}/{study}.study.yaml',
      'records/{study}/{reviewer}.study.yaml',
      'data/{reviewer}/{study}/extraction.study.yaml',
    ])
      assert.equal(layout(source), undefined, source);
  });

  test('refuses files that are not `.study.yaml` and ids mixed into other names', () => {
    assert.match(layout('records/{reviewer}/{study}')!, /must name `\.study\.yaml` files/);
    assert.match(layout('records/{reviewer}/{study}.yaml')!, /must name `\.study\.yaml` files/);
    assert.match(layout('records/{reviewer}/.study.yaml')!, /must name `\.study\.yaml` files/);
    assert.match(
      layout('records/{reviewer}/x-{study}.study.yaml')!,
      /`\{study\}` must fill a whole folder name or the file name before `\.study\.yaml` \(found `x-\{study\}\.study\.yaml`\)/,
    );
    assert.match(layout('records/r{reviewer}/{study}.study.yaml')!, /\(found `r\{reviewer\}`\)/);
    assert.match(
      layout('records/{study}--{reviewer}.study.yaml')!,
      /`\{study\}` and `\{reviewer\}` must fill a whole folder name/,
    );
  });

  test('review.yaml: a template without `.study.yaml` is template-invalid at the value', () => {
    const text = REVIEW_YAML.replace('{study}.study.yaml', '{study}');
    const { diagnostics } = validateReviewText(text);
    const d = only(diagnostics, 'template-invalid');
    assert.deepEqual(d.range, range(2, 9, 35));
    assert.match(d.message, /No record is checked until it is fixed/);
  });

  test('openReview lists no records through a template it refuses', async () => {
    const root = makeReview(
      { 'records/ek/run.sh': '#!/bin/sh\n' },
      REVIEW_YAML.replace('{study}.study.yaml', '{study}'),
    );
    const review = await openReview(root, nodeFileSystem);
    assert.equal(review.template, undefined);
    only(reviewDiagnostics(review), 'template-invalid');
  });

  test('reviewerFolder: where one reviewer keeps every study', () => {
    const template = (s: string) => parseRecordTemplate(s).template!;
    assert.equal(reviewerFolder(template(DEFAULT_RECORDS_TEMPLATE), 'consensus'), 'records/consensus');
    assert.equal(reviewerFolder(template('{reviewer}/{study}.study.yaml'), 'consensus'), 'consensus');
    assert.equal(reviewerFolder(template('records/{study}/{reviewer}.study.yaml'), 'consensus'), 'records');
  });
});

describe('openReview refuses paths of review.yaml that leave the review', () => {
  for (const trusted of [true, false]) {
    const mode = trusted ? 'trusted' : 'untrusted';

    test(`${mode}: a consensus folder linked outside → outside-review at \`consensus\``, async () => {
      const root = makeReview();
      link(root, 'records/consensus', folder('outside'));
      const review = await openReview(root, nodeFileSystem, { compileReviewSchema: trusted });
      const d = only(reviewDiagnostics(review), 'outside-review');
      assert.deepEqual(d.range, range(4, 11, 20));
      assert.match(d.message, /The consensus folder "records\/consensus" goes through a symbolic link/);
    });

    test(`${mode}: an unsafe consensus id falls back to the default folder`, async () => {
      const root = makeReview(
        {},
        REVIEW_YAML.replace('consensus: consensus', 'consensus: ../../../outside/pwn'),
      );
      const review = await openReview(root, nodeFileSystem, { compileReviewSchema: trusted });
      assert.equal(review.config.consensus, 'consensus');
      assert.deepEqual(only(reviewDiagnostics(review), 'pattern').range, range(4, 11, 31));
    });

    for (const [name, schema, code] of [
      ['an absolute schema path', '/etc/passwd', 'schema-outside-review'],
      ['a schema path with `..`', '../extraction.schema.json', 'schema-outside-review'],
      ['a schema through a link outside', 'linked/extraction.schema.json', 'schema-outside-review'],
      ['a schema that is a loop of links', 'schemas/loop.json', 'schema-not-found'],
    ] as const) {
      test(`${mode}: ${name} → ${code} at \`schema\`, and the base schema is used`, async () => {
        const root = makeReview({}, REVIEW_YAML.replace('schemas/extraction.schema.json', schema));
        const outside = folder('outside');
        writeFileSync(path.join(outside, 'extraction.schema.json'), SCHEMA);
        writeFileSync(path.join(root, '..', 'extraction.schema.json'), SCHEMA);
        link(root, 'linked', outside);
        link(root, 'schemas/loop.json', 'loop.json');
        const review = await openReview(root, nodeFileSystem, { compileReviewSchema: trusted });
        const d = only(reviewDiagnostics(review), code);
        assert.deepEqual(d.range, range(1, 8, 8 + schema.length));
        assert.match(d.message, /Records are checked against the base schema only/);
        assert.equal(review.usesReviewSchema, false);
        assert.deepEqual([...review.fileDiagnostics.keys()], ['review.yaml']);
      });
    }

    test(`${mode}: a records folder linked outside → outside-review at \`records\`, nothing listed`, async () => {
      const root = makeReview();
      const outside = folder('outside');
      mkdirSync(path.join(outside, 'ek'));
      writeFileSync(path.join(outside, 'ek', 'a-2020.study.yaml'), record('a-2020', 'ek'));
      link(root, 'records', outside);
      const review = await openReview(root, nodeFileSystem, { compileReviewSchema: trusted });
      const d = only(reviewDiagnostics(review), 'outside-review');
      assert.deepEqual(d.range, range(2, 9, 46));
      assert.match(d.message, /The records folder "records" goes through a symbolic link/);
      assert.equal(review.template, undefined);
    });
  }

  test('a clean review has none of these diagnostics', async () => {
    const root = makeReview({ 'records/ek/a-2020.study.yaml': record('a-2020', 'ek') });
    const review = await openReview(root, nodeFileSystem);
    assert.deepEqual(reviewDiagnostics(review), []);
    assert.equal(review.usesReviewSchema, true);
  });
});

describe('listing records', () => {
  const list = async (root: string, fs: ReviewFileSystem = nodeFileSystem) =>
    findRecordFiles(root, parseRecordTemplate(DEFAULT_RECORDS_TEMPLATE).template!, fs, path.join, isInside);

  test('names that are not ids are reported (not read), hidden folders passed over, valid records listed', async () => {
    const root = makeReview({
      'records/ek/a-2020.study.yaml': record('a-2020', 'ek'),
      'records/ek/Preschl-2011.study.yaml': record('preschl-2011', 'ek'),
      'records/ek/.hidden.study.yaml': record('hidden', 'ek'),
      'records/ek/a b.study.yaml': record('a-b', 'ek'),
      'records/.trash/old-2001.study.yaml': record('old-2001', 'ek'),
      'records/e k/old-2002.study.yaml': record('old-2002', 'ek'),
      'records/.DS_Store': 'not a folder',
    });
    const { records, skipped } = await list(root);
    assert.deepEqual(records, [{ path: 'records/ek/a-2020.study.yaml', reviewer: 'ek', study: 'a-2020' }]);
    assert.deepEqual(skipped, [
      { path: 'records/e k', reason: 'invalid-record-name', placeholder: 'reviewer', value: 'e k' },
      {
        path: 'records/ek/.hidden.study.yaml',
        reason: 'invalid-record-name',
        placeholder: 'study',
        value: '.hidden',
      },
      {
        path: 'records/ek/Preschl-2011.study.yaml',
        reason: 'invalid-record-name',
        placeholder: 'study',
        value: 'Preschl-2011',
      },
      {
        path: 'records/ek/a b.study.yaml',
        reason: 'invalid-record-name',
        placeholder: 'study',
        value: 'a b',
      },
    ]);
    assert.equal(
      skippedPathDiagnostic(skipped[2]!).message,
      '"Preschl-2011" cannot name a study: a study id uses lower-case letters, digits, `.`, `_` and `-`, and starts with a letter or digit (e.g. `preschl-2011`). Rename the file; it is not checked until then.',
    );
    assert.match(skippedPathDiagnostic(skipped[0]!).message, /^"e k" cannot name a reviewer's folder/);
  });

  test('a record that is a loop of links is listed, and reading it says why it cannot be read', async () => {
    const root = makeReview({ 'records/ek/a-2020.study.yaml': record('a-2020', 'ek') });
    link(root, 'records/ek/loop.study.yaml', 'loop.study.yaml');
    const { records, skipped } = await list(root);
    assert.deepEqual(
      records.map((r) => r.path),
      ['records/ek/a-2020.study.yaml', 'records/ek/loop.study.yaml'],
    );
    assert.deepEqual(skipped, []);
    assert.deepEqual(await readTextFile(nodeFileSystem, path.join(root, 'records/ek/loop.study.yaml')), {
      problem: 'unreadable',
      detail: 'too many levels of symbolic links (a symbolic link loop)',
    });
  });

  test('a reviewer folder that is a loop, a link to nothing, a link outside: each reported', async () => {
    const root = makeReview({ 'records/ek/a-2020.study.yaml': record('a-2020', 'ek') });
    link(root, 'records/mk', 'mk');
    link(root, 'records/ek/gone.study.yaml', 'nowhere.study.yaml');
    const outside = folder('outside');
    link(root, 'records/zz', outside);
    const { records, skipped } = await list(root);
    assert.deepEqual(
      records.map((r) => r.path),
      ['records/ek/a-2020.study.yaml'],
    );
    assert.deepEqual(skipped, [
      {
        path: 'records/ek/gone.study.yaml',
        reason: 'unreadable',
        detail: 'it is a symbolic link to something that does not exist',
      },
      {
        path: 'records/mk',
        reason: 'unreadable',
        detail: 'too many levels of symbolic links (a symbolic link loop)',
      },
      { path: 'records/zz', reason: 'outside-review', detail: outside },
    ]);
    assert.equal(
      skippedPathDiagnostic(skipped[1]!).message,
      'This path cannot be read: too many levels of symbolic links (a symbolic link loop). It is not checked.',
    );
  });

  test('a folder that cannot be listed is reported with the reason', async () => {
    const root = makeReview({
      'records/ek/a-2020.study.yaml': record('a-2020', 'ek'),
      'records/mk/a-2020.study.yaml': record('a-2020', 'mk'),
    });
    const { records, skipped } = await list(root, deniedFileSystem([path.join(root, 'records', 'mk')]));
    assert.deepEqual(
      records.map((r) => r.path),
      ['records/ek/a-2020.study.yaml'],
    );
    assert.deepEqual(skipped, [{ path: 'records/mk', reason: 'unreadable', detail: 'permission denied' }]);
  });

  test('matchRecordPath: a name that is not an id is not a record', () => {
    const template = parseRecordTemplate(DEFAULT_RECORDS_TEMPLATE).template!;
    assert.deepEqual(matchRecordPath(template, 'records/ek/a-2020.study.yaml'), {
      path: 'records/ek/a-2020.study.yaml',
      reviewer: 'ek',
      study: 'a-2020',
    });
    assert.equal(matchRecordPath(template, 'records/ek/A-2020.study.yaml'), undefined);
    assert.equal(matchRecordPath(template, 'records/.git/a-2020.study.yaml'), undefined);
  });
});

describe('the node file system fails in one line', () => {
  test('a path that cannot exist is not there: under a file, or with a name too long', async () => {
    const root = makeReview();
    assert.equal(await nodeFileSystem.stat(path.join(root, 'review.yaml', 'x')), undefined);
    assert.equal(await nodeFileSystem.stat('/etc/passwd/x'), undefined);
    assert.equal(await nodeFileSystem.stat(path.join(root, 'a'.repeat(300))), undefined);
  });

  test('a loop of links throws a FileSystemError with the path and the reason, from every call', async () => {
    const root = makeReview();
    const loop = path.join(root, 'loop');
    symlinkSync('loop', loop);
    for (const call of [
      () => nodeFileSystem.stat(loop),
      () => nodeFileSystem.readFile(loop),
      () => nodeFileSystem.readDirectory(loop),
      () => nodeFileSystem.realPath(loop),
    ]) {
      await assert.rejects(call(), (error: unknown) => {
        assert.ok(error instanceof FileSystemError);
        assert.equal(error.code, 'ELOOP');
        assert.equal(error.message, `${loop}: too many levels of symbolic links (a symbolic link loop)`);
        return true;
      });
    }
  });

  test('reasons read as words; an unknown failure keeps the first line of its message, without its call', () => {
    assert.equal(fileSystemReason({ code: 'EACCES' }), 'permission denied');
    assert.equal(fileSystemReason({ code: 'ENAMETOOLONG' }), 'the name is too long');
    assert.equal(
      fileSystemReason(
        Object.assign(new Error("EWEIRD: something odd, open '/x'\nmore"), { code: 'EWEIRD' }),
      ),
      'something odd',
    );
  });

  test('findReviewRoot never throws: it walks past what it cannot look into', async () => {
    assert.equal(await findReviewRoot('/etc/passwd/x', nodeFileSystem), undefined);
    const root = makeReview();
    assert.equal(await findReviewRoot(path.join(root, 'a'.repeat(300)), nodeFileSystem), root);
    const denied = deniedFileSystem([path.join(root, 'records')]);
    mkdirSync(path.join(root, 'records', 'ek'), { recursive: true });
    assert.equal(await findReviewRoot(path.join(root, 'records', 'ek'), denied), root);
  });

  test('findReviewRoot finds a review.yaml that is a loop of links; opening it reports why', async () => {
    const root = folder('looped');
    symlinkSync('review.yaml', path.join(root, 'review.yaml'));
    assert.equal(await findReviewRoot(root, nodeFileSystem), root);
    const review = await openReview(root, nodeFileSystem);
    const d = only(reviewDiagnostics(review), 'unreadable');
    assert.equal(d.message, 'File cannot be read: too many levels of symbolic links (a symbolic link loop).');
  });
});
