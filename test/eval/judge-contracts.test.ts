import { createJudge } from '../../src/eval/judges/index.ts';
import { runJudgeContract } from './judge-contract.ts';

runJudgeContract('createJudge', (model) => createJudge(model, { name: 'scripted', temperature: 0 }));
runJudgeContract('createJudge (sampling, bounded replies)', (model) => createJudge(model, { name: 'scripted', temperature: 0.7, maxOutputTokens: 400 }));
