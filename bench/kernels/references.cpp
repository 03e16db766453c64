#include "references.h"

#include <cmath>

#include "host_bf16.h"

long long PagedKvView::offset(int request, int head, int key) const {
  const long long page = page_table[(long long)request * max_pages + key / page_size];
  return ((page * n_kv + head) * page_size + key % page_size) * kHeadDim;
}

std::vector<double> attention_reference(const PagedKvView& kv, const uint16_t* q_row, int n_q,
                                        int request, int len, double scale) {
  const int group = n_q / kv.n_kv;
  std::vector<double> out((size_t)n_q * kHeadDim, 0.0), scores(len);
  for (int h = 0; h < n_q; ++h) {
    const int kv_head = h / group;
    double top = -INFINITY;
    for (int key = 0; key < len; ++key) {
      const uint16_t* k = kv.k + kv.offset(request, kv_head, key);
      double dot = 0;
      for (int d = 0; d < kHeadDim; ++d) dot += double(bf16_to_float(q_row[h * kHeadDim + d])) * bf16_to_float(k[cache_dim(key % kv.page_size, d)]);
      scores[key] = dot * scale;
      top = std::max(top, scores[key]);
    }
    double sum = 0;
    for (int key = 0; key < len; ++key) sum += scores[key] = std::exp(scores[key] - top);
    double* o = out.data() + (size_t)h * kHeadDim;
    for (int key = 0; key < len; ++key) {
      const uint16_t* v = kv.v + kv.offset(request, kv_head, key);
      const double w = scores[key] / sum;
      for (int d = 0; d < kHeadDim; ++d) o[d] += w * bf16_to_float(v[cache_dim(key % kv.page_size, d)]);
    }
  }
  return out;
}

std::vector<double> rmsnorm_reference(const uint16_t* x, const uint16_t* weight, int hidden, double eps) {
  double squares = 0;
  for (int i = 0; i < hidden; ++i) squares += double(bf16_to_float(x[i])) * bf16_to_float(x[i]);
  const double inv_rms = 1.0 / std::sqrt(squares / hidden + eps);
  std::vector<double> out(hidden);
  for (int i = 0; i < hidden; ++i) out[i] = bf16_to_float(x[i]) * inv_rms * bf16_to_float(weight[i]);
  return out;
}

std::vector<double> rope_reference(const uint16_t* head, int pos, double theta) {
  std::vector<double> out(kHeadDim);
  for (int i = 0; i < kHeadDim / 2; ++i) {
    const double angle = pos * std::pow(theta, -double(i) / (kHeadDim / 2));
    const double c = std::cos(angle), s = std::sin(angle);
    const double a = bf16_to_float(head[i]), b = bf16_to_float(head[i + kHeadDim / 2]);
    out[i] = a * c - b * s;
    out[i + kHeadDim / 2] = b * c + a * s;
  }
  return out;
}

double silu_and_mul_reference(double gate, double up) { return gate / (1.0 + std::exp(-gate)) * up; }

int argmax_reference(const uint16_t* logits, int vocab) {
  int best = 0;
  for (int i = 1; i < vocab; ++i)
    if (bf16_to_float(logits[i]) > bf16_to_float(logits[best])) best = i;
  return best;
}
