import { describe, expect, it } from 'vitest';
import { attendanceOf, fold, initialState, type AttendanceRow, type BoardEvent } from '@hearth/shared';
import {
  MIN,
  T0,
  connected,
  corrected,
  disconnected,
  ended,
  live,
  memberSpeaker,
  scheduled,
  turnEnded,
  turnStarted
} from './givenWhenThen.ts';

const DEV = 'mem-dev';
const ELI = 'mem-eli';
const FAY = 'mem-fay';
/** Minutes after T0, where the fixture session starts (`live`). */
const at = (minutes: number): number => T0 + minutes * MIN;
/** The session `live`, ended at T0 + 90 min: "early" is before T0 + 85 min. */
const END = at(90);

const rowsAt = (now: number, ...events: BoardEvent[]): AttendanceRow[] => attendanceOf(fold(initialState, events), now);
const rowOf = (rows: readonly AttendanceRow[], memberId: string): AttendanceRow => {
  const row = rows.find((r) => r.memberId === memberId);
  if (!row) throw new Error(`no row for ${memberId}`);
  return row;
};
/** Dev's row after `events` on top of the live session. */
const dev = (now: number, ...events: BoardEvent[]): AttendanceRow => rowOf(rowsAt(now, ...live, ...events), DEV);

describe('attendanceOf', () => {
  it('gives one row per roster member, in roster order; nobody connected or spoke: all absent', () => {
    expect(rowsAt(at(30), ...live)).toEqual(
      [
        [DEV, 'Dev'],
        [ELI, 'Eli'],
        [FAY, 'Fay']
      ].map(([memberId, alias]) => ({
        memberId,
        alias,
        firstJoin: null,
        lastLeave: null,
        connectedMs: 0,
        connected: false,
        derived: 'absent',
        status: 'absent',
        reason: '',
        corrected: false
      }))
    );
    expect(attendanceOf(initialState, T0)).toEqual([]);
  });

  it('by default, counts as late after five minutes and as leaving early in the last five', () => {
    const status = (join: number, leave: number) => dev(END, connected(DEV, at(join)), disconnected(DEV, at(leave)), ended(END)).derived;
    expect(status(4.9, 88)).toBe('present');
    expect(status(5.1, 88)).toBe('late');
    expect(status(1, 85.1)).toBe('present');
    expect(status(1, 84.9)).toBe('left-early');
    // The rules are parameters: the same row under ten minutes either way.
    const rows = attendanceOf(fold(initialState, [...live, connected(DEV, at(8)), disconnected(DEV, at(88)), ended(END)]), END, { lateAfterMinutes: 10, leftEarlyMinutes: 10 });
    expect(rowOf(rows, DEV).derived).toBe('present');
    expect(dev(END, connected(DEV, at(8)), disconnected(DEV, at(88)), ended(END)).derived).not.toBe('present');
  });

  describe('late', () => {
    it('is on time at exactly five minutes after the start, late a millisecond after', () => {
      expect(dev(at(30), connected(DEV, at(5))).derived).toBe('present');
      expect(dev(at(30), connected(DEV, at(5) + 1)).derived).toBe('late');
    });

    it('is on time when connected before the start', () => {
      const row = rowOf(rowsAt(at(30), ...scheduled, connected(DEV, at(-3)), { type: 'session.started', at: T0 }), DEV);
      expect(row).toMatchObject({ firstJoin: at(-3), derived: 'present', connected: true, connectedMs: 33 * MIN });
    });

    it('goes by the first connection, not a later reconnection', () => {
      const row = dev(at(30), connected(DEV, at(2)), disconnected(DEV, at(4)), connected(DEV, at(20)));
      expect(row).toMatchObject({ firstJoin: at(2), derived: 'present' });
    });

    it('follows the rules given: ten minutes', () => {
      const rules = { lateAfterMinutes: 10, leftEarlyMinutes: 5 };
      const state = (minutes: number) => fold(initialState, [...live, connected(DEV, at(minutes))]);
      expect(rowOf(attendanceOf(state(10), at(30), rules), DEV).derived).toBe('present');
      expect(rowOf(attendanceOf(state(10), at(30)), DEV).derived).toBe('late');
      expect(rowOf(attendanceOf(state(10.5), at(30), rules), DEV).derived).toBe('late');
    });

    it('is never told before the session starts', () => {
      const row = rowOf(rowsAt(at(-1), ...scheduled, connected(DEV, at(-10))), DEV);
      expect(row).toMatchObject({ derived: 'present', connectedMs: 9 * MIN, connected: true });
    });
  });

  describe('left early', () => {
    it('is not early at exactly five minutes before the end, early a millisecond before', () => {
      expect(dev(END, connected(DEV, at(1)), disconnected(DEV, at(85)), ended(END)).derived).toBe('present');
      expect(dev(END, connected(DEV, at(1)), disconnected(DEV, at(85) - 1), ended(END)).derived).toBe('left-early');
    });

    it('follows the rules given: fifteen minutes', () => {
      const state = fold(initialState, [...live, connected(DEV, at(1)), disconnected(DEV, at(80)), ended(END)]);
      expect(rowOf(attendanceOf(state, END), DEV).derived).toBe('left-early');
      expect(rowOf(attendanceOf(state, END, { lateAfterMinutes: 5, leftEarlyMinutes: 15 }), DEV).derived).toBe('present');
    });

    it('is never told while the session is live, however long ago they left', () => {
      const row = dev(at(80), connected(DEV, at(1)), disconnected(DEV, at(10)));
      expect(row).toMatchObject({ derived: 'present', lastLeave: at(10), connected: false, connectedMs: 9 * MIN });
    });

    it('is not early for a member still connected when the session ended', () => {
      const row = dev(at(200), connected(DEV, at(1)), ended(END));
      expect(row).toMatchObject({ derived: 'present', connected: true, lastLeave: null });
    });

    it('counts a member who came and went before the start as leaving early', () => {
      const row = rowOf(rowsAt(END, ...scheduled, connected(DEV, at(-10)), disconnected(DEV, at(-5)), { type: 'session.started', at: T0 }, ended(END)), DEV);
      expect(row).toMatchObject({ firstJoin: at(-10), lastLeave: at(-5), connectedMs: 5 * MIN, derived: 'left-early' });
    });

    it('loses to late: a member both late and early is late', () => {
      expect(dev(END, connected(DEV, at(20)), disconnected(DEV, at(40)), ended(END)).derived).toBe('late');
    });
  });

  describe('connected time, first join and last leave', () => {
    it('sums closed intervals and counts an open one up to now', () => {
      // [−2, 10] = 12 min, [12, now = 30] = 18 min.
      const row = dev(at(30), connected(DEV, at(-2)), disconnected(DEV, at(10)), connected(DEV, at(12)));
      expect(row).toEqual({
        memberId: DEV,
        alias: 'Dev',
        firstJoin: at(-2),
        lastLeave: null,
        connectedMs: 30 * MIN,
        connected: true,
        derived: 'present',
        status: 'present',
        reason: '',
        corrected: false
      });
    });

    it('counts an open interval only up to the end once the session ended, whatever now is', () => {
      // [−2, 10] = 12 min, [12, end = 90] = 78 min: 90 min, at T0 + 200 min as at the end.
      const events = [connected(DEV, at(-2)), disconnected(DEV, at(10)), connected(DEV, at(12)), ended(END)];
      expect(dev(at(200), ...events).connectedMs).toBe(90 * MIN);
      expect(dev(END, ...events).connectedMs).toBe(90 * MIN);
    });

    it('gives the last interval\u2019s end as the last leave once disconnected', () => {
      const row = dev(at(60), connected(DEV, at(2)), disconnected(DEV, at(10)), connected(DEV, at(12)), disconnected(DEV, at(40)));
      expect(row).toMatchObject({ firstJoin: at(2), lastLeave: at(40), connected: false, connectedMs: 36 * MIN });
    });

    it('never counts negative time for a `now` before an open interval began', () => {
      expect(dev(at(5), connected(DEV, at(10))).connectedMs).toBe(0);
    });
  });

  it('counts a member who spoke without a connection as present, with nothing to time', () => {
    const row = rowOf(rowsAt(at(30), ...live, turnStarted(memberSpeaker(ELI), at(20)), turnEnded(at(22))), ELI);
    expect(row).toMatchObject({ firstJoin: null, lastLeave: null, connectedMs: 0, connected: false, derived: 'present', status: 'present' });
  });

  describe('corrections', () => {
    it('decide the status, with their reason; the derived status stays beside them', () => {
      const row = dev(at(30), connected(DEV, at(20)), corrected(DEV, 'present', at(25), 'Was on the phone from the start'));
      expect(row).toMatchObject({ derived: 'late', status: 'present', reason: 'Was on the phone from the start', corrected: true });
    });

    it('make an absent member anything else, and a connected member absent', () => {
      const rows = rowsAt(at(30), ...live, corrected(DEV, 'left-early', at(25), 'By phone, left at 6'), connected(ELI, at(1)), corrected(ELI, 'absent', at(2), 'Wrong group'));
      expect(rowOf(rows, DEV)).toMatchObject({ derived: 'absent', status: 'left-early', corrected: true });
      expect(rowOf(rows, ELI)).toMatchObject({ derived: 'present', status: 'absent', reason: 'Wrong group', connected: true });
    });

    it('keep an empty reason empty', () => {
      expect(dev(at(30), corrected(DEV, 'late', at(25)))).toMatchObject({ status: 'late', reason: '', corrected: true });
    });
  });

  it('agrees with the board\u2019s present: a member is present there unless their status is absent', () => {
    const histories: BoardEvent[][] = [
      [...live],
      [...live, connected(DEV, at(20)), turnStarted(memberSpeaker(FAY), at(21)), turnEnded(at(22))],
      [...live, connected(DEV, at(1)), corrected(DEV, 'absent', at(2)), corrected(ELI, 'late', at(3)), connected(FAY, at(4)), disconnected(FAY, at(5)), ended(END)]
    ];
    for (const events of histories) {
      const state = fold(initialState, events);
      const rows = attendanceOf(state, END);
      expect(rows.filter((r) => r.status !== 'absent').map((r) => r.memberId)).toEqual(state.present);
    }
  });

  it('leaves the board it reads untouched', () => {
    const state = fold(initialState, [...live, connected(DEV, at(1)), corrected(ELI, 'late', at(3))]);
    const copy = structuredClone(state);
    attendanceOf(state, at(30));
    expect(state).toEqual(copy);
  });
});
