import type * as Vega from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { useFontAwareTextMetrics } from './text-metrics.ts';

// vega and vega-lite take about half a second to load: only the HTML report's charts use them, so they load
// with the first chart, not with every module that imports the evaluation code.
const loadVega = () => import('vega');
const loadVegaLite = () => import('vega-lite');

/** Charts carry their data inline; a chart that tries to load anything is a bug, not a download. */
const offlineLoader: Vega.Loader = {
  load: (uri) => Promise.reject(new Error(`report charts load nothing (asked for ${uri})`)),
  sanitize: (uri) => Promise.reject(new Error(`report charts load nothing (asked for ${uri})`)),
  http: (uri) => Promise.reject(new Error(`report charts load nothing (asked for ${uri})`)),
  file: (uri) => Promise.reject(new Error(`report charts load nothing (asked for ${uri})`)),
};

/** A vega spec rendered to an SVG string on the server (no DOM, no network). */
export async function vegaToSvg(spec: Vega.Spec): Promise<string> {
  const vega = await loadVega();
  useFontAwareTextMetrics(vega);
  const view = new vega.View(vega.parse(spec), { renderer: 'none', loader: offlineLoader });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** A vega-lite spec compiled to vega, then rendered to SVG. */
export async function vegaLiteToSvg(spec: TopLevelSpec): Promise<string> {
  const vegaLite = await loadVegaLite();
  return vegaToSvg(vegaLite.compile(spec).spec);
}
