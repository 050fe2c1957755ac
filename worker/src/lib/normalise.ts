import type { CollectEvent, Traits } from "../../../shared/events";
import type { ProfileEvent } from "../../../shared/rules";
import { keptOrigin, keptUrl } from "../../../shared/urls";

/** How a batch arrived: the same for each of its events. */
export interface Arrival {
  /** The server's receive time: periods, activity and decay use it (CONTRACT §5). */
  receivedAt: number;
  sid?: string;
  /** The request came from a known bot or crawler. */
  bot: boolean;
  /** The site scores bots too. */
  allowBots: boolean;
}

/**
 * A checked wire event as a profile keeps it: URLs stripped of what may not be
 * kept, `ts` clamped to the receive time, a form's email fields turned into the
 * traits it gives (CONTRACT §6: a form with an email counts as an identify), and
 * bots recorded but not scored unless the site allows them.
 */
export function toProfileEvent(event: CollectEvent, arrival: Arrival): ProfileEvent {
  const props: Record<string, unknown> | undefined = event.props && { ...event.props };
  let traits: Traits | undefined;
  if (event.type === "form") {
    const fields = (props as { fields?: Traits } | undefined)?.fields;
    if (props) delete props.fields;
    if (fields?.email) traits = fields;
  } else if (event.type === "identify") {
    traits = event.traits;
  }
  if (props && typeof props.href === "string") props.href = keptUrl(props.href, event.url) ?? undefined;
  if (props && typeof props.ref === "string") props.ref = keptOrigin(props.ref) ?? undefined;
  return {
    id: event.id,
    type: event.type,
    receivedAt: arrival.receivedAt,
    ts: Math.min(event.ts, arrival.receivedAt),
    url: keptUrl(event.url) ?? undefined,
    scored: arrival.allowBots || !(arrival.bot || event.bot),
    ...(arrival.sid && { sid: arrival.sid }),
    ...(event.type === "track" && { name: event.name }),
    ...(props && { props }),
    ...(traits && { traits: traits as Record<string, string> }),
  };
}
