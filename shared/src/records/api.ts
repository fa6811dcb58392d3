import { z } from 'zod';
import { Id, type Frozen } from '../roles.ts';
import { MentionOverride, RecordGuard } from './guards.ts';
import { RecordContent } from './record.ts';

/** What a signature means (21 CFR 11.50): who signed, and as what. */
export const SignatureMeaning = z.enum(['author', 'co-author', 'reviewed-and-approved']);
export type SignatureMeaning = z.infer<typeof SignatureMeaning>;

/** A signature: the signer's printed name, credentials, when, what it means, and the hash it signs. */
export const RecordSignature = z
  .object({
    signer: z.string().describe('The signer\'s account id.'),
    name: z.string(),
    credentials: z.string(),
    meaning: SignatureMeaning,
    signedAt: z.string().describe('ISO 8601 in UTC.'),
    contentHash: z.string().describe('SHA-256 (hex) of the canonical JSON (RFC 8785) of the content the signer saw.')
  })
  .strict();
export type RecordSignature = Frozen<z.infer<typeof RecordSignature>>;

/** A signature taken off because what it signed changed; kept so the signer sees why. */
export const RemovedSignature = RecordSignature.extend({ removedAt: z.string(), reason: z.string() });

/** One signature the record still needs, and who may give it. */
export const RequiredSignature = z
  .object({ meaning: SignatureMeaning, eligible: z.array(z.string()).describe('Account ids who may give it.'), signedBy: z.string().nullable() })
  .strict();

/** A final record's or an addendum's place in its group's chain. */
export const ChainEntry = z
  .object({
    entryId: z.string(),
    chainSeq: z.number().int().positive(),
    bodyHash: z.string().describe('SHA-256 of `body`, the canonical JSON as stored.'),
    prevHash: z.string().nullable().describe('The group\'s previous entry\'s hash; null for its first.'),
    hash: z.string().describe('SHA-256 of the canonical JSON of {bodyHash, chainSeq, groupId, kind, prevHash, recordId}.'),
    createdAt: z.string()
  })
  .strict();

/** An addendum: a labelled, dated, signed entry after the record was final; the original stays as it was. */
export const Addendum = z
  .object({
    entry: ChainEntry,
    author: z.object({ accountId: z.string(), name: z.string(), credentials: z.string() }).strict(),
    reason: z.string(),
    text: z.string(),
    writtenAt: z.string()
  })
  .strict();

/** A record as its clinicians review it: the content, what blocks signing, the signatures, its chain entry once final. */
export const RecordView = z
  .object({
    recordId: z.string(),
    sessionId: z.string(),
    groupId: z.string(),
    status: z.enum(['draft', 'final']),
    content: RecordContent,
    contentHash: z.string(),
    guards: z.array(RecordGuard).describe('What blocks signing; empty once dealt with.'),
    overrides: z.array(MentionOverride),
    signatures: z.array(RecordSignature),
    removedSignatures: z.array(RemovedSignature),
    required: z.array(RequiredSignature),
    you: z
      .object({
        mayEdit: z.boolean(),
        signAs: SignatureMeaning.nullable().describe('What your signature would mean now; null when you may not sign.'),
        signed: z.boolean()
      })
      .strict(),
    final: ChainEntry.nullable(),
    addenda: z.array(Addendum)
  })
  .strict();
export type RecordView = Frozen<z.infer<typeof RecordView>>;

export const NarrativeEdit = z.object({ narrative: z.string().max(20_000) }).strict();
export const SummaryEdit = z.object({ summary: z.string().max(20_000) }).strict();
export const SignRequest = z.object({ password: z.string().min(1).max(200).describe('Signing asks for the signer\'s password again.') }).strict();
export const AddendumRequest = z
  .object({
    password: z.string().min(1).max(200),
    reason: z.string().trim().min(1).max(500),
    text: z.string().trim().min(1).max(20_000)
  })
  .strict();

/** The record as signed, for another system: the stored canonical JSON and every hash to recompute. */
export const RecordExport = z
  .object({
    recordId: z.string(),
    groupId: z.string(),
    entry: ChainEntry,
    body: z.string().describe('The canonical JSON (RFC 8785) as stored and hashed.'),
    addenda: z.array(z.object({ entry: ChainEntry, body: z.string() }).strict())
  })
  .strict();
export type RecordExport = Frozen<z.infer<typeof RecordExport>>;

/** A check of a group's chain: every hash and link recomputed. */
export const ChainVerification = z
  .object({
    ok: z.boolean(),
    entries: z.number().int(),
    firstBreak: z
      .object({ entryId: z.string(), chainSeq: z.number().int(), recordId: z.string().describe('The record the entry belongs to (as its link says).'), problem: z.string() })
      .strict()
      .nullable()
      .describe('The first entry whose hash or link does not hold, and why.')
  })
  .strict();
export type ChainVerification = Frozen<z.infer<typeof ChainVerification>>;

/** A record waiting for the signed-in clinician's signature. */
export const PendingRecord = z
  .object({ sessionId: z.string(), groupId: z.string(), groupName: z.string(), title: z.string(), signAs: SignatureMeaning })
  .strict();
export type PendingRecord = Frozen<z.infer<typeof PendingRecord>>;

/** One access to a record, from the audit log: who, what, when — never content. */
export const RecordAccess = z
  .object({
    at: z.string(),
    actorId: z.string().nullable(),
    actorName: z.string().nullable().describe('The clinician\'s name, when the actor is a clinician.'),
    action: z.string().describe('record.view, record.print, record.export.json, record.sign.author, record.addendum, …'),
    ip: z.string().nullable()
  })
  .strict();
export type RecordAccess = Frozen<z.infer<typeof RecordAccess>>;

export const MemberIdParams = z.object({ memberId: Id });
