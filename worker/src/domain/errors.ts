/**
 * What domain code throws when the state it meets refuses a request it understood (a
 * rules draft to publish that is missing or stale): a code and a message, nothing of
 * HTTP. The one onError (lib/errors.ts) answers it as 409 (docs/api.md, the errors table).
 */
export class Refused extends Error {
  readonly code: string;

  constructor({ code, message }: { code: string; message: string }) {
    super(message);
    this.code = code;
  }
}
