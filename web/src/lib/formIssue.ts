/** What a schema's failed parse says (a zod error): its issues, each with a path and a message. */
interface Issues {
  readonly issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[];
}

/** A form's first problem in words, for the form's error line: which field, and what is wrong with it. */
export function formIssue(error: Issues): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.map(String).join(' ') || 'Form'}: ${issue.message}` : 'Please check the form.';
}
