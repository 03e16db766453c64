# Peer copy bandwidth by copy engines (cudaMemcpyAsync through ctypes on our own streams):
# push vs pull, sizes; pulls from three peers at once; then a copy-engine all-reduce of 8/32 MiB.
import torch, ctypes, glob, os
N=torch.cuda.device_count()
libs=glob.glob(os.path.join(os.path.dirname(torch.__file__),"lib","libcudart*.so*"))+glob.glob("/usr/local/cuda/lib64/libcudart.so*")
rt=ctypes.CDLL(libs[0])
def memcpy(dst,src,n,st):
    r=rt.cudaMemcpyAsync(ctypes.c_void_p(dst.data_ptr()),ctypes.c_void_p(src.data_ptr()),ctypes.c_size_t(n),4,ctypes.c_void_p(st.cuda_stream))
    assert r==0, r
for a in range(N):
    for b in range(N):
        if a!=b:
            with torch.cuda.device(a):
                torch.zeros(1,device=a).copy_(torch.zeros(1,device=b))  # makes torch enable peer access
def timed(issue_dev, fn, reps=20):
    with torch.cuda.device(issue_dev):
        fn(); torch.cuda.synchronize()
        main=torch.cuda.current_stream()
        e0=torch.cuda.Event(enable_timing=True); e1=torch.cuda.Event(enable_timing=True)
        torch.cuda._sleep(int(1e8)); e0.record(main)
        for _ in range(reps): fn(main)
        e1.record(main)
    for d in range(N): torch.cuda.synchronize(d)
    return e0.elapsed_time(e1)*1e3/reps
def copy_fn(pairs, issue_streams):
    def f(main=None):
        for st in issue_streams:
            if main is not None: st.wait_stream(main)
        for (d,s),st in zip(pairs,issue_streams): memcpy(d,s,d.numel(),st)
        if main is not None:
            for st in issue_streams: main.wait_stream(st)
    return f
for mib in (2, 8, 32, 128):
    n=mib*2**20
    b0=torch.empty(n,dtype=torch.uint8,device=0); b1=torch.empty(n,dtype=torch.uint8,device=1); c0=torch.empty_like(b0)
    s0=torch.cuda.Stream(0)
    u=timed(0,copy_fn([(b1,b0)],[s0])); print(f"push 0->1 on GPU0's stream, {mib} MiB: {u:.1f} us, {n/u/1e3:.0f} GB/s")
    u=timed(0,copy_fn([(b0,b1)],[s0])); print(f"pull 1->0 on GPU0's stream, {mib} MiB: {u:.1f} us, {n/u/1e3:.0f} GB/s")
    u=timed(0,copy_fn([(c0,b0)],[s0])); print(f"local on GPU0, {mib} MiB: {u:.1f} us, {n/u/1e3:.0f} GB/s")
    src=[torch.empty(n,dtype=torch.uint8,device=p) for p in (1,2,3)]; dst=[torch.empty(n,dtype=torch.uint8,device=0) for _ in range(3)]
    sts=[torch.cuda.Stream(0) for _ in range(3)]
    u=timed(0,copy_fn(list(zip(dst,src)),sts)); print(f"pull from 3 peers at once into GPU0, {mib} MiB each: {u:.1f} us, {3*n/u/1e3:.0f} GB/s in")
    u=timed(0,copy_fn(list(zip(src,dst)),sts)); print(f"push to 3 peers at once from GPU0, {mib} MiB each: {u:.1f} us, {3*n/u/1e3:.0f} GB/s out")
