/**
 * Masks secret values (a hook's secrets, a submitted password) in what a run hands back as text: its
 * console output and its error message. Masking is by value, wherever the value appears: on its own,
 * inside a longer string, inside JSON (escaped as JSON.stringify escapes it, also twice, for JSON
 * inside a JSON string) or URL-encoded. Values shorter than MIN_MASKED_SECRET_LENGTH are left alone:
 * masking "a" or "12" would blank ordinary words and numbers of every log.
 */

export const MIN_MASKED_SECRET_LENGTH = 4;
export const SECRET_MASK = "[secret]";

/** The spellings a value takes in logged text: itself, JSON-escaped (once and twice), URL- and form-encoded. */
function spellingsOf(value: string): string[] {
  const jsonEscaped = JSON.stringify(value).slice(1, -1);
  const uriEncoded = encodeURIComponent(value);
  return [value, jsonEscaped, JSON.stringify(jsonEscaped).slice(1, -1), uriEncoded, uriEncoded.replaceAll("%20", "+")];
}

export class SecretMask {
  /** Every spelling of every value, longest first, so that a value containing another is masked whole. */
  private readonly spellings: string[];

  constructor(values: readonly string[] = []) {
    const spellings = new Set<string>();
    for (const value of values) {
      if (typeof value !== "string" || value.length < MIN_MASKED_SECRET_LENGTH) continue;
      for (const spelling of spellingsOf(value)) spellings.add(spelling);
    }
    this.spellings = [...spellings].sort((a, b) => b.length - a.length);
  }

  get empty(): boolean {
    return this.spellings.length === 0;
  }

  /**
   * The text with every spelling of every value replaced by SECRET_MASK. `cut`: the text was cut
   * short, so it may end with the start of a value; that start is masked too.
   */
  apply(text: string, options: { cut?: boolean } = {}): string {
    if (this.empty) return text;
    let masked = text;
    for (const spelling of this.spellings) {
      if (masked.includes(spelling)) masked = masked.split(spelling).join(SECRET_MASK);
    }
    if (!options.cut) return masked;
    const partial = this.longestPartialAtEnd(masked);
    return partial === 0 ? masked : masked.slice(0, masked.length - partial) + SECRET_MASK;
  }

  /** The length of the longest proper start of a spelling that ends the text (0 when none does). */
  private longestPartialAtEnd(text: string): number {
    let longest = 0;
    for (const spelling of this.spellings) {
      for (let length = Math.min(spelling.length - 1, text.length); length > longest; length--) {
        if (text.endsWith(spelling.slice(0, length))) {
          longest = length;
          break;
        }
      }
    }
    return longest;
  }
}
