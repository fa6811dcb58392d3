/** The two views of a clinician's board: the room as it is now, and the plan behind it. */
export type BoardView = 'now' | 'plan';

/** The views in tab order, each with what it holds (shown under its name on the tab). */
export const BOARD_VIEWS: readonly { readonly id: BoardView; readonly label: string; readonly holds: string }[] = [
  { id: 'now', label: 'Now', holds: 'item, floor, flags, notes' },
  { id: 'plan', label: 'Plan', holds: 'agenda, attendance, nudges, resources' }
];

/** The id of a view's tab and of its panel, from the board's own id prefix. */
export const tabId = (uid: string, view: BoardView) => `${uid}-tab-${view}`;
export const panelId = (uid: string, view: BoardView) => `${uid}-view-${view}`;
