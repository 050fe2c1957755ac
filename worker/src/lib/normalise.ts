import type { CollectEvent, ServerEvent } from "../../../shared/events";
import type { ProfileEvent, TraitChanges } from "../../../shared/rules";
import { keptOrigin, keptUrl } from "../../../shared/urls";

/** How a batch arrived: the same for each of its events. */
export interface Arrival {
  /** The server's receive time: periods, activity and decay use it (CONTRACT §5). */
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
}

/**
 * A checked wire event as a profile keeps it: URLs stripped of what may not be
 * kept, `ts` clamped to the receive time, a form's email fields turned into the
 * traits it gives (CONTRACT §6: a form with an email counts as an identify), and
 * bot and internal traffic recorded but not scored. Bot traffic gives no traits: the email
 * a scanner's link carried is someone else's, and would link it to them.
 */
export function toProfileEvent(event: CollectEvent, arrival: Arrival): ProfileEvent {
  const props: Record<string, unknown> | undefined = event.props && { ...event.props };
  const bot = isBotTraffic(event, arrival);
  let traits: TraitChanges | undefined;
  if (event.type === "form") {
    const fields = event.props?.fields;
    if (props) delete props.fields;
    if (fields?.email && arrival.formIdentifies && !bot) traits = fields;
  } else if (event.type === "identify" && !bot) {
    traits = event.traits;
  }
  keepLinks(props, event.url);
  return {
    id: event.id,
    type: event.type,
    receivedAt: arrival.receivedAt,
    ts: Math.min(event.ts, arrival.receivedAt),
    url: keptUrl(event.url) ?? undefined,
    scored: !arrival.internal && !bot,
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
 * A server event (CONTRACT §7) as the lead keeps it: trusted, scored (unless the
 * person is staff, which the profile judges), a session of its own, and carrying
 * the email so that a lead first known from a server event is a lead.
 */
export function serverProfileEvent(event: ServerEvent, receivedAt: number): ProfileEvent {
  const props = event.props && { ...event.props };
  keepLinks(props, event.url);
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

/** Links in props lose what URLs may not keep (CONTRACT §3); `ref` keeps its origin only. */
function keepLinks(props: Record<string, unknown> | undefined, base: string | undefined): void {
  if (props && typeof props.href === "string") props.href = keptUrl(props.href, base) ?? undefined;
  if (props && typeof props.ref === "string") props.ref = keptOrigin(props.ref) ?? undefined;
}
