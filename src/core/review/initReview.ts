// The files of a new review (`study-extract init`): a protocol with every key present and explained, an
// extraction form that extends the bundled base schema, and the record folders. Checked clean as written.
import { stringify } from 'yaml';
import { reviewerIdProblem } from './newRecord';
import { DEFAULT_RECORDS_TEMPLATE } from './recordTemplate';
import { DEFAULT_CONSENSUS, DEFAULT_SCHEMA_PATH, REVIEW_FILE } from './review';

export interface NewReviewOptions {
  title: string;
  /** The ids of the reviewers who extract every study (their record folders). */
  reviewers: string[];
}

export const DEFAULT_REVIEWERS = ['reviewer-a', 'reviewer-b'];

/** A file of the new review: its path relative to the review folder (with `/`) and its text. */
export interface NewReviewFile {
  path: string;
  text: string;
}

/**
 * What a folder may already hold when a review is started in it: a git repository, and the npm files of
 * installing the tool into it (`npm install -D study-extraction` comes before `npx study-extraction init`).
 */
export const ENTRIES_BESIDE_A_NEW_REVIEW: readonly string[] = [
  '.git',
  'node_modules',
  'package.json',
  'package-lock.json',
  'npm-shrinkwrap.json',
  '.npmrc',
];

/** Why these options cannot make a review, or `undefined`. */
export function newReviewProblem(options: NewReviewOptions): string | undefined {
  if (options.title.trim() === '') return 'The title is empty.';
  if (/[\r\n]/.test(options.title)) return 'The title must be one line.';
  if (options.reviewers.length === 0) return 'A review needs at least one reviewer.';
  for (const reviewer of options.reviewers) {
    const problem = reviewerIdProblem(reviewer);
    if (problem) return `"${reviewer}": ${problem}`;
  }
  const repeated = options.reviewers.find((r, i) => options.reviewers.indexOf(r) !== i);
  if (repeated) return `The reviewer "${repeated}" is listed twice.`;
  if (options.reviewers.includes(DEFAULT_CONSENSUS))
    return `"${DEFAULT_CONSENSUS}" names the folder of adjudicated records; choose another reviewer id.`;
  return undefined;
}

function yamlScalar(value: string): string {
  return stringify(value, { lineWidth: 0 }).trim();
}

function reviewYaml({ title, reviewers }: NewReviewOptions): string {
  const first = reviewers[0]!;
  return `# The protocol of this review: what is extracted, by whom, and how it is pooled.
# Run \`study-extract check\` after each change; it checks this file, the schema and every record.

# The review's title (shown in reports).
title: ${yamlScalar(title)}
# Where the protocol is registered, e.g. PROSPERO CRD42016050413 (empty until it is).
registration: ""
# Version of the extraction protocol. New records pin it (protocol_version); raise it when the form
# changes, and records made under an older version get a warning.
version: 1
# The extraction form: a JSON Schema that extends the bundled study-record schema.
schema: ${DEFAULT_SCHEMA_PATH}
# Where records live: one file per study per reviewer. Create one with
#   study-extract new <study> --reviewer ${first}
records: ${DEFAULT_RECORDS_TEMPLATE}
# The reviewers who extract every study independently: their ids name their record folders.
reviewers: [${reviewers.join(', ')}]
# The folder name ({reviewer}) of adjudicated records, made by \`study-extract adjudicate <study>\`.
consensus: ${DEFAULT_CONSENSUS}
# Hide a study's disagreements until both reviewers have marked their records complete.
blind: true
# How the two reviewers' records are compared (\`study-extract compare\`).
compare:
  # Fields not compared, by name or id path (e.g. outcomes[*].label).
  ignore: [notes]
  # Two numbers agree when they differ by at most this much.
  tolerance: 0
# The meta-analyses that \`study-extract synthesize\` runs over the records.
synthesis:
  analyses:
    - id: primary
      title: Depressive symptoms after treatment, intervention vs control
      # The outcome id in the records that this analysis pools.
      outcome: depression-post
      # Effect measure: MD, SMD (Hedges' g), RR, OR, RD (dichotomous) or COR (correlation).
      measure: SMD
      # Cochrane defaults: a random-effects model, REML for tau², Knapp-Hartung (hksj) intervals.
      model: random
      method: REML
      ci: hksj
      # Arm groups (arms[*].group in the records) on each side of the comparison.
      experimental: [intervention]
      control: [usual-care, waitlist]
      # Uncomment to pool separately by the experimental arm's group, with a test for differences.
      # subgroup: experimental-group
`;
}

const SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://study-extraction.dev/reviews/extraction.schema.json',
  title: 'Extraction form',
  description:
    "This review's extraction form. It extends the bundled study-record schema with the review's own fields and vocabularies, and declares only what it adds or narrows; a field that neither schema declares is reported.",
  allOf: [
    { $ref: 'https://study-extraction.dev/schemas/study-record.schema.json' },
    {
      type: 'object',
      required: ['arms', 'outcomes'],
      properties: {
        country: {
          title: 'Country',
          description:
            'Country where the trial was run, in English (e.g. `Germany`). Several countries: separate with commas. `NR` if the report does not say.',
          type: 'string',
          minLength: 1,
        },
        arms: {
          minItems: 1,
          items: {
            required: ['n'],
            properties: {
              group: {
                title: 'Condition',
                description:
                  "Which of the review's conditions this arm belongs to; the synthesis compares arms by this value.",
                enum: ['intervention', 'usual-care', 'waitlist'],
                enumDescriptions: [
                  'The intervention under review.',
                  'Treatment as usual.',
                  'Waiting list (treatment offered after the trial).',
                ],
              },
            },
          },
        },
        outcomes: {
          minItems: 1,
          items: {
            required: ['instrument', 'timepoint'],
            properties: {
              id: {
                title: 'Outcome id',
                description:
                  'Which outcome this is. Both reviewers use the same ids, so that their records can be compared; the synthesis pools `depression-post`.',
                enum: ['depression-post', 'depression-follow-up'],
                enumDescriptions: [
                  'Depressive symptoms at the end of treatment.',
                  'Depressive symptoms at the longest follow-up.',
                ],
              },
              instrument: {
                title: 'Instrument',
                description:
                  'The questionnaire the outcome was measured with (e.g. `BDI-II`, `PHQ-9`), or `NR` if the report does not say.',
                type: 'string',
                minLength: 1,
              },
              timepoint: {
                title: 'Time point',
                description:
                  'When the outcome was measured, as the report says (e.g. `week 12`, `post-treatment`), or `NR`.',
                type: 'string',
                minLength: 1,
              },
            },
          },
        },
      },
    },
  ],
};

function readme({ title, reviewers }: NewReviewOptions): string {
  const [first, second] = reviewers;
  return `# ${title}

A systematic review extracted with Study Extraction: each included study is extracted into a YAML record
by ${second ? 'two reviewers independently' : 'the reviewer'}, checked against the review's extraction
form, and pooled as \`review.yaml\` says.

\`\`\`
review.yaml                            the protocol: reviewers, comparison, analyses
schemas/extraction.schema.json         the extraction form (extends the bundled study-record schema)
records/<reviewer>/<study>.study.yaml  one record per study per reviewer (${reviewers.join(', ')})
records/consensus/<study>.study.yaml   the adjudicated record of a study
\`\`\`

## Working on the review

\`\`\`sh
study-extract new smith-2020 --reviewer ${first}   # a new record with every required field
study-extract check                              # review.yaml, the schema and every record
study-extract compare                            # disagreements between the reviewers, agreement
study-extract adjudicate smith-2020              # the consensus record, a placeholder per disagreement
study-extract synthesize                         # the analyses of review.yaml
\`\`\`

A study id uses lower-case letters, digits, \`.\`, \`_\` and \`-\` (e.g. \`smith-2020\`). In a record, \`NR\`
means "not reported in the source"; an empty value means "not extracted yet". After adjudication,
\`check\` warns at every field whose disagreement is not settled yet.
`;
}

/** The files of a new review, in the order they are written. */
export function newReviewFiles(options: NewReviewOptions): NewReviewFile[] {
  const recordFolders = [...options.reviewers, DEFAULT_CONSENSUS].map((folder) => ({
    path: `records/${folder}/.gitkeep`,
    text: '',
  }));
  return [
    { path: REVIEW_FILE, text: reviewYaml(options) },
    { path: DEFAULT_SCHEMA_PATH, text: `${JSON.stringify(SCHEMA, null, 2)}\n` },
    ...recordFolders,
    { path: 'README.md', text: readme(options) },
    {
      path: '.gitignore',
      text: '# The content-hash cache of `study-extract check --cache`.\n.study-extract-cache/\n',
    },
  ];
}
