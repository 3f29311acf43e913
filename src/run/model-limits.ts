import { DEFAULT_TURN_TIMEOUT_MS, LOCAL_TURN_TIMEOUT_MS } from '../agent/index.ts';
import { parseModelSpec, resolveContextBudget, type Env } from '../llm/index.ts';
import type { RoleLimits } from '../scene/index.ts';
import { memoizedCounter } from '../text/index.ts';

/**
 * The limits of each model spec a run's agent turns use: its context budget (a local model's context and tokenizer,
 * a known window, or `requested` when smaller; see `resolveContextBudget`) and its turn time limit (longer for
 * in-process models). Notes (a budget lowered to what the model takes) go to `onNote`.
 */
export async function modelLimits(
  specs: Iterable<string>,
  options: { env: Env; cwd?: string; requested?: number; onNote?: (note: string) => void },
): Promise<Map<string, RoleLimits>> {
  const limits = new Map<string, RoleLimits>();
  for (const spec of new Set(specs)) {
    const parsed = parseModelSpec(spec);
    const budget = await resolveContextBudget(parsed, { env: options.env, cwd: options.cwd, requested: options.requested });
    if (budget.note) options.onNote?.(`${spec}: ${budget.note}`);
    limits.set(spec, {
      contextTokens: budget.contextTokens,
      ...(budget.countTokens ? { countTokens: memoizedCounter(budget.countTokens) } : {}),
      turnTimeoutMs: parsed.provider === 'local' ? LOCAL_TURN_TIMEOUT_MS : DEFAULT_TURN_TIMEOUT_MS,
    });
  }
  return limits;
}
