/** Building SVG text: elements with escaped attributes and text, coordinates rounded for size. */

export type Attributes = Record<string, string | number | undefined>;

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Numbers to a tenth of a pixel: enough for the eye, and keeps the file small. */
function attributeValue(value: string | number): string {
  return typeof value === "number" ? String(Math.round(value * 10) / 10) : escapeXml(value);
}

/** An element; `children` are already-built markup (use `textNode` for text). Undefined attributes are left out. */
export function element(name: string, attributes: Attributes = {}, ...children: string[]): string {
  const attrs = Object.entries(attributes)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => ` ${key}="${attributeValue(value)}"`)
    .join("");
  return children.length === 0 ? `<${name}${attrs}/>` : `<${name}${attrs}>${children.join("")}</${name}>`;
}

export function textNode(text: string): string {
  return escapeXml(text);
}
