// The study-characteristics table of a synthesis (HTML report, synthesis panel): per study its citation, its
// arms and the analysed outcomes' instruments, time points and scales, read from the record that speaks for
// it. Pure and browser-safe: only types come from analysis.ts and review.ts (which read files).
//
// Which record speaks is dual/speaker.ts (DESIGN §4), with "agree" meaning agree on everything shown here.
// Where no record speaks a characteristics table still wants a row, so the first readable reviewer's record
// is shown as provisional, with the reason — except in a blinded review while the records are not both
// complete: nothing of either is shown then, so the table cannot unblind anyone.
import type { ReviewConfig } from '../review/review';
import { valuesAgree } from '../dual/compare';
import { speaker } from '../dual/speaker';
import { citationLabel, citationText as recordCitationText, readRecord } from '../record/model';
import type { StudyRecord, StudyRecords } from './analysis';
import { readAnalyses } from './analysisConfig';

type Obj = Record<string, unknown>;

interface ArmCharacteristics {
  id: string;
  label: string | null;
  group: string | null;
  /** As extracted: a number, `NR`, or null when not extracted. */
  n: number | 'NR' | null;
}

interface OutcomeCharacteristics {
  id: string;
  label: string | null;
  type: string | null;
  instrument: string | null;
  timepoint: string | null;
  scale: { min: number; max: number; higherIsBetter: boolean } | null;
  /** Ids of the analyses that read this outcome. */
  analyses: string[];
}

export interface StudyCharacteristics {
  study: string;
  /** "Preschl 2011" (first author's surname and year), or the study id; the forest plot's label. */
  label: string;
  /** The first author as printed ("Preschl B"), and whether there are more. */
  firstAuthor: string | null;
  etAl: boolean;
  year: number | null;
  journal: string | null;
  arms: ArmCharacteristics[];
  /** The analysed outcomes (all outcomes when the review defines no analysis). */
  outcomes: OutcomeCharacteristics[];
  /**
   * consensus: the adjudicated record; agreed: both reviewers' complete records agree on everything shown;
   * provisional: one reviewer's record, not yet settled (see `note`); hidden: blinded until both records
   * are complete; none: no readable record.
   */
  source: 'consensus' | 'agreed' | 'provisional' | 'hidden' | 'none';
  /** Whose record is shown: "consensus", "ek + mk", "ek"; null when nothing is shown. */
  record: string | null;
  /** Why the row is provisional, hidden or empty. */
  note: string | null;
}

export type CharacteristicsConfig = Pick<ReviewConfig, 'synthesis' | 'compare' | 'blind'>;

/** The part of a record the table shows; `analysed` maps outcome ids to the analyses reading them. */
function shown(study: string, value: Obj, analysed: Map<string, string[]> | null) {
  const record = readRecord(value);
  const { citation } = record;
  const arms: ArmCharacteristics[] = record.arms.flatMap((a) =>
    a.id === null
      ? []
      : [
          {
            id: a.id,
            label: a.label,
            group: a.group,
            n: a.n.kind === 'value' ? a.n.value : a.n.kind === 'NR' ? 'NR' : null,
          },
        ],
  );
  const outcomes: OutcomeCharacteristics[] = record.outcomes.flatMap((o) =>
    o.id === null || (analysed !== null && !analysed.has(o.id))
      ? []
      : [
          {
            id: o.id,
            label: o.label,
            type: o.type,
            instrument: o.instrument,
            timepoint: o.timepoint,
            scale: o.scale && { min: o.scale.min, max: o.scale.max, higherIsBetter: o.scale.higherIsBetter },
            analyses: analysed?.get(o.id) ?? [],
          },
        ],
  );
  return {
    label: citationLabel(citation, study),
    firstAuthor: citation.firstAuthor,
    etAl: citation.etAl,
    year: citation.year,
    journal: citation.journal,
    arms,
    outcomes,
  };
}

type Shown = ReturnType<typeof shown>;

/** Where two reviewers' shown values differ, as id paths (a few). */
function differences(a: Shown, b: Shown, tolerance: number): string[] {
  const out: string[] = [];
  const check = (path: string, x: unknown, y: unknown) => {
    if (!valuesAgree(x, y, tolerance)) out.push(path);
  };
  check('citation.authors[0]', a.firstAuthor, b.firstAuthor);
  check('citation.year', a.year, b.year);
  check('citation.journal', a.journal, b.journal);
  const byId = <T extends { id: string }>(items: T[]) => new Map(items.map((i) => [i.id, i]));
  for (const [kind, xs, ys] of [
    ['arms', byId(a.arms), byId(b.arms)],
    ['outcomes', byId(a.outcomes), byId(b.outcomes)],
  ] as const) {
    for (const id of new Set([...xs.keys(), ...ys.keys()])) {
      const x = xs.get(id) as Obj | undefined;
      const y = ys.get(id) as Obj | undefined;
      if (!x || !y) {
        out.push(`${kind}[${id}]`);
        continue;
      }
      for (const key of Object.keys(x))
        if (key !== 'analyses') check(`${kind}[${id}].${key}`, x[key], y[key]);
    }
  }
  return out;
}

const names = (records: StudyRecord[]) => records.map((r) => r.reviewer).join(' and ');

/**
 * The study's records as the synthesis uses them: a record with a `problem` (a YAML syntax error, …) is
 * unreadable, whatever data a partial parse left in it, so that no value of it is read as not extracted.
 */
export function usableRecords(study: StudyRecords): StudyRecords {
  const usable = (record: StudyRecord): StudyRecord =>
    record.problem === undefined ? record : { ...record, value: undefined, status: undefined };
  return {
    study: study.study,
    reviewers: study.reviewers.map(usable),
    ...(study.consensus ? { consensus: usable(study.consensus) } : {}),
  };
}

/** "the record records/ek/x.study.yaml does not parse (YAML syntax error at line 12)", when it has a problem. */
export function recordProblemText(record: StudyRecord, consensus = false): string | undefined {
  return record.problem === undefined
    ? undefined
    : `the ${consensus ? 'consensus ' : ''}record ${record.path} ${record.problem}`;
}

/** One row per study, in the order given (pure). */
export function studyCharacteristics(
  studies: readonly StudyRecords[],
  config: CharacteristicsConfig,
): StudyCharacteristics[] {
  const analyses = readAnalyses(config.synthesis.analyses).filter((p) => p.config);
  let analysed: Map<string, string[]> | null = null;
  if (analyses.length > 0) {
    analysed = new Map();
    for (const p of analyses)
      analysed.set(p.config!.outcome, [...(analysed.get(p.config!.outcome) ?? []), p.id]);
  }
  const tolerance = config.compare.tolerance;
  return studies.map(usableRecords).map((study): StudyCharacteristics => {
    const row = (
      source: StudyCharacteristics['source'],
      record: string | null,
      value: Obj | undefined,
      note: string | null,
    ): StudyCharacteristics => ({
      study: study.study,
      ...(value
        ? shown(study.study, value, analysed)
        : {
            label: study.study,
            firstAuthor: null,
            etAl: false,
            year: null,
            journal: null,
            arms: [],
            outcomes: [],
          }),
      source,
      record,
      note,
    });
    const classified = speaker(study, {
      blind: config.blind,
      compare: (a, b) => ({
        disagreements: differences(
          shown(study.study, a.value, analysed),
          shown(study.study, b.value, analysed),
          tolerance,
        ),
      }),
    });
    if (classified.consensus.state === 'readable')
      return row('consensus', 'consensus', classified.consensus.record.value, null);
    const consensusNote =
      classified.consensus.state === 'unreadable'
        ? (recordProblemText(classified.consensus.record, true) ??
          `its consensus record (${classified.consensus.record.path}) cannot be read as a YAML mapping`)
        : null;
    const note = (why?: string) => [consensusNote, why].filter((p) => !!p).join('; ') || null;
    const reviewers = classified.reviewers;
    const problems = (records: readonly StudyRecord[]) =>
      records.map((r) => recordProblemText(r)).filter((t): t is string => t !== undefined);
    const notCompleted = (waiting: StudyRecord[]) =>
      `${names(waiting)} ${waiting.length === 1 ? 'has' : 'have'} not completed the record`;
    switch (reviewers.kind) {
      case 'agreed': {
        const [a, b] = reviewers.records;
        return row('agreed', `${a.reviewer} + ${b.reviewer}`, a.value, note());
      }
      case 'disagreed': {
        const [a, b] = reviewers.records;
        const diff = reviewers.comparison.disagreements;
        const more = diff.length > 3 ? ` and ${diff.length - 3} more` : '';
        return row(
          'provisional',
          a.reviewer,
          a.value,
          note(
            `${a.reviewer} and ${b.reviewer} differ on ${diff.slice(0, 3).join(', ')}${more}; not adjudicated`,
          ),
        );
      }
      case 'blinded': {
        // That a record does not parse shows none of its values: it may be said in a blinded review too.
        const drafts = reviewers.waiting.filter((r) => r.problem === undefined);
        const why = [
          reviewers.records.length < 2
            ? 'only one reviewer has extracted it'
            : drafts.length > 0
              ? notCompleted(drafts)
              : undefined,
          ...problems(reviewers.records),
        ].filter((p): p is string => p !== undefined);
        return row('hidden', null, undefined, note(`blinded review: ${why.join('; ')}`));
      }
      default: {
        // Not settled and not blinded: the first readable record, shown as provisional.
        const first = classified.readable[0];
        const broken = problems(reviewers.records);
        if (reviewers.kind === 'none' || !first)
          return row('none', null, undefined, note([...broken, 'no readable record'].join('; ')));
        const why =
          reviewers.kind === 'single'
            ? `only ${first.reviewer} has extracted it`
            : classified.readable.length < 2
              ? broken.length > 0
                ? broken.join('; ')
                : 'the other record cannot be read'
              : notCompleted(reviewers.waiting);
        return row('provisional', first.reviewer, first.value, note(why));
      }
    }
  });
}

// ---------------------------------------------------------------------------------------------------------
// The same table as plain text cells, for the synthesis panel (and anything else that renders a table of
// strings); the HTML report renders the same texts.

/** "Preschl B et al. (2011)". */
function citationText(c: StudyCharacteristics): string {
  return recordCitationText(c);
}

/** "(email, n = 25)": an arm's group and n; its label or id comes first where shown. */
function armDetails(arm: ArmCharacteristics): string {
  return `(${arm.group ?? 'no group'}, n = ${arm.n ?? '?'})`;
}

/** "WAI; post-treatment; scale 1–7" (what is known of an outcome). */
function outcomeDetails(o: OutcomeCharacteristics): string {
  const scale = o.scale
    ? `scale ${o.scale.min}–${o.scale.max}${o.scale.higherIsBetter ? '' : ', lower is better'}`
    : null;
  return [o.instrument, o.timepoint, scale].filter((d): d is string => !!d).join('; ');
}

const SOURCE_TEXT: Record<StudyCharacteristics['source'], string> = {
  consensus: 'consensus',
  agreed: 'agreed',
  provisional: 'provisional',
  hidden: 'hidden (blinded)',
  none: 'no record',
};

/** "agreed (ek + mk)", "provisional (ek): mk has not completed the record". */
function sourceText(c: StudyCharacteristics): string {
  const who = c.record && c.source !== 'consensus' ? ` (${c.record})` : '';
  return `${SOURCE_TEXT[c.source]}${who}${c.note ? `: ${c.note}` : ''}`;
}

export interface CharacteristicsTableData {
  columns: { key: string; label: string }[];
  rows: { study: string; cells: Record<string, string | number | null> }[];
}

export const CHARACTERISTICS_COLUMNS = [
  { key: 'study', label: 'Study' },
  { key: 'citation', label: 'First author (year)' },
  { key: 'journal', label: 'Journal' },
  { key: 'arms', label: 'Arms (group, n)' },
  { key: 'outcomes', label: 'Analysed outcomes' },
  { key: 'record', label: 'Record' },
];

/** The characteristics as a table of text cells (arms and outcomes joined with "; " and " · "). */
export function characteristicsTable(rows: readonly StudyCharacteristics[]): CharacteristicsTableData {
  return {
    columns: CHARACTERISTICS_COLUMNS,
    rows: rows.map((c) => ({
      study: c.study,
      cells: {
        study: c.label,
        citation: citationText(c),
        journal: c.journal,
        arms: c.arms.map((a) => `${a.label ?? a.id} ${armDetails(a)}`).join('; '),
        outcomes: c.outcomes
          .map((o) => {
            const details = outcomeDetails(o);
            return `${o.label ?? o.id}${details ? ` (${details})` : ''}`;
          })
          .join(' · '),
        record: sourceText(c),
      },
    })),
  };
}
