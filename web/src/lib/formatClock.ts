/** A moment as a wall-clock time people read at a glance ("10:42"), in the viewer's locale. */
export function formatClock(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}
