-- The group agreement (confidentiality and its limits) as each member accepted it on their own
-- device: which version, and when. Null until their first join.
alter table roster_members add column agreement_version text;
alter table roster_members add column agreement_accepted_at timestamptz;
