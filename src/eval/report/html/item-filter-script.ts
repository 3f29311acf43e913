/**
 * The drill-down's filters, inlined as a classic script (works from `file://`, no network).
 * Rows carry their model, category tokens, outcomes and id in data attributes.
 */
export const itemFilterScript = `(() => {
  const root = document.currentScript.closest('section');
  const rows = Array.from(root.querySelectorAll('details.item')).map((row) => ({
    row,
    model: row.dataset.model,
    categories: JSON.parse(row.dataset.categories || '[]'),
    outcomes: (row.dataset.outcomes || '').split(' '),
    id: row.dataset.id || '',
  }));
  const field = (name) => root.querySelector('[data-filter="' + name + '"]');
  const model = field('model'), category = field('category'), outcome = field('outcome'), search = field('search');
  const count = root.querySelector('[data-count]'), empty = root.querySelector('[data-empty]');
  const apply = () => {
    const query = search.value.trim().toLowerCase();
    let shown = 0;
    for (const entry of rows) {
      const visible = (!model.value || entry.model === model.value)
        && (!category.value || entry.categories.includes(category.value))
        && (!outcome.value || entry.outcomes.includes(outcome.value))
        && (!query || entry.id.includes(query));
      entry.row.hidden = !visible;
      if (visible) shown += 1;
    }
    count.textContent = shown.toLocaleString('en-US') + ' of ' + rows.length.toLocaleString('en-US') + ' shown';
    empty.hidden = shown > 0;
  };
  for (const control of [model, category, outcome]) control.addEventListener('change', apply);
  search.addEventListener('input', apply);
  apply();
})();`;
