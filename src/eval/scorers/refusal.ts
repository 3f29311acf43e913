/**
 * English cues that a reply declines: a refusal (beyond the role's knowledge, forbidden by an instruction) or a
 * "the passage does not say" no-answer, the two ways RoleMRC's references decline. Each is a phrase, not a single
 * word, so "I can't wait to tell you" or "I don't know why he left, but the answer is…" stay answers where possible.
 */
const CUES: readonly RegExp[] = [
  /\b(?:i|we)(?: really| truly| honestly)? (?:do not|don't|did not|didn't) (?:really )?(?:know|have (?:any |the |an |enough |much )?(?:idea|clue|knowledge|information|answer|expertise|familiarity))\b/,
  /\b(?:i|we)(?: cannot| can ?not| can't| won't| will not|(?:'m| am|'re| are) (?:unable|not able) to| must decline to| must refrain from| have to decline to) (?:really |possibly |truly )?(?:answer|say|tell|help|comment|speak|provide|explain|discuss|assist|determine|offer|give|share|know|be of (?:much )?help|shed light|venture|address|respond|weigh in)/,
  /\b(?:i|we) (?:must|have to|need to|shall|will have to) (?:politely |respectfully |humbly )?(?:decline|refuse|refrain|pass)\b/,
  /\b(?:i|we) (?:have|possess) (?:no|little) (?:idea|clue|knowledge|expertise|familiarity|understanding|information)\b/,
  /\b(?:i'm|i am) (?:not (?:familiar|acquainted|versed|knowledgeable|qualified|the right (?:person|one))|unfamiliar|no expert)\b/,
  /\b(?:beyond|outside|out of|not within|not in) (?:my|the realm of my|the scope of my|my own) (?:knowledge|expertise|realm|area|field|ken|understanding|scope|depth|purview|domain|wheelhouse|experience)\b/,
  /\b(?:is not|isn't|not) (?:my|within my) (?:area|field|expertise|forte|domain|specialty|speciality)\b/,
  /\b(?:does not|doesn't|did not|didn't|do not|don't) (?:seem to )?(?:say|mention|specify|state|tell|provide|contain|include|cover|address|reveal|give|offer|indicate)\b[^.!?]*\b(?:passage|text|article|document|paragraph|excerpt|context|story|information)\b/,
  /\b(?:passage|text|article|document|paragraph|excerpt|context)s? (?:does not|doesn't|did not|didn't) (?:seem to )?(?:say|mention|specify|state|tell|provide|contain|include|cover|address|reveal|give|offer|indicate)\b/,
  /\b(?:not|never) (?:mentioned|specified|stated|provided|given|addressed|covered|included|explained|answered|found)\b[^.!?]*\b(?:passage|text|article|document|paragraph|excerpt|context|story)\b/,
  /\bno (?:answer|mention|information|details?|indication|way (?:for me )?to (?:know|tell|say))\b/,
  /\b(?:unanswerable|cannot be answered|can't be answered|can not be answered|impossible to (?:say|tell|answer|determine))\b/,
];

/** Whether a reply reads as declining, and the phrase that says so (for the drill-down). */
export function detectRefusal(reply: string): { refused: boolean; cue?: string } {
  const text = reply.replace(/[\u2018\u2019\u02bc]/g, "'").replace(/\s+/g, ' ').toLowerCase();
  for (const cue of CUES) {
    const match = cue.exec(text);
    if (match) return { refused: true, cue: match[0] };
  }
  return { refused: false };
}
