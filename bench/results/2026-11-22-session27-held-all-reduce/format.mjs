// Prints a `nanoweave run --json` report as the run's text report (the same formatter the CLI uses).
// usage: node format.mjs REPORT   (after step()'s two header lines; needs dist/)
import { readFileSync } from "node:fs";
const { formatBenchmark } = await import(new URL("../../../dist/runtime/formatBenchmark.js", import.meta.url));
const lines = readFileSync(process.argv[2], "utf8").split("\n");
const report = JSON.parse(lines.slice(lines.findIndex((line) => line.startsWith("{"))).join("\n"));
// Reports from before session 28 have no power figures per GPU.
for (const { power } of report.modes) if (power) power.perGpu ??= [];
console.log(formatBenchmark(report));
