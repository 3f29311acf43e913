import { createHash } from 'node:crypto';

/**
 * Fences mark untrusted text in a prompt (a card from the internet, a benchmark's data, a text under judgement)
 * as data: `<KIND-NONCE label="...">` … `</KIND-NONCE>`. The nonce is 12 hex digits of SHA-256 over everything
 * the prompt shows, so it is unpredictable to whoever wrote the fenced text (a text cannot contain the hash of a
 * text that contains it) and yet stable: the same prompt renders the same way, and the prompt prefix and the
 * response cache still hit on a re-run (a nonce drawn at random would miss them every time).
 */

/** The nonce of one prompt, from everything the prompt shows (any JSON value). */
export function fenceNonce(content: unknown): string {
  return createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 12);
}

/** The tag of a fence: `card-3f9a1c2b7d40`; `kind` says what it holds (`card`, `data`, `candidate`, `context`). */
export function fenceTag(kind: string, nonce: string): string {
  return `${kind}-${nonce}`;
}

/** Text with every occurrence of the nonce (any case) defused, so it can neither open nor close a fence of its prompt. */
export function defuseFence(text: string, nonce: string): string {
  return text.replace(new RegExp(nonce, 'gi'), '(fence removed)');
}

/** Text in its fence: `<KIND-NONCE label="LABEL">\nTEXT\n</KIND-NONCE>`; the label loses quotes, brackets and breaks. */
export function fenceText(text: string, options: { kind: string; nonce: string; label?: string }): string {
  const tag = fenceTag(options.kind, options.nonce);
  const label = options.label === undefined ? '' : ` label="${defuseFence(options.label, options.nonce).replace(/["<>\r\n]/g, '')}"`;
  return `<${tag}${label}>\n${defuseFence(text, options.nonce)}\n</${tag}>`;
}

/** How a prompt names its fences of one kind: `<card-NONCE label="..."> and </card-NONCE>`. */
export function fenceMarkers(kind: string, nonce: string): string {
  const tag = fenceTag(kind, nonce);
  return `<${tag} label="..."> and </${tag}>`;
}
