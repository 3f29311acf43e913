import { createInterface } from 'node:readline';
import { completedAction, completedThought } from '../agent/index.ts';
import type { ChatSession } from '../scene/index.ts';
import { printTurn, reportMemory, warnTurnRetry } from './chat-format.ts';
import { formatEvent, formatThought } from './format.ts';
import { writeLine, type CliIo } from './io.ts';

/** An interactive chat on a terminal (or piped input): the last turns, then one streamed reply per line read. */
export async function chatInteractive(session: ChatSession, showThoughtsAtStart: boolean, io: CliIo): Promise<void> {
  let showThoughts = showThoughtsAtStart;
  const name = session.character.name;
  const recent = session.log.slice(-6);
  if (session.log.length > recent.length) writeLine(io.stdout, `(continuing session ${session.id}; earlier turns: dramatis sessions show ${session.id})`);
  for (const event of recent) {
    const line = formatEvent(event, { userName: session.userName, showThoughts });
    if (line) writeLine(io.stdout, line);
  }
  writeLine(io.stderr, `(session ${session.id} — /thoughts toggles thoughts, /exit quits, Ctrl-C cancels a reply)`);

  const terminal = Boolean(io.stdin.isTTY && io.stdout.isTTY);
  const rl = createInterface({ input: io.stdin, output: io.stdout, terminal });
  // Piped input gets no prompts, so a script's output is only the conversation.
  const prompt = () => { if (terminal) rl.prompt(); };
  let current: AbortController | undefined;
  const interrupt = () => {
    if (current) current.abort();
    else rl.close();
  };
  rl.on('SIGINT', interrupt);
  const removeInterrupt = io.onInterrupt(interrupt);
  rl.setPrompt(`${session.userName}> `);
  try {
    prompt();
    for await (const raw of rl) {
      const line = raw.trim();
      if (line === '/exit' || line === '/quit') break;
      if (line === '/thoughts') {
        showThoughts = !showThoughts;
        writeLine(io.stderr, `(thoughts ${showThoughts ? 'shown' : 'hidden'})`);
      } else if (line) {
        current = new AbortController();
        await streamTurn(session, line, showThoughts, current.signal, io, name);
        current = undefined;
      }
      prompt();
    }
  } finally {
    removeInterrupt();
    rl.close();
  }
}

/** One turn, its speech printed as it streams; a failed or cancelled turn stores nothing and says so. */
async function streamTurn(session: ChatSession, text: string, showThoughts: boolean, signal: AbortSignal, io: CliIo, name: string): Promise<void> {
  let started = false;
  try {
    const turn = await session.send(text, {
      abortSignal: signal,
      onSpeechDelta: (delta, raw) => {
        if (!started) {
          const thought = showThoughts ? completedThought(raw, session.mode) : undefined;
          if (thought) writeLine(io.stdout, formatThought(name, thought));
          const action = completedAction(raw, session.mode);
          io.stdout.write(`${name}: ${action ? `*${action.replace(/^\*+|\*+$/g, '')}* ` : ''}`);
          started = true;
        }
        io.stdout.write(delta);
      },
      onRepair: () => {
        if (started) writeLine(io.stdout, ' [invalid reply, asking again]');
        started = false;
      },
      onRebuild: () => {
        if (started) writeLine(io.stdout, ' [another chat continued this session meanwhile; answering again]');
        started = false;
      },
      onTurnRetry: (event) => {
        if (started) writeLine(io.stdout, ' [the reply broke off; asking again]');
        started = false;
        warnTurnRetry(event, io);
      },
      onCompaction: (block) => writeLine(io.stderr, `(compacted older history into a summary of ${block.tokens} tokens)`),
    });
    if (started) writeLine(io.stdout);
    else printTurn(turn, session, showThoughts, io);
    reportMemory(turn, io);
  } catch (error) {
    if (started) writeLine(io.stdout);
    const code = (error as { code?: string }).code;
    const message = code === 'agent/aborted' ? 'cancelled; nothing was stored' : `${(error as Error).message}${code ? ` [${code}]` : ''} — nothing was stored, try again`;
    writeLine(io.stderr, `(${message})`);
  }
}
