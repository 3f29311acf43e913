import { z } from 'zod';
import type { BenchItem } from '../item.ts';
import { validateRecords } from './read-data.ts';
import type { DatasetLoader } from './types.ts';
import { cleanName, loreParts, slug, versionCategories } from './beyond-one-world-version.ts';

const Id = z.union([z.number().int(), z.string().min(1)]);

/** One moral dilemma of `character_dilemmas.json`, field names as released. */
export const DilemmaRecord = z.object({
  situation: z.string().min(1),
  choice_A: z.string().min(1),
  choice_B: z.string().min(1),
  consequence_A: z.string(),
  consequence_B: z.string(),
  UID: Id,
  CID: Id,
  name: z.string().min(1),
  lore: z.union([z.string(), z.array(z.string())]),
  dilemma_type: z.string().min(1),
  iteration: z.number().int().optional(),
});
export type DilemmaRecord = z.infer<typeof DilemmaRecord>;

/**
 * The question the authors put after each dilemma, by type (`generate_answer.py`, `dilemma_answer`). Its A and B name
 * the type's poles; the released `choice_A` is usually, not always, the first pole (kept as released).
 */
const QUESTIONS: Record<string, string> = {
  'Save the One You Love vs. Save the Greater Good': 'What will you choose between A) Save the One You Love vs B) Save the Greater Good',
  'Hero or Villain': 'About morality and identity crisis, what will you choose between A) Hero vs B) Villain',
  'Duty vs. Personal Desire': 'What will you choose between A) Duty vs. B) Personal Desire',
  'The Ends Justify the Means vs. Moral Code': 'What will you choose between A) The Ends Justify the Means vs. B) Moral Code',
};

/** `Hero or Villain_2` → `Hero or Villain` (the released type carries the iteration after `_`). */
export function dilemmaKind(dilemmaType: string): string {
  return dilemmaType.replace(/_\d+$/, '').trim();
}

/**
 * Items of `character_dilemmas.json`, in released order. `profiles` (CID → attributes, from `heros_profile_aa.csv`)
 * adds the version's attributes to the role line, as the authors' prompt does.
 */
export function dilemmaItems(
  data: readonly unknown[],
  path: string,
  loader: Pick<DatasetLoader, 'name' | 'format'>,
  profiles: ReadonlyMap<string, string> = new Map(),
): BenchItem[] {
  const records = validateRecords(data, DilemmaRecord, path, loader);
  const categoriesOf = versionCategories(records);
  return records.map((record, index) => {
    const kind = dilemmaKind(record.dilemma_type);
    const lore = loreParts(record.lore).join(', ');
    const attributes = profiles.get(String(record.CID)) ?? '';
    return {
      id: `dilemma/${record.CID}/${slug(record.dilemma_type)}`,
      record: index + 1,
      vars: {
        name: cleanName(record.name),
        lore,
        attributes,
        background: attributes ? `${lore}, ${attributes}` : lore,
        situation: record.situation,
        choice_A: record.choice_A,
        choice_B: record.choice_B,
        consequence_A: record.consequence_A,
        consequence_B: record.consequence_B,
        dilemma: `${record.situation}\nChoice A: ${record.choice_A} Consequence A: ${record.consequence_A}\nChoice B: ${record.choice_B} Consequence B: ${record.consequence_B}`,
        question: QUESTIONS[kind] ?? 'What will you choose between A) or B) ?',
        dilemma_type: kind,
      },
      categories: { task: 'dilemma', ...categoriesOf(record), dilemma_type: kind },
      meta: {
        UID: record.UID,
        CID: record.CID,
        dilemma_type: record.dilemma_type,
        iteration: record.iteration,
        choices: [record.choice_A, record.choice_B],
        consequences: [record.consequence_A, record.consequence_B],
        ...(attributes ? { attributes } : {}),
      },
    };
  });
}
