/**
 * Creates the Jira issue a SonarCloud automation rule asks for: a summary that names what happened, an
 * ADF description with the failing quality gate conditions, the key measures and a link to the
 * SonarCloud project and branch, and the rule's issue type, priority, labels and components.
 * The caller (run-rules) makes it once per source item with a claim; this file only builds and creates.
 */
import { jiraAsApp, type JiraClient } from '../../clients/jira';
import {
  doc,
  formatUtc,
  link,
  paragraph,
  sanitizeJiraLabel,
  text,
  type AdfBlock,
  type AdfDoc,
  type AdfParagraph,
  JIRA_SUMMARY_MAX_LENGTH,
} from '../../domain/adf';
import type { AutomationRule, QualityGateCondition, SonarProjectSnapshot } from '../../domain/model';
import { SONAR_METRICS, sonarMetricName } from '../../domain/sonar-metrics';
import { findProductIdForSonarProject, getProduct } from '../../storage';

export const SONARCLOUD_WEB_URL = 'https://sonarcloud.io';

/** The SonarCloud page of the project's branch. */
export function sonarProjectUrl(snapshot: Pick<SonarProjectSnapshot, 'projectKey' | 'branch'>): string {
  const query = new URLSearchParams({ id: snapshot.projectKey, branch: snapshot.branch });
  return `${SONARCLOUD_WEB_URL}/summary/overall?${query.toString()}`;
}

const COMPARATOR_WORDS: Readonly<Record<string, string>> = {
  GT: 'is greater than',
  LT: 'is less than',
  EQ: 'equals',
  NE: 'is not',
};

/** The measures shown in every description, when SonarCloud reports them. */
const KEY_MEASURES = [
  'coverage',
  'new_vulnerabilities',
  'vulnerabilities',
  'bugs',
  'code_smells',
  'sqale_index',
];

/** The metric's name, with the unit of the raw value the description shows ("Duplicated lines (%)"). */
function metricName(key: string): string {
  const unit = SONAR_METRICS[key]?.unit;
  const suffix = unit === 'percent' ? ' (%)' : unit === 'minutes' ? ' (minutes)' : '';
  return `${sonarMetricName(key)}${suffix}`;
}

function conditionLine(condition: QualityGateCondition): AdfParagraph {
  const comparator = COMPARATOR_WORDS[condition.comparator] ?? condition.comparator;
  return paragraph(
    text(metricName(condition.metricKey), [{ type: 'strong' }]),
    `: ${condition.actualValue ?? 'no value'}`,
    condition.errorThreshold !== null ? ` (fails when it ${comparator} ${condition.errorThreshold})` : null,
  );
}

function bulletList(items: AdfParagraph[]): AdfBlock | null {
  const nonEmpty = items.filter((item) => item.content.length > 0);
  if (nonEmpty.length === 0) return null;
  return { type: 'bulletList', content: nonEmpty.map((item) => ({ type: 'listItem', content: [item] })) };
}

function heading(value: string): AdfBlock {
  return { type: 'heading', attrs: { level: 3 }, content: [{ type: 'text', text: value }] };
}

function projectLabel(snapshot: SonarProjectSnapshot): string {
  return `${snapshot.projectName || snapshot.projectKey} (${snapshot.branch})`;
}

/** The Jira summary: what the rule saw, on which project and branch, at most 255 characters. */
export function sonarIssueSummary(
  rule: Pick<AutomationRule, 'trigger'>,
  snapshot: SonarProjectSnapshot,
): string {
  const where = projectLabel(snapshot);
  let line: string;
  switch (rule.trigger.kind) {
    case 'quality-gate-error':
      line = `Quality gate failed: ${where}`;
      break;
    case 'new-vulnerabilities-at-least':
      line = `${snapshot.measures.new_vulnerabilities ?? 'New'} new vulnerabilities in ${where}`;
      break;
    case 'coverage-drop':
      line = `Coverage dropped to ${snapshot.measures.coverage ?? '?'}% in ${where}`;
      break;
    case 'debt-above':
      line = `Technical debt above ${rule.trigger.hours} h in ${where}`;
      break;
    default:
      line = `SonarCloud: ${where}`;
  }
  return line.length > JIRA_SUMMARY_MAX_LENGTH ? `${line.slice(0, JIRA_SUMMARY_MAX_LENGTH - 1)}…` : line;
}

export interface SonarDescriptionInput {
  rule: Pick<AutomationRule, 'name'>;
  snapshot: SonarProjectSnapshot;
  /** Why the rule matched, from evaluateRule. */
  reason: string;
}

/** The ADF description: why, the failing conditions, the key measures, and a link to SonarCloud. */
export function buildSonarIssueDescription(input: SonarDescriptionInput): AdfDoc {
  const { snapshot } = input;
  const url = sonarProjectUrl(snapshot);
  const failing = snapshot.failingConditions.filter(
    (condition) => condition.status === 'ERROR' || condition.status === 'WARN',
  );
  const measures = KEY_MEASURES.filter((key) => snapshot.measures[key] !== undefined).map((key) =>
    paragraph(`${metricName(key)}: `, text(snapshot.measures[key] ?? '', [{ type: 'code' }])),
  );
  const analysed = formatUtc(snapshot.analysedAt);
  return doc([
    paragraph('SonarCloud project ', link(projectLabel(snapshot), url), ': ', input.reason, '.'),
    paragraph(
      `Quality gate: `,
      text(snapshot.qualityGate, [{ type: 'strong' }]),
      analysed ? ` (analysis of ${analysed})` : null,
    ),
    failing.length > 0 ? heading('Failing conditions') : null,
    bulletList(failing.map(conditionLine)),
    measures.length > 0 ? heading('Measures') : null,
    bulletList(measures),
    paragraph(link('Open in SonarCloud', url)),
    paragraph(text(`Created by the Product health rule "${input.rule.name}".`, [{ type: 'em' }])),
  ]);
}

/** `sonarcloud`, the product's name, then the rule's own labels; each once. */
export function buildSonarLabels(productName: string | null, ruleLabels: readonly string[]): string[] {
  const labels: string[] = [];
  for (const candidate of ['sonarcloud', productName, ...ruleLabels]) {
    const label = candidate === null ? null : sanitizeJiraLabel(candidate);
    if (label !== null && !labels.includes(label)) labels.push(label);
  }
  return labels;
}

export interface CreateJiraIssueFromSonarInput {
  rule: AutomationRule;
  snapshot: SonarProjectSnapshot;
  reason: string;
}

export interface CreateJiraIssueFromSonarOptions {
  jira?: Pick<JiraClient, 'createIssue'>;
}

/** Creates the Jira issue (as the app) in the rule's project with the rule's type, priority, labels and components. */
export async function createJiraIssueFromSonar(
  input: CreateJiraIssueFromSonarInput,
  options: CreateJiraIssueFromSonarOptions = {},
): Promise<{ jiraIssueId: string; jiraIssueKey: string }> {
  const { rule, snapshot } = input;
  const productId = await findProductIdForSonarProject(
    snapshot.connectionId,
    snapshot.projectKey,
    snapshot.branch,
  );
  const product = productId ? await getProduct(productId) : undefined;
  const jira = options.jira ?? jiraAsApp();
  const created = await jira.createIssue({
    projectId: rule.action.jiraProjectId,
    issueTypeId: rule.action.issueTypeId,
    summary: sonarIssueSummary(rule, snapshot),
    description: buildSonarIssueDescription(input),
    priorityId: rule.action.priorityId,
    labels: buildSonarLabels(product?.name ?? null, rule.action.labels),
    componentIds: rule.action.componentIds,
  });
  return { jiraIssueId: created.id, jiraIssueKey: created.key };
}
