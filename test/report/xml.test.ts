import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseXml, textContent } from "./xml.js";

describe("parseXml (the tests' well-formedness check)", () => {
  it("reads nested elements, attributes and entities", () => {
    const root = parseXml(`<?xml version="1.0"?>\n<a x="1 &amp; 2"><b>&lt;c&gt; &#181;s</b><d/></a>\n`);
    assert.equal(root.attributes.x, "1 & 2");
    assert.equal(textContent(root), "<c> µs");
  });

  for (const [why, source] of [
    ["an unclosed element", "<a><b></a>"],
    ["a mismatched end tag", "<a></b>"],
    ["a raw ampersand", "<a>fish & chips</a>"],
    ["a raw '<' in an attribute", `<a x="<"/>`],
    ["an undefined entity", "<a>&nbsp;</a>"],
    ["a duplicate attribute", `<a x="1" x="2"/>`],
    ["an unquoted attribute", "<a x=1/>"],
    ["two roots", "<a/><b/>"],
  ]) {
    it(`rejects ${why}`, () => assert.throws(() => parseXml(source!), /not well-formed XML/));
  }
});
