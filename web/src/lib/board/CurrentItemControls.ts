import type { AgendaItem } from '@hearth/shared';

/** The facilitator's controls of the running item; read-only views pass none. */
export interface CurrentItemControls {
  /** An action from this panel is on its way; its buttons wait so a double tap is not two actions. */
  readonly busy: boolean;
  readonly onToggle: (item: AgendaItem) => void;
  readonly onExtend: (item: AgendaItem) => void;
  readonly onComplete: (item: AgendaItem) => void;
  readonly onNext: () => void;
}
