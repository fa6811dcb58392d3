-- Which standard measures a group gives on a schedule (PHQ-9, GAD-7) and how often, as the group's
-- facilitators set it: [{ "instrument": "phq-9", "everySessions": 4 }]. Empty: none on a schedule.
alter table groups add column measure_schedule jsonb not null default '[]'::jsonb;
