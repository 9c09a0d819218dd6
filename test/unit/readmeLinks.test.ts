// Every relative link of README.md and docs/*.md leads to a file or folder of the repository, and every
// #anchor to a heading of its target: a link that leaves the repository (../…) or that nothing answers
// is an error, as it would be for a reader on the repository's web page.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

interface Link {
  target: string;
  line: number;
}

/** Markdown text with fenced code blocks (and, unless kept, inline code) blanked out; line numbers kept. */
function withoutCode(markdown: string, keepInline = false): string {
  let fence: string | undefined;
  return markdown
    .split('\n')
    .map((line) => {
      const opening = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
      if (fence !== undefined) {
        if (opening && opening[1]!.startsWith(fence)) fence = undefined;
        return '';
      }
      if (opening) {
        fence = opening[1]!;
        return '';
      }
      return keepInline ? line : line.replace(/(`+)[^`]*?\1/g, '');
    })
    .join('\n');
}

/** Inline links and images `[text](target "title")`, reference definitions `[id]: target`, `<a href>`. */
function linksOf(markdown: string): Link[] {
  const links: Link[] = [];
  withoutCode(markdown)
    .split('\n')
    .forEach((text, i) => {
      const line = i + 1;
      for (const m of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g))
        links.push({ target: m[1]!, line });
      const definition = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/.exec(text);
      if (definition) links.push({ target: definition[1]!, line });
      for (const m of text.matchAll(/<a\s[^>]*href="([^"]+)"/gi)) links.push({ target: m[1]!, line });
    });
  return links;
}

/** The anchors GitHub gives a document's headings: lower case, punctuation dropped, spaces as `-`. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of withoutCode(markdown, true).split('\n')) {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const text = heading[1]!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[*_]/g, '');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  for (const m of markdown.matchAll(/<a\s[^>]*(?:name|id)="([^"]+)"/gi)) anchors.add(m[1]!);
  return anchors;
}

function isIgnoredByGit(file: string): boolean {
  const result = spawnSync('git', ['check-ignore', '-q', file], { cwd: ROOT });
  return result.status === 0;
}

/** Why a link of `file` (relative to the repository) is broken, or undefined when it resolves. */
function brokenLink(file: string, link: Link, root = ROOT): string | undefined {
  const { target } = link;
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) return undefined; // https:, mailto:
  const [rawPath, anchor] = target.split('#', 2) as [string, string | undefined];
  const decoded = decodeURIComponent(rawPath);
  const resolved = decoded === '' ? path.join(root, file) : path.resolve(root, path.dirname(file), decoded);
  const relative = path.relative(root, resolved);
  if (relative.startsWith('..') || path.isAbsolute(relative) || decoded.startsWith('/'))
    return `${target} leaves the repository`;
  if (!existsSync(resolved)) return `${target}: no such file in the repository`;
  if (root === ROOT && relative !== '' && isIgnoredByGit(relative))
    return `${target} is ignored by git, so it is not in the repository`;
  if (anchor !== undefined && anchor !== '') {
    if (!statSync(resolved).isFile() || !resolved.endsWith('.md')) return undefined;
    const anchors = headingAnchors(readFileSync(resolved, 'utf8'));
    if (!anchors.has(decodeURIComponent(anchor).toLowerCase()))
      return `${target}: ${relative} has no heading #${anchor}`;
  }
  return undefined;
}

function documents(): string[] {
  const docs = existsSync(path.join(ROOT, 'docs'))
    ? readdirSync(path.join(ROOT, 'docs'))
        .filter((name) => name.endsWith('.md'))
        .map((name) => `docs/${name}`)
    : [];
  return ['README.md', ...docs.sort()];
}

describe('relative links of README.md and docs/*.md', () => {
  test('the checker finds what is broken (a synthetic document)', () => {
    const markdown = [
      '# Title',
      '## Other editors',
      'See [the schema](schemas/review.schema.json), [editors](#other-editors) and [web](https://example.org).',
      'Broken: [design](../shared/DESIGN.md), [gone](docs/NOPE.md), [anchor](#no-such-heading).',
      '[ref]: README.md#no-such-heading-either',
      '```md',
      '[inside code](not-checked.md)',
      '```',
      'Inline `[code](not-checked.md)` too.',
    ].join('\n');
    const links = linksOf(markdown);
    assert.deepEqual(
      links.map((l) => l.target),
      [
        'schemas/review.schema.json',
        '#other-editors',
        'https://example.org',
        '../shared/DESIGN.md',
        'docs/NOPE.md',
        '#no-such-heading',
        'README.md#no-such-heading-either',
      ],
    );
    const anchors = headingAnchors(markdown);
    assert.ok(anchors.has('other-editors'));
    const broken = links
      .filter((l) => !l.target.startsWith('#'))
      .map((l) => brokenLink('README.md', l))
      .filter((reason): reason is string => reason !== undefined);
    assert.equal(broken.length, 3, broken.join('\n'));
    assert.match(broken[0]!, /leaves the repository/);
    assert.match(broken[1]!, /no such file/);
    assert.match(broken[2]!, /no heading #no-such-heading-either/);
    assert.ok(!anchors.has('no-such-heading'));
  });

  test('GitHub heading anchors: punctuation dropped, duplicates numbered', () => {
    const anchors = headingAnchors(
      '## Quick start (a fresh machine: Node 20, npm)\n### `compare`\n## Notes\n## Notes\n',
    );
    assert.deepEqual(
      [...anchors],
      ['quick-start-a-fresh-machine-node-20-npm', 'compare', 'notes', 'notes-1'],
    );
  });

  for (const file of documents()) {
    test(`${file}: every relative link resolves inside the repository`, () => {
      const markdown = readFileSync(path.join(ROOT, file), 'utf8');
      const links = linksOf(markdown);
      const broken = links
        .map((link) => ({ link, reason: brokenLink(file, link) }))
        .filter((b) => b.reason !== undefined)
        .map((b) => `${file}:${b.link.line}: ${b.reason}`);
      assert.deepEqual(broken, []);
    });
  }

  test('README.md links to the architecture in docs/', () => {
    const targets = linksOf(readFileSync(path.join(ROOT, 'README.md'), 'utf8')).map((l) => l.target);
    assert.ok(targets.includes('docs/ARCHITECTURE.md'), targets.join(', '));
  });
});
