/** Versioned schema migrations for the SQLite store; append only, never edit a released one. */
export const sqliteMigrations: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'episodes, events, response cache, usage',
    sql: `
      CREATE TABLE episodes (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        title TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        meta TEXT NOT NULL
      );
      CREATE TABLE events (
        id TEXT PRIMARY KEY,
        episode_id TEXT NOT NULL REFERENCES episodes(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        actor TEXT NOT NULL,
        text TEXT NOT NULL,
        data TEXT,
        visibility TEXT NOT NULL,
        UNIQUE (episode_id, seq)
      );
      CREATE TABLE response_cache (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE usage (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        episode_id TEXT,
        model TEXT NOT NULL,
        input_tokens INTEGER NOT NULL,
        output_tokens INTEGER NOT NULL,
        cached_input_tokens INTEGER NOT NULL DEFAULT 0,
        cached INTEGER NOT NULL,
        at TEXT NOT NULL
      );
      CREATE INDEX usage_episode ON usage (episode_id);
    `,
  },
  {
    version: 2,
    name: 'runs and their jobs; usage per run',
    sql: `
      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        title TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        meta TEXT NOT NULL
      );
      CREATE TABLE run_jobs (
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        idx INTEGER NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        input TEXT NOT NULL,
        result TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (run_id, id)
      );
      CREATE INDEX run_jobs_order ON run_jobs (run_id, idx);
      ALTER TABLE usage ADD COLUMN run_id TEXT;
      CREATE INDEX usage_run ON usage (run_id);
    `,
  },
  {
    version: 3,
    name: 'job inputs in their own table: a status update rewrites a small row, not the job input',
    sql: `
      CREATE TABLE run_job_inputs (
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        input TEXT NOT NULL,
        PRIMARY KEY (run_id, id)
      );
      INSERT INTO run_job_inputs (run_id, id, input) SELECT run_id, id, input FROM run_jobs;
      ALTER TABLE run_jobs DROP COLUMN input;
    `,
  },
  {
    version: 4,
    name: 'character memories, with a full-text index of their texts',
    sql: `
      CREATE TABLE memories (
        id TEXT PRIMARY KEY,
        character TEXT NOT NULL,
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL,
        text TEXT NOT NULL,
        at TEXT NOT NULL,
        source_event_ids TEXT NOT NULL,
        importance REAL,
        emotion BLOB,
        embedding BLOB,
        embedding_model TEXT,
        dimension INTEGER,
        UNIQUE (character, seq)
      );
      -- Bumped by every write to a character's memories, so an in-process copy of its vectors knows it is stale.
      CREATE TABLE memory_revisions (character TEXT PRIMARY KEY, revision INTEGER NOT NULL);
      CREATE VIRTUAL TABLE memories_fts USING fts5(text, content='memories', content_rowid='rowid', tokenize='porter unicode61');
      CREATE TRIGGER memories_fts_insert AFTER INSERT ON memories BEGIN
        INSERT INTO memories_fts (rowid, text) VALUES (new.rowid, new.text);
      END;
      CREATE TRIGGER memories_fts_delete AFTER DELETE ON memories BEGIN
        INSERT INTO memories_fts (memories_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
      END;
    `,
  },
  {
    version: 5,
    name: 'memory owners: a chat user\'s memories are recalled in that user\'s sessions only; NULL is shared',
    sql: `
      ALTER TABLE memories ADD COLUMN owner TEXT;
      CREATE INDEX memories_owner ON memories (character, owner);
    `,
  },
];
