import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  parseSonarWebhook,
  parseSonarWebhookBody,
  type SonarWebhook,
  type SonarWebhookParseResult,
  sonarWebhookTarget,
} from './sonarcloud';

const FIXTURE_DIR = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'webhooks', 'sonarcloud');

function readFixture(name: string): string {
  return readFileSync(path.join(FIXTURE_DIR, name), 'utf8');
}

function expectOk(result: SonarWebhookParseResult): SonarWebhook {
  if (!result.ok) throw new Error(`expected the delivery to parse, got: ${result.error}`);
  return result.webhook;
}

function expectError(result: SonarWebhookParseResult): string {
  if (result.ok) throw new Error('expected a refusal');
  return result.error;
}

describe('real SonarCloud / SonarQube payloads', () => {
  const files = readdirSync(FIXTURE_DIR).filter((name) => name.endsWith('.json'));

  it('the fixture folder holds the payloads this suite checks', () => {
    expect(files.sort()).toEqual([
      'sonarqube_docs_webhook_example.json',
      'zulip_sonarqube_error.json',
      'zulip_sonarqube_success.json',
    ]);
  });

  it.each(files)('%s parses from its raw body', (file) => {
    const webhook = expectOk(parseSonarWebhookBody(readFixture(file)));
    expect(webhook.project.key).not.toBe('');
    expect(webhook.qualityGate?.conditions.length).toBeGreaterThan(0);
  });

  it('docs example: no branch (single-branch server), conditions without a value, empty properties', () => {
    const webhook = expectOk(parseSonarWebhookBody(readFixture('sonarqube_docs_webhook_example.json')));
    expect(webhook).toMatchObject({
      serverUrl: 'http://localhost:9000',
      taskId: 'AVh21JS2JepAEhwQ-b3u',
      status: 'SUCCESS',
      analysedAt: '2016-11-18T10:46:28+0100',
      project: { key: 'org.sonarqube:example', name: 'Example' },
      properties: {},
    });
    expect(webhook.branch).toBeUndefined();
    expect(webhook.qualityGate?.conditions[3]).toEqual({
      metric: 'new_coverage',
      operator: 'LESS_THAN',
      status: 'NO_VALUE',
      errorThreshold: '80',
      onLeakPeriod: true,
    });
    expect(sonarWebhookTarget(webhook)).toEqual({
      projectKey: 'org.sonarqube:example',
      branch: null,
      isMainBranch: true,
      isPullRequest: false,
    });
  });

  it('quality gate ERROR with its failing conditions and the analysed branch', () => {
    const webhook = expectOk(parseSonarWebhookBody(readFixture('zulip_sonarqube_error.json')));
    expect(webhook.qualityGate).toEqual({
      name: 'Sonar way',
      status: 'ERROR',
      conditions: [
        {
          metric: 'maintainability_rating',
          operator: 'GREATER_THAN',
          value: '1',
          status: 'OK',
          errorThreshold: '1',
        },
        { metric: 'coverage', operator: 'LESS_THAN', value: '0.0', status: 'ERROR', errorThreshold: '80' },
        {
          metric: 'duplicated_lines_density',
          operator: 'GREATER_THAN',
          value: '89.39828080229226',
          status: 'ERROR',
          errorThreshold: '3',
        },
      ],
    });
    expect(sonarWebhookTarget(webhook)).toEqual({
      projectKey: 'test-sonar',
      branch: 'master',
      isMainBranch: true,
      isPullRequest: false,
    });
  });

  it('quality gate OK', () => {
    const webhook = expectOk(parseSonarWebhookBody(readFixture('zulip_sonarqube_success.json')));
    expect(webhook.qualityGate?.status).toBe('OK');
    expect(webhook.changedAt).toBe('2021-03-08T18:25:04+0000');
    expect(webhook.branch).toEqual({
      name: 'master',
      type: 'BRANCH',
      isMain: true,
      url: 'http://localhost:9000/dashboard?id=test-sonar',
    });
  });
});

describe('other shapes SonarCloud sends', () => {
  const base = JSON.parse(readFixture('zulip_sonarqube_success.json')) as Record<string, unknown>;

  it('a failed analysis has no quality gate', () => {
    const failed: Record<string, unknown> = { ...base, status: 'FAILED' };
    delete failed.qualityGate;
    const webhook = expectOk(parseSonarWebhook(failed));
    expect(webhook.status).toBe('FAILED');
    expect(webhook.qualityGate).toBeUndefined();
  });

  it('a pull-request analysis is recognised as such', () => {
    const webhook = expectOk(
      parseSonarWebhook({ ...base, branch: { name: '42', type: 'PULL_REQUEST', isMain: false, url: 'u' } }),
    );
    expect(sonarWebhookTarget(webhook)).toEqual({
      projectKey: 'test-sonar',
      branch: '42',
      isMainBranch: false,
      isPullRequest: true,
    });
  });

  it('keeps the revision and custom properties', () => {
    const webhook = expectOk(
      parseSonarWebhook({
        ...base,
        revision: 'c739069ec7105e01303e8b3065a81141aad9f129',
        properties: { 'sonar.analysis.jira': 'PH-1' },
      }),
    );
    expect(webhook.revision).toBe('c739069ec7105e01303e8b3065a81141aad9f129');
    expect(webhook.properties).toEqual({ 'sonar.analysis.jira': 'PH-1' });
  });
});

describe('malformed deliveries name what is wrong', () => {
  const base = JSON.parse(readFixture('zulip_sonarqube_error.json')) as Record<string, unknown>;

  it('a missing project key', () => {
    expect(expectError(parseSonarWebhook({ ...base, project: { name: 'x' } }))).toBe(
      'SonarCloud webhook is malformed: project.key is missing',
    );
  });

  it('a condition without a metric', () => {
    const qualityGate = {
      name: 'g',
      status: 'ERROR',
      conditions: [{ operator: 'LESS_THAN', status: 'ERROR' }],
    };
    expect(expectError(parseSonarWebhook({ ...base, qualityGate }))).toContain(
      'qualityGate.conditions[0].metric is missing',
    );
  });

  it('an analysis date that is not a date', () => {
    expect(expectError(parseSonarWebhook({ ...base, analysedAt: 'yesterday' }))).toContain(
      'analysedAt: must be an ISO-8601 date-time with a zone',
    );
  });

  it('a branch with a non-boolean isMain', () => {
    const branch = { name: 'main', type: 'BRANCH', isMain: 'yes' };
    expect(expectError(parseSonarWebhook({ ...base, branch }))).toContain('branch.isMain must be a boolean');
  });

  it.each([
    ['not json', /not valid JSON/],
    ['[]', /must be a JSON object/],
    ['42', /must be a JSON object/],
  ])('body %p is refused', (raw, message) => {
    expect(expectError(parseSonarWebhookBody(raw))).toMatch(message);
  });

  it.each([
    ['a bare token', 'squ_0123SECRETvalue'],
    ['a cut-off object', '{"project": {"key": "shop"}, "properties": {"sonar.token": "squ_SECRETvalue'],
    ['trailing text', '{"status": "SUCCESS"}squ_SECRETvalue'],
    ['an empty body', '  '],
  ])('does not quote a body that is not JSON (%s) in its error', (_what, raw) => {
    const error = expectError(parseSonarWebhookBody(raw));
    expect(error).toMatch(/^SonarCloud webhook body is not valid JSON/);
    expect(error).not.toMatch(/SECRET|squ_|sonar\.token|project/);
  });
});
