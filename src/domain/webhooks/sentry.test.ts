import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  isOwnChange,
  parseSentryWebhook,
  parseSentryWebhookBody,
  type SentryWebhook,
  type SentryWebhookParseResult,
  webhookIssueId,
} from './sentry';

const FIXTURE_DIR = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'webhooks', 'sentry');

function readFixture(name: string): string {
  return readFileSync(path.join(FIXTURE_DIR, name), 'utf8');
}

function fixtureBody(name: string): Record<string, unknown> {
  return JSON.parse(readFixture(name)) as Record<string, unknown>;
}

function expectOk(result: SentryWebhookParseResult): SentryWebhook {
  if (!result.ok) throw new Error(`expected the delivery to parse, got: ${result.error}`);
  return result.webhook;
}

function expectError(result: SentryWebhookParseResult): string {
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.webhook)}`);
  return result.error;
}

/**
 * The `Sentry-Hook-Resource` each real payload is delivered with. The `zulip_*` files are the fixtures of
 * Zulip's Sentry integration, which is itself an integration-platform app: they have the same envelope
 * (action, data.issue, installation.uuid, actor) as Sentry's documented payloads, not the legacy
 * webhook-plugin shape (which had top-level `project`, `url`, `event`), so they are parsed, not refused.
 * Differences they exercise: a user actor's numeric id, no `substatus`, 4-space indentation.
 */
const RESOURCE_OF_FIXTURE: Record<string, string> = {
  'docs_event_alert_triggered.json': 'event_alert',
  'docs_issue_created.json': 'issue',
  'docs_metric_alert_resolved.json': 'metric_alert',
  'zulip_issue_created_for_exception.json': 'issue',
  'zulip_issue_ignored.json': 'issue',
  'zulip_issue_resolved.json': 'issue',
};

describe('real Sentry payloads', () => {
  const files = readdirSync(FIXTURE_DIR).filter((name) => name.endsWith('.json'));

  it('every fixture file has a known resource (add new fixtures to the table above)', () => {
    expect(files.sort()).toEqual(Object.keys(RESOURCE_OF_FIXTURE).sort());
  });

  it.each(Object.entries(RESOURCE_OF_FIXTURE))(
    '%s parses cleanly as %s from its raw body',
    (file, resource) => {
      const webhook = expectOk(parseSentryWebhookBody(resource, readFixture(file)));
      expect(webhook.resource).toBe(resource === 'metric_alert' ? 'ignored' : resource);
    },
  );

  it('docs issue.created: the issue fields the snapshot needs', () => {
    const webhook = expectOk(parseSentryWebhook('issue', fixtureBody('docs_issue_created.json')));
    expect(webhook).toEqual({
      resource: 'issue',
      action: 'created',
      actor: { type: 'application', id: 'sentry', name: 'Sentry' },
      installationUuid: 'a8e5d37a-696c-4c54-adb5-b3f28d64c7de',
      resolutionType: null,
      issue: {
        id: '1170820242',
        shortId: 'FRONT-END-9',
        title: 'ReferenceError: blooopy is not defined',
        culprit: '?(runner)',
        level: 'error',
        status: 'unresolved',
        substatus: 'escalating',
        project: { id: '1', slug: 'front-end', name: 'front-end' },
        firstSeen: '2019-08-19T20:58:37.391000Z',
        lastSeen: '2019-08-19T20:58:37.391000Z',
        count: 1,
        userCount: 1,
        permalink: null,
        statusDetails: {},
        assignedTo: null,
      },
    });
  });

  it('zulip issue.resolved: a person as actor (numeric id becomes a string) and the resolution type', () => {
    const webhook = expectOk(parseSentryWebhook('issue', fixtureBody('zulip_issue_resolved.json')));
    if (webhook.resource !== 'issue') throw new Error('expected an issue delivery');
    expect(webhook.action).toBe('resolved');
    expect(webhook.actor).toEqual({ type: 'user', id: '662437', name: 'Hemanth V. Alluri' });
    expect(webhook.resolutionType).toBe('now');
    expect(webhook.issue.status).toBe('resolved');
    expect(webhook.issue.substatus).toBeNull();
    expect(webhook.issue.userCount).toBe(0);
  });

  it('zulip issue.ignored and issue.created carry their status', () => {
    const ignored = expectOk(parseSentryWebhook('issue', fixtureBody('zulip_issue_ignored.json')));
    const created = expectOk(
      parseSentryWebhook('issue', fixtureBody('zulip_issue_created_for_exception.json')),
    );
    expect(ignored).toMatchObject({
      action: 'ignored',
      issue: { status: 'ignored', shortId: 'ZULIP-INTEGRATION-TESTING-E' },
    });
    expect(created).toMatchObject({
      action: 'created',
      issue: { id: '1635244907', project: { id: '5216640' } },
    });
  });

  it('docs event_alert.triggered: the event, its issue and the rule', () => {
    const webhook = expectOk(
      parseSentryWebhook('event_alert', fixtureBody('docs_event_alert_triggered.json')),
    );
    if (webhook.resource !== 'event_alert') throw new Error('expected an event_alert delivery');
    expect(webhook.triggeredRule).toBe('Very Important Alert Rule!');
    expect(webhook.event).toMatchObject({
      event_id: 'e4874d664c3540c1a32eab185f12c5ab',
      issue_id: '1117540176',
      level: 'error',
      project: '1',
      release: null,
      title: 'ReferenceError: heck is not defined',
    });
    expect(webhookIssueId(webhook)).toBe('1117540176');
  });

  it('docs metric_alert.resolved is acknowledged and ignored', () => {
    const webhook = expectOk(
      parseSentryWebhook('metric_alert', fixtureBody('docs_metric_alert_resolved.json')),
    );
    expect(webhook).toEqual({
      resource: 'ignored',
      hookResource: 'metric_alert',
      action: 'resolved',
      reason: 'resource "metric_alert" is not used',
    });
    expect(webhookIssueId(webhook)).toBeNull();
  });
});

describe('resources without a real payload in the fixtures (shapes from Sentry docs)', () => {
  it('error.created: the error event and its issue', () => {
    const body = {
      action: 'created',
      actor: { type: 'application', id: 'sentry', name: 'Sentry' },
      installation: { uuid: 'inst-1' },
      data: {
        error: {
          event_id: 'bb78c1407cea4519aa397afc059c793d',
          issue_id: '1170820242',
          issue_url: 'https://sentry.io/api/0/issues/1170820242/',
          level: 'error',
          culprit: '?(runner)',
          datetime: '2019-08-19T20:58:37.391000Z',
          project: 1,
          release: null,
          title: 'ReferenceError: blooopy is not defined',
          web_url:
            'https://sentry.io/organizations/test-org/issues/1170820242/events/bb78c1407cea4519aa397afc059c793d/',
        },
      },
    };
    const webhook = expectOk(parseSentryWebhook('error', body));
    expect(webhook).toMatchObject({ resource: 'error', action: 'created', installationUuid: 'inst-1' });
    expect(webhookIssueId(webhook)).toBe('1170820242');
  });

  it('installation.created and .deleted: the installation and its organization', () => {
    const body = {
      action: 'deleted',
      actor: { type: 'user', id: 1, name: 'Admin' },
      installation: { uuid: '7a485448-a9e2-4c85-8a3c-4f44175783c9' },
      data: {
        installation: {
          app: { uuid: '64bf2cf4-37ca-4365-8dd3-6b6e56d741b8', slug: 'product-health' },
          organization: { slug: 'acme' },
          uuid: '7a485448-a9e2-4c85-8a3c-4f44175783c9',
        },
      },
    };
    const webhook = expectOk(parseSentryWebhook('installation', body));
    expect(webhook).toMatchObject({
      resource: 'installation',
      action: 'deleted',
      installation: {
        uuid: '7a485448-a9e2-4c85-8a3c-4f44175783c9',
        organizationSlug: 'acme',
        appSlug: 'product-health',
      },
    });
  });
});

describe('malformed deliveries name what is wrong', () => {
  function issueBody(mutate: (issue: Record<string, unknown>) => void): Record<string, unknown> {
    const body = fixtureBody('docs_issue_created.json');
    mutate((body.data as { issue: Record<string, unknown> }).issue);
    return body;
  }

  it('a missing issue id', () => {
    const error = expectError(
      parseSentryWebhook(
        'issue',
        issueBody((issue) => delete issue.id),
      ),
    );
    expect(error).toBe('Sentry issue webhook is malformed: data.issue.id is missing');
  });

  it('a missing project slug and a bad level, together', () => {
    const error = expectError(
      parseSentryWebhook(
        'issue',
        issueBody((issue) => {
          issue.project = { id: '1' };
          issue.level = 'catastrophic';
        }),
      ),
    );
    expect(error).toContain('data.issue.level must be one of "fatal", "error"');
    expect(error).toContain('data.issue.project.slug is missing');
  });

  it('a count that is not a number, and a date without a zone', () => {
    const error = expectError(
      parseSentryWebhook(
        'issue',
        issueBody((issue) => {
          issue.count = 'many';
          issue.lastSeen = '2019-08-19 20:58';
        }),
      ),
    );
    expect(error).toContain('data.issue.count');
    expect(error).toContain('data.issue.lastSeen: must be an ISO-8601 date-time with a zone');
  });

  it('no data at all', () => {
    expect(expectError(parseSentryWebhook('issue', { action: 'created' }))).toBe(
      'Sentry issue webhook is malformed: data is missing',
    );
  });

  it('an event alert whose event names no issue', () => {
    const body = fixtureBody('docs_event_alert_triggered.json');
    delete (body.data as { event: Record<string, unknown> }).event.issue_id;
    expect(expectError(parseSentryWebhook('event_alert', body))).toContain('data.event.issue_id is missing');
  });

  it('an installation without its organization', () => {
    const body = { action: 'created', data: { installation: { uuid: 'u' } } };
    expect(expectError(parseSentryWebhook('installation', body))).toContain(
      'data.installation.organization is missing',
    );
  });

  it('an actor of an unknown type', () => {
    const body = fixtureBody('docs_issue_created.json');
    body.actor = { type: 'robot', id: 'x', name: 'X' };
    expect(expectError(parseSentryWebhook('issue', body))).toContain('actor.type must be one of "user"');
  });

  it('a handled resource without an action', () => {
    const body = fixtureBody('docs_issue_created.json');
    delete body.action;
    expect(expectError(parseSentryWebhook('issue', body))).toBe(
      'Sentry issue webhook is malformed: action is missing',
    );
  });

  it.each([
    [undefined, '{}', /no Sentry-Hook-Resource header/],
    ['  ', '{}', /no Sentry-Hook-Resource header/],
    ['issue', 'not json', /not valid JSON/],
    ['issue', '', /not valid JSON/],
    ['issue', '[1,2]', /must be a JSON object/],
    ['issue', 'null', /must be a JSON object/],
    ['comment', '"text"', /must be a JSON object/],
  ])('resource %p with body %p is refused', (resource, raw, message) => {
    expect(expectError(parseSentryWebhookBody(resource, raw))).toMatch(message);
  });

  it.each([
    ['a bare token', 'sk_live_51HxSECRETvalue'],
    ['a cut-off object', '{"installation": {"uuid": "x"}, "token": "sntrys_SECRETvalue'],
    ['trailing text', '{"action": "created"}sntrys_SECRETvalue'],
  ])('does not quote a body that is not JSON (%s) in its error', (_what, raw) => {
    const error = expectError(parseSentryWebhookBody('issue', raw));
    expect(error).toMatch(/^Sentry webhook body is not valid JSON \(\d+ bytes/);
    expect(error).toContain(`${Buffer.byteLength(raw)} bytes`);
    expect(error).not.toMatch(/SECRET|sk_live|sntrys|installation/);
  });

  it('never quotes the body in its error (bodies may hold personal data)', () => {
    const error = expectError(
      parseSentryWebhook(
        'issue',
        issueBody((issue) => {
          issue.level = 'secret-token-value';
        }),
      ),
    );
    expect(error).not.toContain('secret-token-value');
  });
});

describe('deliberately ignored deliveries', () => {
  it('unknown resources are acknowledged whatever their body', () => {
    expect(expectOk(parseSentryWebhook('comment', { action: 'created', data: {} }))).toEqual({
      resource: 'ignored',
      hookResource: 'comment',
      action: 'created',
      reason: 'resource "comment" is not used',
    });
  });

  it('new actions of known resources are acknowledged, not refused', () => {
    const body = fixtureBody('docs_issue_created.json');
    body.action = 'merged';
    expect(expectOk(parseSentryWebhook('issue', body))).toMatchObject({
      resource: 'ignored',
      hookResource: 'issue',
      action: 'merged',
      reason: 'issue action "merged" is not used',
    });
  });

  it('every issue action the app handles parses', () => {
    for (const action of ['created', 'resolved', 'assigned', 'ignored', 'archived', 'unresolved']) {
      const body = fixtureBody('docs_issue_created.json');
      body.action = action;
      expect(expectOk(parseSentryWebhook('issue', body))).toMatchObject({ resource: 'issue', action });
    }
  });
});

describe('isOwnChange', () => {
  const APP_UUID = '64bf2cf4-37ca-4365-8dd3-6b6e56d741b8';

  it('recognises a change made through this app', () => {
    expect(isOwnChange({ type: 'application', id: APP_UUID, name: 'Product Health' }, [APP_UUID])).toBe(true);
    expect(isOwnChange({ type: 'sentry_app', id: APP_UUID, name: 'Product Health' }, [APP_UUID])).toBe(true);
  });

  it('does not mistake Sentry itself, another app, a person or a missing actor for this app', () => {
    expect(isOwnChange({ type: 'application', id: 'sentry', name: 'Sentry' }, [APP_UUID])).toBe(false);
    expect(isOwnChange({ type: 'application', id: 'other-app', name: 'Other' }, [APP_UUID])).toBe(false);
    expect(isOwnChange({ type: 'user', id: APP_UUID, name: 'Someone' }, [APP_UUID])).toBe(false);
    expect(isOwnChange(null, [APP_UUID])).toBe(false);
  });
});
