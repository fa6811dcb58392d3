import { baseKeymap, toggleMark } from 'prosemirror-commands';
import { keymap } from 'prosemirror-keymap';
import { liftListItem, sinkListItem, splitListItem, wrapInList } from 'prosemirror-schema-list';
import { EditorState, type Command, type Transaction } from 'prosemirror-state';
import { EditorView } from 'prosemirror-view';
import {
  defaultDeleteFilter,
  defaultProtectedNodes,
  initProseMirrorDoc,
  redoCommand,
  undoCommand,
  yCursorPlugin,
  ySyncPlugin,
  ySyncPluginKey,
  yUndoPlugin
} from 'y-prosemirror';
import * as Y from 'yjs';
import { isCaretColor } from './caretColor.ts';
import type { NotesAwareness } from './NotesLink.svelte.ts';
import { inBulletList, insertHardBreak, isEmptyDoc, markActive } from './notesCommands.ts';
import { notesMarks, notesNodes, notesSchema } from './notesSchema.ts';

const { strong, em } = notesMarks;
const { bulletList, listItem } = notesNodes;

/** What the editor shows about itself: how it is labelled and what an empty one says. */
export interface NotesEditorLabels {
  /** The editor's accessible name, e.g. "Notes: River". */
  readonly label: string;
  /** Shown in an empty editor that can be typed in. */
  readonly placeholder: string;
}

/** Another clinician's caret, and only with a colour that is safe to put in a style attribute. */
function drawsCaret(ownClientId: number, clientId: number, state: { user?: { color?: unknown } } | undefined): boolean {
  return ownClientId !== clientId && isCaretColor(state?.user?.color);
}

/**
 * Gives a document left with no blocks one empty paragraph, so commands never meet a document the
 * schema forbids (y-prosemirror renders an empty fragment as no blocks at all).
 */
function withBlock(state: EditorState): EditorState {
  if (state.doc.childCount > 0) return state;
  return state.apply(state.tr.insert(0, notesSchema.topNodeType.createAndFill()!.content).setMeta('addToHistory', false));
}

/**
 * y-prosemirror's own undo manager for one section, except that undo never removes the section's
 * last block. By default undoing the first words typed into an empty section deletes their paragraph
 * too; ProseMirror then puts an empty one back as a new, tracked change — which empties the redo stack.
 */
function sectionUndoManager(fragment: Y.XmlFragment): Y.UndoManager {
  return new Y.UndoManager(fragment, {
    trackedOrigins: new Set([ySyncPluginKey]),
    deleteFilter: (item) => {
      if (item.parent === fragment && item.content instanceof Y.ContentType && fragment.length <= 1) return false;
      return defaultDeleteFilter(item, defaultProtectedNodes);
    },
    captureTransaction: (tr) => tr.meta.get('addToHistory') !== false
  });
}

/**
 * One section's ProseMirror editor bound to its Y.XmlFragment: y-prosemirror keeps the two in step,
 * shows the other clinicians' carets (from the shared awareness) and undoes only this clinician's
 * own changes in this section. Holds what the toolbar and the alias cue need as state.
 *
 * Every section's cursor plugin writes the same awareness field, `cursor`. That is what lets one
 * awareness serve many editors: a caret is a relative position inside one fragment, and each editor
 * draws only carets that resolve inside its own fragment, and clears the field on blur only when it
 * holds its own caret. (y-prosemirror 1.3.7's cursorStateField option changes where a caret is
 * written but not where it is read — carets written elsewhere would never be drawn.)
 */
export class NotesEditor {
  readonly #fragment: Y.XmlFragment;
  readonly #awareness: NotesAwareness;
  readonly #labels: NotesEditorLabels;
  #view: EditorView | null = null;
  #editable = false;

  #bold = $state(false);
  #italic = $state(false);
  #bullets = $state(false);
  #canUndo = $state(false);
  #canRedo = $state(false);
  #text = $state('');

  constructor(fragment: Y.XmlFragment, awareness: NotesAwareness, labels: NotesEditorLabels) {
    this.#fragment = fragment;
    this.#awareness = awareness;
    this.#labels = labels;
  }

  get bold(): boolean {
    return this.#bold;
  }
  get italic(): boolean {
    return this.#italic;
  }
  get bullets(): boolean {
    return this.#bullets;
  }
  get canUndo(): boolean {
    return this.#canUndo;
  }
  get canRedo(): boolean {
    return this.#canRedo;
  }
  /** The section's plain text, blocks on their own lines (for the alias cue). */
  get text(): string {
    return this.#text;
  }

  /** Creates the editor inside `host`; returns the teardown. Fit for `{@attach}`. */
  mount(host: HTMLElement): () => void {
    const { doc, mapping } = initProseMirrorDoc(this.#fragment, notesSchema);
    const undoManager = sectionUndoManager(this.#fragment);
    const state = EditorState.create({
      schema: notesSchema,
      // An empty section shows one empty paragraph, written to Yjs only once something is typed in it.
      doc: doc.childCount === 0 ? notesSchema.topNodeType.createAndFill()! : doc,
      plugins: [
        ySyncPlugin(this.#fragment, { mapping }),
        yCursorPlugin(this.#awareness, { awarenessStateFilter: drawsCaret }),
        yUndoPlugin({ undoManager }),
        keymap({
          'Mod-z': undoCommand,
          'Mod-y': redoCommand,
          'Shift-Mod-z': redoCommand,
          'Mod-b': toggleMark(strong),
          'Mod-i': toggleMark(em),
          'Shift-Enter': insertHardBreak,
          Enter: splitListItem(listItem),
          // Tab is left to move focus out of the editor; list nesting has its own keys.
          'Mod-]': sinkListItem(listItem),
          'Mod-[': liftListItem(listItem)
        }),
        keymap(baseKeymap)
      ]
    });
    const view = new EditorView(host, {
      state,
      editable: () => this.#editable,
      attributes: (s) => ({
        'data-testid': 'notes-editor',
        role: 'textbox',
        'aria-multiline': 'true',
        'aria-label': this.#labels.label,
        'aria-readonly': this.#editable ? 'false' : 'true',
        ...(this.#editable ? { 'aria-placeholder': this.#labels.placeholder } : {}),
        'data-placeholder': this.#editable ? this.#labels.placeholder : 'Nothing written yet.',
        class: isEmptyDoc(s) ? 'notes-prose is-empty' : 'notes-prose'
      }),
      dispatchTransaction: (tr: Transaction) => {
        // y-prosemirror dispatches caret updates on a timer and its "destroyed" guard is never set
        // (1.3.7): one may still arrive for a view that is gone.
        if (view.isDestroyed) return;
        view.updateState(withBlock(view.state.apply(tr)));
        this.#reflect(tr.docChanged);
      }
    });
    this.#view = view;
    // Undo and redo settle their stacks after the transaction that moved the text; look again then.
    const restack = () => queueMicrotask(() => this.#reflect(false));
    undoManager.on('stack-item-added', restack);
    undoManager.on('stack-item-popped', restack);
    this.#reflect(true);
    return () => {
      undoManager.off('stack-item-added', restack);
      undoManager.off('stack-item-popped', restack);
      this.#view = null;
      view.destroy();
    };
  }

  /** Writers type; readers (supervisors, or a writer the server refused) only watch. */
  setEditable(editable: boolean): void {
    if (this.#editable === editable) return;
    this.#editable = editable;
    // New props make the view ask editable() and attributes() again.
    this.#view?.setProps({});
  }

  toggleBold = (): void => this.#run(toggleMark(strong));
  toggleItalic = (): void => this.#run(toggleMark(em));
  toggleBullets = (): void => this.#run(this.#bullets ? liftListItem(listItem) : wrapInList(bulletList));
  undo = (): void => this.#run(undoCommand);
  redo = (): void => this.#run(redoCommand);

  #run(command: Command): void {
    const view = this.#view;
    if (!view || !this.#editable) return;
    command(view.state, view.dispatch);
    // Back to the text, where the selection the command acted on still is.
    view.focus();
    this.#reflect(false);
  }

  #reflect(docChanged: boolean): void {
    const view = this.#view;
    if (!view) return;
    const { state } = view;
    this.#bold = markActive(state, strong);
    this.#italic = markActive(state, em);
    this.#bullets = inBulletList(state);
    this.#canUndo = undoCommand(state) === true;
    this.#canRedo = redoCommand(state) === true;
    if (docChanged) this.#text = state.doc.textBetween(0, state.doc.content.size, '\n', '\n');
  }
}
