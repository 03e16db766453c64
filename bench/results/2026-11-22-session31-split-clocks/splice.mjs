// Writes `base` profile with `source`'s sustained-load section, less session 30's per-shape
// factors (interference.gemmShapesWithAttention, not in main's schema): session 30's cool tables
// with this session's sustained-load factors.
// usage: node splice.mjs base.json source.json out.json
import { readFileSync, writeFileSync } from "node:fs";

const [basePath, sourcePath, outPath] = process.argv.slice(2);
const base = JSON.parse(readFileSync(basePath, "utf8"));
const { gemmShapesWithAttention: _, ...interference } = base.interference;
const sustainedLoad = JSON.parse(readFileSync(sourcePath, "utf8")).sustainedLoad;
writeFileSync(outPath, JSON.stringify({ ...base, interference, sustainedLoad }, null, 2) + "\n");
