#include "kernel_checks.h"

#include <algorithm>
#include <cmath>

#include "comparison.h"
#include "device_array.h"
#include "host_bf16.h"
#include "launch.h"
#include "paged_attention_case.h"
#include "references.h"

namespace {

using Records = std::vector<CheckRecord>;

void record(Records& out, const Comparison& cmp, const std::string& kernel, const std::string& what) {
  out.push_back({kernel, what, cmp.report(kernel, what), cmp.max_err()});
}

std::string range(int begin, int end) {
  return "rows=[" + std::to_string(begin) + "," + std::to_string(end) + ")";
}

void sync(CUstream stream) { CU(cuStreamSynchronize(stream)); }

// ---- decode attention -------------------------------------------------------------------------

std::vector<int> random_lens(Rng& rng, int n, int max_len, std::vector<int> first) {
  for (int i = (int)first.size(); i < n; ++i) first.push_back(1 + rng.below(max_len));
  first.resize(n);
  return first;
}

// Every case on each of its partition sizes, through both kernels (the pairs kernel wherever its
// window holds the case's page table), whichever the launch rule would pick.
void check_attention(const KernelSet& k, const AttentionLaunch& config, CUstream stream, int sms, Records& out) {
  const AttentionFunctions kernels = attention_functions(k);
  Rng rng(11);
  struct Case {
    AttentionShape shape;
    int row_begin, row_end;
    std::vector<int> sms;
  };
  const std::vector<Case> cases = {
      {{37, 8, 1, 16, random_lens(rng, 37, 700, {1, 15, 16, 17, 31, 33, 1024, 1000, 1023})}, 5, 37, {sms, 16, 1}},
      {{20, 32, 8, 32, random_lens(rng, 20, 600, {1, 32, 33})}, 3, 19, {sms, 32}},
      {{9, 2, 2, 16, random_lens(rng, 9, 2000, {})}, 0, 9, {48, sms}},
      {{12, 16, 4, 64, random_lens(rng, 12, 3000, {63, 65})}, 1, 12, {sms, 3}},
      {{3, 8, 1, 16, {5000, 1, 7777}}, 0, 3, {sms}},
      // Enough pairs for the pairs kernel by the launch rule on a whole GPU: pairs of fewer tiles
      // than warps, partial last tiles, several kv heads and a group under 8.
      {{1100, 8, 1, 16, random_lens(rng, 1100, 1500, {1, 15, 16, 17, 191, 192, 193, 6000})}, 3, 1100, {sms, 64, 7}},
      {{300, 24, 4, 32, random_lens(rng, 300, 2000, {1, 33, 6144})}, 0, 300, {sms, 32}},
  };
  uint64_t seed = 100;
  for (const Case& c : cases) {
    const int most_sms = *std::max_element(c.sms.begin(), c.sms.end());
    PagedAttentionCase problem(c.shape, config.grid(most_sms) * config.warps_per_block, seed++);
    std::vector<AttentionMode> modes = {AttentionMode::stream_k};
    if (problem.pairs_fit()) modes.push_back(AttentionMode::pairs);
    // Several launches on one workspace: also proves each leaves the merge counters at zero.
    for (int n : c.sms) {
      for (AttentionMode mode : modes) {
        AttentionLaunch forced = config;
        forced.mode = mode;
        problem.poison_output();
        const char* kernel = problem.launch(kernels, stream, c.row_begin, c.row_end, n, forced);
        sync(stream);
        record(out, problem.check(c.row_begin, c.row_end), kernel,
               c.shape.describe() + " " + range(c.row_begin, c.row_end) + " sms=" + std::to_string(n));
      }
    }
  }
}

// ---- RMSNorm ---------------------------------------------------------------------------------

void check_rmsnorm(const KernelSet& k, CUstream stream, Records& out) {
  const CUfunction f = function_in_current_context(k.rmsnorm);
  struct Case { int rows, hidden, begin, end, grid; };
  uint64_t seed = 200;
  // grid: a block a row, or 2 blocks that each take every other row (the launch rule's grid on a
  // partition with fewer block slots than rows).
  for (const Case c : {Case{13, 8192, 3, 13, 10}, Case{13, 8192, 3, 13, 2}, Case{5, 1000, 0, 5, 5},
                       Case{4, 16384, 1, 3, 2}, Case{9, 5120, 1, 8, 2}}) {
    const size_t n = (size_t)c.rows * c.hidden;
    const auto x = random_bf16(n, -2.f, 2.f, seed++);
    const auto weight = random_bf16(c.hidden, 0.5f, 1.5f, seed++);
    DeviceArray<uint16_t> x_dev(x), w_dev(weight), out_dev(n);
    out_dev.fill_bytes(0xff);
    const float eps = 1e-5f;
    const unsigned block = 32 * unsigned((c.hidden / 8 + 127) / 128);  // rmsnorm.cu's launch rule
    launch(f, LaunchShape{unsigned(c.grid), 1, block}, stream, x_dev.ptr(), w_dev.ptr(), out_dev.ptr(), c.begin, c.end,
           c.hidden, eps);
    sync(stream);
    const auto got_out = out_dev.download(), got_x = x_dev.download();
    Comparison cmp(1e-3, 1e-2);
    for (int r = 0; r < c.rows; ++r) {
      const size_t base = (size_t)r * c.hidden;
      const bool in = r >= c.begin && r < c.end;
      const auto want = in ? rmsnorm_reference(&x[base], weight.data(), c.hidden, eps) : std::vector<double>();
      for (int i = 0; i < c.hidden; ++i) {
        cmp.require(got_x[base + i] == x[base + i]);
        if (in) cmp.add(bf16_to_float(got_out[base + i]), want[i]);
        else cmp.require(got_out[base + i] == kBf16Poison);
      }
    }
    record(out, cmp, "rmsnorm", "hidden=" + std::to_string(c.hidden) + " " + range(c.begin, c.end) + " grid=" + std::to_string(c.grid));
  }
}

// ---- RoPE and KV append -----------------------------------------------------------------------

void check_rope(const KernelSet& k, CUstream stream, Records& out) {
  const CUfunction f = function_in_current_context(k.rope_kv_append);
  struct Case { int tokens, n_q, n_kv, page_size, max_pos, begin, end; float theta; };
  uint64_t seed = 300;
  for (const Case c : {Case{11, 8, 1, 16, 3000, 2, 11, 10000.f}, Case{6, 32, 8, 32, 131000, 0, 6, 500000.f},
                       Case{300, 8, 1, 16, 5000, 5, 299, 10000.f}, Case{5, 64, 8, 16, 2000, 1, 5, 10000.f}}) {
    Rng rng(seed++);
    const int heads = c.n_q + 2 * c.n_kv;
    const auto qkv = random_bf16((size_t)c.tokens * heads * kHeadDim, -1.f, 1.f, seed++);
    std::vector<int> positions(c.tokens);
    for (int& p : positions) p = rng.below(c.max_pos);
    // Row t writes to page page_of[t] (a random order); the other table entries are never read.
    const int max_pages = c.max_pos / c.page_size + 1;
    std::vector<int> page_of(c.tokens), table((size_t)c.tokens * max_pages, -1);
    for (int t = 0; t < c.tokens; ++t) page_of[t] = t;
    for (int t = c.tokens - 1; t > 0; --t) std::swap(page_of[t], page_of[rng.below(t + 1)]);
    for (int t = 0; t < c.tokens; ++t) table[(size_t)t * max_pages + positions[t] / c.page_size] = page_of[t];
    const size_t cache_elems = (size_t)c.tokens * c.n_kv * c.page_size * kHeadDim;
    DeviceArray<uint16_t> qkv_dev(qkv), q_out((size_t)c.tokens * c.n_q * kHeadDim), k_cache(cache_elems),
        v_cache(cache_elems);
    DeviceArray<int> pos_dev(positions), table_dev(table);
    q_out.fill_bytes(0xff);
    k_cache.fill_bytes(0xff);
    v_cache.fill_bytes(0xff);
    const int warps_a_row = (c.n_q + c.n_kv + 9) / 10;  // the launch rule in rope_kv_append.cu
    launch(f, LaunchShape{unsigned((c.end - c.begin) * warps_a_row + 7) / 8, 1, 256}, stream, qkv_dev.ptr(), q_out.ptr(), k_cache.ptr(),
           v_cache.ptr(), pos_dev.ptr(), table_dev.ptr(), c.begin, c.end, c.n_q, c.n_kv, c.page_size, max_pages,
           c.theta);
    sync(stream);
    const auto got_q = q_out.download(), got_k = k_cache.download(), got_v = v_cache.download();
    Comparison cmp(2e-3, 1e-2);
    std::vector<char> written(cache_elems, 0);
    for (int t = 0; t < c.tokens; ++t) {
      const bool in = t >= c.begin && t < c.end;
      const uint16_t* row = qkv.data() + (size_t)t * heads * kHeadDim;
      for (int h = 0; h < c.n_q; ++h) {
        const uint16_t* got = got_q.data() + ((size_t)t * c.n_q + h) * kHeadDim;
        if (!in) {
          for (int d = 0; d < kHeadDim; ++d) cmp.require(got[d] == kBf16Poison);
          continue;
        }
        const auto want = rope_reference(row + h * kHeadDim, positions[t], c.theta);
        for (int d = 0; d < kHeadDim; ++d) cmp.add(bf16_to_float(got[d]), want[d]);
      }
      if (!in) continue;
      for (int h = 0; h < c.n_kv; ++h) {
        const size_t slot = (((size_t)page_of[t] * c.n_kv + h) * c.page_size + positions[t] % c.page_size) * kHeadDim;
        const auto want = rope_reference(row + (c.n_q + h) * kHeadDim, positions[t], c.theta);
        const uint16_t* v_in = row + (c.n_q + c.n_kv + h) * kHeadDim;
        for (int d = 0; d < kHeadDim; ++d) {
          const size_t e = slot + cache_dim(positions[t] % c.page_size, d);
          cmp.add(bf16_to_float(got_k[e]), want[d]);
          cmp.require(got_v[e] == v_in[d]);
          written[e] = 1;
        }
      }
    }
    for (size_t e = 0; e < cache_elems; ++e)
      if (!written[e]) cmp.require(got_k[e] == kBf16Poison && got_v[e] == kBf16Poison);
    record(out, cmp, "rope_kv_append",
           "q/kv=" + std::to_string(c.n_q) + "/" + std::to_string(c.n_kv) + " page=" + std::to_string(c.page_size) +
               " pos<" + std::to_string(c.max_pos) + " " + range(c.begin, c.end));
  }
}

// ---- SiLU and mul -----------------------------------------------------------------------------

void check_silu(const KernelSet& k, CUstream stream, Records& out) {
  const CUfunction f = function_in_current_context(k.silu_and_mul);
  struct Case { int tokens, inter, begin, end; };
  uint64_t seed = 400;
  for (const Case c : {Case{7, 3584, 2, 7}, Case{3, 104, 0, 3}, Case{2, 14336, 1, 2}}) {
    const auto in = random_bf16((size_t)c.tokens * 2 * c.inter, -6.f, 6.f, seed++);
    DeviceArray<uint16_t> in_dev(in), out_dev((size_t)c.tokens * c.inter);
    out_dev.fill_bytes(0xff);
    const unsigned blocks = unsigned((c.inter / 8 + 255) / 256);
    launch(f, LaunchShape{blocks, unsigned(c.end - c.begin), 256}, stream, in_dev.ptr(), out_dev.ptr(), c.begin,
           c.end, c.inter);
    sync(stream);
    const auto got = out_dev.download();
    Comparison cmp(1e-3, 1e-2);
    for (int t = 0; t < c.tokens; ++t)
      for (int i = 0; i < c.inter; ++i) {
        const uint16_t g = got[(size_t)t * c.inter + i];
        if (t < c.begin || t >= c.end) {
          cmp.require(g == kBf16Poison);
          continue;
        }
        const uint16_t* row = in.data() + (size_t)t * 2 * c.inter;
        cmp.add(bf16_to_float(g), silu_and_mul_reference(bf16_to_float(row[i]), bf16_to_float(row[c.inter + i])));
      }
    record(out, cmp, "silu_and_mul", "I=" + std::to_string(c.inter) + " " + range(c.begin, c.end));
  }
}

// ---- embedding --------------------------------------------------------------------------------

void check_embedding(const KernelSet& k, CUstream stream, Records& out) {
  const CUfunction f = function_in_current_context(k.embedding);
  struct Case { int vocab, hidden, tokens, begin, end; };
  uint64_t seed = 500;
  for (const Case c : {Case{1000, 8192, 9, 1, 9}, Case{517, 1032, 4, 0, 4}}) {
    Rng rng(seed++);
    const auto table = random_bf16((size_t)c.vocab * c.hidden, -1.f, 1.f, seed++);
    std::vector<int> ids(c.tokens);
    for (int& id : ids) id = rng.below(c.vocab);
    ids[c.tokens - 1] = c.vocab;  // out of range: a zero row
    if (c.tokens > 2) ids[1] = -1;
    DeviceArray<uint16_t> table_dev(table), out_dev((size_t)c.tokens * c.hidden);
    DeviceArray<int> ids_dev(ids);
    out_dev.fill_bytes(0xff);
    const unsigned blocks = unsigned((c.hidden / 8 + 255) / 256);
    launch(f, LaunchShape{blocks, unsigned(c.end - c.begin), 256}, stream, table_dev.ptr(), ids_dev.ptr(),
           out_dev.ptr(), c.begin, c.end, c.hidden, c.vocab);
    sync(stream);
    const auto got = out_dev.download();
    Comparison cmp(0, 0);
    for (int t = 0; t < c.tokens; ++t)
      for (int i = 0; i < c.hidden; ++i) {
        const uint16_t g = got[(size_t)t * c.hidden + i];
        const bool valid = ids[t] >= 0 && ids[t] < c.vocab;
        if (t < c.begin || t >= c.end) cmp.require(g == kBf16Poison);
        else cmp.require(g == (valid ? table[(size_t)ids[t] * c.hidden + i] : 0));
      }
    record(out, cmp, "embedding",
           "vocab=" + std::to_string(c.vocab) + " hidden=" + std::to_string(c.hidden) + " " + range(c.begin, c.end));
  }
}

// ---- argmax -----------------------------------------------------------------------------------

void check_argmax(const KernelSet& k, CUstream stream, Records& out) {
  const CUfunction f = function_in_current_context(k.argmax);
  // stride > vocab: a padded vocabulary shard, whose padding (random here, so it would win) is skipped.
  struct Case { int vocab, stride, tokens, begin, end; bool with_max; };
  uint64_t seed = 600;
  for (const Case c : {Case{128256, 128256, 9, 2, 9, true}, Case{32000, 32000, 3, 0, 3, false},
                       Case{1001, 1001, 4, 1, 4, true}, Case{500, 501, 4, 0, 4, true}, Case{16000, 16032, 3, 1, 3, true}}) {
    // Random bf16 logits tie often at the top, which exercises the lowest-index rule.
    auto logits = random_bf16((size_t)c.tokens * c.stride, -10.f, 10.f, seed++);
    for (int t = 0; t < c.tokens; ++t)  // padding above every real logit
      std::fill(logits.begin() + (size_t)t * c.stride + c.vocab, logits.begin() + (size_t)(t + 1) * c.stride,
                float_to_bf16(20.f));
    uint16_t* last = logits.data() + (size_t)(c.tokens - 1) * c.stride;
    std::fill(last, last + c.vocab, float_to_bf16(-1.f));  // a row of equal values: index 0
    DeviceArray<uint16_t> in_dev(logits);
    DeviceArray<int> ids(c.tokens);
    DeviceArray<float> max_dev(c.tokens);
    ids.fill_bytes(0xff);
    max_dev.fill_bytes(0xff);
    launch(f, LaunchShape{unsigned(c.end - c.begin), 1, 512}, stream, in_dev.ptr(), ids.ptr(),
           c.with_max ? max_dev.ptr() : CUdeviceptr(0), c.begin, c.end, c.vocab, c.stride);
    sync(stream);
    const auto got = ids.download();
    const auto got_max = max_dev.download();
    Comparison cmp(0, 0);
    for (int t = 0; t < c.tokens; ++t) {
      if (t < c.begin || t >= c.end) {
        cmp.require(got[t] == -1);
        continue;
      }
      const uint16_t* row = logits.data() + (size_t)t * c.stride;
      const int want = argmax_reference(row, c.vocab);
      cmp.require(got[t] == want);
      if (c.with_max) cmp.require(got_max[t] == bf16_to_float(row[want]));
    }
    record(out, cmp, "argmax",
           "vocab=" + std::to_string(c.vocab) + " stride=" + std::to_string(c.stride) + (c.with_max ? " +max" : " ids only") + " " + range(c.begin, c.end));
  }
}

// ---- streaming read ---------------------------------------------------------------------------

void check_stream_read(const KernelSet& k, CUstream stream, int sms, Records& out) {
  const CUfunction f = function_in_current_context(k.stream_read);
  const long long words16 = (1 << 20) + 7;
  const auto data = random_bf16(size_t(words16) * 8, -1.f, 1.f, 700);
  DeviceArray<uint16_t> src(data);
  DeviceArray<unsigned> sink((size_t)sms * 1024);
  launch(f, LaunchShape{unsigned(sms), 1, 1024}, stream, src.ptr(), words16, sink.ptr());
  sync(stream);
  // Xor is order-free: the xor of every thread's xor is the xor of every word read.
  unsigned want = 0, got = 0;
  for (size_t i = 0; i < data.size(); i += 2) want ^= unsigned(data[i]) | unsigned(data[i + 1]) << 16;
  for (unsigned s : sink.download()) got ^= s;
  Comparison cmp(0, 0);
  cmp.require(got == want);
  record(out, cmp, "stream_read", "16-byte words=" + std::to_string(words16) + " grid=" + std::to_string(sms));
}

}  // namespace

std::vector<CheckRecord> run_kernel_checks(const KernelSet& kernels, const AttentionLaunch& attention, CUstream stream,
                                           int device_sms) {
  Records out;
  check_attention(kernels, attention, stream, device_sms, out);
  check_rmsnorm(kernels, stream, out);
  check_rope(kernels, stream, out);
  check_silu(kernels, stream, out);
  check_embedding(kernels, stream, out);
  check_argmax(kernels, stream, out);
  check_stream_read(kernels, stream, device_sms, out);
  return out;
}
