-- Co-facilitator notes: each session's Yjs document as a short list of Yjs updates. Saving writes
-- the whole document as one row and deletes, in the same transaction, exactly the rows that row
-- contains; merging updates is idempotent, so any mix of old and new rows loads to the same text.
create table notes_updates (
  session_id uuid not null references sessions(id),
  id bigserial not null,
  update bytea not null,
  created_at timestamptz not null default now(),
  primary key (session_id, id)
);
