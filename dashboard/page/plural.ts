/** Counted nouns in the page's English text, so a count of one never reads "1 readings". */

/** Formats a count with its noun: `1 reading`, `0 readings`, `5,520 readings`. */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? singular : plural}`;
}
