-- Session records. A record is drawn from the session's log and notes (records: the review's edits
-- and overrides beside it) and signed; once every required signature is on it, it becomes an entry
-- of its group's chain (record_entries), which nothing may change or delete: changes are addenda,
-- entries of the same chain.

-- Clinicians' credentials (LCSW, LMFT, PhD, …) for the signature block.
alter table accounts add column credentials text not null default '';
-- Whether the group's records need its supervisor's co-signature (on by default).
alter table groups add column supervisor_cosign boolean not null default true;

create table records (
  id uuid primary key,
  session_id uuid not null unique references sessions(id),
  group_id uuid not null references groups(id),
  status text not null check (status in ('draft', 'final')),
  -- Review's changes on top of what the log and notes give: the summary and narratives as edited.
  edits jsonb not null default '{}',
  -- Mentions of another member's alias that a clinician said do not refer to that member, with why.
  overrides jsonb not null default '[]',
  created_by uuid references accounts(id),
  created_at timestamptz not null default now(),
  finalized_at timestamptz
);

create table record_signatures (
  id bigserial primary key,
  record_id uuid not null references records(id),
  signer uuid not null references accounts(id),
  meaning text not null check (meaning in ('author', 'co-author', 'reviewed-and-approved')),
  printed_name text not null,
  credentials text not null,
  -- The SHA-256 of the canonical JSON of the content the signer saw: a signature signs only that.
  content_hash text not null,
  signed_at timestamptz not null default now(),
  -- An edit after signing removes the signature (kept, with why, so the signer sees it).
  removed_at timestamptz,
  removed_reason text
);
create index record_signatures_record on record_signatures (record_id);

-- The chain of each group's final records and addenda. `body` is the canonical JSON (RFC 8785) that
-- was hashed, byte for byte; `hash` = SHA-256 of the canonical JSON of
-- {bodyHash, chainSeq, groupId, kind, prevHash, recordId}; `prev_hash` the group's previous entry's.
create table record_entries (
  id uuid primary key,
  group_id uuid not null references groups(id),
  chain_seq int not null,
  kind text not null check (kind in ('record', 'addendum')),
  record_id uuid not null references records(id),
  body text not null,
  body_hash text not null,
  prev_hash text,
  hash text not null,
  created_at timestamptz not null default now(),
  unique (group_id, chain_seq)
);
create index record_entries_record on record_entries (record_id, chain_seq);

-- Entries are evidence: written once, never changed or deleted.
create trigger record_entries_insert_only
  before update or delete on record_entries
  for each row execute function refuse_change();

-- A final record, and its signatures, are frozen with it.
create function refuse_change_when_final() returns trigger language plpgsql as $$
begin
  raise exception 'records are final: % on % refused', tg_op, tg_table_name using errcode = 'P0001';
end;
$$;
create trigger records_final_frozen
  before update or delete on records
  for each row when (old.status = 'final')
  execute function refuse_change_when_final();
create function refuse_signature_change_when_final() returns trigger language plpgsql as $$
begin
  if exists (select 1 from records where id = old.record_id and status = 'final') then
    raise exception 'records are final: % on record_signatures refused', tg_op using errcode = 'P0001';
  end if;
  return coalesce(new, old);
end;
$$;
create trigger record_signatures_final_frozen
  before update or delete on record_signatures
  for each row execute function refuse_signature_change_when_final();
