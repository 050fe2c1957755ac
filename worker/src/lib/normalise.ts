import type { CollectEvent, ServerEvent } from "../../../shared/events";
import type { ProfileEvent, TraitChanges } from "../../../shared/rules";
import { isKeptParam, keptOrigin, keptUrl } from "../../../shared/urls";

/** How a batch arrived: the same for each of its events. */
export interface Arrival {
  /** The server's receive time: periods, activity and decay use it (docs/api.md#post-v1collect, what the server keeps). */
  receivedAt: number;
  sid?: string;
  /** The request is bot traffic (lib/bots.ts). */
  bot: boolean;
  /** The site scores bots too. */
  allowBots: boolean;
  /** The site's own staff (an excluded address): recorded, never scored. */
  internal: boolean;
  /** A form's email identifies (not when the site requires verified identities). */
  formIdentifies: boolean;
  /**
   * The batch came with `Origin: null`: a beacon from one of the site's no-referrer pages, or
   * a sandboxed frame on any site posting as it. It is scored, but says nobody's name.
   */
  opaqueOrigin: boolean;
}

/**
 * A checked wire event as a profile keeps it: URLs stripped of what may not be
 * kept, `ts` clamped to the receive time, a form's email fields turned into the
 * traits it gives (a form with an email counts as an identify), and bot and internal
 * traffic recorded but not scored. Bot traffic and an opaque origin give no traits: the
 * email a scanner's link carried is someone else's, as may be one a foreign frame sends.
 */
export function toProfileEvent(event: CollectEvent, arrival: Arrival): ProfileEvent {
  const props: Record<string, unknown> | undefined = event.props && { ...event.props };
  const bot = isBotTraffic(event, arrival);
  const named = !bot && !arrival.opaqueOrigin;
  let traits: TraitChanges | undefined;
  if (event.type === "form") {
    const fields = event.props?.fields;
    if (props) delete props.fields;
    if (fields?.email && arrival.formIdentifies && named) traits = fields;
  } else if (event.type === "identify" && named) {
    traits = event.traits;
  }
  keepProps(props, event.url);
  return {
    id: event.id,
    type: event.type,
    receivedAt: arrival.receivedAt,
    ts: Math.min(event.ts, arrival.receivedAt),
    url: keptUrl(event.url) ?? undefined,
    scored: !arrival.internal && !bot,
    ...((bot || arrival.internal) && { notScored: bot ? "bot" as const : "excluded_address" as const }),
    ...(arrival.sid && { sid: arrival.sid }),
    ...(event.type === "track" && { name: event.name }),
    ...(props && { props }),
    ...(traits && { traits }),
  };
}

/**
 * Whether an event is bot traffic the site does not take: from a bot's request, or flagged
 * by the script (an automated browser), on a site without `allowBots` (docs/api.md, "Bot traffic").
 */
function isBotTraffic(event: CollectEvent, arrival: Arrival): boolean {
  return !arrival.allowBots && (arrival.bot || event.bot === true);
}

/**
 * A server event (docs/api.md#post-v1sitessiteevents) as the lead keeps it: trusted, scored (unless the
 * person is staff, which the profile judges), a session of its own, and carrying
 * the email so that a lead first known from a server event is a lead.
 */
export function serverProfileEvent(event: ServerEvent, receivedAt: number): ProfileEvent {
  const props = event.props && { ...event.props };
  keepProps(props, event.url);
  return {
    id: event.id,
    type: event.type,
    receivedAt,
    ts: Math.min(event.ts, receivedAt),
    scored: true,
    traits: { ...(event.type === "identify" && event.traits), email: event.email },
    ...(event.url && { url: keptUrl(event.url) ?? undefined }),
    ...(event.type === "track" && { name: event.name }),
    ...(props && { props }),
  };
}

/**
 * Props lose what URLs may not keep (docs/api.md#post-v1collect): links (`href`, the session's
 * `landing` page) their other parameters and fragment, `ref` all but its origin, and `utm_*`
 * props all but the five standard tags (a page's `utm_email` is a person's address).
 */
function keepProps(props: Record<string, unknown> | undefined, base: string | undefined): void {
  if (!props) return;
  for (const link of ["href", "landing"]) if (typeof props[link] === "string") props[link] = keptUrl(props[link] as string, base) ?? undefined;
  if (typeof props.ref === "string") props.ref = keptOrigin(props.ref) ?? undefined;
  for (const key of Object.keys(props)) if (key.startsWith("utm_") && !isKeptParam(key)) delete props[key];
}
