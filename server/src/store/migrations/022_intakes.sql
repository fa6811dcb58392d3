-- Intakes of prospective members of a group, by its clinicians: readiness, contraindications and the
-- decision with its reason. Clinical content: never shown to members, never in a session record.
create table intakes (
  id uuid primary key,
  group_id uuid not null references groups(id),
  alias text not null,
  referral_source text not null default '',
  goals text not null default '',
  readiness jsonb not null default '[]'::jsonb,
  contraindications jsonb not null default '[]'::jsonb,
  decision text check (decision in ('admit', 'defer', 'refer')),
  reason text not null default '',
  decided_by uuid references accounts(id),
  decided_at timestamptz,
  created_by uuid references accounts(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index intakes_group on intakes (group_id, created_at);
