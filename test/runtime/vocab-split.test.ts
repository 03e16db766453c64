/** The vocabulary split over tensor-parallel ranks: ceil-sized shards, the last rank's real rows and its zero padding. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readPlanFile } from "../../planner/plan/plan-file.js";
import { modelShapeOf, vocabSplitOf } from "../../runtime/model/modelShape.js";
import { realVocabRows, splitVocab, vocabBegin } from "../../runtime/model/vocabSplit.js";
import { TINY_ODD_VOCAB, tinyPlanPath, tinyTp2PlanPath } from "../support/tinyLlama.js";

/** Every token of the split mapped to (rank, local id) the way the ranks see it. */
function owners(vocab: number, ranks: number): [number, number][] {
  const split = splitVocab(vocab, ranks);
  return Array.from({ length: vocab }, (_, token) => {
    const rank = Math.floor(token / split.shard);
    return [rank, token - vocabBegin(split, rank)];
  });
}

test("an even vocabulary gives every rank the same real rows and no padding", () => {
  const split = splitVocab(32000, 8);
  assert.deepEqual(split, { vocab: 32000, ranks: 8, shard: 4000 });
  assert.deepEqual(Array.from({ length: 8 }, (_, rank) => realVocabRows(split, rank)), Array(8).fill(4000));
  assert.equal(vocabBegin(split, 7), 28000);
});

test("an uneven vocabulary gives every rank ceil(vocab / ranks) rows, the last rank fewer real ones", () => {
  const cases: [number, number, number, number[]][] = [
    [1001, 2, 501, [501, 500]],
    [32001, 8, 4001, [4001, 4001, 4001, 4001, 4001, 4001, 4001, 3994]],
    [10, 4, 3, [3, 3, 3, 1]],
    [7, 1, 7, [7]],
  ];
  for (const [vocab, ranks, shard, real] of cases) {
    const split = splitVocab(vocab, ranks);
    assert.equal(split.shard, shard, `${vocab} over ${ranks}`);
    const rows = Array.from({ length: ranks }, (_, rank) => realVocabRows(split, rank));
    assert.deepEqual(rows, real, `${vocab} over ${ranks}`);
    assert.equal(rows.reduce((a, b) => a + b, 0), vocab, "every token has one row");
  }
});

test("each token maps to one rank and a local id inside that rank's real rows, in token order", () => {
  for (const [vocab, ranks] of [[1001, 2], [10, 4], [31, 3]] as const) {
    const split = splitVocab(vocab, ranks);
    const mapped = owners(vocab, ranks);
    mapped.forEach(([rank, local], token) => {
      assert.ok(rank < ranks && local >= 0 && local < realVocabRows(split, rank), `token ${token} of ${vocab} over ${ranks}: rank ${rank}, local ${local}`);
      assert.equal(vocabBegin(split, rank) + local, token);
    });
  }
});

test("a vocabulary too small to leave the last rank a row, and non-integers, are refused", () => {
  assert.throws(() => splitVocab(5, 4), /vocabulary of 5 over 4 ranks at 2 rows each leaves the last rank no rows/);
  assert.throws(() => splitVocab(0, 2), /positive integer vocabulary/);
  assert.throws(() => splitVocab(1000, 1.5), /positive integer number of ranks/);
});

test("a plan's split: its model's vocabulary over its ranks, or a shard alone on one GPU", async () => {
  const tp2 = await readPlanFile(tinyTp2PlanPath("h100", TINY_ODD_VOCAB));
  assert.deepEqual(vocabSplitOf(tp2, modelShapeOf(tp2)), { vocab: 1001, ranks: 2, shard: 501 });
  assert.equal(tp2.model.shard.vocab, 501, "the planner sizes the shard (and its memory) with the same ceil");
  const one = await readPlanFile(tinyPlanPath("h100", TINY_ODD_VOCAB));
  assert.deepEqual(vocabSplitOf(one, modelShapeOf(one)), { vocab: 1001, ranks: 1, shard: 1001 });
  const alone = { ...tp2, allReduce: false };
  assert.deepEqual(vocabSplitOf(alone, modelShapeOf(alone)), { vocab: 501, ranks: 1, shard: 501 }, "a shard planned without all-reduces");
});
