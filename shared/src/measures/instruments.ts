import { z } from 'zod';
import { Id, type Frozen } from '../roles.ts';

export const MEASURE_LIMITS = {
  titleLength: 80,
  instructionLength: 300,
  itemLength: 300,
  anchorLength: 60,
  maxItems: 30,
  maxBands: 8,
  maxRuns: 20
} as const;

/** A labelled point of an answer scale: every value of PHQ-9's 0–3, or the two ends of a 0–10. */
export const Anchor = z.object({ value: z.number().int(), label: z.string().trim().min(1).max(MEASURE_LIMITS.anchorLength) }).strict();
export type Anchor = z.infer<typeof Anchor>;

/** A range of totals and what it is called (a severity band: `10–14 moderate`). Inclusive at both ends. */
export const Band = z.object({ min: z.number(), max: z.number(), label: z.string().trim().min(1).max(MEASURE_LIMITS.anchorLength) }).strict();
export type Band = z.infer<typeof Band>;

/**
 * An instrument as a session uses it: the exact wording the members answered, snapshotted into the
 * session's log when a facilitator opens it, so the record says what was asked even if the
 * instrument is edited later.
 */
export const Instrument = z
  .object({
    key: Id.describe('`check-in`, `check-out`, `phq-9`, `gad-7`, or an organization\'s own instrument.'),
    title: z.string().trim().min(1).max(MEASURE_LIMITS.titleLength),
    instructions: z.string().trim().max(MEASURE_LIMITS.instructionLength).describe('Shown above every question.'),
    items: z
      .array(z.object({ id: Id, text: z.string().trim().min(1).max(MEASURE_LIMITS.itemLength) }).strict())
      .min(1)
      .max(MEASURE_LIMITS.maxItems),
    scale: z
      .object({
        min: z.number().int().min(0).max(10),
        max: z.number().int().min(1).max(10),
        anchors: z.array(Anchor).min(2).max(11).describe('Labels of scale points; a scale of up to 4 points labels every one.')
      })
      .strict(),
    scoring: z.enum(['sum', 'mean']).describe('The total: the sum of the answers, or their mean (one decimal).'),
    bands: z.array(Band).max(MEASURE_LIMITS.maxBands).describe('Severity bands of the total, lowest first; empty for none.'),
    concern: z
      .object({ direction: z.enum(['low', 'high']), at: z.number() })
      .strict()
      .describe('Which totals the clinicians see highlighted: at or below `at` (`low`), or at or above it (`high`).'),
    reliableChange: z
      .number()
      .positive()
      .nullable()
      .describe('The smallest change of the total between two sessions that is beyond measurement error (docs/measures.md); null if none is published.'),
    safetyItem: z
      .object({ itemId: Id, crisisAt: z.number().int() })
      .strict()
      .nullable()
      .describe('An item whose any answer above the scale\'s minimum raises a clinicians-only safety flag (crisis severity at or above `crisisAt`).')
  })
  .strict()
  .refine((i) => i.scale.min < i.scale.max, 'the scale\'s minimum must be below its maximum')
  .refine((i) => new Set(i.items.map((it) => it.id)).size === i.items.length, 'item ids must be unique');
export type Instrument = Frozen<z.infer<typeof Instrument>>;
/** An instrument as a command carries it (commands are built, then frozen by the log). */
export type InstrumentData = z.infer<typeof Instrument>;

const OFTEN: Anchor[] = [
  { value: 0, label: 'Not at all' },
  { value: 1, label: 'Several days' },
  { value: 2, label: 'More than half the days' },
  { value: 3, label: 'Nearly every day' }
];

/**
 * The Patient Health Questionnaire (PHQ-9; Kroenke, Spitzer & Williams 2001), in the public domain:
 * exact item wording, 0–3 answers, severity bands 0–4 / 5–9 / 10–14 / 15–19 / 20–27.
 */
export const PHQ_9: Instrument = {
  key: 'phq-9',
  title: 'PHQ-9',
  instructions: 'Over the last 2 weeks, how often have you been bothered by any of the following problems?',
  items: [
    { id: 'q1', text: 'Little interest or pleasure in doing things' },
    { id: 'q2', text: 'Feeling down, depressed, or hopeless' },
    { id: 'q3', text: 'Trouble falling or staying asleep, or sleeping too much' },
    { id: 'q4', text: 'Feeling tired or having little energy' },
    { id: 'q5', text: 'Poor appetite or overeating' },
    { id: 'q6', text: 'Feeling bad about yourself — or that you are a failure or have let yourself or your family down' },
    { id: 'q7', text: 'Trouble concentrating on things, such as reading the newspaper or watching television' },
    {
      id: 'q8',
      text: 'Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety or restless that you have been moving around a lot more than usual'
    },
    { id: 'q9', text: 'Thoughts that you would be better off dead or of hurting yourself in some way' }
  ],
  scale: { min: 0, max: 3, anchors: OFTEN },
  scoring: 'sum',
  bands: [
    { min: 0, max: 4, label: 'Minimal' },
    { min: 5, max: 9, label: 'Mild' },
    { min: 10, max: 14, label: 'Moderate' },
    { min: 15, max: 19, label: 'Moderately severe' },
    { min: 20, max: 27, label: 'Severe' }
  ],
  concern: { direction: 'high', at: 10 },
  reliableChange: 6,
  safetyItem: { itemId: 'q9', crisisAt: 3 }
};

/** The Generalized Anxiety Disorder scale (GAD-7; Spitzer et al. 2006), in the public domain: bands 0–4 / 5–9 / 10–14 / 15–21. */
export const GAD_7: Instrument = {
  key: 'gad-7',
  title: 'GAD-7',
  instructions: 'Over the last 2 weeks, how often have you been bothered by the following problems?',
  items: [
    { id: 'q1', text: 'Feeling nervous, anxious or on edge' },
    { id: 'q2', text: 'Not being able to stop or control worrying' },
    { id: 'q3', text: 'Worrying too much about different things' },
    { id: 'q4', text: 'Trouble relaxing' },
    { id: 'q5', text: 'Being so restless that it is hard to sit still' },
    { id: 'q6', text: 'Becoming easily annoyed or irritable' },
    { id: 'q7', text: 'Feeling afraid as if something awful might happen' }
  ],
  scale: { min: 0, max: 3, anchors: OFTEN },
  scoring: 'sum',
  bands: [
    { min: 0, max: 4, label: 'Minimal' },
    { min: 5, max: 9, label: 'Mild' },
    { min: 10, max: 14, label: 'Moderate' },
    { min: 15, max: 21, label: 'Severe' }
  ],
  concern: { direction: 'high', at: 10 },
  reliableChange: 4,
  safetyItem: null
};

/** Hearth's check-in: one 0–10 rating at the start of a group. */
export const CHECK_IN: Instrument = {
  key: 'check-in',
  title: 'Check-in',
  instructions: 'Tap the number that fits best.',
  items: [{ id: 'arriving', text: 'How are you arriving today?' }],
  scale: {
    min: 0,
    max: 10,
    anchors: [
      { value: 0, label: 'Very low' },
      { value: 10, label: 'Very well' }
    ]
  },
  scoring: 'mean',
  bands: [],
  concern: { direction: 'low', at: 3 },
  reliableChange: null,
  safetyItem: null
};

/** Hearth's check-out: short feedback on the session, 0–10 each, so the facilitators hear how the group went for each member. */
export const CHECK_OUT: Instrument = {
  key: 'check-out',
  title: 'Check-out',
  instructions: 'About today\'s group. Tap the number that fits best.',
  items: [
    { id: 'heard', text: 'I felt heard and understood' },
    { id: 'mattered', text: 'We worked on what mattered to me' },
    { id: 'return', text: 'I would come back' }
  ],
  scale: {
    min: 0,
    max: 10,
    anchors: [
      { value: 0, label: 'Not at all' },
      { value: 10, label: 'Completely' }
    ]
  },
  scoring: 'mean',
  bands: [],
  concern: { direction: 'low', at: 5 },
  reliableChange: null,
  safetyItem: null
};

/** The instruments every organization has, by key. */
export const BUILT_IN_INSTRUMENTS: readonly Instrument[] = [CHECK_IN, CHECK_OUT, PHQ_9, GAD_7];

/** Standardized instruments: their wording, scale and scoring are published and cannot be changed or reused. */
export const STANDARDIZED_KEYS: readonly string[] = [PHQ_9.key, GAD_7.key];

/**
 * A session's own instruments: an organization's, and a group's wording of the check-in or check-out
 * (same key as the built-in one, which it replaces). Never a standardized key; each key once.
 */
export const SessionInstruments = z
  .array(Instrument)
  .max(MEASURE_LIMITS.maxRuns)
  .refine((l) => new Set(l.map((i) => i.key)).size === l.length, 'instrument keys must be unique')
  .refine((l) => l.every((i) => !STANDARDIZED_KEYS.includes(i.key)), 'PHQ-9 and GAD-7 are standardized: they cannot be replaced');

/** Every instrument a session offers, in order: the built-in ones (or the group's wording of them), then its own. */
export function sessionInstruments(own: readonly Instrument[]): Instrument[] {
  const byKey = new Map(own.map((i) => [i.key, i]));
  return [...BUILT_IN_INSTRUMENTS.map((b) => byKey.get(b.key) ?? b), ...own.filter((i) => !BUILT_IN_INSTRUMENTS.some((b) => b.key === i.key))];
}

/** One member's answers, in item order: a value of the scale, or null for a question they skipped. */
export const Answers = z.array(z.number().int().min(0).max(10).nullable()).min(1).max(MEASURE_LIMITS.maxItems);
export type Answers = z.infer<typeof Answers>;

/** What a set of answers comes to. */
export interface Score {
  /** The sum or mean; null when a question was skipped (a partial total would read as a lower score). */
  readonly total: number | null;
  /** The severity band of the total, when the instrument has bands and there is a total. */
  readonly band: string | null;
  /** Whether the clinicians see it highlighted. */
  readonly concern: boolean;
}

export function score(instrument: Instrument, answers: Answers): Score {
  if (answers.some((a) => a === null)) return { total: null, band: null, concern: false };
  const values = answers as number[];
  const sum = values.reduce((a, b) => a + b, 0);
  const total = instrument.scoring === 'sum' ? sum : Math.round((sum / values.length) * 10) / 10;
  const band = instrument.bands.find((b) => total >= b.min && total <= b.max)?.label ?? null;
  const { direction, at } = instrument.concern;
  return { total, band, concern: direction === 'low' ? total <= at : total >= at };
}

/** Why a set of answers does not fit an instrument, or null when it does. */
export function answersProblem(instrument: Instrument, answers: Answers): string | null {
  if (answers.length !== instrument.items.length) return `${instrument.title} has ${instrument.items.length} questions; ${answers.length} answers were sent.`;
  const { min, max } = instrument.scale;
  const outside = answers.findIndex((a) => a !== null && (a < min || a > max));
  if (outside >= 0) return `Answer ${outside + 1} is outside the scale (${min}–${max}).`;
  return null;
}

/** The safety item's answer, when the instrument has one and it was answered above the scale's minimum. */
export function safetyAnswer(instrument: Instrument, answers: Answers): { value: number; crisis: boolean; label: string } | null {
  const item = instrument.safetyItem;
  if (!item) return null;
  const index = instrument.items.findIndex((i) => i.id === item.itemId);
  const value = index < 0 ? null : answers[index];
  if (value === null || value === undefined || value <= instrument.scale.min) return null;
  const label = instrument.scale.anchors.find((a) => a.value === value)?.label ?? String(value);
  return { value, crisis: value >= item.crisisAt, label };
}
