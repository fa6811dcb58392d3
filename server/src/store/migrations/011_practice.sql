-- Where the organization is: weekly series keep their local time across daylight-saving changes.
alter table organizations add column time_zone text not null default 'UTC';

-- The organization's library of agenda templates (group formats), each item with kind, minutes and
-- the clinicians' private guidance.
create table agenda_templates (
  id uuid primary key,
  organization_id uuid not null references organizations(id) on delete cascade,
  name text not null,
  description text not null default '',
  items jsonb not null,
  created_by uuid references accounts(id),
  created_at timestamptz not null default now()
);
create unique index agenda_templates_name on agenda_templates (organization_id, lower(name));

-- A session cancelled before it ran keeps its row and log, with the status its log gives it.
alter table sessions drop constraint sessions_status_check;
alter table sessions add constraint sessions_status_check check (status in ('scheduled', 'live', 'ended', 'cancelled'));
