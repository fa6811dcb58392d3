-- Devices that receive crisis alerts by Web Push: one row per browser subscription, per clinician.
create table push_subscriptions (
  endpoint text primary key,
  account_id uuid not null references accounts(id) on delete cascade,
  p256dh text not null,
  auth text not null,
  created_at timestamptz not null default now()
);
create index push_subscriptions_account on push_subscriptions (account_id);

-- The stock protocol once carried a "Set your organization's number" entry in place of a local
-- crisis line; a live crisis must never show it (the settings and home pages flag the gap instead).
update organizations
   set crisis_protocol = jsonb_set(
         crisis_protocol, '{resources}',
         coalesce((select jsonb_agg(r) from jsonb_array_elements(crisis_protocol->'resources') r
                    where r->>'contact' not ilike 'set your organi%'), '[]'::jsonb))
 where crisis_protocol is not null;
