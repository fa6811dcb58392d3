-- Each organization's crisis checklist and referral resources: null meaning Hearth's defaults.
alter table organizations add column crisis_protocol jsonb;
