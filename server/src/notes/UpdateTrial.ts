import { GENERAL_SECTION, Id, memberOfSection } from '@hearth/shared';
import * as Y from 'yjs';

/** A root type of the document: a section, or whatever an update claims is one. */
type Root = Y.AbstractType<Y.YEvent<Y.AbstractType<unknown>>>;

/** Whether a document holds structures it could not integrate yet (waiting for updates it has not had). */
const pending = (doc: Y.Doc): boolean => doc.store.pendingStructs !== null || doc.store.pendingDs !== null;

/** Whether a root name is a section of the notes: `general`, or `member:` and a roster id. */
const isSection = (name: string): boolean => {
  if (name === GENERAL_SECTION) return true;
  const member = memberOfSection(name);
  return member !== null && Id.safeParse(member).success;
};

/** Why a root type does not fit a section (an XML fragment of paragraphs and lists), or null. */
function sectionProblem(name: string, type: Root): string | null {
  if (!isSection(name)) return `"${name.slice(0, 40)}" is not a section of the notes`;
  if (type._map.size > 0) return `section "${name.slice(0, 40)}" holds keyed values; a section is a fragment`;
  for (let item = type._start; item !== null; item = item.right) {
    if (item.deleted) continue;
    const content = item.content;
    if (!(content instanceof Y.ContentType) || !(content.type instanceof Y.XmlElement || content.type instanceof Y.XmlText)) {
      return `section "${name.slice(0, 40)}" holds ${content.constructor.name.replace(/^Content/, '').toLowerCase()} content; a section holds elements`;
    }
  }
  return null;
}

/**
 * Tries each editor's update on a copy of the notes document before the document takes it. An update
 * is refused when it would leave structures pending (a fragment that depends on changes the server
 * never had: stored, it would be sent to every client that loads the notes, and never become text) or
 * when it adds to the document something that is not a section of the notes (another root, text or
 * values directly in a section). The copy follows every change the document takes; it is rebuilt from
 * the document after a refusal, which leaves it ahead.
 */
export class UpdateTrial {
  private copy: Y.Doc;

  constructor(private readonly doc: Y.Doc) {
    this.copy = this.rebuilt();
  }

  /**
   * Applies `update` to the copy and says what is wrong with it, or null when the document may take
   * it. Called for updates from connections only; the document then takes the same update, which the
   * copy already has.
   */
  try(update: Uint8Array): string | null {
    // Out-of-order changes relayed from another instance may hold the document pending for a moment:
    // then pending says nothing about this update, and only its shape is judged.
    const before = pending(this.copy);
    const touched = new Set<Root>();
    const watch = (tr: Y.Transaction) => tr.changed.forEach((_keys, type) => type._item === null && touched.add(type));
    this.copy.on('afterTransaction', watch);
    let problem: string | null;
    try {
      Y.applyUpdate(this.copy, update);
      problem = !before && pending(this.copy) ? 'the update depends on changes the server does not have' : this.shapeProblem(touched);
    } catch {
      problem = 'the update does not decode';
    } finally {
      this.copy.off('afterTransaction', watch);
    }
    if (problem) this.copy = this.rebuilt();
    return problem;
  }

  /** Applies to the copy a change the document took from elsewhere (another instance). */
  follow(update: Uint8Array): void {
    Y.applyUpdate(this.copy, update);
  }

  destroy(): void {
    this.copy.destroy();
  }

  private shapeProblem(touched: ReadonlySet<Root>): string | null {
    for (const [name, type] of this.copy.share) {
      if (!touched.has(type)) continue;
      const problem = sectionProblem(name, type);
      if (problem) return problem;
    }
    return null;
  }

  private rebuilt(): Y.Doc {
    this.copy?.destroy();
    const copy = new Y.Doc({ gc: this.doc.gc });
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(this.doc));
    return copy;
  }
}
