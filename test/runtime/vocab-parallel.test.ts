/** The vocabulary-parallel LM head's host side: the ranks' argmax candidates and logit slices combined, evenly split or not. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { combineVocabArgmax, gatherVocabLogits } from "../../runtime/engine/vocabParallel.js";
import { splitVocab } from "../../runtime/model/vocabSplit.js";

test("the largest candidate wins, ties go to the lowest rank (the lowest token id), ids become global", () => {
  const ranks = [
    { ids: Int32Array.of(3, 0, 9), maxima: Float32Array.of(1.5, 2, -1) },
    { ids: Int32Array.of(1, 4, 2), maxima: Float32Array.of(0.5, 2, -0.5) },
  ];
  assert.deepEqual([...combineVocabArgmax(ranks, splitVocab(20, 2))], [3, 0, 12]);
  assert.deepEqual([...combineVocabArgmax([ranks[1]!], splitVocab(10, 1))], [1, 4, 2], "one GPU: its own ids");
});

test("over an uneven split, ids are offset by the padded shard and the last rank's candidates lie in its real rows", () => {
  // 11 tokens over 3 ranks: 4 rows each, rank 2 holds tokens 8, 9, 10 and one padding row.
  const split = splitVocab(11, 3);
  const ranks = [
    { ids: Int32Array.of(3, 0, 1), maxima: Float32Array.of(1, 5, 0) },
    { ids: Int32Array.of(0, 3, 2), maxima: Float32Array.of(2, 1, 0) },
    { ids: Int32Array.of(2, 1, 0), maxima: Float32Array.of(3, 1, 0) },
  ];
  assert.deepEqual([...combineVocabArgmax(ranks, split)], [10, 0, 1]);
  // A padding row winning means the argmax was told the padded width: refused, not mapped past the vocabulary.
  const padded = [ranks[0]!, ranks[1]!, { ids: Int32Array.of(3, 1, 0), maxima: Float32Array.of(3, 1, 0) }];
  assert.throws(() => combineVocabArgmax(padded, split), /request 0: rank 2's argmax chose row 3, past its 3 real vocabulary rows/);
  assert.throws(() => combineVocabArgmax(ranks.slice(0, 2), split), /from 3 ranks but received 2/);
});

test("logit slices are laid side by side per request, in rank order", () => {
  const rank0 = Float32Array.of(0, 1, 10, 11);
  const rank1 = Float32Array.of(2, 3, 12, 13);
  assert.deepEqual([...gatherVocabLogits([rank0, rank1], 2, splitVocab(4, 2))], [0, 1, 2, 3, 10, 11, 12, 13]);
  assert.equal(gatherVocabLogits([rank0], 2, splitVocab(2, 1)), rank0);
});

test("gathered logits of an uneven split have exactly vocab columns: the last rank's padding is dropped", () => {
  // 5 tokens over 2 ranks: shards of 3, rank 1 holds tokens 3, 4 and a padding column (99).
  const rank0 = Float32Array.of(0, 1, 2, 10, 11, 12);
  const rank1 = Float32Array.of(3, 4, 99, 13, 14, 99);
  const logits = gatherVocabLogits([rank0, rank1], 2, splitVocab(5, 2));
  assert.deepEqual([...logits], [0, 1, 2, 3, 4, 10, 11, 12, 13, 14]);
  assert.throws(() => gatherVocabLogits([rank0], 2, splitVocab(5, 2)), /from 2 ranks but received 1/);
});
