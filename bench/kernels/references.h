// CPU float64 references of every kernel, computed from the same bf16 inputs the GPU reads.
#pragma once
#include <cstdint>
#include <vector>

constexpr int kHeadDim = 128;

// Where dim d of the key in slot `slot` of its page sits within its 128-element row: the cache
// stores 16-byte chunk c at chunk c ^ (slot & 7) (decode_attention.cu, rope_kv_append.cu).
inline int cache_dim(int slot, int d) { return (((d >> 3) ^ (slot & 7)) << 3) | (d & 7); }

// A paged KV cache as decode_attention.cu lays it out.
struct PagedKvView {
  const uint16_t* k;  // [num_pages, n_kv, page_size, 128]
  const uint16_t* v;
  const int* page_table;  // [requests, max_pages]
  int n_kv, page_size, max_pages;
  // Element offset of the row of key `key` of kv head `head` for request `request`.
  long long offset(int request, int head, int key) const;
};

// All q heads of one decode row: [n_q, 128].
std::vector<double> attention_reference(const PagedKvView& kv, const uint16_t* q_row, int n_q,
                                        int request, int len, double scale);

// rmsnorm of one row times weight.
std::vector<double> rmsnorm_reference(const uint16_t* x, const uint16_t* weight, int hidden, double eps);

// One rotated head (Llama rotate-half) at `pos`.
std::vector<double> rope_reference(const uint16_t* head, int pos, double theta);

double silu_and_mul_reference(double gate, double up);

// Index of the largest logit, ties to the lowest index.
int argmax_reference(const uint16_t* logits, int vocab);
