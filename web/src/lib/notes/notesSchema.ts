import { Schema, type MarkType, type NodeType } from 'prosemirror-model';
import { schema as basic } from 'prosemirror-schema-basic';
import { addListNodes } from 'prosemirror-schema-list';

/**
 * What notes may hold: paragraphs, line breaks, bullet and numbered lists, bold and italic. Every
 * editor of every clinician must use this same schema, or y-prosemirror drops what it cannot map.
 * No images or links: pasted content with a remote source would make the co-facilitator's browser
 * fetch it, and the record has no use for them.
 */
export const notesSchema: Schema = new Schema({
  nodes: addListNodes(
    basic.spec.nodes.remove('heading').remove('blockquote').remove('code_block').remove('horizontal_rule').remove('image'),
    'paragraph block*',
    'block'
  ),
  marks: basic.spec.marks.remove('link').remove('code')
});

function nodeType(name: string): NodeType {
  const type = notesSchema.nodes[name];
  if (!type) throw new Error(`The notes schema has no ${name} node.`);
  return type;
}

function markType(name: string): MarkType {
  const type = notesSchema.marks[name];
  if (!type) throw new Error(`The notes schema has no ${name} mark.`);
  return type;
}

/** The node types the editor's commands use. */
export const notesNodes = {
  bulletList: nodeType('bullet_list'),
  listItem: nodeType('list_item'),
  hardBreak: nodeType('hard_break')
} as const;

/** The marks the toolbar toggles. */
export const notesMarks = { strong: markType('strong'), em: markType('em') } as const;
