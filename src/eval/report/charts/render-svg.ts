import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { useFontAwareTextMetrics } from './text-metrics.ts';

/** Charts carry their data inline; a chart that tries to load anything is a bug, not a download. */
const offlineLoader: vega.Loader = {
  load: (uri) => Promise.reject(new Error(`report charts load nothing (asked for ${uri})`)),
  sanitize: (uri) => Promise.reject(new Error(`report charts load nothing (asked for ${uri})`)),
  http: (uri) => Promise.reject(new Error(`report charts load nothing (asked for ${uri})`)),
  file: (uri) => Promise.reject(new Error(`report charts load nothing (asked for ${uri})`)),
};

/** A vega spec rendered to an SVG string on the server (no DOM, no network). */
export async function vegaToSvg(spec: vega.Spec): Promise<string> {
  useFontAwareTextMetrics();
  const view = new vega.View(vega.parse(spec), { renderer: 'none', loader: offlineLoader });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** A vega-lite spec compiled to vega, then rendered to SVG. */
export async function vegaLiteToSvg(spec: TopLevelSpec): Promise<string> {
  return vegaToSvg(vl.compile(spec).spec);
}
