import { test } from "node:test";
import assert from "node:assert/strict";
import { bf16BitsToFloat32, float32ToBf16Bits, roundToBf16 } from "../../runtime/gpu/bf16.js";

const bits = (value: number) => float32ToBf16Bits(new Float32Array([value]))[0];

test("float32 to bf16 rounds to nearest, ties to even", () => {
  assert.equal(bits(1), 0x3f80);
  assert.equal(bits(-2), 0xc000);
  // 1 + 2^-8 is halfway between bf16 neighbours 1 and 1 + 2^-7: ties go to the even one (1).
  assert.equal(bits(1 + 2 ** -8), 0x3f80);
  // 1 + 3·2^-8 is halfway between 1 + 2^-7 (odd) and 1 + 2^-6 (even): up.
  assert.equal(bits(1 + 3 * 2 ** -8), 0x3f82);
  // Just above halfway rounds up.
  assert.equal(bits(1 + 2 ** -8 + 2 ** -16), 0x3f81);
});

test("bf16 keeps infinities and NaN, and overflows to infinity past its largest value", () => {
  assert.equal(bits(Infinity), 0x7f80);
  assert.equal(bits(-Infinity), 0xff80);
  assert.ok(Number.isNaN(bf16BitsToFloat32(new Uint16Array([bits(Number.NaN)!]))[0]!));
  assert.equal(bits(3.4e38), 0x7f80);
  assert.equal(bits(0), 0);
  assert.equal(bits(-0), 0x8000);
});

test("widening bf16 is exact, so a value already in bf16 survives a round trip", () => {
  const values = new Float32Array([0.5, -3, 1024, 2 ** -130, 1.5, 65280]);
  assert.deepEqual(Array.from(roundToBf16(values)), Array.from(values));
});
