/**
 * A typed value with the editing keys that came inside it applied. Ink reads a burst of keys (a fast
 * typist, a paste, a slow terminal link) as one input; ink-text-input only knows Backspace when it comes
 * alone, and otherwise inserts the DEL characters as text. Here each DEL (or BS) deletes the character
 * before it, and other control characters are dropped: what is left is what the operator meant.
 */
export function applyEditingKeys(value: string): string {
  const out: string[] = [];
  for (const char of value) {
    if (char === '\u007F' || char === '\b') out.pop();
    else if (char >= ' ' || char === '\t') out.push(char);
  }
  return out.join('');
}

/**
 * What came in one burst, cut at its Enters (a pasted line with its newline, Enters typed fast): the text
 * before the first Enter, then the text typed after each one. Editing keys are applied to each part.
 */
export function splitEnters(raw: string): string[] {
  return raw.split(/\r\n|\r|\n/).map(applyEditingKeys);
}
