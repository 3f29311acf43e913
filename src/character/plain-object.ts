/** Plain JSON objects as the card and lorebook readers handle them: checked, and copied key by key. */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Copies `key: value` as an own property even for keys like `__proto__` (plain assignment would drop them). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
