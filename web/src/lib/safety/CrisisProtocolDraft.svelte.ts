import { CrisisProtocol, SAFETY_LIMITS, SOLO_ACKNOWLEDGE_DEFAULT_SECONDS, soloAcknowledgeSeconds } from '@hearth/shared';
import { newId } from '../newId.ts';

/** A checklist step being edited. `id` is kept for existing steps: flags refer to steps by it. */
export interface StepDraft {
  id: string;
  label: string;
}

export interface ResourceDraft {
  id: string;
  name: string;
  contact: string;
  notes: string;
}

type Field = 'label' | 'name' | 'contact' | 'notes';

const REQUIRED: Record<Field, string> = {
  label: 'Say what to do in this step.',
  name: 'Name the resource.',
  contact: 'Give a number, text line or address.',
  notes: ''
};

/**
 * The organization's crisis protocol while a clinician edits it: steps and resources in order, with
 * add, remove and move, checked by the same schema the server parses the PUT with.
 */
export class CrisisProtocolDraft {
  #steps = $state<StepDraft[]>([]);
  #resources = $state<ResourceDraft[]>([]);
  #saved = $state<string>('');
  /** Seconds a flag's raiser waits for a colleague before acknowledging it themself. */
  soloWait = $state(SOLO_ACKNOWLEDGE_DEFAULT_SECONDS);

  constructor(protocol: CrisisProtocol) {
    this.reset(protocol);
    this.markSaved();
  }

  /** The steps, in order; their fields may be bound to inputs. */
  get steps(): StepDraft[] {
    return this.#steps;
  }

  get resources(): ResourceDraft[] {
    return this.#resources;
  }

  get canAddStep(): boolean {
    return this.#steps.length < SAFETY_LIMITS.maxSteps;
  }

  get canAddResource(): boolean {
    return this.#resources.length < SAFETY_LIMITS.maxResources;
  }

  /** The protocol as typed, trimmed as the server would. */
  get value(): CrisisProtocol {
    return {
      checklist: this.#steps.map((s) => ({ id: s.id, label: s.label.trim() })),
      resources: this.#resources.map((r) => ({ id: r.id, name: r.name.trim(), contact: r.contact.trim(), notes: r.notes.trim() })),
      soloAcknowledgeAfterSeconds: this.soloWait
    };
  }

  readonly #parsed = $derived(CrisisProtocol.safeParse(this.value));

  /** The parsed protocol, or null while something is missing or too long. */
  get valid(): CrisisProtocol | null {
    return this.#parsed.success ? this.#parsed.data : null;
  }

  /** Changed since loaded or last saved. */
  get dirty(): boolean {
    return JSON.stringify(this.value) !== this.#saved;
  }

  /** Problems, keyed "checklist", "checklist.2.label", "resources.0.contact" and so on. */
  readonly #errors = $derived.by((): ReadonlyMap<string, string> => {
    const errors = new Map<string, string>();
    if (this.#parsed.success) return errors;
    for (const issue of this.#parsed.error.issues) {
      const key = issue.path.join('.');
      if (errors.has(key)) continue;
      const field = issue.path.at(-1);
      if (key === 'checklist' && issue.code === 'too_small') errors.set(key, 'Keep at least one step.');
      else if (issue.code === 'too_small' && typeof field === 'string' && field in REQUIRED) errors.set(key, REQUIRED[field as Field]);
      else if (issue.code === 'too_big' && 'maximum' in issue) errors.set(key, `Keep it to ${String(issue.maximum)} characters.`);
      else errors.set(key, issue.message);
    }
    return errors;
  });

  errorAt(key: string): string | undefined {
    return this.#errors.get(key);
  }

  /** Every problem, for the summary above the save button. */
  get errorCount(): number {
    return this.#errors.size;
  }

  reset(protocol: CrisisProtocol): void {
    this.#steps = protocol.checklist.map((s) => ({ ...s }));
    this.#resources = protocol.resources.map((r) => ({ ...r }));
    this.soloWait = soloAcknowledgeSeconds(protocol);
  }

  markSaved(): void {
    this.#saved = JSON.stringify(this.value);
  }

  /** Adds an empty step at the end and returns its id. */
  addStep(): string {
    const step = { id: newId(), label: '' };
    this.#steps.push(step);
    return step.id;
  }

  addResource(): string {
    const resource = { id: newId(), name: '', contact: '', notes: '' };
    this.#resources.push(resource);
    return resource.id;
  }

  removeStep(index: number): void {
    this.#steps.splice(index, 1);
  }

  removeResource(index: number): void {
    this.#resources.splice(index, 1);
  }

  moveStep(index: number, by: -1 | 1): void {
    move(this.#steps, index, by);
  }

  moveResource(index: number, by: -1 | 1): void {
    move(this.#resources, index, by);
  }
}

function move<T>(list: T[], index: number, by: -1 | 1): void {
  const to = index + by;
  if (index < 0 || to < 0 || to >= list.length) return;
  const [item] = list.splice(index, 1);
  if (item !== undefined) list.splice(to, 0, item);
}
