import type { MarkType } from 'prosemirror-model';
import type { Command, EditorState } from 'prosemirror-state';
import { notesNodes } from './notesSchema.ts';

/** Shift+Enter: a line break inside the paragraph. */
export const insertHardBreak: Command = (state, dispatch) => {
  dispatch?.(state.tr.replaceSelectionWith(notesNodes.hardBreak.create()).scrollIntoView());
  return true;
};

/** Nothing written: no blocks, or one empty paragraph. */
export function isEmptyDoc(state: EditorState): boolean {
  const { doc } = state;
  return doc.childCount === 0 || (doc.childCount === 1 && doc.firstChild!.isTextblock && doc.firstChild!.content.size === 0);
}

/** Whether the toolbar shows a mark as on: at the caret (or stored for the next keystroke), or anywhere in the selection. */
export function markActive(state: EditorState, type: MarkType): boolean {
  const { from, to, empty } = state.selection;
  if (empty) return !!type.isInSet(state.storedMarks ?? state.selection.$from.marks());
  return state.doc.rangeHasMark(from, to, type);
}

/** The selection starts inside a bullet list. */
export function inBulletList(state: EditorState): boolean {
  const start = state.selection.$from;
  for (let depth = start.depth; depth > 0; depth--) {
    if (start.node(depth).type === notesNodes.bulletList) return true;
  }
  return false;
}
