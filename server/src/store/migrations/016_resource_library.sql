-- An organization's resource library: what facilitators give members (shared on a board, the
-- board's log records who got what and when).
create table library_resources (
  id uuid primary key,
  organization_id uuid not null references organizations(id) on delete cascade,
  title text not null,
  body text not null,
  url text,
  created_by uuid references accounts(id),
  created_at timestamptz not null default now()
);
create index library_resources_organization on library_resources (organization_id, lower(title));
