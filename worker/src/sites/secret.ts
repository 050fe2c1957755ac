/** A site's write-only secrets (webhook, identify, CRM credentials), as a config sends them. */
import * as v from "valibot";
import { standardSecretProblem } from "../lib/webhook-secret";

/** A write-only secret: a new value, or `{ "set": true }` (as GET shows it) to keep the current one. */
const writeOnly = <T extends v.GenericSchema<unknown, string>>(value: T) => v.union([value, v.object({ set: v.literal(true) })]);
const secretText = v.pipe(v.string(), v.minLength(16, "must be at least 16 characters"), v.maxLength(256));

export const secret = writeOnly(secretText);

/** A webhook's secret may be a Standard Webhooks one (docs/api.md#signatures): `whsec_…` must decode as the receivers' libraries decode it. */
export const webhookSecret = writeOnly(v.pipe(secretText, v.rawCheck(({ dataset, addIssue }) => {
  const problem = dataset.typed && standardSecretProblem(dataset.value);
  if (problem) addIssue({ message: problem });
})));
