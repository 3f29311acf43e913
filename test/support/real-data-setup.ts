import { hasSharedData, realDataSkipReason } from './real-data.ts';

/** Vitest global setup of the real-data project: says once, on the console, why its tests are skipped. */
export default function setup(): void {
  if (!hasSharedData) process.stderr.write(`\n${realDataSkipReason}\n\n`);
}
