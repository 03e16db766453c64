"""PyTorch's scaled_dot_product_attention at the attention bench's shape (Llama-2-70B TP8 decode:
2048 requests, context 1024, 8 q heads, 1 kv head, head_dim 128), timed like kernel_bench: CUDA
events, warm-up, median. On the whole GPU with the default backend choice and with each backend,
and, where this torch has green contexts, on the same partition sizes.

    python3 sdpa_bench.py OUT.json
"""
import json
import statistics
import sys

import torch
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel

REQUESTS, CONTEXT, N_Q, N_KV, HEAD_DIM = 2048, 1024, 8, 1, 128
KV_BYTES = REQUESTS * CONTEXT * N_KV * HEAD_DIM * 2 * 2
WARMUP, REPS = 10, 50


def median_us(fn, stream):
    with torch.cuda.stream(stream):
        for _ in range(WARMUP):
            fn()
        marks = [torch.cuda.Event(enable_timing=True) for _ in range(REPS + 1)]
        marks[0].record(stream)
        for i in range(REPS):
            fn()
            marks[i + 1].record(stream)
    stream.synchronize()
    return statistics.median(marks[i].elapsed_time(marks[i + 1]) * 1000.0 for i in range(REPS))


def measured(fn, stream):
    us = median_us(fn, stream)
    return {"us": us, "tbs": KV_BYTES / (us * 1e-6) / 1e12}


def on_green_partition(sms, attend):
    """Times attend on a green context of `sms` SMs, with whichever API this torch has."""
    ctx = torch.cuda.green_contexts.GreenContext.create(num_sms=sms, device_id=0)
    if hasattr(ctx, "Stream"):
        return measured(attend, ctx.Stream())
    ctx.set_context()  # older API: the green context's own default stream
    try:
        return measured(attend, torch.cuda.default_stream())
    finally:
        ctx.pop_context()


def main():
    out_path = sys.argv[1]
    device_sms = torch.cuda.get_device_properties(0).multi_processor_count
    q = torch.randn(REQUESTS, N_Q, 1, HEAD_DIM, device="cuda", dtype=torch.bfloat16)
    k = torch.randn(REQUESTS, N_KV, CONTEXT, HEAD_DIM, device="cuda", dtype=torch.bfloat16)
    v = torch.randn_like(k)

    def attend():
        return F.scaled_dot_product_attention(q, k, v, enable_gqa=True)

    result = {
        "torch": torch.__version__,
        "device": torch.cuda.get_device_name(0),
        "shape": {"requests": REQUESTS, "context": CONTEXT, "n_q_heads": N_Q, "n_kv_heads": N_KV,
                  "head_dim": HEAD_DIM},
        "kv_bytes": KV_BYTES,
        "warmup": WARMUP,
        "reps": REPS,
        "statistic": "median",
    }
    stream = torch.cuda.Stream()
    result["whole_gpu"] = measured(attend, stream)
    print(f"PyTorch SDPA whole GPU (default backend): {result['whole_gpu']['us']:.1f} us "
          f"{result['whole_gpu']['tbs']:.2f} TB/s", flush=True)
    result["backends"] = {}
    for backend in (SDPBackend.FLASH_ATTENTION, SDPBackend.EFFICIENT_ATTENTION,
                    SDPBackend.CUDNN_ATTENTION, SDPBackend.MATH):
        try:
            with sdpa_kernel(backend):
                result["backends"][backend.name] = measured(attend, stream)
            print(f"  {backend.name}: {result['backends'][backend.name]['tbs']:.2f} TB/s", flush=True)
        except Exception as error:  # a backend that refuses this shape is reported, not fatal
            result["backends"][backend.name] = {"error": str(error).splitlines()[0][:200]}
            print(f"  {backend.name}: unavailable ({result['backends'][backend.name]['error']})", flush=True)

    if not hasattr(torch.cuda, "green_contexts"):
        result["partitions_unavailable"] = f"torch {torch.__version__} has no torch.cuda.green_contexts"
    else:
        result["partitions_note"] = ("requested SM counts: torch cannot read back the granted count; "
                                     "the driver rounds up to a multiple of 8")
        result["partitions"] = []
        for sms in list(range(8, device_sms, 8)) + [device_sms]:
            try:
                row = {"requested_sms": sms, **on_green_partition(sms, attend)}
            except Exception as error:
                row = {"requested_sms": sms, "error": str(error).splitlines()[0][:200]}
            result["partitions"].append(row)
            print(f"  green {sms} SMs: {row.get('tbs', float('nan')):.2f} TB/s {row.get('error', '')}", flush=True)
    with open(out_path, "w") as f:
        json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
