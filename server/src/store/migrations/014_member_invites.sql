-- Members' personal invites: one code per member per group, only its HMAC kept. A newer code
-- replaces the one before (revoked_at set); revoking a code also ends the member tokens it issued.
create table member_invites (
  id uuid primary key,
  group_id uuid not null references groups(id) on delete cascade,
  member_id uuid not null references roster_members(id) on delete cascade,
  code_hash text not null unique,
  created_by uuid references accounts(id),
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
create unique index member_invites_current on member_invites (member_id) where revoked_at is null;

alter table member_tokens add column invite_id uuid references member_invites(id);
create index member_tokens_invite on member_tokens (invite_id) where invite_id is not null;

-- The waiting room is the default (the telehealth convention); a group may let a member's first device straight in.
alter table groups add column admit_automatically boolean not null default false;
