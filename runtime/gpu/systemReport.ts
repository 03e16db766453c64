/**
 * What `nanoweave doctor` reports: the addon, the driver, cuBLAS, NCCL, NVRTC, NVML and CUPTI (version and
 * path, or every place searched), each GPU with its green-context granularity, and the problems
 * that stop the runtime from working here.
 */
import { readFileSync, realpathSync } from "node:fs";
import type { LibraryName, NanoweaveAddon, NativeDeviceInfo, NativeGreenContextSupport } from "../binding/AddonTypes.js";
import { addonPath, loadAddon } from "../binding/loadAddon.js";
import { findCudaIncludeDirectory } from "./cudaIncludeDirectory.js";
import { isNativeError } from "./nativeErrors.js";

export interface LibraryReport {
  name: LibraryName;
  /** As users know it: "CUDA driver", "cuBLAS", "NCCL", "NVRTC", "NVML", "CUPTI". */
  label: string;
  available: boolean;
  path?: string;
  version?: string;
  /** NVRTC: compute capabilities it compiles for (90 = sm_90). */
  architectures?: number[];
  /** When unavailable: why, what it is needed for and every place searched. */
  error?: string;
  neededFor?: string;
  searched?: string[];
}

export interface GpuReport extends NativeDeviceInfo {
  greenContexts: NativeGreenContextSupport;
  /** The enforced power limit, where NVML can read it. */
  powerLimitWatts?: number;
}

export interface SystemReport {
  addon: { path: string; loaded: boolean; error?: string };
  /** The driver's version ("580.159.04"), when it can be read. */
  driverVersion?: string;
  libraries: LibraryReport[];
  /** Where kernels find cuda_bf16.h and friends (else NVRTC's built-in headers). */
  cudaIncludeDirectory?: string;
  gpus: GpuReport[];
  /** Directories searched for the libraries, in order, before the system loader's own search. */
  librarySearchDirectories: string[];
  /** What stops the runtime from working; empty when all is well. */
  problems: string[];
  /** Worth knowing but not blocking. */
  warnings: string[];
}

const LIBRARIES: ReadonlyArray<{ name: LibraryName; label: string }> = [
  { name: "cuda", label: "CUDA driver" },
  { name: "cublas", label: "cuBLAS" },
  { name: "nccl", label: "NCCL" },
  { name: "nvrtc", label: "NVRTC" },
  { name: "nvml", label: "NVML" },
  { name: "cupti", label: "CUPTI" },
];

export function collectSystemReport(): SystemReport {
  const report: SystemReport = {
    addon: { path: addonPath(), loaded: false },
    libraries: [],
    gpus: [],
    librarySearchDirectories: [],
    problems: [],
    warnings: [],
  };
  let addon: NanoweaveAddon;
  try {
    addon = loadAddon();
    report.addon.loaded = true;
  } catch (error) {
    report.addon.error = (error as Error).message;
    report.problems.push(report.addon.error);
    return report;
  }
  report.librarySearchDirectories = addon.librarySearchDirectories();
  report.libraries = LIBRARIES.map(({ name, label }) => probeLibrary(addon, name, label));
  const driverVersion = readDriverVersion(report.libraries[0]?.path);
  if (driverVersion) report.driverVersion = driverVersion;
  const nvrtc = report.libraries.find((library) => library.name === "nvrtc");
  const include = findCudaIncludeDirectory(nvrtc?.path);
  if (include) report.cudaIncludeDirectory = include;
  if (report.libraries[0]?.available) collectGpus(addon, report);
  judge(report);
  return report;
}

function probeLibrary(addon: NanoweaveAddon, name: LibraryName, label: string): LibraryReport {
  try {
    return { name, label, available: true, ...addon.libraryInfo(name) };
  } catch (error) {
    const entry: LibraryReport = { name, label, available: false, error: (error as Error).message };
    if (isNativeError(error)) {
      if (error.neededFor) entry.neededFor = error.neededFor;
      if (error.searched) entry.searched = error.searched;
    }
    return entry;
  }
}

function collectGpus(addon: NanoweaveAddon, report: SystemReport): void {
  try {
    for (const device of addon.listDevices()) {
      let greenContexts: NativeGreenContextSupport;
      try {
        greenContexts = addon.greenContextSupport(device.ordinal);
      } catch (error) {
        greenContexts = { supported: false, reason: (error as Error).message };
      }
      const gpu: GpuReport = { ...device, greenContexts };
      try {
        gpu.powerLimitWatts = addon.readGpuPower(device.pciBusId).powerLimitMilliwatts / 1000;
      } catch {
        // NVML missing or refusing: its own row and warning say so.
      }
      report.gpus.push(gpu);
    }
  } catch (error) {
    report.problems.push(`The CUDA driver loaded but could not list GPUs: ${(error as Error).message}`);
  }
}

function judge(report: SystemReport): void {
  const byName = new Map(report.libraries.map((library) => [library.name, library]));
  for (const name of ["cuda", "cublas", "nvrtc"] as const) {
    const library = byName.get(name);
    if (library && !library.available) report.problems.push(unavailable(library));
  }
  const nccl = byName.get("nccl");
  if (nccl && !nccl.available) {
    // One GPU runs without NCCL; several need it for tensor parallelism.
    (report.gpus.length > 1 ? report.problems : report.warnings).push(unavailable(nccl));
  }
  // Only power and energy figures need NVML.
  const nvml = byName.get("nvml");
  if (nvml && !nvml.available) report.warnings.push(unavailable(nvml));
  // Only the co-run trace of nanoweave run needs CUPTI.
  const cupti = byName.get("cupti");
  if (cupti && !cupti.available) report.warnings.push(unavailable(cupti));
  if (byName.get("cuda")?.available && report.gpus.length === 0 && !report.problems.some((p) => p.includes("list GPUs"))) {
    report.problems.push("The CUDA driver loaded but reports no GPU");
  }
  for (const gpu of report.gpus) {
    if (!gpu.greenContexts.supported) {
      report.warnings.push(`GPU ${gpu.ordinal}: no green contexts (${gpu.greenContexts.reason}); SM partitions fall back to plain streams without confinement`);
    }
  }
}

function unavailable(library: LibraryReport): string {
  const why = library.searched ? "not found" : library.error?.split("\n")[0];
  return `${library.label} ${why}${library.neededFor ? ` (needed for ${library.neededFor})` : ""}`;
}

/** From /proc/driver/nvidia/version, else from the file libcuda.so.1 links to (libcuda.so.580.159.04). */
function readDriverVersion(libcudaPath: string | undefined): string | undefined {
  try {
    const fromKernel = /Kernel Module\s+([0-9][0-9.]*)/.exec(readFileSync("/proc/driver/nvidia/version", "utf8"))?.[1];
    if (fromKernel) return fromKernel;
  } catch {
    // Not readable in some containers and VMs: try the library's file name.
  }
  if (!libcudaPath) return undefined;
  try {
    return /libcuda\.so\.(\d+\.\d+(?:\.\d+)?)$/.exec(realpathSync(libcudaPath))?.[1];
  } catch {
    return undefined;
  }
}
