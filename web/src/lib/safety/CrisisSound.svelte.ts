/** Why the alert is or is not sounding, for the page to show next to its toggle. */
export type SoundState = 'off' | 'idle' | 'playing' | 'blocked' | 'unavailable';

const STORAGE_KEY = 'hearth.crisisSound';
/** A short two-note chime every few seconds: noticeable in a quiet room, not a siren. */
const REPEAT_MS = 4000;
const NOTES: readonly { readonly hz: number; readonly at: number }[] = [
  { hz: 880, at: 0 },
  { hz: 660, at: 0.22 }
];
const NOTE_SECONDS = 0.18;
const VOLUME = 0.2;

/**
 * The crisis alert's audible signal (Web Audio, no media files). While active and switched on it
 * chimes every few seconds. Browsers may refuse to start audio before the person has interacted with
 * the page (autoplay policy): then it waits for the first click or key press anywhere and starts
 * from there. The on/off choice is remembered on this device.
 */
export class CrisisSound {
  #enabled = $state(true);
  #active = $state(false);
  #running = $state(false);
  #unavailable = $state(false);

  #context: AudioContext | null = null;
  #timer: ReturnType<typeof setInterval> | null = null;
  #listening = false;

  constructor() {
    try {
      this.#enabled = localStorage.getItem(STORAGE_KEY) !== 'off';
    } catch {
      // No storage (private mode): sound stays on, the safe default for a crisis alert.
    }
  }

  /** Whether the person wants the alert to sound. */
  get enabled(): boolean {
    return this.#enabled;
  }

  get state(): SoundState {
    if (!this.#enabled) return 'off';
    if (this.#unavailable) return 'unavailable';
    if (!this.#active) return 'idle';
    return this.#running ? 'playing' : 'blocked';
  }

  /** Called from a click, which also counts as the interaction browsers want before audio. */
  toggle(): void {
    this.#enabled = !this.#enabled;
    try {
      localStorage.setItem(STORAGE_KEY, this.#enabled ? 'on' : 'off');
    } catch {
      // Remembered for this page only.
    }
    this.#update();
  }

  /** Whether there is something to sound for (an unacknowledged crisis this person can acknowledge). */
  setActive(active: boolean): void {
    if (this.#active === active) return;
    this.#active = active;
    this.#update();
  }

  /** Stops everything; call when the page goes away. */
  destroy(): void {
    this.#active = false;
    this.#stopRepeating();
    this.#stopListening();
    void this.#context?.close().catch(() => undefined);
    this.#context = null;
  }

  #update(): void {
    if (this.#active && this.#enabled) {
      this.#startListening();
      void this.#start();
    } else {
      this.#stopRepeating();
    }
  }

  async #start(): Promise<void> {
    const context = this.#ensureContext();
    if (!context) return;
    if (context.state !== 'running') {
      try {
        await context.resume();
      } catch {
        // Refused until the person interacts; the listeners try again then.
      }
    }
    this.#running = context.state === 'running';
    if (!this.#running || !this.#active || !this.#enabled || this.#timer) return;
    this.#chime(context);
    this.#timer = setInterval(() => {
      if (this.#context?.state === 'running') this.#chime(this.#context);
    }, REPEAT_MS);
  }

  #stopRepeating(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  #ensureContext(): AudioContext | null {
    if (this.#context) return this.#context;
    if (typeof AudioContext === 'undefined') {
      this.#unavailable = true;
      return null;
    }
    try {
      this.#context = new AudioContext();
      this.#context.onstatechange = () => {
        this.#running = this.#context?.state === 'running';
      };
    } catch {
      this.#unavailable = true;
    }
    return this.#context;
  }

  #chime(context: AudioContext): void {
    const start = context.currentTime + 0.02;
    for (const note of NOTES) {
      const osc = context.createOscillator();
      const gain = context.createGain();
      osc.type = 'sine';
      osc.frequency.value = note.hz;
      const t = start + note.at;
      // A soft attack and release: no clicks.
      gain.gain.setValueAtTime(0, t);
      gain.gain.linearRampToValueAtTime(VOLUME, t + 0.02);
      gain.gain.linearRampToValueAtTime(0, t + NOTE_SECONDS);
      osc.connect(gain).connect(context.destination);
      osc.start(t);
      osc.stop(t + NOTE_SECONDS + 0.02);
    }
  }

  /**
   * Listens for the person's interaction from the first alert on, so that a browser which refused
   * audio lets it start as soon as they click or press a key anywhere on the page.
   */
  #startListening(): void {
    if (this.#listening) return;
    this.#listening = true;
    window.addEventListener('pointerdown', this.#onInteraction, true);
    window.addEventListener('keydown', this.#onInteraction, true);
  }

  #stopListening(): void {
    if (!this.#listening) return;
    this.#listening = false;
    window.removeEventListener('pointerdown', this.#onInteraction, true);
    window.removeEventListener('keydown', this.#onInteraction, true);
  }

  #onInteraction = (): void => {
    if (this.#active && this.#enabled && !this.#running) void this.#start();
  };
}
