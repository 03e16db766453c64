/**
 * The addon declares the CUDA, cuBLAS, cuBLASLt, NCCL, NVRTC, NVML and CUPTI entry points it uses by hand. This compiles
 * native/checks/declarations_match_headers.cc against each library's real header, wherever the
 * header exists, so a wrong symbol, signature, enum value or struct layout fails here.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { REPOSITORY_ROOT } from "../support/repository.js";

interface Library {
  name: string;
  header: string;
  define: string;
  /** Extra directories beyond the CUDA toolkit's. */
  extraRoots: string[];
}

const CUDA_ROOTS = [process.env.CUDA_HOME, process.env.CUDA_PATH, "/usr/local/cuda"].filter((root): root is string => Boolean(root));

const LIBRARIES: Library[] = [
  { name: "CUDA driver", header: "cuda.h", define: "CHECK_CUDA_DRIVER", extraRoots: [] },
  { name: "cuBLAS", header: "cublas_v2.h", define: "CHECK_CUBLAS", extraRoots: [] },
  { name: "cuBLASLt", header: "cublasLt.h", define: "CHECK_CUBLASLT", extraRoots: [] },
  { name: "NVRTC", header: "nvrtc.h", define: "CHECK_NVRTC", extraRoots: [] },
  { name: "NVML", header: "nvml.h", define: "CHECK_NVML", extraRoots: ["/usr"] },
  { name: "CUPTI", header: "cupti.h", define: "CHECK_CUPTI", extraRoots: [] },
  { name: "NCCL", header: "nccl.h", define: "CHECK_NCCL", extraRoots: [process.env.NCCL_HOME ?? "", "/usr", ...pythonNcclRoots()].filter(Boolean) },
];

/** pip's nvidia-nccl wheel ships nccl.h too (as on the GPU machines). */
function pythonNcclRoots(): string[] {
  const probe = spawnSync("python3", ["-c", "import nvidia.nccl, os; print(os.path.dirname(nvidia.nccl.__file__))"], { encoding: "utf8", timeout: 10_000 });
  return probe.status === 0 ? [probe.stdout.trim()] : [];
}

function includeDirectories(library: Library): string[] {
  return [...CUDA_ROOTS, ...library.extraRoots].map((root) => join(root, "include"));
}

const compiler = spawnSync("g++", ["--version"], { encoding: "utf8" });
const checkFile = join(REPOSITORY_ROOT, "native/checks/declarations_match_headers.cc");

for (const library of LIBRARIES) {
  const candidates = includeDirectories(library);
  const directory = candidates.find((candidate) => existsSync(join(candidate, library.header)));
  const skip = compiler.status !== 0 ? "g++ is not installed" : directory === undefined ? `${library.header} is not in ${candidates.join(", ")}` : false;
  if (skip) console.log(`# ${library.name} declarations not checked: ${skip}`);
  test(`the ${library.name} declarations match ${library.header}`, { skip }, () => {
    // The CUDA headers sit beside every library's header (cublas_v2.h includes cuda_runtime.h).
    const includes = [directory!, ...CUDA_ROOTS.map((root) => join(root, "include"))].flatMap((path) => ["-I", path]);
    const result = spawnSync("g++", ["-std=c++20", "-fsyntax-only", "-I", join(REPOSITORY_ROOT, "native/src"), ...includes, `-D${library.define}`, checkFile], { encoding: "utf8" });
    assert.equal(result.status, 0, `declarations differ from ${join(directory!, library.header)}:\n${result.stderr}`);
  });
}
