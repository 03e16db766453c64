/** Reproducible random values: a string seed hashed to the state of a small fast generator (mulberry32). */

/** count values uniform in [offset - scale, offset + scale). */
export function seededUniform(seed: string, count: number, scale: number, offset = 0): Float32Array {
  let state = hashString(seed);
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    const unit = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    values[i] = offset + scale * (2 * unit - 1);
  }
  return values;
}

/** 0..uniforms.length - 1 in a random order (Fisher-Yates): index i swaps with floor(uniforms[i] * (i + 1)), uniforms in [0, 1). */
export function shuffledOrder(uniforms: ArrayLike<number>): Int32Array {
  const order = Int32Array.from({ length: uniforms.length }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(uniforms[i]! * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** FNV-1a, 32 bits. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash | 0;
}
