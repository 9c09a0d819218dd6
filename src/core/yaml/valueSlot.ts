// Where the value of a key whose value is empty is written on the key's line: the one rule for the
// cursor of Next Missing Field and for a value an adjudication writes into an empty field.

const PLACEHOLDER = /^(?:null|Null|NULL|~|""|'')(?=\s|$)/;

/**
 * Where an empty value is typed on its key's line (`colon`: the offset of the colon after the key), as
 * offsets in the text; `space` is where a missing blank goes and whether the cursor goes after it. A
 * value written on the lines below (a nested empty collection) is not looked for here.
 */
export function valueSlot(
  text: string,
  colon: number,
  lineEnd: number,
): { from: number; to: number; space?: { at: number; cursorAfter: boolean } } {
  const rest = text.slice(colon + 1, lineEnd);
  const blanks = /^[ \t]*/.exec(rest)![0].length;
  const value = rest.slice(blanks);
  const at = colon + 1 + blanks;
  const placeholder = PLACEHOLDER.exec(value);
  if (placeholder && blanks > 0) return { from: at, to: at + placeholder[0].length };
  if (/^\[\s*\]/.test(value)) return { from: at + 1, to: at + 1 };
  // `key:`: the value goes after a blank that is not there yet.
  if (blanks === 0) return { from: at, to: at, space: { at, cursorAfter: true } };
  // `key: # note`: typed before the comment, which keeps a blank before its `#`.
  if (blanks === 1 && value.startsWith('#')) return { from: at, to: at, space: { at, cursorAfter: false } };
  return { from: colon + 2, to: colon + 2 };
}
