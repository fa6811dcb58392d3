-- Events for one member alone (a resource shared privately) are numbered in that member's private
-- numbering: the n-th such event to a member has private_seq n. They are not in member_seq, so no
-- other member's numbering has a hole where they happened.
alter table session_events add column private_to text;
alter table session_events add column private_seq int;
create unique index session_events_private_seq on session_events (session_id, private_to, private_seq) where private_to is not null;
