-- The audit log becomes tamper-evident and says whose it is. Each entry names its organization and
-- is chained, like the records (008): `hash` = SHA-256 (hex) of the canonical JSON (RFC 8785) of
-- {action, actorId, actorRole, at, chainSeq, ip, organizationId, prevHash, target}, `at` as UTC ISO
-- to the millisecond, `prev_hash` the hash of the chain's entry before it. The database refuses to
-- change or delete an entry.

-- The organization is a column, derived from the actor when the entry is written, not a join at
-- read time: it is then covered by the hash (moving an entry to another organization breaks both
-- chains), an administrator reads their own entries without joining accounts and rosters, and the
-- one derivation below serves the entries before this migration and every later one alike.
-- Clinicians belong to their account's organization, members to their group's; a failed sign-in
-- to the organization of the account whose email was tried. An entry of none of these (a failed
-- sign-in for an unknown email, a refused passkey) has no organization: the server's own chain,
-- which the operator verifies with `npm run admin -- verify-audit`.
alter table audit_log add column organization_id uuid references organizations(id);
-- Its place in its organization's chain, from 1 without gaps: a deleted entry leaves a hole.
alter table audit_log add column chain_seq int;
alter table audit_log add column prev_hash text;
alter table audit_log add column hash text;

create function audit_organization_of(actor_role text, actor_id text, action text, target text) returns uuid
  language sql stable as $$
  select case
    when actor_role = 'member' then
      (select g.organization_id from roster_members m join groups g on g.id = m.group_id where m.id::text = actor_id)
    when actor_role = 'anonymous' then
      (select a.organization_id from accounts a where action = 'login.failed' and a.email = target)
    else (select a.organization_id from accounts a where a.id::text = actor_id)
  end
$$;

update audit_log set organization_id = audit_organization_of(actor_role, actor_id, action, target);

update audit_log l set chain_seq = n.seq
  from (select id, row_number() over (partition by organization_id order by id) as seq from audit_log) n
 where n.id = l.id;

-- The entries so far, chained in SQL (PostgreSQL's own sha256, on the server and in PGlite alike).
-- The canonical JSON is spelled out: keys in RFC 8785's order, strings as to_json writes them (the
-- same escapes as JSON.stringify), the number as digits. AuditLog.verify recomputes it in code.
do $$
declare
  r record;
  prev text := null;
  h text;
begin
  for r in
    select id, organization_id, chain_seq, action, actor_id, actor_role, ip, target,
           to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at_iso
      from audit_log order by organization_id nulls first, chain_seq
  loop
    if r.chain_seq = 1 then prev := null; end if;
    h := encode(sha256(convert_to(
      '{"action":' || to_json(r.action)::text ||
      ',"actorId":' || coalesce(to_json(r.actor_id)::text, 'null') ||
      ',"actorRole":' || to_json(r.actor_role)::text ||
      ',"at":' || to_json(r.at_iso)::text ||
      ',"chainSeq":' || r.chain_seq::text ||
      ',"ip":' || coalesce(to_json(r.ip)::text, 'null') ||
      ',"organizationId":' || coalesce(to_json(r.organization_id::text)::text, 'null') ||
      ',"prevHash":' || coalesce(to_json(prev)::text, 'null') ||
      ',"target":' || coalesce(to_json(r.target)::text, 'null') ||
      '}', 'UTF8')), 'hex');
    update audit_log set prev_hash = prev, hash = h where id = r.id;
    prev := h;
  end loop;
end
$$;

alter table audit_log alter column chain_seq set not null;
alter table audit_log alter column hash set not null;

-- One entry per place in each chain: two appends that read the same head cannot both commit, so
-- the chain cannot fork even if the advisory lock were skipped. (The zero uuid stands for "none".)
create unique index audit_log_chain on audit_log ((coalesce(organization_id, '00000000-0000-0000-0000-000000000000'::uuid)), chain_seq);
-- An organization's page of entries, newest first.
create index audit_log_organization on audit_log (organization_id, id desc);

-- Entries are evidence: written once, never changed, deleted or truncated.
create trigger audit_log_append_only
  before update or delete on audit_log
  for each row execute function refuse_change();
create trigger audit_log_no_truncate
  before truncate on audit_log
  for each statement execute function refuse_change();
