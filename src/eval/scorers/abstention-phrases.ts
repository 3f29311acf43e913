/**
 * Phrases by which a role-played answer declines to answer, in three kinds (Bai et al. 2025 tell them apart):
 * - `unknown`: "I don't know", "I have no idea", "I cannot say" — a hedge; followed by an answer it is not an abstention.
 * - `boundary`: the answer is past the character's lifetime ("after my death", "I died in 1955", "beyond my time").
 * - `third-party`: the answer is credited to an explicit source ("my friend told me", "according to the papers").
 * False friends are excluded: "I don't know why you ask", "not sure what you mean", "I can't tell you how glad I am".
 */
export type AbstentionKind = 'unknown' | 'boundary' | 'third-party';

export interface AbstentionCue {
  kind: AbstentionKind;
  /** The matched text, for the drill-down. */
  phrase: string;
}

/** "why you ask", "what you mean"...: after "I don't know" these are asides, not abstentions. */
const ASIDE = String.raw`(?!\s*(?:why|how\s+you|what\s+you|whether\s+you|if\s+you|about\s+you|you\b))`;
const NOT = String.raw`(?:don't|dont|do\s+not|didn't|did\s+not)`;
const CANNOT = String.raw`(?:cannot|can't|cant|can\s+not|couldn't|could\s+not|am\s+unable\s+to|'m\s+unable\s+to|am\s+not\s+able\s+to|'m\s+not\s+able\s+to)`;
const LIFE = String.raw`(?:time|times|death|passing|demise|lifetime|life|days|years|era|day|age)`;
const SOURCES = String.raw`(?:friend|friends|son|sons|daughter|daughters|wife|husband|mother|father|brother|sister|colleague|colleagues|neighbou?rs?|villagers|nurse|doctor|servant|maid|butler|secretary|acquaintance|cousin|uncle|aunt|grandson|granddaughter|grandchildren|spirits|ghosts|angels|newspapers?|papers|books|radio|visitors?|guests|informants?|sources|students|crystal\s+ball|stars|cards)`;
const SAYS = String.raw`(?:says|said|say|tells|told|tell|mentioned|mentions|whispers|whispered|claims|claimed|insists|insisted|informs|informed|reports|reported|writes|wrote|shows|showed|reveals|revealed)`;

const PATTERNS: ReadonlyArray<[AbstentionKind, RegExp]> = [
  ['unknown', new RegExp(String.raw`\bi\s+(?:really\s+|honestly\s+|simply\s+|truly\s+|just\s+)?${NOT}\s+know\b${ASIDE}`)],
  ['unknown', new RegExp(String.raw`\bi\s+(?:wouldn't|would\s+not)\s+know\b${ASIDE}`)],
  ['unknown', /\b(?:i\s+have|i've|ive|i\s+had|i've\s+got)\s+(?:absolutely\s+|simply\s+)?no\s+(?:idea|clue|notion|knowledge|information|recollection|way\s+(?:of|to)\s+know(?:ing)?)\b/],
  ['unknown', /(?:^|[.!?,;:]\s*|\bi\s+have\s+)no\s+idea\b/],
  ['unknown', /\b(?:haven't|have\s+not|hasn't)\s+(?:got\s+)?(?:the\s+|a\s+)?(?:faintest|slightest|foggiest|least|single|an?)?\s*(?:idea|notion|clue)\b/],
  ['unknown', /\b(?:i'm|im|i\s+am)\s+(?:afraid\s+i\s+(?:am|'m)\s+)?(?:not\s+(?:sure|certain|aware|familiar)|unsure|uncertain|unaware)\b(?!\s*(?:why|what\s+you|whether\s+you|if\s+you|how\s+you))/],
  ['unknown', new RegExp(String.raw`\bi\s+${CANNOT}\s+(?:possibly\s+|really\s+|rightly\s+)?(?:say|tell|answer|know|recall|remember|help\s+you\s+with|speak\s+to|comment|name|determine)\b(?!\s+(?:how|enough|you\s+how))`)],
  ['unknown', new RegExp(String.raw`\bi\s+${NOT}\s+(?:recall|remember|recognize|recognise)\b`)],
  ['unknown', /\b(?:unknown|a\s+mystery|unfamiliar)\s+to\s+me\b/],
  ['unknown', /\bno\s+(?:way|means)\s+(?:of|to)\s+know(?:ing)?\b/],
  ['unknown', /\bbeyond\s+my\s+(?:knowledge|ken|understanding)\b/],
  ['unknown', /\bnever\s+heard\s+of\b/],
  ['unknown', /\bi\s+(?:must|will|shall|have\s+to|should)\s+(?:respectfully\s+)?(?:abstain|decline|refrain)\b|\bi\s+abstain\b|\bi\s+(?:decline|refuse)\s+to\s+(?:answer|say|speculate)\b/],
  ['boundary', new RegExp(String.raw`\b(?:after|beyond|past|outside(?:\s+of)?|later\s+than)\s+my\s+(?:own\s+)?${LIFE}\b`)],
  ['boundary', /\b(?:long\s+)?after\s+i\s+(?:died|passed|perished|was\s+gone|am\s+gone|'m\s+gone|left\s+this)/],
  ['boundary', /\bi\s+(?:have\s+)?(?:died|passed\s+away|passed\s+on|perished)\b/],
  ['boundary', /\b(?:i'm|im|i\s+am|i\s+was)\s+(?:already\s+|long\s+)?(?:dead|deceased|departed)\b/],
  ['boundary', /\bsince\s+my\s+(?:death|passing|demise)\b/],
  ['boundary', /\bi\s+(?:didn't|did\s+not|never|won't|will\s+not|wouldn't|would\s+not)\s+(?:live|survive)\s+to\s+see\b/],
  ['boundary', /\b(?:has|have|had)(?:n't|\s+not)\s+(?:yet\s+)?(?:happened|come\s+to\s+pass|occurred|been\s+(?:born|elected))\b|\byet\s+to\s+(?:come|happen|be\s+(?:born|elected))\b/],
  ['boundary', /\b(?:lies|is|are|was|be)\s+(?:still\s+)?in\s+the\s+future\b|\bthe\s+future\s+is\s+(?:unknown|hidden|closed|beyond)\b/],
  ['boundary', /\bmy\s+knowledge\s+(?:ends|stops|is\s+limited|does\s+not\s+extend)\b/],
  ['boundary', /\bno\s+longer\s+(?:alive|living|among\s+the\s+living|of\s+this\s+world|with\s+you)\b|\bbeyond\s+the\s+grave\b/],
  ['third-party', /\bheard\s+(?:it\s+|tell\s+)?from\b/],
  ['third-party', /\baccording\s+to\b/],
  ['third-party', /\b(?:told|tells|informed|informs|assured|assures)\s+me\b/],
  ['third-party', /\bheard\s+(?:the\s+|some\s+|my\s+|a\s+)?[a-z'-]+\s+(?:talking|talk|say|saying|speak|speaking|mention|mentioning|whisper|whispering)\b/],
  ['third-party', new RegExp(String.raw`\b(?:my|a|the|some|our|one\s+of\s+my)\s+(?:[a-z'-]+\s+)?${SOURCES}\b[^.!?]{0,60}?\b${SAYS}\b`)],
  ['third-party', /\bask\s+(?:my|a|the|your)\s+(?:[a-z'-]+\s+)?(?:friend|son|daughter|wife|husband|colleague|neighbou?r|secretary|nurse|doctor|servant)\b/],
];

/** Lower case with straight apostrophes, so one pattern covers "don’t" and "don't". */
function normalise(text: string): string {
  return text.replace(/[’‘`]/g, "'").toLowerCase();
}

/** Every abstention cue in the text, in pattern order (unknown, boundary, third-party). */
export function abstentionCues(text: string): AbstentionCue[] {
  const plain = normalise(text);
  const cues: AbstentionCue[] = [];
  for (const [kind, pattern] of PATTERNS) {
    const match = pattern.exec(plain);
    if (!match) continue;
    const phrase = plain.length === text.length ? text.slice(match.index, match.index + match[0].length) : match[0];
    cues.push({ kind, phrase: phrase.trim() });
  }
  return cues;
}

/** The first cue of a kind, if any. */
export function firstCue(cues: readonly AbstentionCue[], ...kinds: AbstentionKind[]): AbstentionCue | undefined {
  return cues.find((cue) => kinds.includes(cue.kind));
}

/**
 * Words that put a name forward as the answer ("it is", "I think", "perhaps", "the 46th president is"): a name
 * without them, beside "I don't know", is something the character knows, not an answer to the question.
 */
const OFFERS_ANSWER = /\b(?:it\s+(?:is|was|would\s+be|must\s+be|might\s+be)|it's|that\s+(?:is|would\s+be)|that's|the\s+answer\s+is|president\s+(?:is|was|would\s+be)|perhaps|maybe|probably|possibly|presumably|i\s+(?:think|believe|suppose|guess|reckon|imagine|would\s+say|'d\s+say|would\s+guess)|if\s+i\s+(?:had|have|must|were)\s+to\s+guess|my\s+guess)\b/;

/** The text puts something forward as the answer (see `OFFERS_ANSWER`). */
export function offersAnswer(text: string): boolean {
  return OFFERS_ANSWER.test(normalise(text));
}
