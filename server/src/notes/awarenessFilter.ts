import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/**
 * Keeps the entries of a y-protocols awareness update whose client id `allowed` accepts, re-encoded;
 * null when none is left. Awareness states are client-written: without this, one connection could
 * overwrite or remove another's (a supervisor wiping a facilitator's cursor, say). Throws on a
 * malformed update.
 */
export function filterAwarenessUpdate(update: Uint8Array, allowed: (clientId: number) => boolean): Uint8Array | null {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  const kept: { clientId: number; clock: number; state: string }[] = [];
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const state = decoding.readVarString(decoder);
    if (allowed(clientId)) kept.push({ clientId, clock, state });
  }
  if (kept.length === 0) return null;
  if (kept.length === count) return update;
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, kept.length);
  for (const k of kept) {
    encoding.writeVarUint(encoder, k.clientId);
    encoding.writeVarUint(encoder, k.clock);
    encoding.writeVarString(encoder, k.state);
  }
  return encoding.toUint8Array(encoder);
}
