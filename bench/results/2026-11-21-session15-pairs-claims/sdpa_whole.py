"""Scratch: PyTorch SDPA on the whole GPU, as sdpa_bench.py times it (10 warm-up, median of 50), N times."""
import sys
sys.path.insert(0, "bench/kernels")
import torch
import torch.nn.functional as F
import sdpa_bench as b

q = torch.randn(b.REQUESTS, b.N_Q, 1, b.HEAD_DIM, device="cuda", dtype=torch.bfloat16)
k = torch.randn(b.REQUESTS, b.N_KV, b.CONTEXT, b.HEAD_DIM, device="cuda", dtype=torch.bfloat16)
v = torch.randn_like(k)
stream = torch.cuda.Stream()
for _ in range(int(sys.argv[1])):
    r = b.measured(lambda: F.scaled_dot_product_attention(q, k, v, enable_gqa=True), stream)
    print(f"pytorch whole GPU: {r['us']:.1f} us {r['tbs']:.3f} TB/s", flush=True)
