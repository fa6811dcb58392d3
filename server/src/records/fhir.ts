import type { Bundle, BundleEntry, CodeableConcept, DocumentReference, Encounter, Group, Observation, Patient, Practitioner, Provenance, Resource } from '@medplum/fhirtypes';
import type { RecordContent, RecordSignature, SignatureMeaning } from '@hearth/shared';
import { canonicalJson, sha256 } from './hash.ts';

/** ASTM E1762-95 signature types, as FHIR's Signature.type takes them. */
const ASTM: Record<SignatureMeaning, { code: string; display: string }> = {
  author: { code: '1.2.840.10065.1.12.1.1', display: "Author's Signature" },
  'co-author': { code: '1.2.840.10065.1.12.1.2', display: "Coauthor's Signature" },
  'reviewed-and-approved': { code: '1.2.840.10065.1.12.1.5', display: 'Verification Signature' }
};

/** A stable UUID for a resource of the bundle, derived from what it stands for (same record, same ids). */
function uuidOf(...parts: string[]): string {
  const h = sha256(parts.join('\u0000'));
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const ROSTER_SYSTEM = 'urn:hearth:roster-member';

/**
 * A final record as an HL7 FHIR R4 Bundle (collection): the session as an Encounter whose subject
 * is the Group, one Encounter per member `partOf` it, a DocumentReference per member note (the
 * note as JSON), a Provenance per signature (activity: legally authenticated; ASTM E1762 signature
 * types), the clinicians as Practitioners and the members as Patients carrying only their alias and
 * roster id — Hearth keeps no real names.
 */
/** A reference to a resource of the same bundle, by its urn:uuid full URL. */
const ref = (r: Resource & { id?: string }) => ({ reference: `urn:uuid:${r.id}` });

/** LOINC codes of the totals of the standard instruments; Hearth's own check-in and check-out have none. */
const LOINC_TOTALS: Readonly<Record<string, { code: string; display: string }>> = {
  'phq-9': { code: '44261-6', display: 'Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]' },
  'gad-7': { code: '70274-6', display: 'Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]' }
};
const INSTRUMENT_SYSTEM = 'urn:hearth:instrument';
const SURVEY: CodeableConcept = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey', display: 'Survey' }] };
/** A question the member skipped, or a total that a skipped question left out. */
const DECLINED: CodeableConcept = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'asked-declined', display: 'Asked But Declined' }] };

/** A member's answers to one measure as an Observation: the total as its value, each answer a component. */
function measureObservation(m: NonNullable<RecordContent['members'][number]['measures']>[number], id: string, patient: Patient, encounter: Encounter): Observation {
  const loinc = LOINC_TOTALS[m.instrument];
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    category: [SURVEY],
    code: {
      coding: [...(loinc ? [{ system: 'http://loinc.org', ...loinc }] : []), { system: INSTRUMENT_SYSTEM, code: m.instrument, display: m.title }],
      text: `${m.title} total`
    },
    subject: ref(patient),
    encounter: ref(encounter),
    effectiveDateTime: m.answeredAt,
    ...(m.total === null ? { dataAbsentReason: DECLINED } : { valueQuantity: { value: m.total, unit: 'score', system: 'http://unitsofmeasure.org', code: '{score}' } }),
    ...(m.band && { interpretation: [{ text: m.band }] }),
    component: m.answers.map((a) => ({
      code: { coding: [{ system: `${INSTRUMENT_SYSTEM}:${m.instrument}`, code: a.itemId }], text: a.question },
      ...(a.value === null ? { dataAbsentReason: DECLINED } : { valueInteger: a.value })
    }))
  };
}

export function recordBundle(content: RecordContent, signatures: readonly RecordSignature[], recordHash: string): Bundle {
  const s = content.session;
  const group: Group = { resourceType: 'Group', id: uuidOf('group', s.group.id), type: 'person', actual: true, name: s.group.name, quantity: content.members.length };
  const practitioners: Practitioner[] = s.clinicians.map((c) => ({
    resourceType: 'Practitioner',
    id: uuidOf('practitioner', c.accountId),
    name: [{ text: c.name }],
    ...(c.credentials && { qualification: [{ code: { text: c.credentials } }] })
  }));
  const practitionerOf = (accountId: string) => practitioners.find((p) => p.id === uuidOf('practitioner', accountId));
  const period = { ...(s.session.startedAt && { start: s.session.startedAt }), ...(s.session.endedAt && { end: s.session.endedAt }) };
  const session: Encounter = {
    resourceType: 'Encounter',
    id: uuidOf('encounter', s.session.id),
    status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'VR', display: 'virtual' },
    serviceType: { text: 'Group psychotherapy' },
    subject: ref(group),
    period,
    participant: practitioners.map((p) => ({
      type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'PPRF', display: 'primary performer' }] }],
      individual: ref(p)
    }))
  };
  const patients: Patient[] = [];
  const encounters: Encounter[] = [];
  const documents: DocumentReference[] = [];
  const observations: Observation[] = [];
  for (const note of content.members) {
    const patient: Patient = {
      resourceType: 'Patient',
      id: uuidOf('patient', note.memberId),
      identifier: [{ system: ROSTER_SYSTEM, value: note.memberId }],
      name: [{ text: note.alias, use: 'anonymous' }]
    };
    const encounter: Encounter = {
      resourceType: 'Encounter',
      id: uuidOf('encounter', s.session.id, note.memberId),
      status: note.attendance.status === 'absent' ? 'cancelled' : 'finished',
      class: session.class,
      subject: ref(patient),
      partOf: ref(session),
      period
    };
    const document: DocumentReference = {
      resourceType: 'DocumentReference',
      id: uuidOf('document', s.session.id, note.memberId),
      status: 'current',
      docStatus: 'final',
      type: { coding: [{ system: 'http://loinc.org', code: '11506-3', display: 'Progress note' }], text: 'Group session member note' },
      subject: ref(patient),
      ...(s.session.endedAt && { date: s.session.endedAt }),
      author: practitioners.filter((p) => signatures.some((sig) => sig.meaning !== 'reviewed-and-approved' && practitionerOf(sig.signer) === p)).map(ref),
      description: `${s.session.title} — ${note.alias}`,
      content: [{ attachment: { contentType: 'application/json', data: Buffer.from(canonicalJson(note)).toString('base64'), title: `Member note: ${note.alias}` } }],
      context: { encounter: [ref(encounter)] }
    };
    patients.push(patient);
    encounters.push(encounter);
    documents.push(document);
    (note.measures ?? []).forEach((m, n) => observations.push(measureObservation(m, uuidOf('observation', s.session.id, note.memberId, String(n)), patient, encounter)));
  }
  const provenances: Provenance[] = signatures.map((sig, n) => {
    const who = practitionerOf(sig.signer);
    return {
      resourceType: 'Provenance',
      id: uuidOf('provenance', recordHash, String(n)),
      target: documents.map(ref),
      recorded: sig.signedAt,
      activity: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-DocumentCompletion', code: 'LA', display: 'legally authenticated' }] },
      agent: [
        {
          type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: sig.meaning === 'reviewed-and-approved' ? 'verifier' : 'author' }] },
          who: who ? ref(who) : { display: sig.name }
        }
      ],
      signature: [
        {
          type: [{ system: 'urn:iso-astm:E1762-95:2013', ...ASTM[sig.meaning] }],
          when: sig.signedAt,
          who: who ? ref(who) : { display: sig.name },
          // What was signed: the SHA-256 (hex) of the record's canonical content; the signature is the signer's password re-entered, attested by the server.
          data: Buffer.from(sig.contentHash).toString('base64')
        }
      ]
    };
  });
  const resources: Resource[] = [group, ...practitioners, session, ...patients, ...encounters, ...documents, ...observations, ...provenances];
  const entry: BundleEntry[] = resources.map((r) => ({ fullUrl: `urn:uuid:${(r as { id: string }).id}`, resource: r }));
  return {
    resourceType: 'Bundle',
    id: uuidOf('bundle', recordHash),
    type: 'collection',
    identifier: { system: 'urn:hearth:record-hash', value: recordHash },
    ...(s.session.endedAt && { timestamp: s.session.endedAt }),
    entry
  };
}
