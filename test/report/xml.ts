/**
 * A small XML reader for tests: enough to prove a generated SVG is well-formed (one root, balanced
 * and properly nested tags, quoted attributes, no duplicate attributes, only defined entities, no
 * raw '<' or '&' in text) and to query its elements. Throws on the first fault with its offset.
 */

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: (XmlElement | string)[];
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const NAME_START = /[A-Za-z_:]/;
const NAME_CHAR = /[A-Za-z0-9_:.-]/;

export function parseXml(source: string): XmlElement {
  let at = 0;
  // Annotated so that TypeScript narrows after a call, as it does for a throw.
  const fail: (why: string) => never = (why) => {
    throw new Error(`not well-formed XML at offset ${at}: ${why} (near ${JSON.stringify(source.slice(at, at + 40))})`);
  };
  const skipSpace = (): void => {
    while (at < source.length && " \t\r\n".includes(source[at]!)) at++;
  };
  const skipMisc = (): void => {
    for (;;) {
      skipSpace();
      if (source.startsWith("<?", at)) at = endOf("?>");
      else if (source.startsWith("<!--", at)) at = endOf("-->");
      else return;
    }
  };
  const endOf = (terminator: string): number => {
    const end = source.indexOf(terminator, at);
    if (end < 0) fail(`missing ${terminator}`);
    return end + terminator.length;
  };
  const readName = (): string => {
    const start = at;
    if (!NAME_START.test(source[at] ?? "")) fail("expected a name");
    while (at < source.length && NAME_CHAR.test(source[at]!)) at++;
    return source.slice(start, at);
  };
  const decode = (raw: string): string => {
    let out = "";
    for (let i = 0; i < raw.length; i++) {
      const c = raw[i]!;
      if (c === "<") fail("raw '<' in text or attribute");
      if (c !== "&") {
        out += c;
        continue;
      }
      const end = raw.indexOf(";", i);
      if (end < 0) fail("'&' that starts no entity");
      const entity = raw.slice(i + 1, end);
      if (/^#x[0-9a-fA-F]+$/.test(entity)) out += String.fromCodePoint(parseInt(entity.slice(2), 16));
      else if (/^#[0-9]+$/.test(entity)) out += String.fromCodePoint(parseInt(entity.slice(1), 10));
      else if (entity in ENTITIES) out += ENTITIES[entity];
      else fail(`undefined entity &${entity};`);
      i = end;
    }
    return out;
  };
  const readElement = (): XmlElement => {
    if (source[at] !== "<") fail("expected '<'");
    at++;
    const element: XmlElement = { name: readName(), attributes: {}, children: [] };
    for (;;) {
      skipSpace();
      if (source.startsWith("/>", at)) {
        at += 2;
        return element;
      }
      if (source[at] === ">") {
        at++;
        break;
      }
      const key = readName();
      if (key in element.attributes) fail(`duplicate attribute ${key}`);
      skipSpace();
      if (source[at] !== "=") fail("expected '=' after an attribute name");
      at++;
      skipSpace();
      const quote = source[at];
      if (quote !== '"' && quote !== "'") fail("attribute value without quotes");
      const end = source.indexOf(quote, at + 1);
      if (end < 0) fail("unterminated attribute value");
      element.attributes[key] = decode(source.slice(at + 1, end));
      at = end + 1;
    }
    for (;;) {
      const next = source.indexOf("<", at);
      if (next < 0) fail(`unclosed <${element.name}>`);
      if (next > at) element.children.push(decode(source.slice(at, next)));
      at = next;
      if (source.startsWith("</", at)) {
        at += 2;
        const name = readName();
        if (name !== element.name) fail(`</${name}> closes <${element.name}>`);
        skipSpace();
        if (source[at] !== ">") fail("expected '>'");
        at++;
        return element;
      }
      if (source.startsWith("<!--", at)) at = endOf("-->");
      else element.children.push(readElement());
    }
  };

  skipMisc();
  const root = readElement();
  skipMisc();
  if (at < source.length) fail("content after the root element");
  return root;
}

/** Every element below `root` (root included), depth first, that `test` accepts. */
export function findAll(root: XmlElement, test: (element: XmlElement) => boolean): XmlElement[] {
  const found: XmlElement[] = [];
  const visit = (element: XmlElement): void => {
    if (test(element)) found.push(element);
    for (const child of element.children) if (typeof child !== "string") visit(child);
  };
  visit(root);
  return found;
}

/** Elements whose class list holds `className`. */
export function byClass(root: XmlElement, className: string): XmlElement[] {
  return findAll(root, (e) => (e.attributes.class ?? "").split(" ").includes(className));
}

export function textContent(element: XmlElement): string {
  return element.children.map((c) => (typeof c === "string" ? c : textContent(c))).join("");
}
