-- Members number their events apart: the n-th event a member may see has member_seq n. A member's
-- device then learns nothing from the global seq about clinician-only events in between.
alter table session_events add column member_seq int;
create unique index session_events_member_seq on session_events (session_id, member_seq) where member_seq is not null;
