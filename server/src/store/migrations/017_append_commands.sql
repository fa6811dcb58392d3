-- The board's write path in one statement: a batch of commands (each its idempotency record, its
-- events and the session's summary) appended in one call and one commit. Each command stands or
-- falls alone: a unique violation (another writer took its seqs, or its command id was seen before)
-- undoes that command's rows only, and its place in the batch (0-based) comes back in the answer.
-- The caller then catches up from the log and decides again, as for any conflict.
--
-- batch: [{ "session": uuid, "command": text, "actor": text, "role": text, "lastSeq": int,
--           "title": text, "status": text, "scheduledFor": timestamptz | null,
--           "events": [{ "seq", "member_seq", "private_to", "private_seq", "type", "event" }] }]
create function append_commands(batch jsonb) returns int[] language plpgsql as $$
declare
  cmd jsonb;
  n int := 0;
  refused int[] := '{}';
begin
  for cmd in select value from jsonb_array_elements(batch) loop
    begin
      insert into session_commands (session_id, command_id, actor_id, last_seq)
        values ((cmd->>'session')::uuid, cmd->>'command', cmd->>'actor', (cmd->>'lastSeq')::int);
      insert into session_events (session_id, seq, member_seq, private_to, private_seq, type, event, actor_role, actor_id, command_id)
        select (cmd->>'session')::uuid, e.seq, e.member_seq, e.private_to, e.private_seq, e.type, e.event, cmd->>'role', cmd->>'actor', cmd->>'command'
        from jsonb_to_recordset(cmd->'events') as e(seq int, member_seq int, private_to text, private_seq int, type text, event jsonb);
      update sessions set title = cmd->>'title', status = cmd->>'status', scheduled_for = (cmd->>'scheduledFor')::timestamptz
        where id = (cmd->>'session')::uuid;
    exception when unique_violation then
      refused := refused || n;
    end;
    n := n + 1;
  end loop;
  return refused;
end $$;
