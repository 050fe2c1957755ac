/**
 * The signed `es_t` link token (docs/sdk.md#signed-identify): base64url(email + "|" + expires + "|" + signature),
 * put in links by the site's own emails. Pure: no DOM.
 */

/** The identify event's fields the token stands for (the worker checks them); throws when it is no base64url. */
export const readToken = (token: string) => {
  const [email, expires, signature] = atob(token.replace(/-/g, "+").replace(/_/g, "/")).split("|");
  return { traits: { email }, expires: +expires!, signature };
};
