import { GENERAL_SECTION, sectionName, type NotesText, type RosterEntry } from '@hearth/shared';
import * as Y from 'yjs';

export type { NotesText };

/** The plain text of one XML node: text runs joined, block elements (paragraphs, items) on lines of their own. */
function plainText(node: Y.XmlFragment | Y.XmlElement | Y.XmlText | Y.XmlHook): string {
  if (node instanceof Y.XmlText) {
    return (node.toDelta() as { insert: unknown }[]).map((d) => (typeof d.insert === 'string' ? d.insert : '')).join('');
  }
  if (node instanceof Y.XmlHook) return '';
  const children = node.toArray();
  const blocks = children.some((c) => c instanceof Y.XmlElement);
  return children.map((c) => plainText(c)).join(blocks ? '\n' : '');
}

/** Reads a notes document's sections as plain text, in the roster's order. */
export function notesText(doc: Y.Doc, roster: readonly RosterEntry[]): NotesText {
  return {
    general: plainText(doc.getXmlFragment(GENERAL_SECTION)),
    members: roster.map((r) => ({ memberId: r.memberId, alias: r.alias, text: plainText(doc.getXmlFragment(sectionName(r.memberId))) }))
  };
}
