// The Get started checklist: from an empty install to a first linked issue, each step read from what the
// app stores. Pure logic and types (the service reads the facts, the page shows the view).
import type { Connection, ConnectionTestOutcome, IssueLink, Product } from './model';

/**
 * Events the store keeps no other lasting trace of, noted once per connection where they happen: a
 * verified webhook delivery (the sync log expires after 14 days) and a completed project sync.
 */
export const SETUP_MILESTONES = ['webhook-received', 'first-sync'] as const;
export type SetupMilestone = (typeof SETUP_MILESTONES)[number];

/** One milestone's record: per connection, when it first happened. */
export interface SetupMilestoneRecord {
  connections: Record<string, { at: string }>;
}

export const SETUP_STEP_IDS = [
  'connection-added',
  'connection-tested',
  'webhook-received',
  'product-created',
  'projects-mapped',
  'first-sync',
  'issue-linked',
] as const;
export type SetupStepId = (typeof SETUP_STEP_IDS)[number];

export interface SetupStepView {
  id: SetupStepId;
  title: string;
  done: boolean;
  /** What is done, or what is still missing, in words. */
  detail: string;
  /** When it first happened, for the steps that are events (a delivery, a sync, a link). */
  at: string | null;
}

/** A connection as the checklist shows it: what it still needs. */
export interface SetupConnectionView {
  id: string;
  kind: Connection['kind'];
  label: string;
  /** Organization slug (Sentry) or key (SonarCloud). */
  organization: string;
  paused: boolean;
  hasWebhookSecret: boolean;
  lastTest: ConnectionTestOutcome | null;
  webhookReceivedAt: string | null;
  firstSyncAt: string | null;
}

export interface SetupChecklistView {
  steps: SetupStepView[];
  doneCount: number;
  /** The first step not done yet; null when every step is. */
  nextStepId: SetupStepId | null;
  connections: SetupConnectionView[];
  /**
   * True when a listing held more than the one page the checklist reads (over 100 connections or
   * products): the counts then say "at least".
   */
  partial: boolean;
}

/** What the checklist is computed from: one page of each listing, the milestones, the first link. */
export interface SetupFacts {
  connections: Connection[];
  moreConnections: boolean;
  products: Product[];
  moreProducts: boolean;
  /**
   * The product of one mapped Jira project, of one mapped Sentry project and of one mapped SonarCloud
   * branch (null: none of that kind is mapped).
   */
  mapped: { jira: string | null; sentry: string | null; sonarcloud: string | null };
  /** Any link between a Sentry issue and a Jira issue, or null when there is none. */
  link: IssueLink | null;
  milestones: Partial<Record<SetupMilestone, SetupMilestoneRecord>>;
}

const SERVICE: Record<Connection['kind'], string> = { sentry: 'Sentry', sonarcloud: 'SonarCloud' };

function organizationOf(connection: Connection): string {
  return connection.kind === 'sentry' ? connection.organizationSlug : connection.organizationKey;
}

function nameOf(connection: { kind: Connection['kind']; label: string; organization: string }): string {
  return `${SERVICE[connection.kind]} ${connection.label || connection.organization}`;
}

/** "a, b and c"; at most `max` names, then "and N more". */
function listWords(names: readonly string[], max = 3): string {
  const shown = names.slice(0, max);
  const rest = names.length - shown.length;
  if (rest > 0) return `${shown.join(', ')} and ${rest} more`;
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

/** Ends a sentence after a name that may end with a period itself ("Acme Inc."). */
function sentenceEnd(text: string): string {
  return text.endsWith('.') ? text : `${text}.`;
}

function plural(count: number, one: string, many: string = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}

/** The earliest time among `times`, or null. */
function earliest(times: ReadonlyArray<string | null>): string | null {
  const present = times.filter((time): time is string => time !== null).sort();
  return present[0] ?? null;
}

export function buildSetupChecklist(facts: SetupFacts): SetupChecklistView {
  // A connection being removed is on its way out: it counts for nothing.
  const live = facts.connections.filter((connection) => !connection.removingSince);
  const webhooks = facts.milestones['webhook-received']?.connections ?? {};
  const syncs = facts.milestones['first-sync']?.connections ?? {};
  const connections = live.map((connection): SetupConnectionView => ({
    id: connection.id,
    kind: connection.kind,
    label: connection.label,
    organization: organizationOf(connection),
    paused: connection.paused,
    hasWebhookSecret: connection.hasWebhookSecret,
    lastTest: connection.lastTest ?? null,
    webhookReceivedAt: webhooks[connection.id]?.at ?? null,
    firstSyncAt: syncs[connection.id]?.at ?? null,
  }));
  const atLeast = (more: boolean) => (more ? 'At least ' : '');
  const names = connections.map(nameOf);

  const added: SetupStepView = {
    id: 'connection-added',
    title: 'Add a Sentry or SonarCloud organization',
    done: connections.length > 0,
    detail:
      connections.length > 0
        ? `${atLeast(facts.moreConnections)}${plural(connections.length, 'connection')}: ${sentenceEnd(listWords(names))}`
        : 'No connection yet: add the organization with an auth token (Sentry) or a token (SonarCloud).',
    at: earliest(live.map((connection) => connection.createdAt)),
  };

  const untested = connections.filter((connection) => connection.lastTest === null);
  const failing = connections.filter((connection) => connection.lastTest?.ok === false);
  const tested: SetupStepView = {
    id: 'connection-tested',
    title: 'Test each connection',
    done: connections.length > 0 && untested.length === 0 && failing.length === 0,
    detail:
      connections.length === 0
        ? 'Add a connection first; its test checks the token, the organization and the scopes.'
        : untested.length === 0 && failing.length === 0
          ? connections.length === 1
            ? 'Its last test passed.'
            : `The last test of all ${connections.length} passed.`
          : [
              failing.length > 0 ? `Last test failed: ${sentenceEnd(listWords(failing.map(nameOf)))}` : '',
              untested.length > 0 ? `Not tested yet: ${sentenceEnd(listWords(untested.map(nameOf)))}` : '',
            ]
              .filter(Boolean)
              .join(' '),
    at: null,
  };

  const received = connections.filter((connection) => connection.webhookReceivedAt !== null);
  const webhook: SetupStepView = {
    id: 'webhook-received',
    title: 'Receive a first webhook',
    done: received.length > 0,
    detail:
      received.length > 0
        ? `Verified deliveries reach ${sentenceEnd(listWords(received.map(nameOf)))}` +
          (received.length < connections.length
            ? ` None yet from ${sentenceEnd(listWords(connections.filter((c) => c.webhookReceivedAt === null).map(nameOf)))}`
            : '')
        : connections.length === 0
          ? 'Each connection gets a webhook URL to paste into Sentry or SonarCloud.'
          : 'No verified delivery yet: paste the webhook URL into Sentry or SonarCloud and save the same secret here.',
    at: earliest(received.map((connection) => connection.webhookReceivedAt)),
  };

  const productNames = facts.products.map((product) => product.name);
  const product: SetupStepView = {
    id: 'product-created',
    title: 'Create a product',
    done: facts.products.length > 0,
    detail:
      facts.products.length > 0
        ? `${atLeast(facts.moreProducts)}${plural(facts.products.length, 'product')}: ${sentenceEnd(listWords(productNames))}`
        : 'No product yet: a product groups the Jira, Sentry and SonarCloud projects of one thing a team ships.',
    at: earliest(facts.products.map((item) => item.createdAt)),
  };

  const nameById = new Map(facts.products.map((item) => [item.id, item.name]));
  const productName = (productId: string): string => nameById.get(productId) ?? 'a product';
  const { jira, sentry: sentryProduct, sonarcloud: sonarProduct } = facts.mapped;
  const source =
    sentryProduct !== null
      ? { words: 'a Sentry project', productId: sentryProduct }
      : sonarProduct !== null
        ? { words: 'a SonarCloud project', productId: sonarProduct }
        : null;
  const mapped: SetupStepView = {
    id: 'projects-mapped',
    title: 'Map projects to a product',
    done: jira !== null && source !== null,
    detail:
      jira !== null && source !== null
        ? `A Jira project maps to ${productName(jira)}, ${source.words} to ${productName(source.productId)}.`
        : jira !== null
          ? `A Jira project maps to ${productName(jira)}, but no Sentry or SonarCloud project is mapped yet.`
          : source !== null
            ? `${source.words.replace(/^a/, 'A')} maps to ${productName(source.productId)}, but no Jira project yet: map the project its Jira issues belong to.`
            : 'Map a Jira project and its Sentry or SonarCloud projects to a product.',
    at: null,
  };

  const synced = connections.filter((connection) => connection.firstSyncAt !== null);
  const sync: SetupStepView = {
    id: 'first-sync',
    title: 'Complete a first sync',
    done: synced.length > 0,
    detail:
      synced.length > 0
        ? `Sync has completed for projects of ${sentenceEnd(listWords(synced.map(nameOf)))}`
        : 'No project sync has completed yet: the hourly sync starts once projects are mapped, or run Sync now.',
    at: earliest(synced.map((connection) => connection.firstSyncAt)),
  };

  const linked: SetupStepView = {
    id: 'issue-linked',
    title: 'Link a Sentry issue to a Jira issue',
    done: facts.link !== null,
    detail:
      facts.link !== null
        ? facts.link.origin === 'manual'
          ? 'A Sentry issue is linked to a Jira issue.'
          : 'A rule created a Jira issue from a Sentry issue and linked them.'
        : 'No link yet: open a Jira issue of a mapped project and use Link Sentry issue in its Product health panel, or create Jira issues from the project page.',
    at: facts.link?.createdAt ?? null,
  };

  const steps = [added, tested, webhook, product, mapped, sync, linked];
  return {
    steps,
    doneCount: steps.filter((step) => step.done).length,
    nextStepId: steps.find((step) => !step.done)?.id ?? null,
    connections,
    partial: facts.moreConnections || facts.moreProducts,
  };
}
