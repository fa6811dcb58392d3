import { describe, expect, it } from 'vitest';
import { GENERAL_SECTION, aliasMentions, memberOfSection, notesDocName, notesSections, sectionName, type RosterEntry } from '@hearth/shared';

const roster: RosterEntry[] = [
  { memberId: 'm1', alias: 'Maple' },
  { memberId: 'm2', alias: 'River' },
  { memberId: 'm3', alias: 'Sam' },
  { memberId: 'm4', alias: 'Sam K' },
  { memberId: 'm5', alias: 'Zoë' }
];

/** The notes document's shape: a general section and one per roster member, by name. */
describe('notes sections', () => {
  it('names the general section and one section per member, in roster order', () => {
    expect(notesSections(roster.slice(0, 2))).toEqual([GENERAL_SECTION, 'member:m1', 'member:m2']);
    expect(sectionName('m1')).toBe('member:m1');
    expect(memberOfSection('member:m1')).toBe('m1');
    expect(memberOfSection(GENERAL_SECTION)).toBeNull();
    expect(memberOfSection('member:')).toBeNull();
    expect(notesDocName('abc')).toBe('notes:abc');
  });
});

/** Other members' aliases in one member's section: the editor's gentle cue. */
describe('aliasMentions', () => {
  it('finds other members\' aliases as whole words in any case, never the member\'s own', () => {
    expect(aliasMentions('Maple said river helped; Maple nodded.', roster, 'm1')).toEqual([
      { memberId: 'm2', alias: 'River', index: 11, length: 5 }
    ]);
  });

  it('does not match inside longer words', () => {
    expect(aliasMentions('Riverside and Mapleton; sample', roster, 'm2')).toEqual([]);
  });

  it('prefers the longer alias when one contains another, and still excludes the own alias', () => {
    expect(aliasMentions('Sam K spoke to Sam.', roster, 'm1').map((m) => [m.memberId, m.index])).toEqual([['m4', 0], ['m3', 15]]);
    expect(aliasMentions('Sam K spoke to Sam.', roster, 'm4').map((m) => [m.memberId, m.index])).toEqual([['m3', 15]]);
  });

  it('treats letters of any script as part of a word', () => {
    expect(aliasMentions('Zoë, and zoë again; Zoëlle is someone else', roster, 'm1').map((m) => m.index)).toEqual([0, 9]);
  });

  it('escapes aliases, and reports nothing in an empty text', () => {
    const odd: RosterEntry[] = [{ memberId: 'x', alias: 'J.R.' }, { memberId: 'y', alias: 'Y' }];
    expect(aliasMentions('JXRX and J.R. met', odd, 'y').map((m) => m.index)).toEqual([9]);
    expect(aliasMentions('', roster, 'm1')).toEqual([]);
  });
});
