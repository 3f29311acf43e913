const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for HTML content and quoted attributes: answers may hold markup or script. */
export function escapeHtml(text: string | number | boolean): string {
  return String(text).replace(/[&<>"']/g, (char) => entities[char]);
}
