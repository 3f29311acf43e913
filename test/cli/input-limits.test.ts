import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dramatisProcesses } from '../support/process.ts';
import { repoRoot, runCli, tempDir } from '../support/cli.ts';

const start = dramatisProcesses();
const BOM = '\uFEFF';
const fixtures = join(repoRoot, 'test', 'fixtures', 'bench');

/** A scene whose `setting` is `depth` nested flow sequences: the shape that ran Node out of memory. */
const nestedScene = (depth: number) => `title: T\ncast:\n  - character: { name: Ann }\n  - character: { name: Bob }\nsetting: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
const twoInline = 'title: T\ncast:\n  - character: { name: Ann }\n  - character: { name: Bob }\n';
const utf16le = (text: string) => Buffer.from(text, 'utf16le');

function mkfifo(path: string): void {
  execFileSync('mkfifo', [path]);
}

describe('input files are regular files', () => {
  it('fails at once on a FIFO given as the scene file (it used to wait forever for a writer)', async () => {
    const dir = tempDir();
    mkfifo(join(dir, 'scene.yaml'));
    const child = start(['scene', 'validate', 'scene.yaml'], dir);
    const { code } = await child.done;
    expect(code).toBe(1);
    expect(child.err()).toContain('scene.yaml: a named pipe (FIFO), not a regular file');
    expect(child.err()).toContain('[scene/not-a-file]');
  });

  it('refuses a FIFO as a card, a data file and a memory file', async () => {
    const dir = tempDir();
    for (const name of ['card.json', 'data.json', 'memories.jsonl']) mkfifo(join(dir, name));
    const card = await runCli(['card', 'inspect', 'card.json'], { cwd: dir });
    expect(card.stderr).toContain('card.json: a named pipe (FIFO), not a regular file');
    expect(card.stderr).toContain('[card/not-a-file]');
    const data = await runCli(['bench', 'list', 'tomato', '--stats', '--data', 'data.json'], { cwd: dir });
    expect(data.stderr).toContain('data.json: a named pipe (FIFO), not a regular file');
    expect(data.stderr).toContain('[eval/not-a-file]');
    const memories = await runCli(['memory', 'import', 'memories.jsonl', '--character', 'Ana'], { cwd: dir });
    expect(memories.stderr).toContain('memories.jsonl: a named pipe (FIFO), not a regular file');
    expect(memories.stderr).toContain('[memory/not-a-file]');
    for (const result of [card, data, memories]) expect(result.code).toBe(1);
  });
});

describe('size and YAML limits', () => {
  it('refuses a 5 MB scene file by its size, naming the flag that raises the limit', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'big.yaml'), nestedScene(2_500_000));
    const { code, stderr } = await runCli(['scene', 'validate', 'big.yaml'], { cwd: dir });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(
      'big.yaml: file is 4.8 MiB, over the 4.0 MiB limit for scene files; check it is the right file, '
      + 'or raise the limit with --max-file-mb 5 (or DRAMATIS_MAX_FILE_MB=5) [scene/too-large]',
    );
  });

  it('refuses deeply nested YAML before building it, with the file and line', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'deep.yaml'), nestedScene(200_000));
    const { code, stderr } = await runCli(['scene', 'validate', 'deep.yaml'], { cwd: dir });
    expect(code).toBe(1);
    expect(stderr).toMatch(/deep\.yaml:5:\d+: collections nest deeper than 64 levels; a scene file needs only a few, check the file \[scene\/yaml\]$/m);
    // The same file under a raised limit: still refused by its nesting, not by its size.
    writeFileSync(join(dir, 'deeper.yaml'), nestedScene(2_500_000));
    const raised = await runCli(['--max-file-mb', '16', 'scene', 'validate', 'deeper.yaml'], { cwd: dir });
    expect(raised.stderr).toMatch(/deeper\.yaml:5:\d+: collections nest deeper than 64 levels/);
    const byEnvironment = await runCli(['scene', 'validate', 'deeper.yaml'], { cwd: dir, env: { DRAMATIS_MAX_FILE_MB: '16' } });
    expect(byEnvironment.stderr).toMatch(/deeper\.yaml:5:\d+: collections nest deeper than 64 levels/);
  });

  it('lowers or raises every limit with --max-file-mb, and refuses a bad value as a usage error', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'scene.yaml'), `${twoInline}setting: "${'x'.repeat(1_200_000)}"\n`);
    expect((await runCli(['scene', 'validate', 'scene.yaml'], { cwd: dir })).code).toBe(0);
    const lowered = await runCli(['--max-file-mb', '1', 'scene', 'validate', 'scene.yaml'], { cwd: dir });
    expect(lowered.stderr).toContain('scene.yaml: file is 1.1 MiB, over the 1.0 MiB limit for scene files');
    const bad = await runCli(['--max-file-mb', 'lots', 'scene', 'validate', 'scene.yaml'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--max-file-mb must be a positive number of MiB, not 'lots'");
    const badEnvironment = await runCli(['scene', 'validate', 'scene.yaml'], { cwd: dir, env: { DRAMATIS_MAX_FILE_MB: '0' } });
    expect(badEnvironment.code).toBe(2);
    expect(badEnvironment.stderr).toContain("DRAMATIS_MAX_FILE_MB must be a positive number of MiB, not '0'");
  });

  it('names the file and line of a YAML alias bomb (billion laughs)', async () => {
    const dir = tempDir();
    const lines = ['title: T', 'cast:', '  - character: { name: Ann }', '  - character: { name: Bob }', 'a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let level = 1; level <= 9; level++) lines.push(`a${level}: &a${level} [${Array.from({ length: 9 }, () => `*a${level - 1}`).join(', ')}]`);
    writeFileSync(join(dir, 'laughs.yaml'), `${lines.join('\n')}\n`);
    const { code, stderr } = await runCli(['scene', 'validate', 'laughs.yaml'], { cwd: dir });
    expect(code).toBe(1);
    expect(stderr).toMatch(/laughs\.yaml:6:\d+: aliases expand to too many nodes \(a YAML "billion laughs"\); remove the aliases \(\*name\) or write the values out \[scene\/yaml\]$/m);
  });

  it('bounds turns.max and says so', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'long.yaml'), `${twoInline}turns:\n  max: 100000000\n`);
    const { code, stderr } = await runCli(['scene', 'validate', 'long.yaml'], { cwd: dir });
    expect(code).toBe(1);
    expect(stderr).toContain('long.yaml:6: turns.max: at most 10,000 turns per episode; run several episodes or scenes for longer stories');
  });
});

describe('encodings', () => {
  it('accepts a UTF-8 byte-order mark in JSON, JSONL, CSV and YAML data, benchmark and scene files', async () => {
    const dir = tempDir();
    const withBom = (from: string, name: string) => writeFileSync(join(dir, name), BOM + readFileSync(from, 'utf8'));
    withBom(join(fixtures, 'concept-incongruence', 'full_question.json'), 'questions.json');
    withBom(join(fixtures, 'role-mrc', 'roleMRC_test.jsonl'), 'role.jsonl');
    withBom(join(fixtures, 'persona-eval', 'Drama.csv'), 'Drama.csv');
    for (const [benchmark, file] of [['concept-incongruence', 'questions.json'], ['role-mrc', 'role.jsonl'], ['persona-eval', 'Drama.csv']]) {
      const result = await runCli(['bench', 'list', benchmark, '--stats', '--data', file], { cwd: dir });
      expect(result.stderr, file).toBe('');
      expect(result.code, file).toBe(0);
    }
    withBom(join(repoRoot, 'examples', 'bench', 'judge-agreement.yaml'), 'judge.yaml');
    copyFileSync(join(repoRoot, 'examples', 'bench', 'judge-agreement.jsonl'), join(dir, 'judge-agreement.jsonl'));
    expect((await runCli(['bench', 'list', 'judge.yaml', '--stats'], { cwd: dir })).code).toBe(0);
    writeFileSync(join(dir, 'scene.yaml'), BOM + twoInline);
    expect((await runCli(['scene', 'validate', 'scene.yaml'], { cwd: dir })).code).toBe(0);
    writeFileSync(join(dir, 'memories.jsonl'), `${BOM}{"text": "The lamp needs oil."}\n`);
    expect((await runCli(['memory', 'import', 'memories.jsonl', '--character', 'Ana'], { cwd: dir })).stdout).toMatch(/^1 memories added for Ana/);
  });

  it('says a UTF-16 file without a byte-order mark is UTF-16, never printing its NUL bytes', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'scene.yaml'), utf16le(twoInline));
    writeFileSync(join(dir, 'questions.json'), utf16le(readFileSync(join(fixtures, 'concept-incongruence', 'full_question.json'), 'utf8')));
    writeFileSync(join(dir, 'memories.jsonl'), utf16le('{"text": "The lamp needs oil."}\n'));
    writeFileSync(join(dir, 'card.json'), utf16le(readFileSync(join(repoRoot, 'examples', 'cards', 'mirela.json'), 'utf8')));
    const results = {
      'scene.yaml': await runCli(['scene', 'validate', 'scene.yaml'], { cwd: dir }),
      'questions.json': await runCli(['bench', 'list', 'concept-incongruence', '--stats', '--data', 'questions.json'], { cwd: dir }),
      'memories.jsonl': await runCli(['memory', 'import', 'memories.jsonl', '--character', 'Ana'], { cwd: dir }),
      'card.json': await runCli(['card', 'inspect', 'card.json'], { cwd: dir }),
    };
    for (const [file, result] of Object.entries(results)) {
      expect(result.code, file).toBe(1);
      expect(result.stderr, file).toContain(`${file}: this is UTF-16 text (little-endian, without a byte-order mark), not UTF-8; save it as UTF-8 text`);
      expect(result.stderr + result.stdout, file).not.toContain('\u0000');
    }
  });

  it('reads UTF-16 with a byte-order mark (as Windows tools write it)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'scene.yaml'), utf16le(BOM + twoInline));
    writeFileSync(join(dir, 'questions.json'), utf16le(BOM + readFileSync(join(fixtures, 'concept-incongruence', 'full_question.json'), 'utf8')));
    expect((await runCli(['scene', 'validate', 'scene.yaml'], { cwd: dir })).stdout).toContain('T — conversation');
    expect((await runCli(['bench', 'list', 'concept-incongruence', '--stats', '--data', 'questions.json'], { cwd: dir })).code).toBe(0);
  });

  it('says a binary file is binary', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'scene.yaml'), Buffer.from([0x74, 0x69, 0x74, 0x00, 0x01, 0x02, 0xff, 0x00, 0x10, 0x80, 0x00, 0x00]));
    const { stderr } = await runCli(['scene', 'validate', 'scene.yaml'], { cwd: dir });
    expect(stderr).toContain('scene.yaml: this is binary data (a NUL byte at offset 3), not text; save it as UTF-8 text [scene/encoding]');
  });
});

describe('what a file holds', () => {
  it('reports a data file holding null, a number or a string as such', async () => {
    const dir = tempDir();
    for (const [name, text, shown] of [['null.json', 'null', 'null'], ['number.json', '42', 'a number'], ['text.json', '"hello"', 'a string'], ['object.json', '{}', 'an object']]) {
      writeFileSync(join(dir, name), text);
      const { code, stderr } = await runCli(['bench', 'list', 'tomato', '--stats', '--data', name], { cwd: dir });
      expect(code, name).toBe(1);
      expect(stderr, name).toContain(`${name}: the top level is ${shown}, not an array of records`);
    }
  });

  it('says plainly that a memory file is empty', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'empty.jsonl'), '\n  \n');
    const { code, stdout, stderr } = await runCli(['memory', 'import', 'empty.jsonl', '--character', 'Ana'], { cwd: dir });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('empty.jsonl: the memory file is empty; write one JSON object a line, e.g. {"text": "She keeps the lamp lit."} [memory/empty]');
  });

  it("refuses the project's own package.json as a card, without echoing it", async () => {
    const { code, stdout, stderr } = await runCli(['card', 'inspect', join(repoRoot, 'package.json')]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('package.json: not a character card: a JSON object without "spec" or "data" is read as a V1 card only when it has "name" and at least one of personality, scenario, first_mes, mes_example');
    expect(stderr).toContain('[card/not-a-card]');
    // The file's path may hold the checkout's folder name (`…/dramatis/package.json`); its content must not show.
    expect(stderr.replaceAll(repoRoot, '<repo>')).not.toMatch(/dramatis|TypeScript engine|better-sqlite3/);
  });

  it('does not echo the content of a file that is not JSON', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.json'), 'secret: hunter2, and other private notes');
    writeFileSync(join(dir, 'scene.yaml'), 'title: T\ncast:\n  - card: notes.json\n  - character: { name: Bob }\n');
    for (const args of [['card', 'inspect', 'notes.json'], ['scene', 'validate', 'scene.yaml']]) {
      const { stderr } = await runCli(args, { cwd: dir });
      expect(stderr).toContain('notes.json: the card is not valid JSON at line 1, column 1 (unexpected character \'s\')');
      expect(stderr).not.toMatch(/secret|hunter2|private/);
    }
  });

  it('resolves card paths relative to the scene file, wherever the command runs', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'stories', 'cards'), { recursive: true });
    copyFileSync(join(repoRoot, 'examples', 'cards', 'mirela.json'), join(dir, 'stories', 'cards', 'mirela.json'));
    writeFileSync(join(dir, 'stories', 'scene.yaml'), 'title: T\ncast:\n  - card: cards/mirela.json\n  - character: { name: Bob }\n');
    const fromTop = await runCli(['scene', 'validate', join('stories', 'scene.yaml')], { cwd: dir });
    expect(fromTop.stdout).toContain(`Mirela (${join(dir, 'stories', 'cards', 'mirela.json')})`);
    mkdirSync(join(dir, 'elsewhere'));
    writeFileSync(join(dir, 'stories', 'odd.yaml'), `title: T\ncast:\n  - card: ${join(repoRoot, 'package.json')}\n  - character: { name: Bob }\n`);
    const notACard = await runCli(['scene', 'validate', join('..', 'stories', 'odd.yaml')], { cwd: join(dir, 'elsewhere') });
    expect(notACard.code).toBe(1);
    expect(notACard.stderr).toContain('odd.yaml:3: cast[0]: cannot load the card');
    expect(notACard.stderr).toContain('not a character card');
    expect(notACard.stderr).not.toMatch(/TypeScript engine|better-sqlite3/);
  });
});
