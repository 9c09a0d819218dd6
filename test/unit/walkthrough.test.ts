// The Getting Started walkthrough of package.json: every step has its Markdown in the package, a way to be
// completed, and links and completion events that name commands and views the extension (or VS Code)
// has, so that no button of the walkthrough does nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { scaffoldRecord } from '../../src/core/editor/scaffold';
import { exampleReviewOpened } from '../support/editor';

const REPO = path.resolve(__dirname, '..', '..');

interface Step {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string; image?: string; svg?: string; altText?: string };
  completionEvents?: string[];
}
interface Manifest {
  files: string[];
  contributes: {
    commands: { command: string }[];
    views: Record<string, { id: string }[]>;
    viewsContainers: Record<string, { id: string }[]>;
    walkthroughs: { id: string; title: string; description: string; steps: Step[] }[];
  };
}

const manifest = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as Manifest;
const contributed = new Set(manifest.contributes.commands.map((c) => c.command));
const views = Object.values(manifest.contributes.views).flatMap((list) => list.map((v) => v.id));
const containers = Object.values(manifest.contributes.viewsContainers).flatMap((list) =>
  list.map((c) => c.id),
);
/** Commands VS Code has for what the extension contributes, and the few of its own a step may use. */
const builtIn = new Set([
  'vscode.openFolder',
  ...containers.map((id) => `workbench.view.extension.${id}`),
  ...views.map((id) => `${id}.focus`),
]);
const walkthrough = manifest.contributes.walkthroughs.find((w) => w.id === 'studyExtraction.gettingStarted');
const steps = walkthrough?.steps ?? [];

/** Whether the published package (package.json `files`, which vsce and npm both follow) holds `file`. */
const shipped = (file: string) =>
  manifest.files.some((entry) => (entry.endsWith('/') ? file.startsWith(entry) : file === entry));

const commandLinks = (text: string) =>
  [...text.matchAll(/\]\(command:([^)?\s]+)/g)].map((m) => decodeURIComponent(m[1]!));

test('the walkthrough takes a reviewer from a review folder to the synthesis', () => {
  assert.equal(walkthrough?.title, 'Get started with Study Extraction');
  assert.deepEqual(
    steps.map((s) => s.id),
    [
      'openReview',
      'newStudyRecord',
      'notReportedOrEmpty',
      'nextMissingField',
      'compare',
      'adjudicate',
      'openSynthesis',
    ],
  );
  assert.equal(new Set(steps.map((s) => s.id)).size, steps.length, 'step ids repeat');
});

test('every step has its Markdown, present and in the package', () => {
  for (const step of steps) {
    const file = step.media.markdown;
    assert.ok(file, `${step.id} has no Markdown`);
    assert.ok(existsSync(path.join(REPO, file)), `${step.id}: ${file} does not exist`);
    assert.ok(shipped(file), `${step.id}: ${file} is not in package.json "files", so not in the package`);
    const text = readFileSync(path.join(REPO, file), 'utf8');
    assert.match(text, /^# \S/, `${file} has no heading`);
    // A relative link or image must resolve to a file that ships beside it.
    for (const [, target] of text.matchAll(/\]\((?!https?:|command:|#)([^)\s]+)\)/g)) {
      const linked = path.posix.join(path.posix.dirname(file), target!);
      assert.ok(existsSync(path.join(REPO, linked)) && shipped(linked), `${file} links to ${target}`);
    }
  }
});

test('every command link and completion event names a command or view that exists', () => {
  const known = (command: string) => contributed.has(command) || builtIn.has(command);
  for (const step of steps) {
    const text = step.description + readFileSync(path.join(REPO, step.media.markdown!), 'utf8');
    for (const command of commandLinks(text))
      assert.ok(known(command), `${step.id} links to ${command}, which no one contributes`);
    const events = step.completionEvents ?? [];
    assert.ok(events.length > 0, `${step.id} has no completion event`);
    for (const event of events) {
      const [, kind, argument] = /^([^:]+):?(.*)$/.exec(event)!;
      if (kind === 'onCommand') assert.ok(known(argument!), `${step.id}: ${event} names no command`);
      else if (kind === 'onView') assert.ok(views.includes(argument!), `${step.id}: ${event} names no view`);
      else assert.ok(['onContext', 'onStepSelected'].includes(kind!), `${step.id}: unexpected ${event}`);
    }
  }
});

test('a step with a command has it as a button: a line of the description that is only the link', () => {
  const buttons = Object.fromEntries(
    steps.map((s) => [
      s.id,
      s.description
        .split('\n')
        .filter((line) => /^\[[^\]]+\]\(command:[^)]+\)$/.test(line))
        .flatMap(commandLinks),
    ]),
  );
  assert.deepEqual(buttons, {
    openReview: ['vscode.openFolder'],
    newStudyRecord: ['studyExtraction.newStudyRecord'],
    notReportedOrEmpty: [],
    // Next Missing Field needs a record in front of the reviewer: the step gives its keys instead.
    nextMissingField: [],
    compare: ['workbench.view.extension.studyExtraction'],
    adjudicate: ['studyExtraction.adjudicateStudy'],
    openSynthesis: ['studyExtraction.openSynthesis', 'studyExtraction.showProgress'],
  });
  assert.match(steps.find((s) => s.id === 'nextMissingField')!.description, /Ctrl\+Alt\+N/);
});

test("the New Study Record page shows the example's scaffold as the command writes it", async () => {
  const page = readFileSync(path.join(REPO, 'media', 'walkthrough', 'new-study-record.md'), 'utf8');
  const shown = /```yaml\n([\s\S]*?)```/.exec(page)?.[1];
  assert.ok(shown, 'the page has no YAML block');
  const review = await exampleReviewOpened();
  assert.equal(shown, scaffoldRecord(review.schema, 'preschl-2011', 'ek', review.config.version));
});
