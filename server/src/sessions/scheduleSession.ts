import { randomBytes, randomUUID } from 'node:crypto';
import type { CommandResult, PlannedItem } from '@hearth/shared';
import type { Instruments } from '../store/Instruments.ts';
import type { Groups } from '../store/Groups.ts';
import type { Organizations } from '../store/Organizations.ts';
import type { BoardService } from '../live/BoardService.ts';

export interface ScheduleInput {
  readonly groupId: string;
  readonly createdBy: string;
  readonly title: string;
  readonly scheduledFor: string | null;
  readonly agenda: readonly PlannedItem[];
}

/**
 * Schedules a session of a group: its row (with a fresh invite code) and its first events — title,
 * agenda, the roster as it stands today, the group's nudge settings and the organization's crisis
 * protocol — in one transaction.
 */
export async function scheduleSession(
  deps: { board: BoardService; groups: Groups; organizations: Organizations; instruments?: Pick<Instruments, 'forGroup'> },
  input: ScheduleInput
): Promise<{ sessionId: string; result: CommandResult }> {
  const { board, groups, organizations } = deps;
  const sessionId = randomUUID();
  const [roster, settings, crisis, instruments] = await Promise.all([
    groups.rosterEntries(input.groupId),
    groups.participationSettings(input.groupId),
    organizations.crisisProtocolOfGroup(input.groupId),
    deps.instruments?.forGroup(input.groupId) ?? []
  ]);
  const result = await board.execute(
    sessionId,
    randomUUID(),
    { type: 'session.create', title: input.title, scheduledFor: input.scheduledFor, agenda: [...input.agenda], roster, settings, crisis, ...(instruments.length > 0 && { instruments }) },
    { role: 'facilitator', id: input.createdBy },
    (tx) =>
      groups.insertSession(tx, {
        id: sessionId,
        groupId: input.groupId,
        // 72 random bits: an invite code cannot be guessed.
        inviteCode: randomBytes(9).toString('base64url'),
        title: input.title,
        scheduledFor: input.scheduledFor,
        createdBy: input.createdBy
      })
  );
  return { sessionId, result };
}
