-- When to nudge facilitators about participation balance: per group, null meaning the defaults.
alter table groups add column participation_settings jsonb;
