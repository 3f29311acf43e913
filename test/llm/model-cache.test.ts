import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listCachedModels, modelCacheDir } from '../../src/llm/local/model-cache.ts';

describe('modelCacheDir', () => {
  it('prefers DRAMATIS_MODELS_DIR, then XDG_CACHE_HOME, then the platform cache', () => {
    const env = { DRAMATIS_MODELS_DIR: '/data/models', XDG_CACHE_HOME: '/xdg' };
    expect(modelCacheDir(env, 'linux', '/home/ada')).toBe('/data/models');
    expect(modelCacheDir({ ...env, DRAMATIS_MODELS_DIR: '' }, 'linux', '/home/ada')).toBe('/xdg/dramatis/models');
    expect(modelCacheDir({}, 'linux', '/home/ada')).toBe('/home/ada/.cache/dramatis/models');
  });

  it('ignores a relative XDG_CACHE_HOME, as the XDG spec asks', () => {
    expect(modelCacheDir({ XDG_CACHE_HOME: 'cache' }, 'linux', '/home/ada')).toBe('/home/ada/.cache/dramatis/models');
  });

  it('uses Library/Caches on macOS and LOCALAPPDATA on Windows', () => {
    expect(modelCacheDir({}, 'darwin', '/Users/ada')).toBe('/Users/ada/Library/Caches/dramatis/models');
    expect(modelCacheDir({ LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' }, 'win32', 'C:\\Users\\ada')).toBe(
      'C:\\Users\\ada\\AppData\\Local\\dramatis\\models',
    );
    expect(modelCacheDir({}, 'win32', 'C:\\Users\\ada')).toBe('C:\\Users\\ada\\AppData\\Local\\dramatis\\models');
  });

  it('reads the real environment by default', () => {
    expect(modelCacheDir({ DRAMATIS_MODELS_DIR: '/m' })).toBe('/m');
    expect(path.isAbsolute(modelCacheDir({}))).toBe(true);
  });
});

describe('listCachedModels', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'dramatis-cache-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('lists complete models and resumable parts, with sizes, by name', async () => {
    await writeFile(path.join(dir, 'small.gguf'), Buffer.alloc(1_000));
    await writeFile(path.join(dir, 'big.gguf.part'), Buffer.alloc(250));
    await writeFile(path.join(dir, 'notes.txt'), 'not a model');
    await mkdir(path.join(dir, 'hf', 'owner'), { recursive: true });
    await writeFile(path.join(dir, 'hf', 'owner', 'Model.GGUF'), Buffer.alloc(10));
    await symlink(path.join(dir, 'missing.gguf'), path.join(dir, 'dangling.gguf'));

    const models = await listCachedModels(dir);
    expect(models.map(({ modifiedAt, ...rest }) => rest)).toEqual([
      { name: 'big.gguf', path: path.join(dir, 'big.gguf.part'), bytes: 250, complete: false },
      { name: 'hf/owner/Model.GGUF', path: path.join(dir, 'hf', 'owner', 'Model.GGUF'), bytes: 10, complete: true },
      { name: 'small.gguf', path: path.join(dir, 'small.gguf'), bytes: 1_000, complete: true },
    ]);
    expect(models.every((model) => model.modifiedAt instanceof Date)).toBe(true);
  });

  it('lists nothing when the directory does not exist yet', async () => {
    expect(await listCachedModels(path.join(dir, 'absent'))).toEqual([]);
  });
});
