import { z } from 'zod';
import { ItemKind, LIMITS } from '../board/commands.ts';
import { Uuid } from '../protocol.ts';
import { type Frozen } from '../roles.ts';
import { PlannedItem } from '../board/commands.ts';
import { isTimeZone } from './zonedTime.ts';

/** Agenda templates: an organization's library of group formats to schedule sessions from. */

export const TemplateItem = z
  .object({
    title: z.string().trim().min(1).max(LIMITS.titleLength),
    kind: ItemKind,
    plannedMinutes: z.number().int().min(1).max(LIMITS.maxPlannedMinutes),
    guidance: z.string().max(LIMITS.guidanceLength).describe('Private prompts for the clinicians; `""` for none.')
  })
  .strict();
export type TemplateItem = z.infer<typeof TemplateItem>;

export const NewAgendaTemplate = z
  .object({
    name: z.string().trim().min(1).max(80),
    description: z.string().trim().max(400),
    items: z.array(TemplateItem).min(1).max(LIMITS.maxItems)
  })
  .strict();
export type NewAgendaTemplate = z.infer<typeof NewAgendaTemplate>;

export const AgendaTemplate = NewAgendaTemplate.extend({ id: Uuid }).strict();
export type AgendaTemplate = Frozen<z.infer<typeof AgendaTemplate>>;

const item = (title: string, kind: TemplateItem['kind'], plannedMinutes: number, guidance = ''): TemplateItem => ({ title, kind, plannedMinutes, guidance });

/** Common formats of group therapy, for a new organization's library. */
export const STANDARD_TEMPLATES: readonly NewAgendaTemplate[] = [
  {
    name: 'DBT skills group',
    description: 'Homework review, then one skill taught and practised (mindfulness, distress tolerance, emotion regulation or interpersonal effectiveness).',
    items: [
      item('Mindfulness exercise', 'other', 5, 'Lead a short practice; invite one or two observations, not a discussion.'),
      item('Homework review', 'check-in', 25, 'Each member reports on the diary card and the week\'s skill practice; troubleshoot missed practice without judgement.'),
      item('Break', 'break', 10),
      item('New skill', 'psychoeducation', 25, 'Teach the module\'s next skill with one concrete example; check understanding.'),
      item('Skill practice', 'skill-practice', 15, 'Rehearse in pairs or as a group; assign it as homework.'),
      item('Wind-down', 'check-out', 10, 'One word each on how they leave; name the homework.')
    ]
  },
  {
    name: 'CBT group',
    description: 'Agenda-setting, homework review, one cognitive or behavioural technique, and the next homework.',
    items: [
      item('Check-in and mood rating', 'check-in', 10, 'Brief mood check (0–10) per member; note any risk to follow up.'),
      item('Homework review', 'open-process', 15, 'What was tried, what got in the way, what they noticed.'),
      item('Technique', 'psychoeducation', 20, 'Introduce the session\'s technique (thought record, behavioural activation, exposure step).'),
      item('Practice', 'skill-practice', 25, 'Work through one member\'s example together; then everyone on their own.'),
      item('Homework and summary', 'check-out', 10, 'Agree each member\'s homework; ask for feedback on the session.')
    ]
  },
  {
    name: 'Psychoeducation group',
    description: 'A topic taught in plain words, with discussion and one take-home practice.',
    items: [
      item('Welcome and check-in', 'check-in', 10),
      item('Topic', 'psychoeducation', 25, 'Keep to three key points; leave room for questions.'),
      item('Discussion', 'open-process', 25, 'How does this show up in members\' lives?'),
      item('Take-home practice', 'skill-practice', 15),
      item('Check-out', 'check-out', 10)
    ]
  },
  {
    name: 'Process group',
    description: 'Mostly open process, framed by a check-in and a check-out.',
    items: [
      item('Check-in', 'check-in', 15, 'Invite what members bring today; notice themes across members.'),
      item('Open process', 'open-process', 60, 'Track the here-and-now; balance the floor; watch for quieter members.'),
      item('Check-out', 'check-out', 15, 'What each member takes away.')
    ]
  },
  {
    name: 'Relapse prevention group',
    description: 'Triggers, warning signs and coping plans for recovery, with a check on each member\'s plan.',
    items: [
      item('Check-in and recovery update', 'check-in', 15, 'Ask about cravings, use and high-risk situations since last session; follow up on any risk.'),
      item('Topic: triggers and warning signs', 'psychoeducation', 20),
      item('Coping plan practice', 'skill-practice', 25, 'Each member names one high-risk situation and rehearses the response.'),
      item('Support and sharing', 'open-process', 20),
      item('Check-out and plan for the week', 'check-out', 10)
    ]
  }
];

/** The organization as its clinicians see it. */
export const OrganizationInfo = z
  .object({
    name: z.string(),
    timeZone: z.string().describe('IANA time zone (`America/Chicago`): weekly series keep their local time in it.'),
    warnings: z.array(z.string()).describe('What the organization\'s setup lacks that clinicians need, in words (e.g. a crisis protocol without a local contact); shown on the home and settings pages.')
  })
  .strict();
export type OrganizationInfo = Frozen<z.infer<typeof OrganizationInfo>>;

export const TimeZoneRequest = z
  .object({ timeZone: z.string().min(1).max(64).refine(isTimeZone, 'not a time zone this server knows (IANA names such as America/Chicago)') })
  .strict();
export type TimeZoneRequest = z.infer<typeof TimeZoneRequest>;

/** A calendar date, YYYY-MM-DD, that exists. */
export const CalendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'not a calendar date');
const WallTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time as HH:MM (24-hour)');

/** A weekly series: the same agenda every week at the same local time of the organization. */
export const CreateSeriesRequest = z
  .object({
    title: z.string().trim().min(1).max(100).describe('Each session is titled `<title> · week N of M`.'),
    firstDate: CalendarDate.describe('The date of the first session, in the organization\'s time zone.'),
    time: WallTime.describe('The start time, in the organization\'s time zone.'),
    weeks: z.number().int().min(1).max(52),
    agenda: z.array(PlannedItem).max(LIMITS.maxItems).describe('Every session starts with this agenda (unique item ids).')
  })
  .strict();
export type CreateSeriesRequest = z.infer<typeof CreateSeriesRequest>;
