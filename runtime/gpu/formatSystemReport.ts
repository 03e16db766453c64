/** The text form of a SystemReport, as `nanoweave doctor` prints it. */
import type { GpuReport, LibraryReport, SystemReport } from "./systemReport.js";

const GIB = 1024 ** 3;

export function formatSystemReport(report: SystemReport): string {
  const lines: string[] = [];
  const row = (label: string, text: string) => lines.push(`${label.padEnd(13)}${text}`);
  row("addon", report.addon.loaded ? report.addon.path : `not loaded (${report.addon.path})`);
  for (const library of report.libraries) row(library.label, describeLibrary(library, report));
  if (report.libraries.length > 0) row("CUDA headers", report.cudaIncludeDirectory ?? "not found (kernels use NVRTC's built-in headers)");
  for (const gpu of report.gpus) lines.push("", ...describeGpu(gpu));
  const missing = report.libraries.filter((library) => !library.available);
  if (missing.length > 0) {
    lines.push("", "missing:");
    for (const library of missing) {
      if (!library.searched) {
        lines.push(`  ${library.label}: ${library.error ?? "unavailable"}`);
        continue;
      }
      lines.push(`  ${library.label}, needed for ${library.neededFor}; searched:`);
      for (const place of library.searched) lines.push(`    ${place}`);
    }
  }
  if (report.warnings.length > 0) lines.push("", "warnings:", ...report.warnings.map((warning) => `  ${warning}`));
  lines.push("", report.problems.length === 0 ? "ok: the runtime can use this machine" : "problems:");
  lines.push(...report.problems.map((problem) => `  ${problem}`));
  return `${lines.join("\n")}\n`;
}

function describeLibrary(library: LibraryReport, report: SystemReport): string {
  if (!library.available) return "MISSING";
  if (library.name === "cuda") {
    const driver = report.driverVersion ? `driver ${report.driverVersion}, ` : "";
    return `${driver}supports CUDA ${library.version}  (${library.path})`;
  }
  const architectures = library.architectures?.length ? `, compiles sm_${library.architectures[0]}..sm_${library.architectures.at(-1)}` : "";
  return `${library.version}${architectures}  (${library.path})`;
}

function describeGpu(gpu: GpuReport): string[] {
  const { major, minor } = gpu.computeCapability;
  const lines = [
    `GPU ${gpu.ordinal}        ${gpu.name}`,
    `  SMs ${gpu.smCount}, memory ${(gpu.totalMemoryBytes / GIB).toFixed(1)} GiB, compute capability ${major}.${minor}, PCI ${gpu.pciBusId}${gpu.powerLimitWatts === undefined ? "" : `, power limit ${gpu.powerLimitWatts.toFixed(0)} W`}`,
  ];
  const green = gpu.greenContexts;
  if (!green.supported) {
    lines.push(`  green contexts: no (${green.reason})`);
  } else {
    const size = green.minPartitionSms ? `at least ${green.minPartitionSms} SMs` : "minimum size not reported by the driver";
    const alignment = green.alignment ? `, in multiples of ${green.alignment}` : "";
    // The split a plan's partitions are made of: its groups, and the SMs left over for the memory partition.
    const groups = green.groupCount ? `; ${green.groupCount} groups of ${green.groupSms} SMs and ${green.leftoverSms} left over` : "";
    lines.push(`  green contexts: yes; partitions of ${size}${alignment}; the remainder may be any size${groups}`);
  }
  return lines;
}
