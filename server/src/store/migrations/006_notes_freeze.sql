-- When a session's record draft was taken, its notes were frozen: from then on the document is
-- read-only for everyone, and what the record holds is what the notes said at that moment.
create table notes_freezes (
  session_id uuid primary key references sessions(id),
  frozen_at timestamptz not null default now(),
  frozen_by uuid references accounts(id)
);
