import { buildXmlAnswer, parseXmlAnswer, textOf, xmlObjects } from './xml-answer.js';

/**
 * DescribeImages answers with the seeded images' real creation dates (moto stamps its load time on
 * every image of a MOTO_AMIS_PATH catalogue, see ami-catalogue.ts). Undefined when nothing changes.
 */
export function stampImageCreationDates(answer: string, dates: Readonly<Record<string, string>>): string | undefined {
  const tree = parseXmlAnswer(answer);
  if (!tree) return undefined;
  let changed = false;
  for (const node of xmlObjects(tree)) {
    const imageId = textOf(node, 'imageId');
    const date = imageId === undefined ? undefined : dates[imageId];
    if (date !== undefined && textOf(node, 'creationDate') !== undefined && node.creationDate !== date) {
      node.creationDate = date;
      changed = true;
    }
  }
  return changed ? buildXmlAnswer(tree, answer) : undefined;
}
