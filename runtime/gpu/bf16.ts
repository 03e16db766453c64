/**
 * bfloat16 conversion on the host: bf16 is the upper half of an IEEE float32, so converting is
 * rounding the lower 16 bits away (to nearest, ties to even) and widening is a shift.
 */

/** float32 values to bf16 bit patterns, rounding to nearest even; NaN stays a (quiet) NaN. */
export function float32ToBf16Bits(values: Float32Array): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < bits.length; i++) {
    const word = bits[i]!;
    if ((word & 0x7f800000) === 0x7f800000 && (word & 0x007fffff) !== 0) {
      out[i] = (word >>> 16) | 0x0040; // keep sign and payload top, force quiet
      continue;
    }
    const lsb = (word >>> 16) & 1;
    out[i] = ((word + 0x7fff + lsb) >>> 16) & 0xffff;
  }
  return out;
}

/** bf16 bit patterns to float32 values (exact). */
export function bf16BitsToFloat32(bits: Uint16Array): Float32Array {
  const words = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) words[i] = bits[i]! << 16;
  return new Float32Array(words.buffer);
}

/** The float32 value closest to what bf16 stores for each value (round trip through bf16). */
export function roundToBf16(values: Float32Array): Float32Array {
  return bf16BitsToFloat32(float32ToBf16Bits(values));
}
