-- Rosters over time: a member discharged on a date with a reason keeps their history (and their
-- row, which records name) but leaves the roster of sessions not yet run; re-admission undoes it.
alter table roster_members add column discharged_on date;
alter table roster_members add column discharge_reason text;

create table roster_changes (
  id bigserial primary key,
  group_id uuid not null references groups(id) on delete cascade,
  member_id uuid not null references roster_members(id) on delete cascade,
  change text not null check (change in ('added', 'discharged', 'readmitted')),
  effective_on date not null,
  reason text not null default '',
  by_account uuid references accounts(id),
  at timestamptz not null default now()
);

-- A closed group takes new members only before its first session (or with a reason); a size above
-- which Hearth warns (12 is the usual ceiling for billable group psychotherapy).
alter table groups add column closed boolean not null default false;
alter table groups add column max_size int not null default 12;
