// The rules engine: pure functions over plain data, shared by the worker and the tests.
export { validateModel, ModelSchema, EventTypeSchema, DEFAULT_DECAY } from "./schema";
export { EVENT_TYPES, listens } from "./event-types";
export { DEFAULT_MODEL } from "./default-model";
export { emptyState, applyEvent, scoreEvent, scoreOf, recycle, qualifies, replay, settleDecay, nextDecayAt, type EventScore, type Replayed } from "./score";
export { decaySteps, DAY_MS } from "./decay";
export { STAGES, FUNNEL, type Stage } from "../stages";
export { scoredStage, publicStage, isQualified } from "./stage";
export { normaliseEmail, deriveTraits, type EmailType } from "./traits";
export {
  ACCOUNT_STAGES, DEFAULT_ACCOUNT_THRESHOLDS, companyTraits, leadAccount, organizationAccount, scoreAccount, scoredAccountStage,
  type AccountLine, type AccountMember, type AccountStage, type ScoredAccount,
} from "./accounts";
export type {
  AccountThresholds,
  Condition,
  Decay,
  DecayLoss,
  Dimension,
  EventType,
  ExplanationLine,
  Match,
  NotScored,
  ProfileEvent,
  Rule,
  RuleCounters,
  Score,
  Scored,
  ScoringModel,
  ScoringModelInput,
  ScoringState,
  Thresholds,
  TraitChanges,
  Traits,
  TraitValue,
  Unscored,
} from "./types";
