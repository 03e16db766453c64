/** The vocabulary-parallel LM head's host side: the ranks' argmax candidates and logit slices combined. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { combineVocabArgmax, gatherVocabLogits } from "../../runtime/engine/vocabParallel.js";

test("the largest candidate wins, ties go to the lowest rank (the lowest token id), ids become global", () => {
  const ranks = [
    { ids: Int32Array.of(3, 0, 9), maxima: Float32Array.of(1.5, 2, -1) },
    { ids: Int32Array.of(1, 4, 2), maxima: Float32Array.of(0.5, 2, -0.5) },
  ];
  assert.deepEqual([...combineVocabArgmax(ranks, 10)], [3, 0, 12]);
  assert.deepEqual([...combineVocabArgmax([ranks[1]!], 10)], [1, 4, 2], "one GPU: its own ids");
});

test("logit slices are laid side by side per request, in rank order", () => {
  const rank0 = Float32Array.of(0, 1, 10, 11);
  const rank1 = Float32Array.of(2, 3, 12, 13);
  assert.deepEqual([...gatherVocabLogits([rank0, rank1], 2, 2)], [0, 1, 2, 3, 10, 11, 12, 13]);
  assert.equal(gatherVocabLogits([rank0], 2, 2), rank0);
});
