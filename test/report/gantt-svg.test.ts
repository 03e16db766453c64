import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Plan } from "../../planner/plan/schema.js";
import { renderGanttSvg } from "../../planner/report/gantt-svg.js";
import { planFixture } from "./plan-fixture.js";
import { byClass, findAll, parseXml, textContent, type XmlElement } from "./xml.js";

const number = (element: XmlElement, name: string): number => Number(element.attributes[name]);
const child = (element: XmlElement, name: string): XmlElement | undefined => findAll(element, (e) => e.name === name && e !== element)[0];
/** Coordinates are rounded to a tenth of a pixel. */
const PIXEL = 0.11;

function panel(svg: XmlElement, className: "steady-state" | "first-layer"): XmlElement {
  const [found] = byClass(svg, className);
  assert.ok(found, `no ${className} panel`);
  return found;
}

/** [start, end) of each group × nano-batch, from the plan's own kernels. */
function opSpans(plan: Plan): Map<string, { start: number; end: number; rows: [number, number]; sms: number }> {
  const spans = new Map<string, { start: number; end: number; rows: [number, number]; sms: number }>();
  for (const op of plan.operations) {
    const key = `${op.group}.${op.nanoBatch}`;
    const span = spans.get(key);
    if (span) {
      span.start = Math.min(span.start, op.startUs);
      span.end = Math.max(span.end, op.endUs);
    } else {
      spans.set(key, { start: op.startUs, end: op.endUs, rows: op.rows, sms: op.sms });
    }
  }
  return spans;
}

describe("renderGanttSvg", () => {
  const plan = planFixture();
  const source = renderGanttSvg(plan);
  const svg = parseXml(source);
  const steady = panel(svg, "steady-state");

  it("is a well-formed standalone SVG with a title", () => {
    assert.equal(svg.name, "svg");
    assert.equal(svg.attributes.xmlns, "http://www.w3.org/2000/svg");
    assert.ok(Number(svg.attributes.width) > 0 && Number(svg.attributes.height) > 0);
    assert.match(textContent(child(svg, "title")!), /Llama-2-70B · TP 8 · H100 SXM: one layer every 949\.6 µs, 1\.35× faster/);
  });

  it("has one row per stream the plan uses, in each panel", () => {
    for (const name of ["steady-state", "first-layer"] as const) {
      const labels = byClass(panel(svg, name), "row-label").map((row) => textContent(child(row, "text")!));
      assert.deepEqual(labels, ["compute", "memory", "network"]);
    }
    const computeOnly = { ...plan, operations: plan.operations.filter((op) => op.stream !== "network") };
    const rows = byClass(panel(parseXml(renderGanttSvg(computeOnly)), "steady-state"), "row-label");
    assert.deepEqual(rows.map((row) => textContent(child(row, "text")!)), ["compute", "memory"]);
  });

  it("draws one box per group × nano-batch whose tooltip gives its token range and SMs", () => {
    const spans = opSpans(plan);
    const boxes = byClass(steady, "op");
    assert.deepEqual(boxes.map((b) => b.attributes["data-op"]).sort(), [...spans.keys()].sort());
    for (const box of boxes) {
      const span = spans.get(box.attributes["data-op"]!)!;
      const tooltip = textContent(child(box, "title")!);
      assert.ok(tooltip.includes(`rows ${span.rows[0]}–${span.rows[1]}`), tooltip);
      assert.ok(tooltip.includes(`${span.sms} SMs`), tooltip);
    }
  });

  it("labels a box that has room with its op, nano-batch, token range and SMs", () => {
    const box = byClass(steady, "op").find((b) => b.attributes["data-op"] === "ffn_in.2")!;
    const lines = findAll(box, (e) => e.name === "tspan").map(textContent);
    assert.deepEqual(lines, ["ffn_in #2", "rows 1024–1536", "108 SMs"]);
  });

  it("elides labels that do not fit, and never lets one overflow its box", () => {
    const lines = findAll(steady, (e) => e.name === "tspan").map(textContent);
    assert.ok(lines.some((line) => line.endsWith("…")), "the fixture has boxes too narrow for their labels");
    for (const text of byClass(steady, "op").flatMap((box) => findAll(box, (e) => e.name === "text"))) {
      assert.match(text.attributes["clip-path"] ?? "", /^url\(#clip-\d+\)$/);
    }
  });

  it("keeps every box of the steady state inside the period", () => {
    const [period] = byClass(steady, "period");
    const left = number(period!, "x");
    const right = left + number(period!, "width");
    const parts = byClass(steady, "part");
    assert.ok(parts.length > 0);
    for (const part of parts) {
      assert.ok(number(part, "x") >= left - PIXEL, `box at ${number(part, "x")} starts before the period at ${left}`);
      assert.ok(number(part, "x") + number(part, "width") <= right + PIXEL, "box ends past the period");
    }
  });

  it("draws an op that runs past the period's end in two parts, the rest at the start", () => {
    const [period] = byClass(steady, "period");
    const left = number(period!, "x");
    let wrapped = 0;
    for (const [key, span] of opSpans(plan)) {
      const start = span.start % plan.periodUs;
      const wraps = start + (span.end - span.start) > plan.periodUs + 1e-6;
      const box = byClass(steady, "op").find((b) => b.attributes["data-op"] === key)!;
      const parts = byClass(box, "part");
      assert.equal(parts.length, wraps ? 2 : 1, key);
      if (wraps) {
        wrapped++;
        assert.ok(Math.abs(number(parts[1]!, "x") - left) <= PIXEL, `${key}: the wrapped part starts at the period's start`);
        assert.match(textContent(child(box, "title")!), /in the period: [\d.,]+–[\d.,]+ µs and 0\.0–[\d.,]+ µs \(wraps past P\)/);
      }
    }
    assert.ok(wrapped >= 2, "the fixture wraps ops around the period's end");
  });

  it("divides a group's box at its kernel boundaries", () => {
    const box = byClass(panel(svg, "first-layer"), "op").find((b) => b.attributes["data-op"] === "ffn_in.0")!;
    assert.equal(byClass(box, "kernel-edge").length, 2);
  });

  it("shows the sequential layer and the lower bound on the period's scale", () => {
    const width = (name: string): number => number(child(byClass(steady, "reference").find((r) => r.attributes["data-reference"] === name)!, "rect")!, "width");
    const [period] = byClass(steady, "period");
    assert.ok(Math.abs(width("this plan") - number(period!, "width")) <= PIXEL);
    const ratio = width("sequential") / width("this plan");
    assert.ok(Math.abs(ratio - plan.prediction.sequential.layerUs / plan.periodUs) < 0.001, String(ratio));
    assert.ok(width("lower bound") < width("this plan"));
  });

  it("leaves out the first layer's panel when asked", () => {
    assert.equal(byClass(parseXml(renderGanttSvg(plan, { firstLayer: false })), "first-layer").length, 0);
  });

  it("escapes special characters in names, which read back unchanged", () => {
    const odd = planFixture();
    odd.model.name = `Llama <"70B"> & 'friends'`;
    for (const op of odd.operations) if (op.group === "ffn_in") op.group = "ffn<&>";
    const escaped = parseXml(renderGanttSvg(odd));
    assert.ok(textContent(child(escaped, "title")!).startsWith(`Llama <"70B"> & 'friends' · TP 8`));
    const box = byClass(escaped, "op").find((b) => b.attributes["data-op"] === "ffn<&>.2")!;
    assert.ok(textContent(child(box, "title")!).startsWith("ffn<&>, nano-batch 2"));
  });
});
