-- Accounts, groups and rosters; sessions and their append-only event log; auth sessions and member tokens.

create table organizations (
  id uuid primary key,
  name text not null,
  created_at timestamptz not null default now()
);

create table accounts (
  id uuid primary key,
  organization_id uuid not null references organizations(id),
  email text not null unique,
  display_name text not null,
  password_hash text not null,
  created_at timestamptz not null default now()
);

create table auth_sessions (
  id uuid primary key,
  token_hash text not null unique,
  account_id uuid not null references accounts(id) on delete cascade,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz
);

create table groups (
  id uuid primary key,
  organization_id uuid not null references organizations(id),
  name text not null,
  created_by uuid references accounts(id),
  created_at timestamptz not null default now()
);

create table group_staff (
  group_id uuid not null references groups(id) on delete cascade,
  account_id uuid not null references accounts(id) on delete cascade,
  role text not null check (role in ('facilitator', 'supervisor')),
  primary key (group_id, account_id)
);

-- Members are known by alias only: Hearth stores no real names of members.
create table roster_members (
  id uuid primary key,
  group_id uuid not null references groups(id) on delete cascade,
  alias text not null,
  position int not null
);
create unique index roster_members_alias on roster_members (group_id, lower(alias));

-- A session's title and status are facts of its event log; these columns are a summary kept in
-- the same transaction as the events, for listing sessions without folding every log.
create table sessions (
  id uuid primary key,
  group_id uuid not null references groups(id),
  invite_code text not null unique,
  title text not null,
  status text not null check (status in ('scheduled', 'live', 'ended')),
  scheduled_for timestamptz,
  created_by uuid references accounts(id),
  created_at timestamptz not null default now()
);
create index sessions_group on sessions (group_id, created_at desc);

-- The board's log. The primary key (session_id, seq) is the sequencer: an instance appends at
-- last + 1 and a unique violation means another instance went first.
create table session_events (
  session_id uuid not null references sessions(id),
  seq int not null check (seq > 0),
  type text not null,
  event jsonb not null,
  actor_role text not null,
  actor_id text not null,
  command_id text not null,
  recorded_at timestamptz not null default now(),
  primary key (session_id, seq)
);

create function refuse_change() returns trigger language plpgsql as $$
begin
  raise exception '% is append-only', tg_table_name using errcode = '42501';
end
$$;

create trigger session_events_append_only
  before update or delete on session_events
  for each row execute function refuse_change();

-- Idempotency: a command id seen once is answered from here, never applied again.
create table session_commands (
  session_id uuid not null references sessions(id),
  command_id text not null,
  actor_id text not null,
  last_seq int not null,
  recorded_at timestamptz not null default now(),
  primary key (session_id, command_id)
);

create table member_tokens (
  id uuid primary key,
  token_hash text not null unique,
  session_id uuid not null references sessions(id),
  member_id uuid not null references roster_members(id),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz
);

-- Server-wide settings, such as the generated token-hashing secret shared by every instance.
create table settings (
  key text primary key,
  value text not null
);

-- Who did what, when, from where. Never clinical content.
create table audit_log (
  id bigserial primary key,
  at timestamptz not null default now(),
  actor_role text not null,
  actor_id text,
  action text not null,
  target text,
  ip text
);
