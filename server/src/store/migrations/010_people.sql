-- Colleagues join an organization through a one-time link to set their password, and leave it by
-- deactivation: the account stays (records name it), its logins end and it cannot sign in again.
alter table accounts add column deactivated_at timestamptz;

-- A set-password link: for a new colleague (invite) or a reset. Only the token's HMAC is stored;
-- a link works once, until it expires.
create table password_links (
  id uuid primary key,
  token_hash text not null unique,
  account_id uuid not null references accounts(id) on delete cascade,
  purpose text not null check (purpose in ('invite', 'reset')),
  created_by uuid references accounts(id),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
create index password_links_account on password_links (account_id);
