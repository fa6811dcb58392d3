export * from './roles.ts';
export * from './errors.ts';
export * from './board/commands.ts';
export * from './board/events.ts';
export * from './board/state.ts';
export * from './board/timer.ts';
export * from './board/evolve.ts';
export * from './board/decide.ts';
export type { Decision } from './board/decision.ts';
export * from './board/visibility.ts';
export * from './board/decideParticipation.ts';
export * from './participation/types.ts';
export * from './safety/types.ts';
export * from './safety/attendance.ts';
export * from './board/decideSafety.ts';
export * from './participation/measures.ts';
export * from './participation/nudges.ts';
export * from './participation/trend.ts';
export { JoinRequest, CommandRequest, LeaveRequest, SessionId, PROTOCOL_VERSION, BOARD_NAMESPACE, MAX_COMMAND_BYTES, MAX_RESUME_EVENTS } from './protocol.ts';
export type {
  EventMessage,
  JoinResult,
  CommandResult,
  LeaveResult,
  ClientToServerEvents,
  ServerToClientEvents,
  PresenceView,
  PresencePerson,
  PresenceState
} from './protocol.ts';
export * from './api.ts';
export * from './notes/shape.ts';
export * from './notes/protocol.ts';
