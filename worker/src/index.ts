/**
 * The worker's entry: only handlers and Durable Object classes may be exported
 * here (wrangler dev refuses other exports).
 */
import { app } from "./app";

export { Account } from "./objects/account";
export { Activity } from "./objects/activity";
export { Cohort } from "./objects/cohort";
export { Funnel } from "./objects/funnel";
export { Profile } from "./objects/profile";

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
