import type { StaffRole } from '@hearth/shared';
import type { Auth, ClinicianIdentity } from '../../auth/Auth.ts';
import type { Config } from '../../config.ts';
import type { BoardService } from '../../live/BoardService.ts';
import type { EventLog } from '../../store/EventLog.ts';
import type { Goals } from '../../store/Goals.ts';
import type { Intakes } from '../../store/Intakes.ts';
import type { Instruments } from '../../store/Instruments.ts';
import type { RecordService } from '../../records/RecordService.ts';
import type { Logger } from '../../log.ts';
import type { Mailer } from '../../mail/Mailer.ts';
import type { Passkeys } from '../../store/Passkeys.ts';
import type { CrisisAlerts } from '../../alerts/CrisisAlerts.ts';
import type { PushAlerts } from '../../alerts/PushAlerts.ts';
import type { MemberInvites } from '../../store/MemberInvites.ts';
import type { AttemptLimiter } from '../../limits/AttemptLimiter.ts';
import type { Accounts } from '../../store/Accounts.ts';
import type { AuditLog } from '../../store/AuditLog.ts';
import { accessTo } from '../../auth/access.ts';
import type { Groups, SessionRow } from '../../store/Groups.ts';
import type { Organizations } from '../../store/Organizations.ts';
import { HttpError } from '../errors.ts';
import type { Origins } from '../origins.ts';

/** What the routes of /api work with. */
export interface ApiDeps {
  readonly config: Config;
  readonly auth: Auth;
  readonly accounts: Accounts;
  readonly audit: AuditLog;
  readonly groups: Groups;
  readonly organizations: Organizations;
  readonly board: BoardService;
  readonly records: RecordService;
  readonly goals: Goals;
  readonly intakes: Intakes;
  readonly instruments: Instruments;
  /** The sessions' event logs, read whole for progress across sessions. */
  readonly log: Pick<EventLog, 'since'>;
  readonly origins: Origins;
  readonly logger: Logger;
  readonly mailer: Mailer;
  readonly passkeys: Passkeys;
  readonly memberInvites: MemberInvites;
  readonly alerts: CrisisAlerts;
  readonly push: PushAlerts;
  /** Failed personal-invite attempts per address. */
  readonly inviteAttempts: AttemptLimiter;
  /** Refused passkey sign-ins per address. */
  readonly passkeyAttempts: AttemptLimiter;
  /** Checks the database (throws when it is unreachable) and reports Redis. */
  readonly health: () => Promise<{ database: 'ok'; redis: 'ok' | 'down' | 'off' }>;
  /** Ends the live connections of a login session that just ended (logout, password change, deactivation), here and on every instance. */
  readonly revokeSockets: (authSessionId: string) => void;
  /** Ends the board connections of member tokens that just stopped working (a code revoked or re-issued), here and on every instance. */
  readonly revokeMemberTokens: (tokenIds: readonly string[]) => void;
}

/** A session's clinician and their role in its group, or the refusal: members never reach these routes. */
export async function sessionClinician(groups: Groups, who: ClinicianIdentity, sessionId: string): Promise<{ session: SessionRow; role: StaffRole }> {
  const access = await accessTo(groups, who, sessionId);
  if (!access.ok) throw HttpError.of(access.error);
  if (access.role === 'member') throw new HttpError('FORBIDDEN', 'Members have no access here.');
  return { session: access.session, role: access.role };
}

/**
 * The clinician's role in a group when it is one of `allowed`; otherwise 403 with `refusal`. A group
 * that does not exist answers the same, so a stranger learns nothing of which groups exist.
 */
export async function requireGroupRole(
  groups: Groups,
  who: ClinicianIdentity,
  groupId: string,
  allowed: readonly StaffRole[],
  refusal: string
): Promise<StaffRole> {
  const role = await groups.roleInGroup(who.account.id, groupId);
  if (!role || !allowed.includes(role)) throw new HttpError('FORBIDDEN', refusal);
  return role;
}
