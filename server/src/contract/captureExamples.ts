import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PROTOCOL_VERSION, type ClientToServerEvents, type EventMessage, type PresenceView, type ServerToClientEvents, type WireError } from '@hearth/shared';
import { io, type Socket } from 'socket.io-client';
import { startServer, type RunningServer } from '../app.ts';
import { loadConfig } from '../config.ts';
import { DEMO_PASSWORD } from '../demo/seed.ts';
import { createLogger } from '../log.ts';

/**
 * Captures protocol.md's examples from a running server (`npm run docs:examples`): an embedded
 * database with the demo organization, real HTTP requests and real sockets. Each example goes between
 * `<!-- example:NAME SCHEMA -->` and `<!-- /example:NAME -->`, where SCHEMA names the contract's
 * schema it is an instance of (tests validate every example against it). Ids, tokens and times differ
 * from run to run; nothing in an example is typed by hand.
 */

type Board = Socket<ServerToClientEvents, ClientToServerEvents>;
interface Example {
  readonly schema: string;
  readonly value: unknown;
  /** One JSON value per line (for lists of events), rather than one pretty-printed value. */
  readonly lines?: boolean;
}

const examples = new Map<string, Example>();
const keep = (name: string, schema: string, value: unknown, lines = false) => examples.set(name, { schema, value, lines });

async function http(base: string, method: string, path: string, opts: { cookie?: string; body?: unknown } = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(opts.cookie && { cookie: opts.cookie }) },
    ...(opts.body !== undefined && { body: JSON.stringify(opts.body) })
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null, cookie: res.headers.get('set-cookie') };
}

function connect(base: string, auth: { cookie?: string; token?: string }): Promise<Board> {
  const socket: Board = io(`${base}/board`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: auth.cookie ? { cookie: auth.cookie } : {},
    auth: auth.token ? { token: auth.token } : {}
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** Emits a message and waits for its acknowledgement; a join carries the protocol version. */
function ask(socket: Board, name: string, payload: Record<string, unknown>): Promise<unknown> {
  const emitter = socket.timeout(5000) as unknown as { emitWithAck(name: string, payload: unknown): Promise<unknown> };
  return emitter.emitWithAck(name, name === 'join' ? { protocol: PROTOCOL_VERSION, ...payload } : payload);
}

async function scenario(server: RunningServer): Promise<void> {
  const base = server.url;
  keep('health', 'HealthResponse', (await http(base, 'GET', '/api/health')).body);

  const loginBody = { email: 'alex@demo.hearth', password: DEMO_PASSWORD };
  keep('login.request', 'LoginRequest', loginBody);
  const signedIn = await http(base, 'POST', '/api/auth/login', { body: loginBody });
  keep('login.response', 'LoginResponse', signedIn.body);
  keep('login.wrong', 'ErrorBody', (await http(base, 'POST', '/api/auth/login', { body: { ...loginBody, password: 'not it' } })).body);
  keep('login.bad', 'ErrorBody', (await http(base, 'POST', '/api/auth/login', { body: { email: 'alex', password: '' } })).body);
  const alex = signedIn.cookie!.split(';')[0]!;
  const login = async (email: string) => (await http(base, 'POST', '/api/auth/login', { body: { email, password: DEMO_PASSWORD } })).cookie!.split(';')[0]!;
  const sam = await login('sam@demo.hearth');
  const morgan = await login('morgan@demo.hearth');

  keep('me', 'MeResponse', (await http(base, 'GET', '/api/me', { cookie: alex })).body);
  keep('me.signed-out', 'ErrorBody', (await http(base, 'GET', '/api/me')).body);
  keep('groups', 'ListGroupsResponse', (await http(base, 'GET', '/api/groups', { cookie: alex })).body);

  const groupBody = { name: 'Thursday DBT Skills', aliases: ['Robin', 'Heron', 'Fern'], coFacilitatorEmail: 'sam@demo.hearth', supervisorEmail: 'morgan@demo.hearth' };
  keep('create-group.request', 'CreateGroupRequest', groupBody);
  const created = await http(base, 'POST', '/api/groups', { cookie: alex, body: groupBody });
  keep('create-group.response', 'CreateGroupResponse', created.body);
  const groupId = (created.body as { group: { id: string } }).group.id;

  const sessionBody = {
    title: 'Week 7: Distress tolerance',
    scheduledFor: '2026-12-03T17:00:00+01:00',
    agenda: [
      { itemId: 'checkin', title: 'Check-in', kind: 'check-in', plannedMinutes: 10 },
      { itemId: 'tipp', title: 'Skill practice: TIPP', kind: 'skill-practice', plannedMinutes: 20 }
    ]
  };
  keep('create-session.request', 'CreateSessionRequest', sessionBody);
  const scheduled = await http(base, 'POST', `/api/groups/${groupId}/sessions`, { cookie: alex, body: sessionBody });
  keep('create-session.response', 'CreateSessionResponse', scheduled.body);
  const session = (scheduled.body as { session: { id: string } }).session;
  keep('create-session.forbidden', 'ErrorBody', (await http(base, 'POST', `/api/groups/${groupId}/sessions`, { cookie: morgan, body: sessionBody })).body);
  keep('session', 'SessionInfo', (await http(base, 'GET', `/api/sessions/${session.id}`, { cookie: alex })).body);
  keep('settings', 'GroupSettingsResponse', (await http(base, 'GET', `/api/groups/${groupId}/settings`, { cookie: alex })).body);

  const robinRow = (created.body as { group: { members: { id: string; alias: string }[] } }).group.members.find((m) => m.alias === 'Robin')!;
  const issued = await http(base, 'POST', `/api/groups/${groupId}/members/${robinRow.id}/invite`, { cookie: alex });
  keep('issue-invite.response', 'IssuedInvite', issued.body);
  const code = (issued.body as { code: string }).code;
  keep('group-invites', 'GroupInvites', (await http(base, 'GET', `/api/groups/${groupId}/invites`, { cookie: alex })).body);
  keep('invite', 'InviteInfo', (await http(base, 'GET', `/api/invites/${code}`)).body);
  keep('invite.not-valid', 'ErrorBody', (await http(base, 'GET', '/api/invites/not-a-code-of-anyone')).body);
  keep('join-invite.request', 'JoinInviteRequest', { sessionId: session.id });
  const joinedInvite = await http(base, 'POST', `/api/invites/${code}/join`, { body: { sessionId: session.id, acceptAgreement: true } });
  keep('join-invite.response', 'MemberJoinResponse', joinedInvite.body);
  const token = (joinedInvite.body as { token: string }).token;
  keep('admission.request', 'AdmissionRequest', { token });
  keep('admission.waiting', 'AdmissionAnswer', (await http(base, 'POST', `/api/invites/${code}/admission`, { body: { token } })).body);

  const a = await connect(base, { cookie: alex });
  const b = await connect(base, { cookie: sam });
  const sup = await connect(base, { cookie: morgan });
  const member = await connect(base, { token });
  const seen: EventMessage[] = [];
  a.on('event', (m) => seen.push(m));
  const presence = { clinician: null as PresenceView | null, member: null as PresenceView | null };
  a.on('presence', (v) => (presence.clinician = v));
  member.on('presence', (v) => (presence.member = v));

  let n = 0;
  const send = (socket: Board, command: unknown, id = `cmd-${++n}`) => ask(socket, 'command', { sessionId: session.id, id, command });

  keep('join.member.request', 'JoinRequest', { sessionId: session.id, protocol: PROTOCOL_VERSION });
  keep('join.outdated', 'JoinResult', await ask(member, 'join', { sessionId: session.id, protocol: 1 }));
  keep('join.waiting', 'JoinResult', await ask(member, 'join', { sessionId: session.id }));
  await ask(b, 'join', { sessionId: session.id });
  await ask(sup, 'join', { sessionId: session.id });
  const facilitatorJoin = (await ask(a, 'join', { sessionId: session.id })) as { state: { waiting: { requestId: string }[] } };
  keep('join.facilitator.result', 'JoinResult', facilitatorJoin);
  keep('command.admit', 'CommandResult', await send(a, { type: 'admission.admit', requestId: facilitatorJoin.state.waiting[0]!.requestId }));
  keep('admission.admitted', 'AdmissionAnswer', (await http(base, 'POST', `/api/invites/${code}/admission`, { body: { token } })).body);
  const memberJoin = (await ask(member, 'join', { sessionId: session.id })) as { seq: number };
  keep('join.member.result', 'JoinResult', memberJoin);
  keep('join.forbidden', 'JoinResult', await ask(member, 'join', { sessionId: groupId }));

  await send(a, { type: 'agenda.set_guidance', itemId: 'checkin', guidance: 'Invite each member to rate their week 0–10.' });
  keep('command.start', 'CommandRequest', { sessionId: session.id, id: 'start-1', command: { type: 'session.start' } });
  keep('command.ack', 'CommandResult', await send(a, { type: 'session.start' }, 'start-1'));
  keep('command.duplicate', 'CommandResult', await send(a, { type: 'session.start' }, 'start-1'));
  await send(a, { type: 'item.start', itemId: 'checkin' });
  await send(a, { type: 'item.extend', itemId: 'checkin', minutes: 5 });
  await send(a, { type: 'item.pause', itemId: 'checkin' });
  keep('command.rejected', 'CommandResult', await send(a, { type: 'item.pause', itemId: 'checkin' }));
  keep('command.forbidden', 'CommandResult', await send(member, { type: 'item.next' }));
  keep('command.unknown', 'CommandResult', await send(a, { type: 'session.explode' }));
  keep('command.bad', 'CommandResult', await send(a, { type: 'item.resume', itemId: 'checkin', extra: 1 }));
  keep('command.id-taken', 'CommandResult', await send(b, { type: 'item.resume', itemId: 'checkin' }, 'start-1'));
  keep('command.server-only', 'CommandResult', await send(member, { type: 'member.connect' }));
  keep('command.not-joined', 'CommandResult', await ask(a, 'command', { sessionId: groupId, id: 'x1', command: { type: 'session.start' } }));
  keep('unknown-message', 'CommandResult', await ask(a, 'hello', {}));
  await send(a, { type: 'item.resume', itemId: 'checkin' });
  keep('join.member.resume', 'JoinResult', await ask(member, 'join', { sessionId: session.id, lastSeq: memberJoin.seq }));

  await send(member, { type: 'hand.raise' });
  const roster = (await ask(a, 'join', { sessionId: session.id })) as { state: { roster: { memberId: string }[] } };
  const robin = roster.state.roster[0]!.memberId;
  const heron = roster.state.roster[1]!.memberId;
  await send(a, { type: 'floor.give_first_hand' });
  await send(a, { type: 'turn.start', speaker: { kind: 'facilitator' } });
  await send(a, { type: 'turn.end' });
  await send(member, { type: 'hand.raise' });
  await send(a, { type: 'hand.lower', memberId: robin });
  await send(a, { type: 'flag.raise', flagId: 'f1', category: 'safety-risk', severity: 'crisis', memberIds: [robin], note: 'Spoke of not wanting to be here.' });
  await send(sup, { type: 'flag.acknowledge', flagId: 'f1' });
  await send(a, { type: 'flag.check_step', flagId: 'f1', stepId: 'safety' });
  await send(b, { type: 'flag.follow_up', flagId: 'f1', note: 'Met after group; safety plan reviewed.' });
  await send(a, { type: 'flag.resolve', flagId: 'f1', outcome: 'Safety plan in place; on-call informed.' });
  await send(sup, { type: 'cue.send', cueId: 'c1', text: 'Heron has been quiet; invite them in.' });
  await send(b, { type: 'cue.acknowledge', cueId: 'c1' });
  await send(a, { type: 'attendance.correct', memberId: heron, status: 'absent', reason: 'Called in sick.' });
  const privately = new Promise<EventMessage>((resolve) => member.once('private', resolve));
  await send(a, { type: 'resource.share', shareId: 'warmline', title: 'Peer warmline', body: 'Evenings 5–11 pm, free.', url: 'https://example.org/warmline', memberId: robin });
  keep('private.message', 'EventMessage', await privately);
  await send(a, { type: 'measure.open', runId: 'checkin-1', instrument: 'check-in' });
  await send(member, { type: 'measure.answer', runId: 'checkin-1', answers: [6] });
  await send(a, { type: 'measure.close', runId: 'checkin-1' });
  await send(a, { type: 'resource.share', shareId: 'tipp', title: 'TIPP skills handout', body: 'Temperature, intense exercise, paced breathing, paired muscle relaxation.', url: null });
  await send(a, { type: 'participation.configure', settings: { quietFraction: 0.4, quietAfterMinutes: 10, silentMinutes: 15, dominanceMultiple: 2.5 } });
  await send(a, { type: 'agenda.add', item: { itemId: 'breathing', title: 'Paced breathing', kind: 'skill-practice', plannedMinutes: 10 }, position: 1 });
  await send(a, { type: 'agenda.edit', itemId: 'breathing', title: 'Paced breathing (4-7-8)', plannedMinutes: 12 });
  await send(a, { type: 'agenda.reorder', itemIds: ['checkin', 'tipp', 'breathing'] });
  await send(a, { type: 'item.skip', itemId: 'breathing' });
  await send(a, { type: 'agenda.remove', itemId: 'breathing' });
  await send(a, { type: 'item.next' });
  await send(a, { type: 'item.complete', itemId: 'tipp' });
  await send(a, { type: 'item.start', itemId: 'checkin' });
  await send(a, { type: 'session.end' });
  keep('presence.clinician', 'PresenceView', presence.clinician);
  keep('presence.member', 'PresenceView', presence.member);

  keep('event.message', 'EventMessage', seen.find((m) => m.event.type === 'agenda.guidance_set'));
  // The whole log as a facilitator resumes it from the start: the first event of each type.
  const whole = (await ask(a, 'join', { sessionId: session.id, lastSeq: 0 })) as { events: EventMessage[] };
  const firstOfEach = new Map<string, EventMessage>();
  for (const m of whole.events) if (!firstOfEach.has(m.event.type)) firstOfEach.set(m.event.type, m);
  keep('events', 'BoardEvent', [...firstOfEach.values()].map((m) => m.event), true);

  keep('http-command.request', 'HttpCommandRequest', { id: 'http-end-1', command: { type: 'session.end' } });
  keep('http-command.rejected', 'ErrorBody', (await http(base, 'POST', `/api/sessions/${session.id}/commands`, { cookie: alex, body: { id: 'http-end-1', command: { type: 'session.end' } } })).body);

  const protocolError = new Promise<WireError>((resolve) => a.once('protocol_error', resolve));
  // No acknowledgement callback: the server cannot answer through one.
  (a as unknown as { emit(name: string, payload: unknown): void }).emit('command', { sessionId: session.id, id: 'no-ack', command: { type: 'item.next' } });
  keep('protocol-error', 'WireError', await protocolError);
  const revoked = new Promise<WireError>((resolve) => b.once('revoked', resolve));
  await http(base, 'POST', '/api/auth/logout', { cookie: sam });
  keep('revoked', 'WireError', await revoked);
  for (const s of [a, b, sup, member]) s.close();
}

/** JSON laid out for reading: whatever fits in 100 columns stays on one line, the rest opens up. */
function layout(value: unknown, indent = ''): string {
  const flat = JSON.stringify(value);
  if (flat.length + indent.length <= 100 || typeof value !== 'object' || value === null) return flat;
  const inner = `${indent}  `;
  if (Array.isArray(value)) return `[\n${value.map((v) => inner + layout(v, inner)).join(',\n')}\n${indent}]`;
  const entries = Object.entries(value).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${layout(v, inner)}`);
  return `{\n${entries.join(',\n')}\n${indent}}`;
}

function render(example: Example): string {
  const body = example.lines ? (example.value as unknown[]).map((v) => JSON.stringify(v)).join('\n') : layout(example.value);
  return `\`\`\`json\n${body}\n\`\`\``;
}

/** Fills every example marker of `markdown` with its captured example. */
export function fillExamples(markdown: string, captured: ReadonlyMap<string, Example>): string {
  return markdown.replace(/<!-- example:(\S+) (\S+) -->[\s\S]*?<!-- \/example:\1 -->/g, (_all, name: string, schema: string) => {
    const example = captured.get(name);
    if (!example) throw new Error(`protocol.md asks for example ${name}, which the script does not capture`);
    if (example.schema !== schema) throw new Error(`example ${name} is a ${example.schema}, not a ${schema}`);
    return `<!-- example:${name} ${schema} -->\n${render(example)}\n<!-- /example:${name} -->`;
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DEMO: 'true', LOG_LEVEL: 'silent', DATA_DIR: 'memory://' });
  const server = await startServer(config, createLogger('silent'));
  try {
    await scenario(server);
  } finally {
    await server.close();
  }
  const path = fileURLToPath(new URL('../../../docs/protocol.md', import.meta.url));
  writeFileSync(path, fillExamples(readFileSync(path, 'utf8'), examples));
  console.log(`captured ${examples.size} examples into ${path}`);
}
