/**
 * The US presidents the Concept Incongruence benchmark asks about (20th–46th, Bai et al. 2025), with the term
 * years its released death list is built from, and name matching for reading answers.
 */
export interface UsPresident {
  ordinal: number;
  name: string;
  /** First and last year in office, as in the authors' `extract_evaluation.py` table. */
  start: number;
  end: number;
}

/** 46th down to 20th: the order the paper asks them (`Who is the {46-i}th US president?`, i = 0..26). */
export const US_PRESIDENTS: readonly UsPresident[] = [
  { ordinal: 46, name: 'Joe Biden', start: 2021, end: 2025 },
  { ordinal: 45, name: 'Donald Trump', start: 2017, end: 2021 },
  { ordinal: 44, name: 'Barack Obama', start: 2009, end: 2017 },
  { ordinal: 43, name: 'George W. Bush', start: 2001, end: 2009 },
  { ordinal: 42, name: 'Bill Clinton', start: 1993, end: 2001 },
  { ordinal: 41, name: 'George H. W. Bush', start: 1989, end: 1993 },
  { ordinal: 40, name: 'Ronald Reagan', start: 1981, end: 1989 },
  { ordinal: 39, name: 'Jimmy Carter', start: 1977, end: 1981 },
  { ordinal: 38, name: 'Gerald Ford', start: 1974, end: 1977 },
  { ordinal: 37, name: 'Richard Nixon', start: 1969, end: 1974 },
  { ordinal: 36, name: 'Lyndon B. Johnson', start: 1963, end: 1969 },
  { ordinal: 35, name: 'John F. Kennedy', start: 1961, end: 1963 },
  { ordinal: 34, name: 'Dwight D. Eisenhower', start: 1953, end: 1961 },
  { ordinal: 33, name: 'Harry S. Truman', start: 1945, end: 1953 },
  { ordinal: 32, name: 'Franklin D. Roosevelt', start: 1933, end: 1945 },
  { ordinal: 31, name: 'Herbert Hoover', start: 1929, end: 1933 },
  { ordinal: 30, name: 'Calvin Coolidge', start: 1923, end: 1929 },
  { ordinal: 29, name: 'Warren G. Harding', start: 1921, end: 1923 },
  { ordinal: 28, name: 'Woodrow Wilson', start: 1913, end: 1921 },
  { ordinal: 27, name: 'William Howard Taft', start: 1909, end: 1913 },
  { ordinal: 26, name: 'Theodore Roosevelt', start: 1901, end: 1909 },
  { ordinal: 25, name: 'William McKinley', start: 1897, end: 1901 },
  { ordinal: 24, name: 'Grover Cleveland', start: 1893, end: 1897 },
  { ordinal: 23, name: 'Benjamin Harrison', start: 1889, end: 1893 },
  { ordinal: 22, name: 'Grover Cleveland', start: 1885, end: 1889 },
  { ordinal: 21, name: 'Chester A. Arthur', start: 1881, end: 1885 },
  { ordinal: 20, name: 'James A. Garfield', start: 1881, end: 1881 },
];

/** The president with this ordinal (20–46), or undefined. */
export function usPresident(ordinal: number): UsPresident | undefined {
  return US_PRESIDENTS.find((p) => p.ordinal === ordinal);
}

/**
 * How each president is recognised: `names` are the surname and nicknames; `others` are people who share them
 * (relatives, the other Bush or Roosevelt, namesakes) and are blanked out before the names are looked for, so
 * "Hillary Clinton" is not Bill and "H. W. Bush" is not George W.
 */
const MATCHERS: Readonly<Record<number, { names: RegExp; others?: RegExp }>> = {
  46: { names: /\bbiden\b/, others: /\b(?:jill|hunter|beau)\s+biden\b/g },
  45: { names: /\btrump\b/, others: /\b(?:melania|ivanka|ivana|eric|fred|barron)\s+trump\b|\btrump\s+(?:jr|junior)\b/g },
  44: { names: /\bobama\b/, others: /\bmichelle\s+obama\b/g },
  43: {
    names: /\bbush\b|\bdubya\b/,
    others: /\b(?:laura|barbara|jeb)\s+bush\b|\bgeorge\s+herbert\s+walker\s+bush\b|\b(?:george\s+)?h\.?\s*w\.?\s+bush\b|\bbush\s*,?\s+(?:sr\b\.?|senior\b)|\bbush\s+the\s+elder\b|\belder\s+bush\b/g,
  },
  42: { names: /\bclinton\b/, others: /\b(?:hillary|chelsea)\s+(?:rodham\s+)?clinton\b/g },
  41: {
    names: /\bbush\b/,
    others: /\b(?:laura|barbara|jeb)\s+bush\b|\bgeorge\s+walker\s+bush\b|\b(?:george\s+)?(?<!h\.?\s?)w\.?\s+bush\b|\bbush\s*,?\s+(?:jr\b\.?|junior\b)|\bdubya\b|\byounger\s+bush\b/g,
  },
  40: { names: /\breagan\b/, others: /\bnancy\s+reagan\b/g },
  39: { names: /\bcarter\b/, others: /\b(?:rosalynn|howard|amy)\s+carter\b/g },
  38: { names: /\bford\b/, others: /\b(?:henry|betty|harrison)\s+ford\b|\bford\s+motor\b/g },
  37: { names: /\bnixon\b/, others: /\bpat\s+nixon\b/g },
  36: { names: /\bjohnson\b|\blbj\b/, others: /\b(?:andrew|lady\s+bird|samuel|boris|magic)\s+johnson\b/g },
  35: { names: /\bkennedy\b|\bjfk\b/, others: /\b(?:robert|bobby|ted|teddy|edward|jackie|jacqueline|joseph|joe|rose)\s+(?:f\.\s+|m\.\s+|p\.\s+)?kennedy\b/g },
  34: { names: /\beisenhower\b|\bike\b/, others: /\bmamie\s+eisenhower\b/g },
  33: { names: /\btruman\b/, others: /\b(?:bess|margaret)\s+truman\b|\btruman\s+capote\b/g },
  32: {
    names: /\broosevelt\b|\bfdr\b/,
    others: /\beleanor\s+roosevelt\b|\b(?:theodore|teddy|t\.)\s+roosevelt\b/g,
  },
  31: { names: /\bhoover\b/, others: /\b(?:j\.\s*)?edgar\s+hoover\b|\bhoover\s+dam\b|\blou\s+hoover\b/g },
  30: { names: /\bcoolidge\b/, others: /\bgrace\s+coolidge\b/g },
  29: { names: /\bharding\b/ },
  28: { names: /\bwilson\b/, others: /\bedith\s+wilson\b/g },
  27: { names: /\btaft\b/, others: /\bhelen\s+taft\b/g },
  26: {
    names: /\broosevelt\b/,
    others: /\beleanor\s+roosevelt\b|\b(?:franklin|f\.)\s+(?:delano\s+|d\.\s*)?roosevelt\b/g,
  },
  25: { names: /\bmckinley\b/, others: /\bida\s+mckinley\b/g },
  24: { names: /\bcleveland\b/, others: /\bcleveland,?\s+ohio\b/g },
  23: { names: /\bharrison\b/, others: /\bwilliam\s+henry\s+harrison\b|\bharrison\s+ford\b|\bgeorge\s+harrison\b/g },
  22: { names: /\bcleveland\b/, others: /\bcleveland,?\s+ohio\b/g },
  21: { names: /\barthur\b/, others: /\bking\s+arthur\b|\barthur\s+(?:conan\s+doyle|miller)\b/g },
  20: { names: /\bgarfield\b/ },
};

/** Lower case, curly quotes and accents flattened, so patterns stay simple. */
function normalise(text: string): string {
  return text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[’‘]/g, "'").toLowerCase();
}

/** True when the text names this president (another president or person of the same name does not count). */
export function mentionsPresident(text: string, ordinal: number): boolean {
  const matcher = MATCHERS[ordinal];
  if (!matcher) return false;
  const plain = normalise(text);
  const cleaned = matcher.others ? plain.replace(matcher.others, ' ') : plain;
  return matcher.names.test(cleaned);
}

/** The ordinals of every president (20th–46th) the text names, in table order. */
export function presidentsMentioned(text: string): number[] {
  return US_PRESIDENTS.filter((p) => mentionsPresident(text, p.ordinal)).map((p) => p.ordinal);
}
