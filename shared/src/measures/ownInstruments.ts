import { z } from 'zod';
import type { RouteSpec } from '../api.ts';
import { Uuid } from '../protocol.ts';
import { Band, CHECK_IN, CHECK_OUT, Instrument, MEASURE_LIMITS, type InstrumentData } from './instruments.ts';

/**
 * An organization's own instrument as its clinicians enter it: a practice holding a licence for a
 * measure enters its items, scale, scoring, bands and cut-off; Hearth ships none of those.
 */
export const NewInstrument = z
  .object({
    title: z.string().trim().min(1).max(MEASURE_LIMITS.titleLength),
    instructions: z.string().trim().max(MEASURE_LIMITS.instructionLength),
    items: z.array(z.string().trim().min(1).max(MEASURE_LIMITS.itemLength)).min(1).max(MEASURE_LIMITS.maxItems).describe('The questions, in order.'),
    scale: z
      .object({
        min: z.number().int().min(0).max(9),
        max: z.number().int().min(1).max(10),
        minLabel: z.string().trim().min(1).max(MEASURE_LIMITS.anchorLength),
        maxLabel: z.string().trim().min(1).max(MEASURE_LIMITS.anchorLength)
      })
      .strict()
      .refine((s) => s.min < s.max, 'the scale\'s lowest point must be below its highest'),
    scoring: z.enum(['sum', 'mean']),
    bands: z.array(Band).max(MEASURE_LIMITS.maxBands),
    concern: z.object({ direction: z.enum(['low', 'high']), at: z.number() }).strict().describe('Totals highlighted for the clinicians: at or below (`low`) or at or above (`high`) the cut-off.')
  })
  .strict();
export type NewInstrument = z.infer<typeof NewInstrument>;

/** A group's own wording of the check-in question and the check-out's three, or null for Hearth's. */
export const MeasureWording = z
  .object({
    checkIn: z.string().trim().min(1).max(MEASURE_LIMITS.itemLength).nullable(),
    checkOut: z.tuple([z.string().trim().min(1).max(MEASURE_LIMITS.itemLength), z.string().trim().min(1).max(MEASURE_LIMITS.itemLength), z.string().trim().min(1).max(MEASURE_LIMITS.itemLength)]).nullable()
  })
  .strict();
export type MeasureWording = z.infer<typeof MeasureWording>;

export const DEFAULT_WORDING: MeasureWording = { checkIn: null, checkOut: null };

/** The check-in and check-out as a group words them (only those it rewords). */
export function wordedInstruments(w: MeasureWording): InstrumentData[] {
  const copy = (i: Instrument): InstrumentData => Instrument.parse(i);
  return [
    ...(w.checkIn === null ? [] : [{ ...copy(CHECK_IN), items: [{ id: CHECK_IN.items[0]!.id, text: w.checkIn }] }]),
    ...(w.checkOut === null ? [] : [{ ...copy(CHECK_OUT), items: CHECK_OUT.items.map((item, n) => ({ id: item.id, text: w.checkOut![n]! })) }])
  ];
}

/** An entered instrument as sessions use it, under its key. */
export function instrumentOf(key: string, i: NewInstrument): InstrumentData {
  return {
    key,
    title: i.title,
    instructions: i.instructions,
    items: i.items.map((text, n) => ({ id: `q${n + 1}`, text })),
    scale: {
      min: i.scale.min,
      max: i.scale.max,
      anchors: [
        { value: i.scale.min, label: i.scale.minLabel },
        { value: i.scale.max, label: i.scale.maxLabel }
      ]
    },
    scoring: i.scoring,
    bands: i.bands.map((b) => ({ ...b })),
    concern: { ...i.concern },
    reliableChange: null,
    safetyItem: null
  };
}

const groupParams = z.object({ groupId: Uuid }).strict();

export const OWN_INSTRUMENT_ROUTES = {
  ownInstruments: {
    method: 'get', path: '/api/organization/instruments', tag: 'organization', auth: 'clinician',
    summary: 'The organization\'s own instruments, which every group\'s facilitators can open on members\' phones beside the built-in ones.',
    responses: { 200: z.object({ instruments: z.array(Instrument) }).strict() },
    errors: []
  },
  addOwnInstrument: {
    method: 'post', path: '/api/organization/instruments', tag: 'organization', auth: 'clinician',
    summary: 'Add an instrument (any clinician of the organization). Sessions not yet over offer it at once; those that used another keep what they asked.',
    body: NewInstrument,
    responses: { 201: z.object({ instruments: z.array(Instrument) }).strict() },
    errors: ['INSTRUMENT_EXISTS', 'LIMIT_REACHED']
  },
  deleteOwnInstrument: {
    method: 'delete', path: '/api/organization/instruments/:key', tag: 'organization', auth: 'clinician',
    summary: 'Remove an instrument: sessions not yet over offer it no more; what members answered stays in the sessions and their records.',
    params: z.object({ key: z.string().regex(/^org-[a-z0-9-]{1,60}$/) }).strict(),
    responses: { 204: null },
    errors: ['NOT_FOUND']
  },
  measureWording: {
    method: 'get', path: '/api/groups/:groupId/measure-wording', tag: 'progress', auth: 'clinician',
    summary: 'The group\'s wording of the check-in question and the check-out\'s three (null: Hearth\'s).',
    params: groupParams,
    responses: { 200: MeasureWording },
    errors: ['FORBIDDEN']
  },
  saveMeasureWording: {
    method: 'put', path: '/api/groups/:groupId/measure-wording', tag: 'progress', auth: 'clinician',
    summary: 'Set the group\'s wording of the check-in and check-out (facilitators); its sessions not yet over ask it at once.',
    params: groupParams,
    body: MeasureWording,
    responses: { 200: MeasureWording },
    errors: ['FORBIDDEN']
  }
} as const satisfies Record<string, RouteSpec>;
