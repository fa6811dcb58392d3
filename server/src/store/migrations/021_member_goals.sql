-- Members' treatment goals in a group, kept by its facilitators: at most three open per member
-- (enforced by the API). Each session's record rates the open ones; closed goals stay for the history.
create table member_goals (
  id uuid primary key,
  group_id uuid not null references groups(id),
  member_id uuid not null references roster_members(id),
  text text not null,
  target text not null default '',
  review_on date,
  created_by uuid,
  created_at timestamptz not null default now(),
  closed_at timestamptz
);
create index member_goals_member on member_goals (member_id, created_at);
