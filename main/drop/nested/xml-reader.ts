/**
 * A small, strict XML reader for the simple documents inside packages (.nuspec, @Project.manifest,
 * Project.params, .dtsx, DacMetadata.xml). It builds a tree of elements with attributes and text,
 * decodes the five predefined entities and numeric character references, and refuses any DOCTYPE so
 * no other entity can ever be declared or expanded. Namespaces are kept as written; callers match on local names.
 */

export interface XmlElement {
  /** Qualified name as written, e.g. `SSIS:Property`. */
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
}

export type XmlNode = XmlElement | string;

/** A malformed document; `line` is 1-based. */
export class XmlError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`${message} (line ${line})`);
    this.name = 'XmlError';
  }
}

const MAX_DEPTH = 256;
const NAME = /^[A-Za-z_:][A-Za-z0-9_:.\-\u00b7\u00c0-\uffff]*/;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes bytes by their byte-order mark (UTF-8 without one), as XML parsers do for these files. */
export function decodeXmlBytes(bytes: Buffer): string {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString('utf8');
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  return bytes.toString('utf8');
}

/** Parses a whole document and returns its root element; throws XmlError when it is not well-formed. */
export function parseXml(input: string | Buffer): XmlElement {
  const text = typeof input === 'string' ? (input.charCodeAt(0) === 0xfeff ? input.slice(1) : input) : decodeXmlBytes(input);
  let pos = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;

  const lineAt = (at: number): number => {
    let line = 1;
    for (let i = 0; i < at && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
    return line;
  };
  const fail = (message: string, at = pos): never => {
    throw new XmlError(message, lineAt(at));
  };
  const decode = (raw: string, at: number): string =>
    raw.replace(/&([^;&\s]*);?/g, (match, body: string) => {
      if (!match.endsWith(';')) fail('"&" must start an entity such as &amp;', at);
      if (body in PREDEFINED) return PREDEFINED[body]!;
      const numeric = /^#(x[0-9A-Fa-f]+|[0-9]+)$/.exec(body);
      if (!numeric) return fail(`unknown entity &${body};`, at);
      const code = body[1] === 'x' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) fail(`invalid character reference &${body};`, at);
      return String.fromCodePoint(code);
    });
  const addText = (value: string): void => {
    const parent = stack.at(-1);
    if (!parent) {
      if (value.trim() !== '') fail('text outside the root element');
      return;
    }
    const last = parent.children.at(-1);
    if (typeof last === 'string') parent.children[parent.children.length - 1] = last + value;
    else parent.children.push(value);
  };
  const skipPast = (terminator: string, what: string): void => {
    const end = text.indexOf(terminator, pos);
    if (end === -1) fail(`unterminated ${what}`);
    pos = end + terminator.length;
  };

  while (pos < text.length) {
    const lt = text.indexOf('<', pos);
    if (lt === -1) {
      addText(decode(text.slice(pos), pos));
      break;
    }
    if (lt > pos) addText(decode(text.slice(pos, lt), pos));
    pos = lt;
    if (text.startsWith('<!--', pos)) {
      skipPast('-->', 'comment');
    } else if (text.startsWith('<![CDATA[', pos)) {
      if (stack.length === 0) fail('CDATA outside the root element');
      const end = text.indexOf(']]>', pos);
      if (end === -1) fail('unterminated CDATA section');
      addText(text.slice(pos + 9, end));
      pos = end + 3;
    } else if (text.startsWith('<?', pos)) {
      skipPast('?>', 'processing instruction');
    } else if (text.startsWith('<!', pos)) {
      // No package document needs a DTD; refusing every one means no entity beyond the five predefined exists.
      fail(text.startsWith('<!DOCTYPE', pos) ? 'a DOCTYPE is not accepted (only the five predefined entities are)' : 'markup declarations are not accepted');
    } else if (text.startsWith('</', pos)) {
      const match = NAME.exec(text.slice(pos + 2));
      if (!match) return fail('malformed end tag');
      const name = match[0];
      const open = stack.pop();
      if (!open) return fail(`end tag </${name}> without a start tag`);
      if (open.name !== name) fail(`end tag </${name}> does not match <${open.name}>`);
      pos += 2 + name.length;
      while (/\s/.test(text[pos] ?? '')) pos++;
      if (text[pos] !== '>') fail(`malformed end tag </${name}>`);
      pos++;
    } else {
      const match = NAME.exec(text.slice(pos + 1));
      if (!match) return fail('malformed start tag');
      const element: XmlElement = { name: match[0], attributes: {}, children: [] };
      pos += 1 + match[0].length;
      let selfClosing = false;
      for (;;) {
        const wsStart = pos;
        while (/\s/.test(text[pos] ?? '')) pos++;
        if (pos >= text.length) fail(`unterminated start tag <${element.name}>`);
        if (text.startsWith('/>', pos)) {
          selfClosing = true;
          pos += 2;
          break;
        }
        if (text[pos] === '>') {
          pos++;
          break;
        }
        if (pos === wsStart) fail(`attributes of <${element.name}> must be separated by whitespace`);
        const attr = NAME.exec(text.slice(pos));
        if (!attr) return fail(`malformed attribute in <${element.name}>`);
        pos += attr[0].length;
        while (/\s/.test(text[pos] ?? '')) pos++;
        if (text[pos] !== '=') fail(`attribute ${attr[0]} has no value`);
        pos++;
        while (/\s/.test(text[pos] ?? '')) pos++;
        const quote = text[pos];
        if (quote !== '"' && quote !== "'") return fail(`attribute ${attr[0]} value must be quoted`);
        const end = text.indexOf(quote, pos + 1);
        if (end === -1) fail(`unterminated value of attribute ${attr[0]}`);
        const rawValue = text.slice(pos + 1, end);
        if (rawValue.includes('<')) fail(`"<" inside the value of attribute ${attr[0]}`);
        if (attr[0] in element.attributes) fail(`duplicate attribute ${attr[0]}`);
        // Attribute-value normalisation: literal tabs and newlines become spaces; encoded ones survive.
        element.attributes[attr[0]] = decode(rawValue.replace(/[\t\n\r]/g, ' '), pos);
        pos = end + 1;
      }
      const parent = stack.at(-1);
      if (parent) parent.children.push(element);
      else if (root) fail('more than one root element');
      else root = element;
      if (!selfClosing) {
        stack.push(element);
        if (stack.length > MAX_DEPTH) fail(`elements nested deeper than ${MAX_DEPTH}`);
      }
    }
  }
  if (stack.length > 0) fail(`<${stack.at(-1)!.name}> is not closed`);
  if (!root) return fail('no root element');
  return root;
}

/** The part of a qualified name after the prefix: `SSIS:Property` → `Property`. */
export function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

/** Child elements, optionally only those with the given local name. */
export function childElements(element: XmlElement, local?: string): XmlElement[] {
  return element.children.filter((c): c is XmlElement => typeof c !== 'string' && (local === undefined || localName(c.name) === local));
}

/** The first child element with the given local name. */
export function firstChild(element: XmlElement, local: string): XmlElement | undefined {
  return childElements(element, local)[0];
}

/** Follows a path of local names from an element, taking the first match at each level. */
export function descend(element: XmlElement, ...path: string[]): XmlElement | undefined {
  let current: XmlElement | undefined = element;
  for (const step of path) {
    if (!current) return undefined;
    current = firstChild(current, step);
  }
  return current;
}

/** All text inside an element (its descendants' text concatenated). */
export function textOf(element: XmlElement): string {
  return element.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('');
}

/** An attribute by local name, ignoring its prefix (`SSIS:Name` matches `Name`); xmlns declarations are skipped. */
export function attribute(element: XmlElement, local: string): string | undefined {
  if (local in element.attributes) return element.attributes[local];
  for (const [name, value] of Object.entries(element.attributes)) {
    if (!name.startsWith('xmlns') && localName(name) === local) return value;
  }
  return undefined;
}
