import { API_ROUTES } from '@hearth/shared';
import type { Handler } from '../bindRoute.ts';
import { HttpError } from '../errors.ts';
import { requireGroupRole, type ApiDeps } from './deps.ts';

type R = typeof API_ROUTES;

/** Intakes of prospective members: the group's facilitators write them, its supervisor reads them; each read and change is audited. */
export function intakeRoutes({ groups, intakes, audit }: ApiDeps): {
  intakes: Handler<R['intakes']>;
  addIntake: Handler<R['addIntake']>;
  saveIntake: Handler<R['saveIntake']>;
} {
  const facilitate = (who: Parameters<Handler<R['intakes']>>[0]['who'], groupId: string) =>
    requireGroupRole(groups, who, groupId, ['facilitator'], 'Only a facilitator of this group writes its intakes.');
  return {
    intakes: async ({ who, params, ip }) => {
      const role = await requireGroupRole(groups, who, params.groupId, ['facilitator', 'supervisor'], 'You are not on this group\'s staff.');
      await audit.record({ actorRole: role, actorId: who.account.id, action: 'intake.read', target: params.groupId, ip });
      return { status: 200, body: { intakes: await intakes.of(params.groupId) } };
    },
    addIntake: async ({ who, params, body, ip }) => {
      await facilitate(who, params.groupId);
      await intakes.add(params.groupId, body, who.account.id);
      await audit.record({ actorRole: 'facilitator', actorId: who.account.id, action: 'intake.add', target: params.groupId, ip });
      return { status: 201, body: { intakes: await intakes.of(params.groupId) } };
    },
    saveIntake: async ({ who, params, body, ip }) => {
      await facilitate(who, params.groupId);
      if (!(await intakes.save(params.groupId, params.intakeId, body, who.account.id))) throw new HttpError('NOT_FOUND', 'This group has no intake with that id.');
      await audit.record({ actorRole: 'facilitator', actorId: who.account.id, action: 'intake.save', target: params.intakeId, ip });
      return { status: 200, body: { intakes: await intakes.of(params.groupId) } };
    }
  };
}
