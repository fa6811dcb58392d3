import { addDays, NewAgendaTemplate, STANDARD_TEMPLATES, zonedToUtc, CreateSeriesRequest, TimeZoneRequest } from '@hearth/shared';
import { describe, expect, it } from 'vitest';

describe('wall-clock times in a time zone', () => {
  it('turns a local date and time into the instant, with the zone\'s offset of that day', () => {
    expect(zonedToUtc('2027-01-12', '17:00', 'America/Chicago').toISOString()).toBe('2027-01-12T23:00:00.000Z');
    expect(zonedToUtc('2027-07-13', '17:00', 'America/Chicago').toISOString()).toBe('2027-07-13T22:00:00.000Z');
    expect(zonedToUtc('2027-07-13', '17:00', 'Europe/Berlin').toISOString()).toBe('2027-07-13T15:00:00.000Z');
    expect(zonedToUtc('2027-07-13', '09:30', 'Asia/Kolkata').toISOString()).toBe('2027-07-13T04:00:00.000Z');
    expect(zonedToUtc('2027-07-13', '17:00', 'UTC').toISOString()).toBe('2027-07-13T17:00:00.000Z');
  });

  it('keeps a weekly 17:00 at 17:00 local across the spring and autumn changes', () => {
    // Chicago springs forward on 14 March 2027 and falls back on 7 November 2027.
    const spring = [0, 1, 2].map((w) => zonedToUtc(addDays('2027-03-02', 7 * w), '17:00', 'America/Chicago').toISOString());
    expect(spring).toEqual(['2027-03-02T23:00:00.000Z', '2027-03-09T23:00:00.000Z', '2027-03-16T22:00:00.000Z']);
    const autumn = [0, 1].map((w) => zonedToUtc(addDays('2027-11-02', 7 * w), '17:00', 'America/Chicago').toISOString());
    expect(autumn).toEqual(['2027-11-02T22:00:00.000Z', '2027-11-09T23:00:00.000Z']);
    for (const at of [...spring, ...autumn]) {
      expect(new Date(at).toLocaleTimeString('en-US', { timeZone: 'America/Chicago', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })).toBe('17:00');
    }
  });

  it('takes a skipped time an hour later and a repeated one the first time', () => {
    expect(zonedToUtc('2027-03-14', '02:30', 'America/Chicago').toISOString()).toBe('2027-03-14T08:30:00.000Z');
    expect(zonedToUtc('2027-11-07', '01:30', 'America/Chicago').toISOString()).toBe('2027-11-07T06:30:00.000Z');
  });

  it('adds calendar days across months, years and leap days', () => {
    expect(addDays('2027-12-28', 7)).toBe('2028-01-04');
    expect(addDays('2028-02-26', 7)).toBe('2028-03-04');
    expect(addDays('2027-02-26', 7)).toBe('2027-03-05');
  });
});

describe('the practice\'s schemas', () => {
  it('offers five standard formats that are valid templates', () => {
    expect(STANDARD_TEMPLATES.map((t) => t.name)).toEqual(['DBT skills group', 'CBT group', 'Psychoeducation group', 'Process group', 'Relapse prevention group']);
    for (const t of STANDARD_TEMPLATES) expect(NewAgendaTemplate.safeParse(t).success, t.name).toBe(true);
  });

  it('refuses a series with an impossible date, a bad time, or too many weeks, and unknown time zones', () => {
    const ok = { title: 'Skills', firstDate: '2027-01-12', time: '17:00', weeks: 12, agenda: [] };
    expect(CreateSeriesRequest.safeParse(ok).success).toBe(true);
    for (const bad of [{ firstDate: '2027-02-30' }, { firstDate: '12/01/2027' }, { time: '24:00' }, { time: '5pm' }, { weeks: 0 }, { weeks: 53 }]) {
      expect(CreateSeriesRequest.safeParse({ ...ok, ...bad }).success, JSON.stringify(bad)).toBe(false);
    }
    expect(TimeZoneRequest.safeParse({ timeZone: 'America/Chicago' }).success).toBe(true);
    expect(TimeZoneRequest.safeParse({ timeZone: 'Mars/Olympus_Mons' }).success).toBe(false);
  });
});
