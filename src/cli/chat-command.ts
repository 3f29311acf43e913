import type { Command } from 'commander';
import { STRATEGIES } from '../memory-model/index.ts';
import type { CliIo } from './io.ts';
import { lazyAction } from './lazy-action.ts';
import { collect } from './option-values.ts';

// The chat command's options and help. Its action (chat-actions.ts) loads the library when a chat starts, so that
// `--help` and the other commands start without it. The turn time limits in the help are the agent's
// DEFAULT_TURN_TIMEOUT_MS and LOCAL_TURN_TIMEOUT_MS, written out so that the help loads no agent code
// (test/cli/help.test.ts checks that they agree).
const actions = () => import('./chat-actions.ts');

export function registerChatCommand(program: Command, io: CliIo): void {
  program.command('chat')
    .description('Chat with a character that thinks before it speaks (interactive, or one-shot with --message)')
    .argument('<card>', 'character card: JSON, PNG or CHARX (V1, V2 or V3)')
    .option('-m, --model <spec>', 'model as provider:model, e.g. openai:gpt-4o-mini, ollama:qwen2.5:7b, openai-compatible:NAME, local:./model.gguf (or DRAMATIS_MODEL; default local:default, downloaded once)')
    .option('--base-url <url>', 'API base URL for openai-compatible servers (or DRAMATIS_BASE_URL)')
    .option('--message <text>', 'send one message, print the reply and exit')
    .option('--session <id>', 'continue this stored session, or create it with this id')
    .option('--user-name <name>', 'your name in the role-play ({{user}}); default "User"')
    .option('--greeting <n>', 'open a new session with alternate greeting n (0 = the card\'s first message)')
    .option('--show-thoughts', "show the character's private thoughts")
    .option('--lorebook <file>', 'extra lorebook / world info JSON (repeatable)', collect)
    .option('--context-tokens <n>', "prompt budget in tokens, the reply's reserve included; older history is summarised in blocks (default: what the model can take: a local model's context, a known window, else 8192)")
    .option('--no-cache', 'bypass the response cache')
    .option('--output-mode <mode>', 'json (JSON-schema output) or tagged (for models without JSON-schema support)')
    .option('--timeout <seconds>', 'timeout per model call attempt (default 120)')
    .option('--turn-timeout <seconds>', 'time limit of one turn, its repair and retries included; 0 for none (default 300, 600 for local: models)')
    .option('--retries <n>', 'retries after a rate limit, server error, timeout or network error (default 4)')
    .option('--turn-retries <n>', 'retries of the whole turn after a failure the call could not get past (a cut stream, a rate limit or server error past --retries, invalid output twice); nothing is stored in between (default 0: the turn fails and you send again)')
    .option('--turn-retry-delay <seconds>', 'first wait before a turn retry, doubling each time, with jitter (default 1)')
    .option('--temperature <t>', 'sampling temperature')
    .option('--json', 'with --message: print the turn\'s events as JSON')
    .option('--memory', "long-term memory: recall the character's shared memories and yours each turn, and remember what it perceives for your sessions (implied by the memory options)")
    .option('--memory-strategy <s>', `how memories are recalled: ${STRATEGIES.join(', ')} (default semantic with --embedding-model, else lexical)`)
    .option('--memory-k <n>', 'memories recalled per turn (default 10)')
    .option('--embedding-model <spec>', 'embeds memories and queries, e.g. openai:text-embedding-3-small, ollama:nomic-embed-text')
    .option('--emotion-model <spec>', "scores memories' and queries' emotions for the emotional strategies")
    .option('--memory-cue <cue>', "the emotional cue: query (what was said; default) or mood (the character's own last thought)")
    .option('--memory-shared', "remember this chat as shared memories, recalled in every user's sessions (default: only in sessions of --user-name)")
    .addHelpText('after', [
      '',
      'Examples:',
      '  $ dramatis chat card.png                      # the in-process default model (local:default)',
      '  $ dramatis chat card.png --model ollama:qwen2.5:7b',
      '  $ dramatis chat card.png --model local:./small.gguf --context-tokens 2048 --turn-timeout 120',
      '  $ dramatis chat card.png --memory-strategy emotion-first --embedding-model openai:text-embedding-3-small --emotion-model openai:gpt-4o-mini',
      '  $ dramatis chat card.png --memory --user-name Ann        # remembered for Ann\'s sessions only; add --memory-shared to share',
      '  $ dramatis chat card.png --model openai-compatible:my-model --base-url http://127.0.0.1:8000/v1 \\',
      '      --message "Where am I?" --session s1 --show-thoughts',
      '',
      'Interactive commands: /thoughts (toggle thoughts), /exit. Ctrl-C cancels a reply (nothing is stored).',
    ].join('\n'))
    .action(lazyAction(io, actions, 'chat'));
}
