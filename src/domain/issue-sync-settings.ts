// Per Jira project: which Jira comments go to the linked Sentry issues, and how the priority of a Jira
// issue created from a Sentry issue follows its level and counts. Pure: no Forge import.
import { z } from 'zod';
import type { SentryLevel } from './model';

/** Which Jira comments are added to the linked Sentry issues' activity. */
export type CommentsToSentry = 'off' | 'marked' | 'all';
export const COMMENTS_TO_SENTRY: readonly CommentsToSentry[] = ['off', 'marked', 'all'];

/** What a person types at the start of a Jira comment to send it to Sentry ("#sentry Fixed in 4.2"). */
export const SENTRY_COMMENT_MARKER = '#sentry';

export const PRIORITY_LEVELS: readonly SentryLevel[] = [
  'fatal',
  'error',
  'warning',
  'info',
  'debug',
  'sample',
];

/** Level -> Jira priority name, raised one step (towards the site's highest) for wide impact. */
export interface PriorityMapping {
  byLevel: Record<SentryLevel, string>;
  /** Raise one step when the Sentry issue reached this many users in 24 h; null never raises. */
  raiseWhenUsers24hAtLeast: number | null;
  /** Raise one step when it had this many events in 24 h; null never raises. */
  raiseWhenEvents24hAtLeast: number | null;
}

export interface IssueSyncSettings {
  jiraProjectId: string;
  commentsToSentry: CommentsToSentry;
  priority: PriorityMapping;
  updatedAt: string;
}

/**
 * The default table. The demo data has no level -> priority table of its own, so this is the usual
 * one: fatal Highest, error High, warning Medium, info / debug / sample Low; one step higher from 100
 * users or 1,000 events in 24 h.
 */
export const DEFAULT_PRIORITY_MAPPING: PriorityMapping = {
  byLevel: { fatal: 'Highest', error: 'High', warning: 'Medium', info: 'Low', debug: 'Low', sample: 'Low' },
  raiseWhenUsers24hAtLeast: 100,
  raiseWhenEvents24hAtLeast: 1000,
};

export function defaultIssueSyncSettings(jiraProjectId: string): IssueSyncSettings {
  return {
    jiraProjectId,
    // Only comments a person marks: nothing reaches Sentry that nobody meant to send.
    commentsToSentry: 'marked',
    priority: structuredClone(DEFAULT_PRIORITY_MAPPING),
    updatedAt: new Date(0).toISOString(),
  };
}

/** A saved record with fields added since it was saved filled from the defaults. */
export function withIssueSyncDefaults(saved: IssueSyncSettings): IssueSyncSettings {
  const defaults = defaultIssueSyncSettings(saved.jiraProjectId);
  return {
    ...defaults,
    ...saved,
    priority: {
      ...defaults.priority,
      ...saved.priority,
      byLevel: { ...defaults.priority.byLevel, ...saved.priority?.byLevel },
    },
  };
}

/** A priority of the Jira site, as the settings page lists it. */
export interface SitePriority {
  id: string;
  name: string;
  isDefault: boolean;
}

/** What the project settings page shows in its "Comments and priority" section. */
export interface IssueSyncSettingsView {
  settings: IssueSyncSettings;
  /** False until an admin saves: the defaults apply. */
  saved: boolean;
  /** The Jira site's priorities, highest first; empty when they could not be read. */
  priorities: SitePriority[];
  /** Why the priorities could not be read, when they could not. */
  prioritiesProblem: string | null;
  /** The marker people type at the start of a comment to send it to Sentry. */
  marker: string;
  /** The defaults in words, for the page to show before anything is saved. */
  defaultsInWords: string[];
}

// ---------------------------------------------------------------------------------------------
// Input from the settings page

const priorityName = z
  .string({ error: 'choose a Jira priority' })
  .trim()
  .min(1, 'choose a Jira priority')
  .max(255, 'a Jira priority name has at most 255 characters');
const threshold = (what: string) =>
  z
    .number({ error: `${what} must be a whole number, or empty to never raise` })
    .int(`${what} must be a whole number`)
    .min(1, `${what} must be at least 1, or empty to never raise`)
    .max(1_000_000_000, `${what} must be at most 1,000,000,000`)
    .nullable();

export const issueSyncSettingsInputSchema = z.strictObject({
  commentsToSentry: z.enum(['off', 'marked', 'all'], { error: "choose 'off', 'marked' or 'all'" }),
  priority: z.strictObject({
    byLevel: z.strictObject({
      fatal: priorityName,
      error: priorityName,
      warning: priorityName,
      info: priorityName,
      debug: priorityName,
      sample: priorityName,
    }),
    raiseWhenUsers24hAtLeast: threshold('Users in 24 h'),
    raiseWhenEvents24hAtLeast: threshold('Events in 24 h'),
  }),
});
export type IssueSyncSettingsInput = z.output<typeof issueSyncSettingsInputSchema>;

// ---------------------------------------------------------------------------------------------
// Priority

export interface PriorityImpact {
  level: SentryLevel;
  users24h: number;
  events24h: number;
}

export interface PriorityChoice {
  /** The priority name the mapping picks (maybe raised). */
  name: string;
  /** Why, in words ("error → High, raised one step: 312 users in 24 h ≥ 100"). */
  reason: string;
}

/**
 * The priority name for a Sentry issue: its level's priority, one step higher (in `orderHighestFirst`,
 * the site's priorities as Jira lists them) when users or events in 24 h reach a threshold.
 */
export function choosePriorityName(
  mapping: PriorityMapping,
  impact: PriorityImpact,
  orderHighestFirst: readonly string[],
): PriorityChoice {
  const base = mapping.byLevel[impact.level];
  const why: string[] = [];
  if (mapping.raiseWhenUsers24hAtLeast !== null && impact.users24h >= mapping.raiseWhenUsers24hAtLeast) {
    why.push(`${impact.users24h} users in 24 h ≥ ${mapping.raiseWhenUsers24hAtLeast}`);
  }
  if (mapping.raiseWhenEvents24hAtLeast !== null && impact.events24h >= mapping.raiseWhenEvents24hAtLeast) {
    why.push(`${impact.events24h} events in 24 h ≥ ${mapping.raiseWhenEvents24hAtLeast}`);
  }
  const reasonBase = `${impact.level} → ${base}`;
  if (why.length === 0) return { name: base, reason: reasonBase };
  const index = orderHighestFirst.findIndex((name) => name.toLowerCase() === base.toLowerCase());
  if (index <= 0) {
    // Already the highest (or unknown to the site, which the caller reports): nothing to raise to.
    return { name: base, reason: `${reasonBase} (${why.join(', ')}; no higher priority)` };
  }
  const raised = orderHighestFirst[index - 1] ?? base;
  return { name: raised, reason: `${reasonBase}, raised to ${raised}: ${why.join(', ')}` };
}

// ---------------------------------------------------------------------------------------------
// Comments

/**
 * The text of a Jira comment (ADF) as plain text: paragraphs apart by a blank line, mentions as their
 * names, links as written, code as is. Unknown nodes give their text content.
 */
export function adfToPlainText(body: unknown): string {
  const blocks: string[] = [];
  const inline = (node: unknown): string => {
    if (typeof node !== 'object' || node === null) return '';
    const { type, text, attrs, content } = node as {
      type?: unknown;
      text?: unknown;
      attrs?: Record<string, unknown>;
      content?: unknown;
    };
    if (type === 'text' && typeof text === 'string') return text;
    if (type === 'hardBreak') return '\n';
    if (type === 'mention' || type === 'emoji' || type === 'status' || type === 'date') {
      const value = attrs?.text ?? attrs?.shortName ?? attrs?.timestamp;
      return typeof value === 'string' ? value : '';
    }
    if (type === 'inlineCard' && typeof attrs?.url === 'string') return attrs.url;
    return Array.isArray(content) ? content.map(inline).join('') : '';
  };
  const block = (node: unknown, prefix = ''): void => {
    if (typeof node !== 'object' || node === null) return;
    const { type, content } = node as { type?: unknown; content?: unknown };
    const children = Array.isArray(content) ? content : [];
    if (type === 'doc' || type === 'blockquote' || type === 'panel' || type === 'expand') {
      for (const child of children) block(child, prefix);
      return;
    }
    if (type === 'bulletList' || type === 'orderedList') {
      children.forEach((item, index) => {
        const marker = type === 'bulletList' ? '- ' : `${index + 1}. `;
        const parts: string[] = [];
        for (const child of Array.isArray((item as { content?: unknown }).content)
          ? ((item as { content: unknown[] }).content as unknown[])
          : []) {
          parts.push(inline(child));
        }
        blocks.push(`${prefix}${marker}${parts.join(' ').trim()}`);
      });
      return;
    }
    if (type === 'rule') return;
    const line = children.map(inline).join('');
    if (line.trim().length > 0) blocks.push(prefix + line);
  };
  block(body);
  return blocks.join('\n\n').trim();
}

/** The comment's text without the marker, or null when it does not start with "#sentry". */
export function stripSentryMarker(text: string): string | null {
  const trimmed = text.trimStart();
  const head = trimmed.slice(0, SENTRY_COMMENT_MARKER.length);
  if (head.toLowerCase() !== SENTRY_COMMENT_MARKER) return null;
  const rest = trimmed.slice(SENTRY_COMMENT_MARKER.length);
  // "#sentryfoo" is another tag, not the marker.
  if (rest.length > 0 && !/^[\s:,.-]/.test(rest)) return null;
  return rest.replace(/^[\s:,.-]+/, '').trim();
}

/**
 * What of a Jira comment goes to Sentry under the project's setting: the text to send, or null when
 * the comment stays in Jira (setting off, not marked, or nothing left to say).
 */
export function commentTextForSentry(mode: CommentsToSentry, commentText: string): string | null {
  if (mode === 'off') return null;
  const stripped = stripSentryMarker(commentText);
  if (mode === 'marked' && stripped === null) return null;
  const text = (stripped ?? commentText).trim();
  return text.length > 0 ? text : null;
}

/**
 * True for the comments this app writes on Jira issues (the Sentry status comments of
 * buildSentryStatusComment): they describe Sentry and must never be sent back to it.
 */
export function isAppStatusComment(commentText: string): boolean {
  return /^Sentry status of \S+ changed to \S+( \(regression\))? by .+\.$/s.test(commentText.trim());
}

/** Sentry notes take plain text; a long Jira comment is cut here, with the Jira link kept. */
export const SENTRY_NOTE_MAX_TEXT = 4000;

/** The note added to the Sentry issue: the comment, then who wrote it where. */
export function sentryNoteText(input: {
  text: string;
  authorName: string | null;
  jiraIssueKey: string;
  commentUrl: string | null;
}): string {
  const body =
    input.text.length > SENTRY_NOTE_MAX_TEXT
      ? `${input.text.slice(0, SENTRY_NOTE_MAX_TEXT - 1)}…`
      : input.text;
  const who = input.authorName?.trim() ? input.authorName.trim() : 'Someone';
  const where = input.commentUrl ? `${input.jiraIssueKey} (${input.commentUrl})` : input.jiraIssueKey;
  return `${body}\n\n— ${who}, in a comment on Jira ${where}`;
}
