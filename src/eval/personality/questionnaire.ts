import { z } from 'zod';

/** A personality questionnaire: items by dimension, answered on a numeric range. */
export interface Questionnaire {
  name: string;
  /** Lowest and highest score, e.g. [1, 5]. */
  range: [number, number];
  /** In the order results are shown. */
  dimensions: string[];
  items: QuestionnaireItem[];
  /** Where the items come from, and under which terms. */
  source: string;
}

export interface QuestionnaireItem {
  id: string;
  dimension: string;
  /** The item as printed, first person ("I am the life of the party"). */
  statement: string;
  /** True when agreeing means a low score on the dimension. */
  reversed: boolean;
}

/** The Big Five dimensions as the character schema names them. */
export const BIG_FIVE = ['openness', 'conscientiousness', 'extraversion', 'agreeableness', 'neuroticism'] as const;
export type BigFiveDimension = (typeof BIG_FIVE)[number];

// Goldberg's 50 IPIP Big-Five Factor Markers (ipip.ori.org), which are in the public domain. "Emotional
// stability" items are scored here as neuroticism, the opposite pole, so a reversed flag flips.
// [statement, dimension, keyed negatively]
const IPIP_50: [string, BigFiveDimension, boolean][] = [
  ['Am the life of the party', 'extraversion', false], ['Feel little concern for others', 'agreeableness', true],
  ['Am always prepared', 'conscientiousness', false], ['Get stressed out easily', 'neuroticism', false],
  ['Have a rich vocabulary', 'openness', false], ["Don't talk a lot", 'extraversion', true],
  ['Am interested in people', 'agreeableness', false], ['Leave my belongings around', 'conscientiousness', true],
  ['Am relaxed most of the time', 'neuroticism', true], ['Have difficulty understanding abstract ideas', 'openness', true],
  ['Feel comfortable around people', 'extraversion', false], ['Insult people', 'agreeableness', true],
  ['Pay attention to details', 'conscientiousness', false], ['Worry about things', 'neuroticism', false],
  ['Have a vivid imagination', 'openness', false], ['Keep in the background', 'extraversion', true],
  ["Sympathize with others' feelings", 'agreeableness', false], ['Make a mess of things', 'conscientiousness', true],
  ['Seldom feel blue', 'neuroticism', true], ['Am not interested in abstract ideas', 'openness', true],
  ['Start conversations', 'extraversion', false], ["Am not interested in other people's problems", 'agreeableness', true],
  ['Get chores done right away', 'conscientiousness', false], ['Am easily disturbed', 'neuroticism', false],
  ['Have excellent ideas', 'openness', false], ['Have little to say', 'extraversion', true],
  ['Have a soft heart', 'agreeableness', false], ['Often forget to put things back in their proper place', 'conscientiousness', true],
  ['Get upset easily', 'neuroticism', false], ['Do not have a good imagination', 'openness', true],
  ['Talk to a lot of different people at parties', 'extraversion', false], ['Am not really interested in others', 'agreeableness', true],
  ['Like order', 'conscientiousness', false], ['Change my mood a lot', 'neuroticism', false],
  ['Am quick to understand things', 'openness', false], ["Don't like to draw attention to myself", 'extraversion', true],
  ['Take time out for others', 'agreeableness', false], ['Shirk my duties', 'conscientiousness', true],
  ['Have frequent mood swings', 'neuroticism', false], ['Use difficult words', 'openness', false],
  ["Don't mind being the center of attention", 'extraversion', false], ["Feel others' emotions", 'agreeableness', false],
  ['Follow a schedule', 'conscientiousness', false], ['Get irritated easily', 'neuroticism', false],
  ['Spend time reflecting on things', 'openness', false], ['Am quiet around strangers', 'extraversion', true],
  ['Make people feel at ease', 'agreeableness', false], ['Am exacting in my work', 'conscientiousness', false],
  ['Often feel blue', 'neuroticism', false], ['Am full of ideas', 'openness', false],
];

/** IPIP items are verb phrases: "Am the life of the party" → "I am the life of the party". */
function firstPerson(fragment: string): string {
  return `I ${fragment[0]!.toLowerCase()}${fragment.slice(1)}`;
}

export const IPIP_BIG_FIVE: Questionnaire = {
  name: 'ipip-50',
  range: [1, 5],
  dimensions: [...BIG_FIVE],
  source: "Goldberg's 50-item IPIP Big-Five Factor Markers (ipip.ori.org), public domain",
  items: IPIP_50.map(([statement, dimension, reversed], index) => ({ id: String(index + 1), dimension, statement: firstPerson(statement), reversed })),
};

/** A questionnaire file: the built-in's shape, so BFI-44 or other licensed item sets can be supplied. */
const QuestionnaireFile = z.object({
  name: z.string().min(1),
  range: z.tuple([z.number(), z.number()]).refine(([low, high]) => low < high, 'range must be [low, high] with low < high'),
  dimensions: z.array(z.string().min(1)).min(1),
  source: z.string().default('supplied file'),
  items: z.array(z.object({ id: z.union([z.string(), z.number()]).transform(String), dimension: z.string(), statement: z.string().min(1), reversed: z.boolean().default(false) })).min(1),
}).superRefine((file, context) => {
  file.items.forEach((item, index) => {
    if (!file.dimensions.includes(item.dimension)) context.addIssue({ code: 'custom', path: ['items', index, 'dimension'], message: `"${item.dimension}" is not one of the dimensions` });
  });
});

/**
 * The questionnaire a name or file gives: `bfi` and `ipip-50` are the built-in public-domain Big Five items;
 * anything else is read as a JSON file (e.g. your copy of BFI-44, whose licence does not allow shipping it).
 */
export function questionnaireFrom(name: string, readFile: (path: string) => string): Questionnaire {
  if (name === 'bfi' || name === 'ipip-50' || name === 'big-five') return IPIP_BIG_FIVE;
  let raw: unknown;
  try {
    raw = JSON.parse(readFile(name));
  } catch (error) {
    throw new Error(`questionnaire ${name}: not a built-in name (bfi, ipip-50) and not a readable JSON file (${(error as Error).message})`);
  }
  const parsed = QuestionnaireFile.safeParse(raw);
  if (!parsed.success) throw new Error(`questionnaire ${name}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  return parsed.data;
}
