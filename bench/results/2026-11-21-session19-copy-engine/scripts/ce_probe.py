# Feasibility probe: all-reduce by copy engines (peer copies, no SM) + one small sum kernel,
# against NCCL (torch.cuda.nccl, one process, 4 GPUs); alone and beside a GEMM loop / a read loop.
import os, sys, time, torch
import torch.cuda.nccl as nccl
N = torch.cuda.device_count(); dev = list(range(N))
torch.manual_seed(0)
def ms(): return time.perf_counter()*1e3
def sync():
    for d in dev: torch.cuda.synchronize(d)
for a in dev:
    for b in dev:
        if a!=b: assert torch.cuda.can_device_access_peer(a,b)
class CE:
    def __init__(s, nbytes):
        s.n = nbytes//2; s.c = s.n//N
        s.x = [torch.randn(s.n, device=d, dtype=torch.bfloat16) for d in dev]
        s.y = [torch.empty(s.n, device=d, dtype=torch.bfloat16) for d in dev]
        s.stage = [torch.empty(N, s.c, device=d, dtype=torch.bfloat16) for d in dev]
        s.main = [torch.cuda.Stream(d) for d in dev]
        s.cp = [[torch.cuda.Stream(d) for _ in dev] for d in dev]
        s.ev = lambda d: torch.cuda.Event()
    def run(s):
        # x ready on each main stream
        ready=[]
        for d in dev:
            with torch.cuda.device(d):
                e=torch.cuda.Event(); e.record(s.main[d]); ready.append(e)
        done=[[None]*N for _ in dev]
        for r in dev:   # pull peers' chunk r into stage (reduce-scatter by copies)
            with torch.cuda.device(r):
                for p in dev:
                    st=s.cp[r][p]; st.wait_event(ready[p]); st.wait_event(ready[r])
                    with torch.cuda.stream(st):
                        s.stage[r][p].copy_(s.x[p][r*s.c:(r+1)*s.c], non_blocking=True)
                    e=torch.cuda.Event(); e.record(st); done[r][p]=e
        summed=[]
        for r in dev:
            with torch.cuda.device(r), torch.cuda.stream(s.main[r]):
                for p in dev: s.main[r].wait_event(done[r][p])
                torch.sum(s.stage[r], dim=0, out=s.y[r][r*s.c:(r+1)*s.c])
                e=torch.cuda.Event(); e.record(s.main[r]); summed.append(e)
        for r in dev:   # all-gather by copies
            with torch.cuda.device(r):
                for p in dev:
                    if p==r: continue
                    st=s.cp[r][p]; st.wait_event(summed[p])
                    with torch.cuda.stream(st):
                        s.y[r][p*s.c:(p+1)*s.c].copy_(s.y[p][p*s.c:(p+1)*s.c], non_blocking=True)
                    e=torch.cuda.Event(); e.record(st); s.main[r].wait_event(e)
    def check(s):
        ref = sum(t.float().cpu() for t in s.x)
        return max(float((y.float().cpu()-ref).abs().max()) for y in s.y)
class NC:
    def __init__(s, nbytes):
        s.x=[torch.randn(nbytes//2, device=d, dtype=torch.bfloat16) for d in dev]
        s.main=[torch.cuda.Stream(d) for d in dev]
    def run(s): nccl.all_reduce(s.x, streams=s.main)
SLEEP=int(3e8)  # ~150 ms of GPU cycles: the host enqueues everything while the GPUs wait
def hold(streams):
    for st in streams:
        with torch.cuda.device(st.device), torch.cuda.stream(st): torch.cuda._sleep(SLEEP)
def loop_gemm(st, reps):
    d=st.device
    with torch.cuda.device(d), torch.cuda.stream(st):
        a=torch.randn(1024,8192,device=d,dtype=torch.bfloat16); b=torch.randn(8192,7168,device=d,dtype=torch.bfloat16); a@b
        st.synchronize(); hold([st])
        e0=torch.cuda.Event(enable_timing=True); e1=torch.cuda.Event(enable_timing=True); e0.record(st)
        for _ in range(reps): a@b
        e1.record(st)
    return e0,e1
def loop_copy(st, reps):
    d=st.device
    with torch.cuda.device(d), torch.cuda.stream(st):
        a=torch.empty(256*2**20,device=d,dtype=torch.uint8); b=torch.empty_like(a); b.copy_(a)
        st.synchronize(); hold([st])
        e0=torch.cuda.Event(enable_timing=True); e1=torch.cuda.Event(enable_timing=True); e0.record(st)
        for _ in range(reps): b.copy_(a)
        e1.record(st)
    return e0,e1
def timed(obj, reps, beside=None, beside_reps=0):
    # GPU-side time per op of obj (on GPU 0's main stream), with optional work beside on every GPU
    obj.run(); sync()
    side=[]
    if beside:
        for d in dev: side.append(beside(torch.cuda.Stream(d), beside_reps))
    hold(obj.main)
    with torch.cuda.device(0):
        e0=torch.cuda.Event(enable_timing=True); e1=torch.cuda.Event(enable_timing=True); e0.record(obj.main[0])
    for _ in range(reps): obj.run()
    with torch.cuda.device(0): e1.record(obj.main[0])
    sync()
    t=e0.elapsed_time(e1)*1e3/reps
    s=[a.elapsed_time(b)*1e3/beside_reps for a,b in side]
    return t, s
print("GPUs", N, torch.cuda.get_device_name(0), "torch", torch.__version__, "NCCL", nccl.version(), "NCCL_MAX_CTAS", os.environ.get("NCCL_MAX_CTAS"))
_,g=timed(NC(2**20),1,loop_gemm,50); print(f"GEMM 1024x8192x7168 alone: {' '.join(f'{x:.1f}' for x in g)} us")
_,c=timed(NC(2**20),1,loop_copy,50); print(f"256 MiB copy alone: {' '.join(f'{x:.1f}' for x in c)} us")
for mib in (8, 32):
    ce=CE(mib*2**20); ce.run(); sync(); err=ce.check()
    nc=NC(mib*2**20)
    for name,obj in (("ce",ce),("nccl",nc)):
        t,_=timed(obj,50); t2,_=timed(obj,50)
        print(f"{mib} MiB {name} alone: {t:.1f} {t2:.1f} us/op" + (f" (max err {err:.3g})" if name=="ce" else ""))
        reps=min(100,max(10,int(8000/t)))
        t,g=timed(obj,reps,loop_gemm,50)
        print(f"{mib} MiB {name} beside GEMM loop: ar {t:.1f} us/op; GEMM {' '.join(f'{x:.1f}' for x in g)} us")
        t,c=timed(obj,reps,loop_copy,50)
        print(f"{mib} MiB {name} beside copy loop: ar {t:.1f} us/op; copy {' '.join(f'{x:.1f}' for x in c)} us")
