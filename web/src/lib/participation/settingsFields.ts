import { ParticipationSettings } from '@hearth/shared';

/** One of the four nudge settings as the form shows it. */
export interface SettingsField {
  readonly key: keyof ParticipationSettings;
  readonly label: string;
  readonly help: string;
  readonly unit: string;
  /** Bounds and step as typed (the quiet fraction is typed as a percentage). */
  readonly min: number;
  readonly max: number;
  readonly step: number;
  /** Typed value → setting, and back. */
  readonly toSetting: (typed: number) => number;
  readonly toTyped: (setting: number) => number;
  /** What to type, named when the schema refuses the value. */
  readonly expect: string;
}

const shape = ParticipationSettings.shape;
const same = (x: number) => x;
const bound = (x: number | null, fallback: number) => x ?? fallback;

const qMin = Math.round(bound(shape.quietFraction.minValue, 0) * 100);
const qMax = Math.round(bound(shape.quietFraction.maxValue, 1) * 100);
const nMin = bound(shape.quietAfterMinutes.minValue, 1);
const nMax = bound(shape.quietAfterMinutes.maxValue, 240);
const mMin = bound(shape.silentMinutes.minValue, 1);
const mMax = bound(shape.silentMinutes.maxValue, 240);
const dMin = bound(shape.dominanceMultiple.minValue, 1);
const dMax = bound(shape.dominanceMultiple.maxValue, 10);

/**
 * The nudge settings in plain words, with their bounds read from the ParticipationSettings schema so
 * the form and the server cannot disagree about what is allowed.
 */
export const SETTINGS_FIELDS: readonly SettingsField[] = [
  {
    key: 'quietFraction',
    label: 'Quiet below (q)',
    help: 'A member counts as quiet when their share of the talk is below this part of a fair share.',
    unit: '% of a fair share',
    min: qMin,
    max: qMax,
    step: 1,
    toSetting: (typed) => typed / 100,
    toTyped: (setting) => Math.round(setting * 100),
    expect: `a percentage from ${qMin} to ${qMax}`
  },
  {
    key: 'quietAfterMinutes',
    label: 'Start share nudges after (N)',
    help: 'Quiet-share and dominance nudges wait this long into the session, so the first speaker is not flagged.',
    unit: 'minutes',
    min: nMin,
    max: nMax,
    step: 1,
    toSetting: same,
    toTyped: same,
    expect: `whole minutes from ${nMin} to ${nMax}`
  },
  {
    key: 'silentMinutes',
    label: 'Silent for (M)',
    help: 'A member also counts as quiet once they have not spoken for this long.',
    unit: 'minutes',
    min: mMin,
    max: mMax,
    step: 1,
    toSetting: same,
    toTyped: same,
    expect: `whole minutes from ${mMin} to ${mMax}`
  },
  {
    key: 'dominanceMultiple',
    label: 'Dominant above (d)',
    help: 'A member counts as dominant when their share is above this many times a fair share.',
    unit: '× a fair share',
    min: dMin,
    max: dMax,
    step: 0.1,
    toSetting: same,
    toTyped: same,
    expect: `a number from ${dMin} to ${dMax}`
  }
];
