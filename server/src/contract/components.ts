import * as S from '@hearth/shared';
import { z } from 'zod';

/** A JSON Schema (or a fragment of one), as generated. */
export type JsonSchema = { [key: string]: unknown };

// The server parses `command` itself (to tell UNKNOWN_COMMAND from BAD_REQUEST); what it accepts is a Command.
const DOCUMENTED_COMMAND_REQUEST = S.CommandRequest.extend({ command: S.Command });
const DOCUMENTED_HTTP_COMMAND_REQUEST = S.HttpCommandRequest.extend({ command: S.Command });

/** The documents' idea of a request body: the route's parse schema, or for commands its documented form. */
export function documentedBody(name: S.RouteName): z.ZodType | undefined {
  const route: S.RouteSpec = S.API_ROUTES[name];
  return route.body === S.HttpCommandRequest ? DOCUMENTED_HTTP_COMMAND_REQUEST : route.body;
}

/** The socket's command message as documented. */
export const documentedCommandRequest = (): z.ZodType => DOCUMENTED_COMMAND_REQUEST;

/** The zod schemas the contract names, each once, with the id the documents refer to it by. */
export function namedSchemas(): Map<z.ZodType, string> {
  const named = new Map<z.ZodType, string>();
  const ids = new Set<string>();
  const add = (id: string, schema: z.ZodType) => {
    if (named.has(schema)) return;
    if (ids.has(id)) throw new Error(`two schemas are named ${id}`);
    ids.add(id);
    named.set(schema, id);
  };
  for (const [id, schema] of Object.entries({
    WireError: S.WireError,
    ErrorBody: S.ErrorBody,
    Role: S.Role,
    ItemKind: S.ItemKind,
    NewItem: S.NewItem,
    PlannedItem: S.PlannedItem,
    RosterEntry: S.RosterEntry,
    Speaker: S.Speaker,
    ParticipationSettings: S.ParticipationSettings,
    CrisisStep: S.CrisisStep,
    CrisisResource: S.CrisisResource,
    CrisisProtocol: S.CrisisProtocol,
    FlagCategory: S.FlagCategory,
    FlagSeverity: S.FlagSeverity,
    AttendanceStatus: S.AttendanceStatus
  })) add(id, schema);
  for (const variant of S.Command.options) add(`Command.${variant.shape.type.value}`, variant);
  add('Command', S.Command);
  for (const variant of S.BoardEvent.options) add(`Event.${variant.shape.type.value}`, variant);
  for (const [id, schema] of Object.entries({
    BoardEvent: S.BoardEvent,
    AgendaItem: S.AgendaItem,
    MemberAgendaItem: S.MemberAgendaItem,
    Turn: S.Turn,
    Flag: S.Flag,
    Cue: S.Cue,
    MemberAttendance: S.MemberAttendance,
    BoardState: S.BoardState,
    MemberBoardView: S.MemberBoardView,
    BoardView: S.BoardView,
    JoinRequest: S.JoinRequest,
    CommandRequest: DOCUMENTED_COMMAND_REQUEST,
    LeaveRequest: S.LeaveRequest,
    EventMessage: S.EventMessage,
    JoinResult: S.JoinResult,
    CommandResult: S.CommandResult,
    LeaveResult: S.LeaveResult,
    PresencePerson: S.PresencePerson,
    PresenceView: S.PresenceView,
    CrisisAlert: S.CrisisAlert,
    LoginTimes: S.LoginTimes,
    PushSubscription: S.PushSubscriptionBody,
    LoginRequest: S.LoginRequest,
    CreateGroupRequest: S.CreateGroupRequest,
    CreateSessionRequest: S.CreateSessionRequest,
    JoinInviteRequest: S.JoinInviteRequest,
    HttpCommandRequest: DOCUMENTED_HTTP_COMMAND_REQUEST,
    HttpCommandResponse: S.HttpCommandResponse,
    Me: S.Me,
    SessionSummary: S.SessionSummary,
    GroupSummary: S.GroupSummary,
    StaffMember: S.StaffMember,
    SessionInfo: S.SessionInfo,
    InviteInfo: S.InviteInfo,
    MemberJoinResponse: S.MemberJoinResponse,
    IssuedInvite: S.IssuedInvite,
    GroupInvites: S.GroupInvites,
    AdmissionRequest: S.AdmissionRequest,
    AdmissionAnswer: S.AdmissionAnswer,
    HealthResponse: S.HealthResponse
  })) add(id, schema);
  // Each route's own request and response wrappers ({ me }, { groups }, …), named after the route.
  for (const [name, route] of Object.entries(S.API_ROUTES) as [S.RouteName, S.RouteSpec][]) {
    const pascal = name[0]!.toUpperCase() + name.slice(1);
    const body = documentedBody(name);
    if (body) add(`${pascal}Request`, body);
    for (const schema of Object.values(route.responses)) if (schema) add(`${pascal}Response`, schema);
  }
  return named;
}

const SAFE_BOUNDS = new Set([Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]);

/** Drops what zod adds that the documents do not need: `$schema`, `$id`, and the safe-integer bounds of every int. */
function tidy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(tidy);
  if (typeof value !== 'object' || value === null) return value;
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '$schema' || k === '$id') continue;
    if ((k === 'minimum' || k === 'maximum') && typeof v === 'number' && SAFE_BOUNDS.has(v)) continue;
    out[k] = tidy(v);
  }
  return out;
}

/**
 * Every named schema as JSON Schema, referring to each other under `base` (`#/components/schemas/`).
 * The same schemas describe what clients send and what the server answers: a schema whose input and
 * output differ (a transform) would make the two disagree, so generation refuses it.
 */
export function jsonSchemas(target: 'draft-2020-12' | 'draft-07', base: string): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [schema, id] of namedSchemas()) registry.add(schema, { id });
  const generate = (io: 'input' | 'output') =>
    z.toJSONSchema(registry, { target, io, uri: (id) => `${base}${id}`, unrepresentable: 'throw' }).schemas;
  const output = generate('output');
  const input = generate('input');
  for (const id of Object.keys(output)) {
    if (JSON.stringify(output[id]) !== JSON.stringify(input[id])) throw new Error(`${id}: its input and output schemas differ (a transform?)`);
  }
  const tidied: Record<string, JsonSchema> = {};
  for (const id of Object.keys(output).sort(byKind)) tidied[id] = tidy(output[id]) as JsonSchema;
  return tidied;
}

/** Plain names first, then commands, then events: the order a reader looks things up in. */
function byKind(a: string, b: string): number {
  const rank = (id: string) => (id.startsWith('Command.') ? 1 : id.startsWith('Event.') ? 2 : 0);
  return rank(a) - rank(b) || a.localeCompare(b);
}
