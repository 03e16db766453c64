/**
 * The plan's timeline as a standalone SVG a person can read. The main panel is one steady-state
 * layer period: a row per stream, every nano-op where it runs once the pipeline is full (ops of
 * earlier layers wrap in at the start), beside reference bars for the sequential layer and the
 * lower bound on the same scale. A second panel shows layer 0 from its start, unwrapped, which is
 * how the dependencies read most easily. Every box has a tooltip with the full detail.
 */
import { WHOLE_LAYOUT, type Plan, type StreamName } from "../plan/schema.js";
import { describeLayout, describeModel, describeProfile, nanoBatchSizes, streamsInUse } from "./plan-facts.js";
import { element, textNode, type Attributes } from "./svg.js";
import { foldIntoPeriod, timelineBoxes, type PeriodPiece, type TimelineBox } from "./timeline.js";
import { formatCount, formatGap, formatRows, formatSpeedup, formatUs, formatUsRange } from "./units.js";

export interface GanttOptions {
  /** Also draw layer 0 from its start, unwrapped (default true). */
  firstLayer?: boolean;
}

const LEFT = 150;
const RIGHT = 30;
/** Each panel's time axis spans this many pixels, so boxes get as much width as the page allows. */
const PLOT = 1500;
const WIDTH = LEFT + PLOT + RIGHT;
const ROW_HEIGHT = 58;
const ROW_GAP = 6;
const BAR_HEIGHT = 18;
const FONT = 11;
const LINE = 13;
/** Average advance of the label font (11 px sans-serif) per character: what decides if a label fits. */
const CHAR_WIDTH = 6.6;
const BOLD_CHAR_WIDTH = 7.3;
/** Light enough for dark text, distinct enough side by side; by nano-batch index. */
const PALETTE = ["#8db8e0", "#f5b971", "#9bd08f", "#d4a6d9", "#f09a9a", "#8fd3cf", "#ecd67a", "#c9ab94"];
const INK = "#1f1f1f";
const MUTED = "#5f5f5f";

/** One panel's scale: its time axis spans [0, untilUs] across the plot width. */
interface Frame {
  plan: Plan;
  untilUs: number;
  x(us: number): number;
  /** Shared by every panel so clip-path ids stay unique in the document. */
  clipIds: { next: number };
}

export function renderGanttSvg(plan: Plan, options: GanttOptions = {}): string {
  const boxes = timelineBoxes(plan);
  const streams = streamsInUse(plan);
  const { prediction } = plan;
  const clipIds = { next: 0 };
  const frame = (untilUs: number): Frame => ({ plan, untilUs, x: (us) => LEFT + (us / untilUs) * PLOT, clipIds });

  const body: string[] = [];
  let y = header(body, plan);
  y = steadyStatePanel(body, frame(Math.max(plan.periodUs, prediction.sequential.layerUs, prediction.lowerBound.layerUs)), boxes, streams, y);
  if (options.firstLayer ?? true) y = firstLayerPanel(body, frame(Math.max(...boxes.map((b) => b.endUs))), boxes, streams, y);
  y = legend(body, plan, boxes, y);

  return `${element(
    "svg",
    { xmlns: "http://www.w3.org/2000/svg", width: WIDTH, height: y, viewBox: `0 0 ${WIDTH} ${y}`, "font-family": "DejaVu Sans, Helvetica, Arial, sans-serif", "font-size": FONT },
    element("title", {}, textNode(titleText(plan))),
    definitions(),
    element("rect", { width: "100%", height: "100%", fill: "#ffffff" }),
    ...body,
  )}\n`;
}

function titleText(plan: Plan): string {
  const { prediction } = plan;
  return (
    `${describeModel(plan)} · TP ${plan.tensorParallel} · ${plan.gpu.name}: one layer every ${formatUs(prediction.layerUs)}, ` +
    `${formatSpeedup(prediction.speedupOverSequential)} faster than sequential (${formatUs(prediction.sequential.layerUs)})`
  );
}

/** Hatching for ops that run alone on the whole GPU, and the band they leave on the other streams. */
function definitions(): string {
  const hatch = (id: string, color: string, opacity: number): string =>
    element(
      "pattern",
      { id, width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" },
      element("line", { x1: 0, y1: 0, x2: 0, y2: 6, stroke: color, "stroke-width": 2, "stroke-opacity": opacity }),
    );
  return element("defs", {}, hatch("whole-gpu", "#ffffff", 0.6), hatch("whole-gpu-band", "#9a9a9a", 0.35));
}

function header(out: string[], plan: Plan): number {
  const { batch, solver } = plan;
  const layouts = plan.layouts.filter((l) => l.id !== WHOLE_LAYOUT).map(describeLayout);
  const subtitle = [
    `dense batch ${formatCount(batch.tokens)} tokens in ${plan.nanoBatches.length} nano-batches (${nanoBatchSizes(plan).map(formatCount).join(" + ")})`,
    ...(layouts.length > 0 ? [`SMs ${layouts.join("; ")}`] : []),
    `solver ${solver.backend} ${solver.status}, gap ${formatGap(solver.gap)}`,
    `profile ${describeProfile(plan.profile)}`,
  ].join(" · ");
  out.push(
    element("text", { x: 16, y: 26, "font-size": 17, "font-weight": "bold", fill: INK }, textNode(titleText(plan))),
    element("text", { x: 16, y: 46, "font-size": 12, fill: MUTED }, textNode(subtitle)),
  );
  plan.notes.forEach((note, i) => out.push(element("text", { x: 16, y: 64 + i * 15, "font-size": 12, fill: "#8a5a00" }, textNode(`note: ${note}`))));
  return 64 + plan.notes.length * 15 + 8;
}

function panelHeading(out: string[], text: string, detail: string, y: number): number {
  out.push(
    element("text", { x: 16, y: y + 16, "font-size": 13, "font-weight": "bold", fill: INK }, textNode(text)),
    element("text", { x: 16, y: y + 32, "font-size": 11, fill: MUTED }, textNode(detail)),
  );
  return y + 42;
}

function steadyStatePanel(out: string[], frame: Frame, boxes: TimelineBox[], streams: StreamName[], top: number): number {
  const { plan, x } = frame;
  const period = plan.periodUs;
  const panel: string[] = [];
  const rowsTop = panelHeading(
    panel,
    `Steady state: one layer period, P = ${formatUs(period)}`,
    "Each nano-op where it runs once the pipeline is full: layer l starts l·P after layer 0, so ops that run past P wrap to the start (marked …). Hover a box for its detail.",
    top,
  );
  const rowsBottom = rowsTop + streams.length * (ROW_HEIGHT + ROW_GAP) - ROW_GAP;
  panel.push(element("rect", { class: "period", x: x(0), y: rowsTop - 4, width: x(period) - x(0), height: rowsBottom - rowsTop + 8, fill: "#f4f4f4" }));
  panel.push(gridLines(frame, rowsTop - 4, rowsBottom + 4));
  for (const box of boxes.filter((b) => b.wholeGpu)) {
    for (const piece of foldIntoPeriod(box.startUs, box.endUs, period)) {
      panel.push(element("rect", { class: "whole-gpu-band", x: x(piece.fromUs), y: rowsTop - 4, width: x(piece.toUs) - x(piece.fromUs), height: rowsBottom - rowsTop + 8, fill: "url(#whole-gpu-band)" }));
    }
  }
  panel.push(
    ...streamRows(frame, boxes, streams, rowsTop, (box) => foldIntoPeriod(box.startUs, box.endUs, period), true),
    timeMarker(frame, period, "P", rowsTop, rowsBottom),
  );
  const barsBottom = referenceBars(panel, frame, rowsBottom + 14);
  const bottom = axis(panel, frame, barsBottom + 4);
  out.push(element("g", { class: "steady-state" }, ...panel));
  return bottom + 18;
}

function firstLayerPanel(out: string[], frame: Frame, boxes: TimelineBox[], streams: StreamName[], top: number): number {
  const { plan, untilUs: span } = frame;
  const panel: string[] = [];
  const rowsTop = panelHeading(
    panel,
    `Layer 0 from its start, unwrapped: ${formatUs(span)} from its first op to its last`,
    "The same ops at their planned times; layer l + 1 starts P after layer l (dashed), so the tail of one layer overlaps the head of the next.",
    top,
  );
  const rowsBottom = rowsTop + streams.length * (ROW_HEIGHT + ROW_GAP) - ROW_GAP;
  panel.push(gridLines(frame, rowsTop - 4, rowsBottom + 4));
  for (let k = 1; k * plan.periodUs < span; k++) panel.push(timeMarker(frame, k * plan.periodUs, `layer ${k} starts`, rowsTop, rowsBottom));
  panel.push(...streamRows(frame, boxes, streams, rowsTop, (box) => [{ fromUs: box.startUs, toUs: box.endUs, offsetUs: 0 }], false));
  const bottom = axis(panel, frame, rowsBottom + 8);
  out.push(element("g", { class: "first-layer" }, ...panel));
  return bottom + 18;
}

/** A labelled row per stream holding its boxes, each cut into the pieces `place` gives. */
function streamRows(frame: Frame, boxes: TimelineBox[], streams: StreamName[], rowsTop: number, place: (box: TimelineBox) => PeriodPiece[], steadyState: boolean): string[] {
  return streams.flatMap((stream, i) => {
    const rowTop = rowsTop + i * (ROW_HEIGHT + ROW_GAP);
    const own = boxes.filter((b) => b.stream === stream);
    return [rowLabel(frame.plan, own, stream, rowTop), ...own.map((box) => opBox(frame, box, place(box), rowTop, steadyState))];
  });
}

/** A dashed vertical line across the rows at a time, labelled above them. */
function timeMarker(frame: Frame, us: number, label: string, rowsTop: number, rowsBottom: number): string {
  const at = frame.x(us);
  return element(
    "g",
    { class: "marker" },
    element("line", { x1: at, y1: rowsTop - 8, x2: at, y2: rowsBottom + 8, stroke: INK, "stroke-dasharray": "4 3" }),
    element("text", { x: at + 4, y: rowsTop - 8, fill: INK }, textNode(label)),
  );
}

/** Stream name and the SMs its partition has (and the whole GPU, where some of its ops run alone). */
function rowLabel(plan: Plan, own: TimelineBox[], stream: StreamName, rowTop: number): string {
  const partitionSms = [...new Set(own.filter((b) => !b.wholeGpu).map((b) => b.sms))];
  const lines = [partitionSms.length > 0 ? `${partitionSms.join(" / ")} SMs` : `${plan.gpu.sms} SMs`];
  if (partitionSms.length > 0 && own.some((b) => b.wholeGpu)) lines.push(`(${plan.gpu.sms} when alone)`);
  return element(
    "g",
    { class: "row-label" },
    element("text", { x: LEFT - 10, y: rowTop + 20, "text-anchor": "end", "font-size": 13, "font-weight": "bold", fill: INK }, textNode(stream)),
    ...lines.map((line, i) => element("text", { x: LEFT - 10, y: rowTop + 36 + i * LINE, "text-anchor": "end", fill: MUTED }, textNode(line))),
  );
}

/** One group × nano-batch: its pieces, kernel boundaries, labels that fit, and a tooltip. */
function opBox(frame: Frame, box: TimelineBox, pieces: PeriodPiece[], rowTop: number, steadyState: boolean): string {
  const { plan, x } = frame;
  const fill = PALETTE[box.nanoBatch % PALETTE.length]!;
  const top = rowTop + 2;
  const height = ROW_HEIGHT - 4;
  const parts = pieces.map((piece) => {
    const left = x(piece.fromUs);
    const width = Math.max(1, x(piece.toUs) - left);
    const clip = `clip-${frame.clipIds.next++}`;
    const edges = box.kernels
      .slice(1)
      .map((k) => k.startUs - box.startUs - piece.offsetUs)
      .filter((offset) => offset > 0 && offset < piece.toUs - piece.fromUs)
      .map((offset) => element("line", { class: "kernel-edge", x1: x(piece.fromUs + offset), y1: top + 3, x2: x(piece.fromUs + offset), y2: top + height - 3, stroke: "#ffffff", "stroke-width": 1.5 }));
    const labels = fitLabel(boxLabel(box, piece.offsetUs > 0), width - 6, Math.floor((height - 4) / LINE));
    const rect: Attributes = { class: "part", x: left, y: top, width, height, fill, stroke: "#3c3c3c", "stroke-width": 0.75, rx: 2 };
    return [
      element("rect", rect),
      ...(box.wholeGpu ? [element("rect", { ...rect, class: "whole-gpu", fill: "url(#whole-gpu)", stroke: "none" })] : []),
      ...edges,
      ...(labels.length > 0
        ? [
            element("clipPath", { id: clip }, element("rect", { x: left, y: top, width, height })),
            element(
              "text",
              { "clip-path": `url(#${clip})`, fill: INK },
              ...labels.map((line, i) => element("tspan", { x: left + 4, y: top + 14 + i * LINE, "font-weight": i === 0 ? "bold" : undefined }, textNode(line))),
            ),
          ]
        : []),
    ].join("");
  });
  return element(
    "g",
    { class: "op", "data-op": `${box.group}.${box.nanoBatch}`, "data-stream": box.stream },
    element("title", {}, textNode(boxTooltip(plan, box, pieces, steadyState))),
    ...parts,
  );
}

/**
 * Label lines, most important first, each as variants from longest to shortest; a piece continued
 * from the period's end starts with "…".
 */
function boxLabel(box: TimelineBox, continued: boolean): string[][] {
  const rows = formatRows(box.rows);
  return [
    [`${continued ? "…" : ""}${box.group} #${box.nanoBatch}`],
    [`rows ${rows}`, rows],
    box.wholeGpu ? [`${box.sms} SMs, alone`, `${box.sms} SMs`] : [`${box.sms} SMs`],
  ];
}

/**
 * For each line in order, the longest variant that fits, else the shortest cut with "…"; stops at
 * the first line that cannot show a few characters. The first line is bold, so it is wider.
 */
function fitLabel(lines: string[][], widthPx: number, maxLines: number): string[] {
  const fitted: string[] = [];
  for (const [i, variants] of lines.slice(0, maxLines).entries()) {
    const room = Math.floor(widthPx / (i === 0 ? BOLD_CHAR_WIDTH : CHAR_WIDTH));
    const fits = variants.find((v) => [...v].length <= room);
    if (fits !== undefined) fitted.push(fits);
    else if (room >= 4) fitted.push(`${[...variants.at(-1)!].slice(0, room - 1).join("")}…`);
    else break;
  }
  return fitted;
}

function boxTooltip(plan: Plan, box: TimelineBox, pieces: PeriodPiece[], steadyState: boolean): string {
  const nanoBatch = plan.nanoBatches.find((nb) => nb.index === box.nanoBatch);
  const tokens = box.rows[1] - box.rows[0];
  const mix = nanoBatch
    ? `: ${formatCount(nanoBatch.decodeRows[1] - nanoBatch.decodeRows[0])} decode, ${formatCount(nanoBatch.prefillRows[1] - nanoBatch.prefillRows[0])} prefill`
    : "";
  const where = box.wholeGpu
    ? `alone on the whole GPU, ${box.sms} SMs (SM target ${box.smTarget}); the other streams wait`
    : `${box.sms} SMs of layout ${box.layout} (SM target ${box.smTarget})`;
  const placement = steadyState
    ? `in the period: ${pieces.map((p) => formatUsRange(p.fromUs, p.toUs)).join(" and ")}${pieces.length > 1 ? " (wraps past P)" : ""}`
    : `layer 0: ${formatUsRange(box.startUs, box.endUs)}`;
  const waitsFor = box.kernels[0]!.dependsOn.map((d) => (d.layer === -1 ? `${d.op} of the previous layer` : d.op));
  return [
    `${box.group}, nano-batch ${box.nanoBatch}, ${box.stream} stream`,
    `rows ${formatRows(box.rows)} (${formatCount(tokens)} tokens${mix})`,
    where,
    `${formatUs(box.endUs - box.startUs)}, ${placement}; planned at ${formatUsRange(box.startUs, box.endUs)} from layer 0's start`,
    `kernels: ${box.kernels.map((k) => `${k.kind} ${formatUs(k.endUs - k.startUs)}`).join(", ")}`,
    ...(waitsFor.length > 0 ? [`after ${waitsFor.join(", ")}`] : []),
  ].join("\n");
}

/** Plan period, sequential layer and lower bound as bars on the panel's scale. */
function referenceBars(out: string[], frame: Frame, top: number): number {
  const { plan, x } = frame;
  const { prediction } = plan;
  const bars: [string, number, string, string][] = [
    ["this plan", prediction.layerUs, "#5b8cc2", `one layer every ${formatUs(prediction.layerUs)}`],
    ["sequential", prediction.sequential.layerUs, "#a6a6a6", `${formatUs(prediction.sequential.layerUs)}: one stream, whole GPU, no nano-batches`],
    ["lower bound", prediction.lowerBound.layerUs, "#7dbb7d", `${formatUs(prediction.lowerBound.layerUs)}: the GEMMs on the whole GPU, all else hidden`],
  ];
  bars.forEach(([name, us, color, detail], i) => {
    const y = top + i * (BAR_HEIGHT + 5);
    const label = fitLabel([[detail]], x(us) - x(0) - 8, 1);
    out.push(
      element(
        "g",
        { class: "reference", "data-reference": name },
        element("title", {}, textNode(`${name}: ${detail}`)),
        element("text", { x: LEFT - 10, y: y + 13, "text-anchor": "end", fill: INK }, textNode(name)),
        element("rect", { x: x(0), y, width: x(us) - x(0), height: BAR_HEIGHT, fill: color, rx: 2 }),
        ...label.map((line) => element("text", { x: x(0) + 6, y: y + 13, fill: "#ffffff", "font-weight": "bold" }, textNode(line))),
      ),
    );
  });
  return top + bars.length * (BAR_HEIGHT + 5);
}

/** Faint vertical lines at the axis ticks, behind the boxes. */
function gridLines(frame: Frame, top: number, bottom: number): string {
  return element(
    "g",
    { class: "grid", stroke: "#dcdcdc", "stroke-width": 1 },
    ...ticks(frame.untilUs).map((t) => element("line", { x1: frame.x(t), y1: top, x2: frame.x(t), y2: bottom })),
  );
}

function axis(out: string[], frame: Frame, top: number): number {
  const { x, untilUs } = frame;
  out.push(
    element(
      "g",
      { class: "axis", fill: MUTED },
      element("line", { x1: x(0), y1: top, x2: x(untilUs), y2: top, stroke: MUTED }),
      ...ticks(untilUs).map((t) =>
        element(
          "g",
          {},
          element("line", { x1: x(t), y1: top, x2: x(t), y2: top + 4, stroke: MUTED }),
          element("text", { x: x(t), y: top + 16, "text-anchor": "middle" }, textNode(formatCount(t))),
        ),
      ),
      element("text", { x: x(untilUs) + 6, y: top + 4, "text-anchor": "start" }, textNode("µs")),
    ),
  );
  return top + 20;
}

/** Tick positions at a round step (1, 2 or 5 × 10^k µs) giving about ten ticks. */
function ticks(untilUs: number): number[] {
  const raw = untilUs / 10;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let t = 0; t <= untilUs + 1e-9; t += step) out.push(t);
  return out;
}

function legend(out: string[], plan: Plan, boxes: TimelineBox[], top: number): number {
  const entries: { swatch: string; text: string }[] = plan.nanoBatches.map((nb) => ({
    swatch: element("rect", { width: 14, height: 14, fill: PALETTE[nb.index % PALETTE.length]!, stroke: "#3c3c3c", "stroke-width": 0.75 }),
    text: `nano-batch ${nb.index}: rows ${formatRows(nb.rows)} (${formatCount(nb.decodeRows[1] - nb.decodeRows[0])} decode, ${formatCount(nb.prefillRows[1] - nb.prefillRows[0])} prefill)`,
  }));
  if (boxes.some((b) => b.wholeGpu)) {
    entries.push({
      swatch:
        element("rect", { width: 14, height: 14, fill: "#bbbbbb", stroke: "#3c3c3c", "stroke-width": 0.75 }) +
        element("rect", { width: 14, height: 14, fill: "url(#whole-gpu)" }),
      text: `alone on the whole GPU (${plan.gpu.sms} SMs); the shaded band: other streams wait`,
    });
  }
  entries.push(
    {
      swatch: element("rect", { width: 14, height: 14, fill: "#bbbbbb" }) + element("line", { x1: 7, y1: 1, x2: 7, y2: 13, stroke: "#ffffff", "stroke-width": 1.5 }),
      text: "white line: boundary between a group's kernels",
    },
    { swatch: "", text: "…name: continued from the end of the period" },
  );
  let x = 16;
  let y = top;
  const items = entries.map((entry) => {
    const itemWidth = (entry.swatch ? 20 : 0) + [...entry.text].length * CHAR_WIDTH + 24;
    if (x + itemWidth > WIDTH - RIGHT && x > 16) {
      x = 16;
      y += 22;
    }
    const item = element(
      "g",
      { transform: `translate(${Math.round(x)} ${y})` },
      entry.swatch,
      element("text", { x: entry.swatch ? 20 : 0, y: 11, fill: INK }, textNode(entry.text)),
    );
    x += itemWidth;
    return item;
  });
  out.push(element("g", { class: "legend" }, ...items));
  return y + 30;
}
