import type {
  AgendaItem,
  AttendanceStatus,
  BoardState,
  Command,
  FlagCategory,
  FlagSeverity,
  ItemKind,
  ParticipationSettings,
  Speaker
} from '@hearth/shared';
import type { BoardConnection, SendOutcome } from '../live/BoardConnection.svelte.ts';
import { newId } from '../newId.ts';

/** Changes to an item's title, kind or planned minutes; only what differs is sent. */
export interface ItemEdit {
  readonly title: string;
  readonly kind: ItemKind;
  readonly plannedMinutes: number;
}

/** A new item as typed into the add form. */
export type ItemDraft = ItemEdit;

/** A new flag as typed into the raise form. */
export interface FlagDraft {
  readonly category: FlagCategory;
  readonly severity: FlagSeverity;
  readonly memberIds: readonly string[];
  readonly note: string;
}

/**
 * The facilitator's actions on the board, each one user action = one command with its own
 * idempotency id (chosen by BoardConnection.send). Only facilitator views are given one, so
 * read-only views have no way to change the board at all.
 */
export class BoardActions {
  readonly #connection: BoardConnection;

  constructor(connection: BoardConnection) {
    this.#connection = connection;
  }

  #send(command: Command): Promise<SendOutcome> {
    return this.#connection.send(command);
  }

  /** Starts the session, and with `itemId` that agenda item at the same moment. */
  startSession = (itemId?: string) => this.#send({ type: 'session.start', ...(itemId !== undefined && { itemId }) });
  endSession = () => this.#send({ type: 'session.end' });
  next = () => this.#send({ type: 'item.next' });
  startItem = (itemId: string) => this.#send({ type: 'item.start', itemId });
  pause = (itemId: string) => this.#send({ type: 'item.pause', itemId });
  resume = (itemId: string) => this.#send({ type: 'item.resume', itemId });
  extend = (itemId: string, minutes: number) => this.#send({ type: 'item.extend', itemId, minutes });
  complete = (itemId: string) => this.#send({ type: 'item.complete', itemId });
  skip = (itemId: string) => this.#send({ type: 'item.skip', itemId });
  remove = (itemId: string) => this.#send({ type: 'agenda.remove', itemId });
  setGuidance = (itemId: string, guidance: string) => this.#send({ type: 'agenda.set_guidance', itemId, guidance });

  // Participation: the floor, hands, who is here, when to nudge.
  giveFloor = (speaker: Speaker) => this.#send({ type: 'turn.start', speaker });
  endTurn = () => this.#send({ type: 'turn.end' });
  giveFirstHand = () => this.#send({ type: 'floor.give_first_hand' });
  lowerHand = (memberId: string) => this.#send({ type: 'hand.lower', memberId });
  correctAttendance = (memberId: string, status: AttendanceStatus, reason: string) =>
    this.#send({ type: 'attendance.correct', memberId, status, reason });
  configure = (settings: ParticipationSettings) => this.#send({ type: 'participation.configure', settings });

  // Flags, the crisis checklist, and the supervisor's cues.
  raiseFlag = (draft: FlagDraft) =>
    this.#send({ type: 'flag.raise', flagId: newId(), category: draft.category, severity: draft.severity, memberIds: [...draft.memberIds], note: draft.note });
  acknowledgeFlag = (flagId: string) => this.#send({ type: 'flag.acknowledge', flagId });
  followUpFlag = (flagId: string, note: string) => this.#send({ type: 'flag.follow_up', flagId, note });
  checkStep = (flagId: string, stepId: string) => this.#send({ type: 'flag.check_step', flagId, stepId });
  resolveFlag = (flagId: string, outcome: string) => this.#send({ type: 'flag.resolve', flagId, outcome });
  acknowledgeCue = (cueId: string) => this.#send({ type: 'cue.acknowledge', cueId });
  /** Lets a member's waiting device in (a second device: the first is disconnected), or turns it away. */
  admit = (requestId: string) => this.#send({ type: 'admission.admit', requestId });
  decline = (requestId: string) => this.#send({ type: 'admission.decline', requestId });

  /** Shares a resource with the whole group, or with one member alone. */
  /** Opens an instrument on every member's phone. */
  openMeasure = (instrument: string) => this.#send({ type: 'measure.open', runId: newId(), instrument });
  closeMeasure = (runId: string) => this.#send({ type: 'measure.close', runId });

  share = (draft: { title: string; body: string; url: string | null; memberId: string | null }) =>
    this.#send({
      type: 'resource.share',
      shareId: newId(),
      title: draft.title,
      body: draft.body,
      url: draft.url,
      ...(draft.memberId !== null && { memberId: draft.memberId })
    });

  add = (draft: ItemDraft) =>
    this.#send({ type: 'agenda.add', item: { itemId: newId(), ...draft } });

  /** Sends only the fields that changed; nothing at all if none did. */
  edit = (item: AgendaItem, next: ItemEdit): Promise<SendOutcome> => {
    const title = next.title.trim();
    const command: Command = {
      type: 'agenda.edit',
      itemId: item.id,
      ...(title !== item.title && { title }),
      ...(next.kind !== item.kind && { kind: next.kind }),
      ...(next.plannedMinutes !== item.plannedMinutes && { plannedMinutes: next.plannedMinutes })
    };
    if (Object.keys(command).length === 2) return Promise.resolve({ ok: true, duplicate: false });
    return this.#send(command);
  };

  /** Moves an item one place up (-1) or down (+1) by sending the whole new order. */
  move = (board: BoardState, itemId: string, by: -1 | 1): Promise<SendOutcome> => {
    const ids = board.items.map((i) => i.id);
    const from = ids.indexOf(itemId);
    const to = from + by;
    if (from < 0 || to < 0 || to >= ids.length) return Promise.resolve({ ok: true, duplicate: false });
    [ids[from], ids[to]] = [ids[to] as string, ids[from] as string];
    return this.#send({ type: 'agenda.reorder', itemIds: ids });
  };

  /** Pauses a running item, resumes a paused one. */
  toggle = (item: AgendaItem) => (item.runningSince === null ? this.resume(item.id) : this.pause(item.id));
}
