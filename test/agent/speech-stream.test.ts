import { describe, expect, it } from 'vitest';
import { completedAction, completedThought, SpeechStream } from '../../src/agent/speech-stream.ts';

/** Feeds `text` to a SpeechStream one character at a time, as the worst-case stream would. */
function streamByChar(text: string, mode: 'json' | 'tagged'): string {
  const stream = new SpeechStream(mode);
  let out = '';
  for (let i = 1; i <= text.length; i++) out += stream.push(text.slice(0, i));
  return out;
}

const thought = { belief: 'a {brace} and a "quote"', intention: 'i', desire: 'd', emotion: 'e', knowledge: 'k' };

describe('SpeechStream', () => {
  it('decodes JSON escapes split across chunks, including \\u escapes', () => {
    const raw = JSON.stringify({ thought, action: '', speech: 'Line one\nLine "two" — café \u00e9 \\ end' }).replace('é', '\\u00e9');
    expect(streamByChar(raw, 'json')).toBe('Line one\nLine "two" — café é \\ end');
  });

  it('never emits the start of the closing tag in tagged mode', () => {
    const raw = '<thought>\nbelief: b\n</thought>\n<speech>  Hello <there> friend.</speech>';
    const out: string[] = [];
    const stream = new SpeechStream('tagged');
    for (let i = 1; i <= raw.length; i++) out.push(stream.push(raw.slice(0, i)));
    expect(out.join('')).toBe('Hello <there> friend.');
    expect(out.some((piece) => piece.includes('</'))).toBe(false);
  });

  it('emits nothing before the speech starts', () => {
    expect(new SpeechStream('json').push('{"thought": {"belief": "speech is silver')).toBe('');
  });
});

describe('completed parts while streaming', () => {
  it('reads the action and the thought once they have closed', () => {
    const raw = JSON.stringify({ thought, action: 'bows "low"', speech: 'Hi' });
    const cut = raw.indexOf('"speech"');
    expect(completedThought(raw.slice(0, cut), 'json')).toEqual(thought);
    expect(completedAction(raw.slice(0, cut), 'json')).toBe('bows "low"');
    expect(completedThought(raw.slice(0, raw.indexOf('"intention"')), 'json')).toBeUndefined();
    expect(completedAction('{"action": "bows', 'json')).toBeUndefined();
  });

  it('reads them from the tagged format', () => {
    const raw = '<thought>\nbelief: b\nintention: i\ndesire: d\nemotion: e\nknowledge: k\n</thought>\n<action>waves</action>\n<speech>Hel';
    expect(completedThought(raw, 'tagged')).toEqual({ belief: 'b', intention: 'i', desire: 'd', emotion: 'e', knowledge: 'k' });
    expect(completedAction(raw, 'tagged')).toBe('waves');
    expect(completedThought('<thought>\nbelief: b', 'tagged')).toBeUndefined();
  });
});
