// Atlassian Document Format (ADF) for Jira issues created from Sentry issues, and for status comments.
// Documents are built as objects (never as strings) from the few node types Jira accepts everywhere.

import { z } from 'zod';
import type { SentryIssueSnapshot, SentryLevel, SentryStatus } from './model';

// ---------------------------------------------------------------------------------------------
// ADF types (the subset this app writes)

export type AdfMark =
  | { type: 'strong' }
  | { type: 'em' }
  | { type: 'code' }
  | { type: 'link'; attrs: { href: string; title?: string } };

export interface AdfText {
  type: 'text';
  /** Never empty: ADF rejects empty text nodes. */
  text: string;
  marks?: AdfMark[];
}

export interface AdfHardBreak {
  type: 'hardBreak';
}

export type AdfInline = AdfText | AdfHardBreak;

export interface AdfParagraph {
  type: 'paragraph';
  content: AdfInline[];
}

export interface AdfHeading {
  type: 'heading';
  attrs: { level: 1 | 2 | 3 | 4 | 5 | 6 };
  content: AdfInline[];
}

export interface AdfCodeBlock {
  type: 'codeBlock';
  attrs?: { language?: string };
  /** Plain text only: code blocks take no marks. */
  content: Array<{ type: 'text'; text: string }>;
}

export interface AdfListItem {
  type: 'listItem';
  content: AdfParagraph[];
}

export interface AdfBulletList {
  type: 'bulletList';
  content: AdfListItem[];
}

export interface AdfRule {
  type: 'rule';
}

export type AdfBlock = AdfParagraph | AdfHeading | AdfCodeBlock | AdfBulletList | AdfRule;

export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: AdfBlock[];
}

// ---------------------------------------------------------------------------------------------
// Small builders

type InlinePart = AdfInline | string | null | undefined | false;

/** A text node, or null for an empty string (ADF refuses empty text). */
export function text(value: string, marks: AdfMark[] = []): AdfText | null {
  if (value.length === 0) return null;
  return marks.length > 0 ? { type: 'text', text: value, marks } : { type: 'text', text: value };
}

function inline(parts: InlinePart[]): AdfInline[] {
  const nodes: AdfInline[] = [];
  for (const part of parts) {
    if (part === null || part === undefined || part === false) continue;
    const node = typeof part === 'string' ? text(part) : part;
    if (node) nodes.push(node);
  }
  return nodes;
}

export function paragraph(...parts: InlinePart[]): AdfParagraph {
  return { type: 'paragraph', content: inline(parts) };
}

function heading(level: AdfHeading['attrs']['level'], value: string): AdfHeading {
  return { type: 'heading', attrs: { level }, content: inline([value]) };
}

function strong(value: string): AdfText | null {
  return text(value, [{ type: 'strong' }]);
}

function code(value: string): AdfText | null {
  return text(value, [{ type: 'code' }]);
}

/** Only http(s) links: anything else (javascript:, data:, relative) is shown as plain text. */
export function safeHref(href: string | null | undefined): string | null {
  if (!href) return null;
  try {
    const url = new URL(href);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : null;
  } catch {
    return null;
  }
}

export function link(value: string, href: string | null | undefined): AdfText | null {
  const safe = safeHref(href);
  return text(value, safe ? [{ type: 'link', attrs: { href: safe } }] : []);
}

function bulletList(items: AdfParagraph[]): AdfBulletList | null {
  const nonEmpty = items.filter((item) => item.content.length > 0);
  if (nonEmpty.length === 0) return null;
  return { type: 'bulletList', content: nonEmpty.map((item) => ({ type: 'listItem', content: [item] })) };
}

function codeBlock(lines: string[], language?: string): AdfCodeBlock | null {
  const body = lines.join('\n');
  if (body.length === 0) return null;
  return {
    type: 'codeBlock',
    ...(language ? { attrs: { language } } : {}),
    content: [{ type: 'text', text: body }],
  };
}

export function doc(blocks: Array<AdfBlock | null>): AdfDoc {
  return { type: 'doc', version: 1, content: blocks.filter((block): block is AdfBlock => block !== null) };
}

// ---------------------------------------------------------------------------------------------
// Formatting helpers

/** 1234567 -> "1,234,567", without depending on the runtime's locale data. */
export function formatCount(value: number): string {
  const whole = Math.round(value);
  const sign = whole < 0 ? '-' : '';
  return sign + String(Math.abs(whole)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** ISO time -> "2026-03-01 10:00 UTC"; anything unparseable is shown as given. */
export function formatUtc(iso: string | null): string | null {
  if (iso === null) return null;
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  return `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Human word for a Sentry status: Sentry's UI calls "ignored" archived. */
export function sentryStatusWord(status: SentryStatus): string {
  return status === 'ignored' ? 'archived' : status;
}

// ---------------------------------------------------------------------------------------------
// Stack frames

export interface StackFrameSummary {
  function: string | null;
  module: string | null;
  filename: string | null;
  lineNo: number | null;
  colNo: number | null;
  /** Sentry's judgement that the frame is the application's own code. */
  inApp: boolean | null;
}

export const DEFAULT_MAX_FRAMES = 10;
const MAX_FRAME_LINE_LENGTH = 300;

// Sentry's event API uses camelCase; raw events (webhooks, event JSON) use snake_case. Read both.
const frameSchema = z
  .object({
    function: z.string().nullish(),
    module: z.string().nullish(),
    filename: z.string().nullish(),
    absPath: z.string().nullish(),
    abs_path: z.string().nullish(),
    lineNo: z.number().nullish(),
    lineno: z.number().nullish(),
    colNo: z.number().nullish(),
    colno: z.number().nullish(),
    inApp: z.boolean().nullish(),
    in_app: z.boolean().nullish(),
  })
  .loose();
const stacktraceSchema = z.object({ frames: z.array(frameSchema).nullish() }).loose();
const exceptionValuesSchema = z
  .object({ values: z.array(z.object({ stacktrace: stacktraceSchema.nullish() }).loose()).nullish() })
  .loose();
const threadValuesSchema = z
  .object({
    values: z
      .array(z.object({ crashed: z.boolean().nullish(), stacktrace: stacktraceSchema.nullish() }).loose())
      .nullish(),
  })
  .loose();
const eventSchema = z
  .object({
    entries: z.array(z.object({ type: z.string(), data: z.unknown() }).loose()).nullish(),
    exception: exceptionValuesSchema.nullish(),
  })
  .loose();

type RawFrame = z.infer<typeof frameSchema>;

function summarise(frame: RawFrame): StackFrameSummary {
  return {
    function: frame.function ?? null,
    module: frame.module ?? null,
    filename: frame.filename ?? frame.absPath ?? frame.abs_path ?? null,
    lineNo: frame.lineNo ?? frame.lineno ?? null,
    colNo: frame.colNo ?? frame.colno ?? null,
    inApp: frame.inApp ?? frame.in_app ?? null,
  };
}

function framesOfLastException(data: unknown): RawFrame[] | null {
  const parsed = exceptionValuesSchema.safeParse(data);
  if (!parsed.success) return null;
  // Chained exceptions are listed oldest first; the last one is the exception that was raised.
  const values = parsed.data.values ?? [];
  for (let index = values.length - 1; index >= 0; index -= 1) {
    const frames = values[index]?.stacktrace?.frames;
    if (frames && frames.length > 0) return frames;
  }
  return null;
}

/**
 * Reads the stack frames of a Sentry event, in Sentry's order (oldest call first): the raised exception,
 * else the crashed thread, else a bare stack trace. Accepts the event API's answer
 * (GET .../issues/{id}/events/latest/) and the raw event of webhooks. Unknown shapes give [].
 */
export function extractStackFrames(event: unknown): StackFrameSummary[] {
  const parsed = eventSchema.safeParse(event);
  if (!parsed.success) return [];
  const entries = parsed.data.entries ?? [];
  const exceptionEntry = entries.find((entry) => entry.type === 'exception');
  const fromException =
    (exceptionEntry ? framesOfLastException(exceptionEntry.data) : null) ??
    (parsed.data.exception ? framesOfLastException(parsed.data.exception) : null);
  if (fromException) return fromException.map(summarise);

  const threadsEntry = entries.find((entry) => entry.type === 'threads');
  const threads = threadValuesSchema.safeParse(threadsEntry?.data);
  if (threads.success) {
    const values = threads.data.values ?? [];
    const crashed = values.find((thread) => thread.crashed && thread.stacktrace?.frames?.length);
    const frames = (crashed ?? values.find((thread) => thread.stacktrace?.frames?.length))?.stacktrace
      ?.frames;
    if (frames) return frames.map(summarise);
  }

  const stacktraceEntry = entries.find((entry) => entry.type === 'stacktrace');
  const bare = stacktraceSchema.safeParse(stacktraceEntry?.data);
  if (bare.success && bare.data.frames) return bare.data.frames.map(summarise);
  return [];
}

/**
 * The frames worth showing: in-app frames, most recent call first, at most `limit`. When the event has
 * no in-app frame at all, the top frames of the whole stack are shown instead (and `inAppOnly` is false).
 */
export function topInAppFrames(
  frames: readonly StackFrameSummary[],
  limit: number = DEFAULT_MAX_FRAMES,
): { frames: StackFrameSummary[]; inAppOnly: boolean } {
  const mostRecentFirst = [...frames].reverse();
  const inApp = mostRecentFirst.filter((frame) => frame.inApp === true);
  if (inApp.length > 0) return { frames: inApp.slice(0, limit), inAppOnly: true };
  return { frames: mostRecentFirst.slice(0, limit), inAppOnly: false };
}

/** "at handleOrder (app/orders.js:42:7)", like a JavaScript stack, readable for every platform. */
export function formatFrame(frame: StackFrameSummary): string {
  const where = frame.filename ?? frame.module ?? '<unknown>';
  const line =
    frame.lineNo !== null ? `:${frame.lineNo}${frame.colNo !== null ? `:${frame.colNo}` : ''}` : '';
  const moduleNote = frame.filename !== null && frame.module !== null ? ` in ${frame.module}` : '';
  const formatted = `at ${frame.function ?? '<anonymous>'} (${where}${line})${moduleNote}`;
  return formatted.length > MAX_FRAME_LINE_LENGTH
    ? `${formatted.slice(0, MAX_FRAME_LINE_LENGTH - 1)}…`
    : formatted;
}

// ---------------------------------------------------------------------------------------------
// Documents

export interface SentryIssueDescriptionInput {
  issue: SentryIssueSnapshot;
  /** Frames of the latest event in Sentry's order (see extractStackFrames); empty when unknown. */
  frames: readonly StackFrameSummary[];
  maxFrames?: number;
}

function fact(label: string, ...value: InlinePart[]): AdfParagraph {
  const content = inline(value);
  return content.length > 0 ? paragraph(strong(`${label}: `), ...content) : paragraph();
}

/** The description of a Jira issue created from a Sentry issue. */
export function buildSentryIssueDescription(input: SentryIssueDescriptionInput): AdfDoc {
  const { issue } = input;
  const { frames, inAppOnly } = topInAppFrames(input.frames, input.maxFrames ?? DEFAULT_MAX_FRAMES);
  const firstRelease = issue.firstRelease ? code(issue.firstRelease) : null;
  const lastRelease = issue.lastRelease ? code(issue.lastRelease) : null;

  const stack =
    frames.length > 0
      ? [
          heading(3, 'Stack trace of the latest event'),
          paragraph(
            inAppOnly
              ? `Top ${frames.length} in-app ${frames.length === 1 ? 'frame' : 'frames'}, most recent call first.`
              : `No in-app frames; top ${frames.length} ${frames.length === 1 ? 'frame' : 'frames'}, most recent call first.`,
          ),
          codeBlock(frames.map(formatFrame)),
        ]
      : [paragraph('No stack trace is available for the latest event.')];

  return doc([
    paragraph('Created from Sentry issue ', link(issue.shortId, issue.permalink), ': ', issue.title),
    bulletList([
      fact('Culprit', issue.culprit ? code(issue.culprit) : null),
      fact('Level', issue.level),
      fact('Status', sentryStatusWord(issue.status)),
      fact('Project', issue.projectSlug),
      fact(
        'Events',
        `${formatCount(issue.events24h)} in 24 h · ${formatCount(issue.events14d)} in 14 d · ` +
          `${formatCount(issue.eventsTotal)} in total`,
      ),
      fact(
        'Users',
        `${formatCount(issue.users24h)} in 24 h · ${formatCount(issue.users14d)} in 14 d · ` +
          `${formatCount(issue.usersTotal)} in total`,
      ),
      fact('First seen', formatUtc(issue.firstSeen), firstRelease && ' in release ', firstRelease),
      fact('Last seen', formatUtc(issue.lastSeen), lastRelease && ' in release ', lastRelease),
    ]),
    ...stack,
    paragraph(link(`Open ${issue.shortId} in Sentry`, issue.permalink)),
  ]);
}

export interface SentryStatusCommentInput {
  shortId: string;
  permalink: string | null;
  status: SentryStatus;
  /** Who changed it in Sentry; null when Sentry itself did (e.g. a regression). */
  actorName: string | null;
  regression?: boolean;
}

/** The comment "Sentry status of BACKEND-3F changed to resolved by Jane Doe." */
export function buildSentryStatusComment(input: SentryStatusCommentInput): AdfDoc {
  return doc([
    paragraph(
      'Sentry status of ',
      link(input.shortId, input.permalink),
      ' changed to ',
      strong(sentryStatusWord(input.status)),
      input.regression ? ' (regression)' : null,
      ' by ',
      input.actorName && input.actorName.trim().length > 0 ? input.actorName.trim() : 'Sentry',
      '.',
    ),
  ]);
}

// ---------------------------------------------------------------------------------------------
// Summary and labels

export const JIRA_SUMMARY_MAX_LENGTH = 255;
const JIRA_LABEL_MAX_LENGTH = 255;

/** The Jira summary from the Sentry title: one line, at most 255 characters. */
export function sentryIssueSummary(issue: Pick<SentryIssueSnapshot, 'title' | 'shortId'>): string {
  const line = issue.title.replace(/\s+/g, ' ').trim() || `Sentry issue ${issue.shortId}`;
  return line.length > JIRA_SUMMARY_MAX_LENGTH ? `${line.slice(0, JIRA_SUMMARY_MAX_LENGTH - 1)}…` : line;
}

/**
 * A Jira label from free text: lower case, whitespace runs become '-', at most 255 characters.
 * Returns null when nothing is left.
 */
export function sanitizeJiraLabel(value: string): string | null {
  const label = value
    .trim()
    .toLowerCase()
    .replace(/\s+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, JIRA_LABEL_MAX_LENGTH);
  return label.length > 0 ? label : null;
}

/** Labels for an issue created from Sentry: `sentry`, `level-<level>`, the product, then the rule's own. */
export function buildSentryLabels(
  level: SentryLevel,
  productName: string | null,
  extraLabels: readonly string[] = [],
): string[] {
  const candidates = ['sentry', `level-${level}`, productName, ...extraLabels];
  const labels: string[] = [];
  for (const candidate of candidates) {
    const label = candidate === null ? null : sanitizeJiraLabel(candidate);
    if (label !== null && !labels.includes(label)) labels.push(label);
  }
  return labels;
}
