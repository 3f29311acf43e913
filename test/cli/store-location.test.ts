import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findProjectFolder, resolveStoreLocation, userDataFolder } from '../../src/store/index.ts';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/index.ts';
import { bareTempDir, privateDataHome, repoRoot, runCli, tempDir } from '../support/cli.ts';

// Where the store lives (issue 13 §7): the nearest .dramatis/ folder up from the working folder, else the per-user
// data folder; --store and DRAMATIS_STORE win; commands that only read create nothing.
let fake: FakeLlm;
beforeAll(async () => { fake = await startFakeLlm(); });
afterAll(async () => { await fake.close(); });
const card = join(repoRoot, 'examples', 'cards', 'mirela.json');
const chat = (cwd: string, env: Record<string, string>, session: string) =>
  runCli(['chat', card, '--model', 'openai-compatible:fake', '--base-url', fake.url, '--message', 'Hello', '--session', session], { cwd, env });
const listed = async (cwd: string, env: Record<string, string>, extra: string[] = []) =>
  (JSON.parse((await runCli([...extra, 'sessions', 'list', '--json'], { cwd, env })).stdout) as { id: string }[]).map((row) => row.id);

describe('where the store is', () => {
  it('is the nearest .dramatis/ folder in the working folder or a parent, as git finds .git', async () => {
    const project = tempDir();
    const deeper = join(project, 'chapters', 'one');
    mkdirSync(deeper, { recursive: true });
    const env = { XDG_DATA_HOME: privateDataHome() };
    expect((await chat(deeper, env, 'p1')).code).toBe(0);
    expect(existsSync(join(project, '.dramatis', 'dramatis.db'))).toBe(true);
    expect(existsSync(join(deeper, '.dramatis'))).toBe(false);
    // The same sessions from any folder of the project.
    expect(await listed(project, env)).toEqual(['p1']);
    expect(await listed(join(project, 'chapters'), env)).toEqual(['p1']);
    const text = await runCli(['sessions', 'list'], { cwd: deeper, env });
    expect(text.stdout.split('\n')[0]).toBe(`Store: ${join(project, '.dramatis', 'dramatis.db')} (the nearest .dramatis/ folder)`);
  });

  it('is the per-user data folder where no .dramatis/ folder is found, the same from every such folder', async () => {
    const data = privateDataHome();
    const [a, b] = [bareTempDir(), bareTempDir()];
    expect(findProjectFolder(a), 'a stray .dramatis/ folder above the temp folder').toBeUndefined();
    expect((await chat(a, { XDG_DATA_HOME: data }, 'u1')).code).toBe(0);
    expect(existsSync(join(data, 'dramatis', 'dramatis.db'))).toBe(true);
    expect(existsSync(join(a, '.dramatis'))).toBe(false);
    expect(await listed(b, { XDG_DATA_HOME: data })).toEqual(['u1']);
    const text = await runCli(['sessions', 'list'], { cwd: b, env: { XDG_DATA_HOME: data } });
    expect(text.stdout).toContain(`Store: ${join(data, 'dramatis', 'dramatis.db')} (the per-user store: no .dramatis/ folder here or above)`);
  });

  it('--store and DRAMATIS_STORE win over both', async () => {
    const project = tempDir();
    const env = { XDG_DATA_HOME: privateDataHome() };
    expect((await chat(project, { ...env, DRAMATIS_STORE: 'env.db' }, 'e1')).code).toBe(0);
    expect((await runCli(['--store', 'flag.db', 'chat', card, '--model', 'openai-compatible:fake', '--base-url', fake.url, '--message', 'Hi', '--session', 'f1'], { cwd: project, env })).code).toBe(0);
    expect(await listed(project, { ...env, DRAMATIS_STORE: 'env.db' })).toEqual(['e1']);
    expect(await listed(project, env, ['--store', 'flag.db'])).toEqual(['f1']);
    expect(await listed(project, env)).toEqual([]);
  });

  it('follows the platform when XDG_DATA_HOME is not set', () => {
    expect(userDataFolder({}, 'linux', '/home/ada')).toBe('/home/ada/.local/share/dramatis');
    expect(userDataFolder({ XDG_DATA_HOME: '/data' }, 'linux', '/home/ada')).toBe('/data/dramatis');
    expect(userDataFolder({ XDG_DATA_HOME: 'relative' }, 'linux', '/home/ada')).toBe('/home/ada/.local/share/dramatis');
    expect(userDataFolder({}, 'darwin', '/Users/ada')).toBe('/Users/ada/Library/Application Support/dramatis');
    expect(userDataFolder({ LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' }, 'win32', 'C:\\Users\\ada')).toBe('C:\\Users\\ada\\AppData\\Local\\dramatis');
    expect(resolveStoreLocation({ env: {}, cwd: bareTempDir(), platform: 'linux', home: '/home/ada' }))
      .toEqual({ path: '/home/ada/.local/share/dramatis/dramatis.db', source: 'user' });
  });
});

describe('commands that only read', () => {
  it('create nothing where there is no store, and say where they looked', async () => {
    const dir = bareTempDir();
    const data = privateDataHome();
    const env = { XDG_DATA_HOME: data };
    const expected = join(data, 'dramatis', 'dramatis.db');
    const list = await runCli(['sessions', 'list'], { cwd: dir, env });
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`Store: ${expected} (the per-user store: no .dramatis/ folder here or above) — nothing stored there yet`);
    expect(list.stdout).toContain('No sessions yet.');
    const runs = await runCli(['scene', 'runs'], { cwd: dir, env });
    expect(runs.stdout).toContain(`No scene runs yet (there is no store at ${expected} yet)`);
    expect((await runCli(['bench', 'runs'], { cwd: dir, env })).code).toBe(0);
    expect((await runCli(['memory', 'list'], { cwd: dir, env })).stdout).toContain('No memories yet.');
    const show = await runCli(['sessions', 'show', 'nope'], { cwd: dir, env });
    expect(show.code).toBe(1);
    expect(show.stderr).toContain(`no session with id 'nope' (there is no store at ${expected} yet)`);
    const exported = await runCli(['scene', 'export', 'nope'], { cwd: dir, env });
    expect(exported.stderr).toContain(`(there is no store at ${expected} yet)`);
    const report = await runCli(['bench', 'report', 'nope'], { cwd: dir, env });
    expect(report.stderr).toContain(`(there is no store at ${expected} yet)`);
    expect(readdirSync(dir)).toEqual([]);
    expect(readdirSync(data)).toEqual([]);
    // Nor with --store naming a file in a folder that does not exist.
    expect((await runCli(['--store', 'runs/here.db', 'scene', 'runs'], { cwd: dir, env })).code).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('store paths that cannot work', () => {
  it('--store /proc/nope/x.db fails at once with a clear error (it looped in mkdir -p before)', async () => {
    const result = await runCli(['--store', '/proc/nope/x.db', 'chat', card, '--model', 'openai-compatible:fake', '--base-url', fake.url, '--message', 'Hi'], { cwd: tempDir() });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot make the folder \/proc\/nope for the store \/proc\/nope\/x\.db: .*ENOENT.*pass --store with another path \[store\/bad-path\]/);
  });

  it('an empty DRAMATIS_STORE or --store is refused instead of opening the working folder', async () => {
    const dir = tempDir();
    const empty = await runCli(['sessions', 'list'], { cwd: dir, env: { DRAMATIS_STORE: '' } });
    expect(empty.code).toBe(1);
    expect(empty.stderr).toBe('error: DRAMATIS_STORE is set but empty; unset it (unset DRAMATIS_STORE) or set it to a file path such as runs/dramatis.db [store/bad-path]\n');
    const flag = await runCli(['--store', '', 'chat', card, '--model', 'openai-compatible:fake', '--base-url', fake.url, '--message', 'Hi'], { cwd: dir });
    expect(flag.code).toBe(1);
    expect(flag.stderr).toContain('--store needs a file path');
  });

  it('a folder, a device or a path under a file are refused with the path', async () => {
    const dir = tempDir();
    const folder = await runCli(['--store', dir, 'sessions', 'list'], { cwd: dir });
    expect(folder.stderr).toContain(`the store path ${dir} is a folder; name a file in it, e.g. --store ${dir}/dramatis.db`);
    const device = await runCli(['--store', '/dev/null', 'chat', card, '--model', 'openai-compatible:fake', '--base-url', fake.url, '--message', 'Hi'], { cwd: dir });
    expect(device.code).toBe(1);
    expect(device.stderr).toContain('the store path /dev/null is not a regular file');
    const underFile = await runCli(['--store', '/etc/passwd/x.db', 'sessions', 'list'], { cwd: dir });
    expect(underFile.code).toBe(1);
    expect(underFile.stderr).toContain('/etc/passwd/x.db');
  });
});
