import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe } from 'vitest';
import { repoRoot } from './cli.ts';

/**
 * Real-world files from public releases, kept beside the repository (`../shared/data`) on the project's machines and
 * in CI, never copied into it (their licences are not the project's to ship). Only the real-data suite
 * (test/real-data/) reads them; the main suite uses the repository's own fixtures.
 */
export const sharedDataRoot = resolve(repoRoot, '..', 'shared', 'data');
export const sharedData = (...parts: string[]) => resolve(sharedDataRoot, ...parts);
export const hasSharedData = existsSync(sharedDataRoot);
export const realDataSkipReason = `real-data suite skipped: ${sharedDataRoot} is absent (the released files it checks the loaders against live beside the repository on the project's machines and in CI, see test/real-data/README.md)`;

/**
 * A describe block over the real-world files, skipped when they are absent (the real-data project's global setup
 * prints {@link realDataSkipReason} once).
 */
export const describeRealData = describe.skipIf(!hasSharedData);
