import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * Reading and rewriting moto's XML answers (EC2 and RDS query protocols) with a real parser. Values
 * stay strings and attributes are kept, so building the parsed tree gives back the same document
 * (up to the newline after the XML declaration, which is restored).
 */

const OPTIONS = {
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: false,
  ignorePiTags: false,
  processEntities: true,
  htmlEntities: false,
  suppressEmptyNode: true,
} as const;

export type XmlNode = Record<string, unknown>;

/** The parsed answer, or undefined when it is not well-formed XML (callers then pass it through). */
export function parseXmlAnswer(text: string): XmlNode | undefined {
  if (!text.trimStart().startsWith('<') || XMLValidator.validate(text) !== true) return undefined;
  try {
    const tree: unknown = new XMLParser(OPTIONS).parse(text);
    return isNode(tree) ? tree : undefined;
  } catch {
    return undefined;
  }
}

/** The tree back as text, shaped like `original` (declaration line kept on its own line). */
export function buildXmlAnswer(tree: XmlNode, original: string): string {
  const built = String(new XMLBuilder(OPTIONS).build(tree));
  const declaration = /^<\?xml[^>]*\?>/.exec(built)?.[0];
  if (declaration && original.startsWith(`${declaration}\n`) && !built.startsWith(`${declaration}\n`)) {
    return `${declaration}\n${built.slice(declaration.length)}`;
  }
  return built;
}

export function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every element object in the tree, depth first (a repeated element is an array of them). */
export function* xmlObjects(value: unknown): Generator<XmlNode> {
  if (Array.isArray(value)) {
    for (const item of value) yield* xmlObjects(item);
    return;
  }
  if (!isNode(value)) return;
  yield value;
  for (const [key, child] of Object.entries(value)) {
    if (!key.startsWith('@_')) yield* xmlObjects(child);
  }
}

/** A child element's text, when it is a plain text element. */
export function textOf(node: XmlNode, key: string): string | undefined {
  const value = node[key];
  return typeof value === 'string' ? value : undefined;
}

/** The text of every `key` element anywhere in the tree. */
export function allTexts(tree: unknown, key: string): string[] {
  const found: string[] = [];
  for (const node of xmlObjects(tree)) {
    const text = textOf(node, key);
    if (text !== undefined) found.push(text);
  }
  return found;
}
