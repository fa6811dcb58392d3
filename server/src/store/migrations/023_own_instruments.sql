-- An organization's own instruments (entered by its clinicians, e.g. under a licence it holds), and a
-- group's wording of the check-in and check-out: what its sessions offer beside the built-in measures.
create table organization_instruments (
  organization_id uuid not null references organizations(id),
  key text not null,
  definition jsonb not null,
  created_by uuid references accounts(id),
  created_at timestamptz not null default now(),
  primary key (organization_id, key)
);
alter table groups add column measure_wording jsonb not null default '{"checkIn":null,"checkOut":null}'::jsonb;
