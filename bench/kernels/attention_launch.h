// How the decode attention kernels are launched, mirrored from their header comments. Stream-K
// (decode_attention.cu): a block of warps_per_block warps, blocks_per_sm blocks per SM of the
// partition, dynamic shared memory of staged_bytes plus the rows' tile prefix. Whole pairs
// (decode_attention_pairs.cu): a block of pair_warps warps per SM and pair_shared_bytes, on the
// launches uses_pairs picks. Overridable to study variants.
#pragma once

enum class AttentionMode { automatic, stream_k, pairs };

struct AttentionLaunch {
  int warps_per_block = 12;
  int blocks_per_sm = 1;
  int staged_bytes = 196800;  // the stages and their mbarriers
  int pair_warps = 8;
  int pair_shared_bytes = 213712;
  AttentionMode mode = AttentionMode::automatic;

  int grid(int sms) const { return blocks_per_sm * sms; }
  unsigned shared_bytes(int rows) const { return unsigned(staged_bytes + (rows + 1) * 4); }
  // The pairs kernel finds a warp's tiles of a pair through two 32-lane windows.
  static bool pairs_fit(int max_pages, int page_size) { return max_pages * page_size <= 8192; }
  // Which kernel a launch of `pairs` (row, kv head) pairs on `sms` SMs takes: whole pairs on large
  // partitions with at least 8 pairs a block (bench/kernels/NOTES.md, v25), unless forced.
  bool uses_pairs(int pairs, int max_pages, int page_size, int sms) const {
    if (!pairs_fit(max_pages, page_size)) return false;
    if (mode != AttentionMode::automatic) return mode == AttentionMode::pairs;
    return sms >= 96 && pairs >= 8 * sms;
  }
};
