import Button from '@atlaskit/button/new';
import type {
  FailingGateView,
  OpenJiraWorkSummary,
  ProjectOverviewView,
  SourceSyncView,
} from '../../../../src/domain/health/overview';
import type { HealthPart } from '../../../../src/domain/health/model';
import type { ProjectHealthView } from '../../../../src/domain/health/views';
import type { SentryIssueSnapshot } from '../../../../src/domain/model';
import { AsyncView, EmptyState } from '../../shared/components/AsyncView';
import { GradeTile, TrendArrow } from '../../shared/components/Health';
import { InlineMessage } from '../../shared/components/InlineMessage';
import { LevelLozenge, QualityGateLozenge } from '../../shared/components/Lozenge';
import { connectionName, MappedProduct, PriorityLozenge } from '../../shared/components/MappedProduct';
import { ExternalLink, Section, Subtle, TimeAgo } from '../../shared/components/Text';
import { formatCount } from '../../shared/format';
import { useResolver } from '../../shared/use-resolver';
import './overview.css';
import type { ProjectPageRoute } from './ProjectPage';

export function Overview({ onNavigate }: { onNavigate: (route: ProjectPageRoute) => void }) {
  const query = useResolver<ProjectOverviewView>('getOverview');
  return (
    <AsyncView query={query} what="the health of this project">
      {(view) =>
        view.products.length === 0 ? (
          <NoProductMapped />
        ) : (
          <>
            <HealthSummary health={view.health} sync={view.sync} />
            <div className="ph-overview-columns">
              <Reasons health={view.health} />
              <Recommendations health={view.health} />
            </div>
            <TopSentryIssues view={view} onNavigate={onNavigate} />
            <FailingGates view={view} onNavigate={onNavigate} />
            <OpenJiraWork work={view.jiraWork} />
            <Members health={view.health} />
            <Section
              title={view.products.length === 1 ? 'What this project maps' : 'Products and what they map'}
            >
              {view.products.map((item) => (
                <MappedProduct key={item.product.id} item={item} connections={view.connections} />
              ))}
            </Section>
          </>
        )
      }
    </AsyncView>
  );
}

function percentOf(weight: number, total: number): string {
  return `${Math.round((weight / total) * 100)} %`;
}

function HealthSummary({ health, sync }: { health: ProjectHealthView; sync: ProjectOverviewView['sync'] }) {
  const parts = health.parts ? Object.values(health.parts) : [];
  const scoredWeight = parts.reduce((sum, part) => sum + (part.status === 'scored' ? part.weight : 0), 0);
  return (
    <section className="ph-section ph-health" aria-labelledby="ph-health-title" data-testid="health-summary">
      <div className="ph-health__head">
        <GradeTile grade={health.grade} score={health.score} />
        <div className="ph-health__figures">
          <h2 id="ph-health-title">
            {health.score === null ? 'No health score yet' : `Health score ${health.score} of 100`}
          </h2>
          <div>
            <TrendArrow trend={health.trend} />
          </div>
          <div className="ph-subtle">
            {health.updatedAt ? (
              <>
                Computed <TimeAgo iso={health.updatedAt} /> by the hourly sync.{' '}
              </>
            ) : null}
            <SyncLine label="Sentry" what="project" sync={sync.sentry} />{' '}
            <SyncLine label="SonarCloud" what="branch" sync={sync.sonarcloud} />
          </div>
        </div>
      </div>
      {health.message ? (
        <InlineMessage appearance={health.status === 'pending' ? 'information' : 'warning'}>
          {health.message}
        </InlineMessage>
      ) : null}
      {parts.length > 0 ? (
        <table className="ph-table ph-parts" aria-label="Parts of the score">
          <thead>
            <tr>
              <th>Part</th>
              <th className="ph-num">Weight</th>
              <th className="ph-num">Score</th>
              <th>What costs points</th>
            </tr>
          </thead>
          <tbody>
            {parts.map((part) => (
              <PartRow key={part.key} part={part} scoredWeight={scoredWeight} />
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function PartRow({ part, scoredWeight }: { part: HealthPart; scoredWeight: number }) {
  if (part.status === 'no-data') {
    return (
      <tr data-testid="health-part">
        <th scope="row">{part.name}</th>
        <td className="ph-num">
          {part.weight} %<div className="ph-subtle">left out</div>
        </td>
        <td className="ph-num ph-subtle">no data</td>
        <td className="ph-wrap">{part.message}</td>
      </tr>
    );
  }
  const scaled = scoredWeight > 0 && scoredWeight !== 100;
  return (
    <tr data-testid="health-part">
      <th scope="row">{part.name}</th>
      <td className="ph-num">
        {part.weight} %
        {scaled ? <div className="ph-subtle">counts {percentOf(part.weight, scoredWeight)}</div> : null}
      </td>
      <td className="ph-num ph-part-score">{part.score}</td>
      <td className="ph-wrap">
        {part.penalties.length === 0 ? (
          <Subtle>Nothing: full marks.</Subtle>
        ) : (
          <ul className="ph-penalties">
            {part.penalties.slice(0, 4).map((penalty) => (
              <li key={`${penalty.code}:${penalty.text}`}>
                <span className="ph-penalty-points">−{formatPoints(penalty.points)}</span> {penalty.text}
              </li>
            ))}
            {part.penalties.length > 4 ? (
              <li className="ph-subtle">and {part.penalties.length - 4} smaller ones</li>
            ) : null}
          </ul>
        )}
        {part.notes.map((note) => (
          <div key={note} className="ph-subtle">
            {note}
          </div>
        ))}
      </td>
    </tr>
  );
}

function formatPoints(points: number): string {
  return (Math.round(points * 10) / 10).toLocaleString(undefined, { maximumFractionDigits: 1 });
}

function SyncLine({ label, what, sync }: { label: string; what: string; sync: SourceSyncView }) {
  if (sync.projects === 0)
    return (
      <span>
        No {label} {what} mapped.
      </span>
    );
  const many = (count: number) => `${count} ${what}${count === 1 ? '' : what.endsWith('h') ? 'es' : 's'}`;
  if (sync.synced === 0) return <span>{label}: not synced yet.</span>;
  return (
    <span data-testid={`last-sync-${label.toLowerCase()}`}>
      {label} last synced {sync.newest ? <TimeAgo iso={sync.newest} /> : null}
      {sync.synced < sync.projects ? ` (${sync.synced} of ${many(sync.projects)} so far)` : ''}
      {sync.failing > 0 ? `, ${many(sync.failing)} failing (see the sync log)` : ''}.
    </span>
  );
}

function Reasons({ health }: { health: ProjectHealthView }) {
  return (
    <Section title="Why this grade">
      {health.reasons.length === 0 ? (
        <Subtle>{health.score === null ? 'No score yet, so no reasons.' : 'Nothing costs points.'}</Subtle>
      ) : (
        <ol className="ph-reasons" data-testid="health-reasons">
          {health.reasons.map((reason) => (
            <li key={`${reason.part}:${reason.code}:${reason.text}`}>
              <span className="ph-wrap">{reason.text}</span>{' '}
              <Subtle>
                costs {formatPoints(reason.impact)} {reason.impact === 1 ? 'point' : 'points'}
              </Subtle>
            </li>
          ))}
        </ol>
      )}
    </Section>
  );
}

function Recommendations({ health }: { health: ProjectHealthView }) {
  return (
    <Section title="What to do">
      {health.recommendations.length === 0 ? (
        <Subtle>Nothing to do for now.</Subtle>
      ) : (
        <ol className="ph-reasons" data-testid="health-recommendations">
          {health.recommendations.map((recommendation) => (
            <li key={recommendation} className="ph-wrap">
              {recommendation}
            </li>
          ))}
        </ol>
      )}
    </Section>
  );
}

function TopSentryIssues({
  view,
  onNavigate,
}: {
  view: ProjectOverviewView;
  onNavigate: (route: ProjectPageRoute) => void;
}) {
  const { sentry } = view;
  return (
    <Section
      title="Sentry issues hurting most"
      actions={
        sentry.projects > 0 ? (
          <Button onClick={() => onNavigate('sentry')}>
            All {formatCount(sentry.unresolved)} unresolved
          </Button>
        ) : undefined
      }
    >
      {sentry.projects === 0 ? (
        <Subtle>No Sentry project is mapped to this project&apos;s products.</Subtle>
      ) : sentry.top.length === 0 ? (
        <Subtle>No unresolved Sentry issue in the mapped projects.</Subtle>
      ) : (
        <>
          <p className="ph-subtle ph-caption">
            {formatCount(sentry.unresolved)} unresolved in {sentry.projects} Sentry{' '}
            {sentry.projects === 1 ? 'project' : 'projects'}, ranked by users affected in 24 h, then in 14
            days, then level and events.
          </p>
          <table className="ph-table" data-testid="top-sentry-issues">
            <thead>
              <tr>
                <th>Issue</th>
                <th className="ph-num">Users 24 h</th>
                <th className="ph-num">Users 14 d</th>
                <th className="ph-num">Events 14 d</th>
                <th>Last seen</th>
              </tr>
            </thead>
            <tbody>
              {sentry.top.map((issue) => (
                <SentryIssueRow key={`${issue.connectionId}:${issue.id}`} issue={issue} />
              ))}
            </tbody>
          </table>
        </>
      )}
    </Section>
  );
}

function SentryIssueRow({ issue }: { issue: SentryIssueSnapshot }) {
  return (
    <tr>
      <td className="ph-wrap">
        <div className="ph-row">
          <LevelLozenge level={issue.level} />
          <ExternalLink href={issue.permalink}>
            <span className="ph-mono">{issue.shortId}</span>
          </ExternalLink>
          <Subtle>{issue.projectSlug}</Subtle>
        </div>
        <div>{issue.title}</div>
      </td>
      <td className="ph-num">{formatCount(issue.users24h)}</td>
      <td className="ph-num">{formatCount(issue.users14d)}</td>
      <td className="ph-num">{formatCount(issue.events14d)}</td>
      <td>
        <TimeAgo iso={issue.lastSeen} />
      </td>
    </tr>
  );
}

function FailingGates({
  view,
  onNavigate,
}: {
  view: ProjectOverviewView;
  onNavigate: (route: ProjectPageRoute) => void;
}) {
  const { quality } = view;
  return (
    <Section
      title="Failing quality gates"
      actions={
        quality.branches > 0 ? <Button onClick={() => onNavigate('quality')}>Code quality</Button> : undefined
      }
    >
      {quality.branches === 0 ? (
        <Subtle>No SonarCloud project is mapped to this project&apos;s products.</Subtle>
      ) : quality.failing.length === 0 ? (
        <Subtle>
          {quality.analysed === 0
            ? 'No SonarCloud analysis stored yet; gates appear after the next sync.'
            : `Every analysed branch passes its quality gate (${quality.analysed} of ${quality.branches} analysed).`}
        </Subtle>
      ) : (
        <ul className="ph-list" data-testid="failing-gates">
          {quality.failing.map((gate) => (
            <FailingGate
              key={`${gate.ref.connectionId}:${gate.ref.projectKey}:${gate.ref.branch}`}
              gate={gate}
              view={view}
            />
          ))}
        </ul>
      )}
    </Section>
  );
}

function FailingGate({ gate, view }: { gate: FailingGateView; view: ProjectOverviewView }) {
  return (
    <li className="ph-card">
      <div className="ph-row">
        <QualityGateLozenge status={gate.qualityGate} />
        <strong className="ph-wrap">{gate.projectName}</strong>
        <Subtle>
          branch {gate.ref.branch} · {connectionName(view.connections, gate.ref.connectionId)}
          {gate.analysedAt ? (
            <>
              {' '}
              · analysed <TimeAgo iso={gate.analysedAt} />
            </>
          ) : null}
        </Subtle>
      </div>
      {gate.conditions.length > 0 ? (
        <ul className="ph-conditions">
          {gate.conditions.map((condition) => (
            <li key={condition} className="ph-wrap">
              {condition}
            </li>
          ))}
        </ul>
      ) : null}
    </li>
  );
}

function OpenJiraWork({ work }: { work: OpenJiraWorkSummary }) {
  return (
    <Section title="Open linked Jira work">
      {work.total === 0 ? (
        <Subtle>No open Jira issue is linked to the Sentry issues of these products.</Subtle>
      ) : (
        <>
          <p className="ph-subtle ph-caption">
            {formatCount(work.total)} open Jira {work.total === 1 ? 'issue is' : 'issues are'} linked to
            Sentry issues of these products
            {work.total > work.shown.length ? `; the ${work.shown.length} oldest` : ''}.
          </p>
          {work.lookupFailed ? <InlineMessage appearance="warning">{work.lookupFailed}</InlineMessage> : null}
          <table className="ph-table" data-testid="open-jira-work">
            <thead>
              <tr>
                <th>Jira issue</th>
                <th>Status</th>
                <th className="ph-num">Open for</th>
              </tr>
            </thead>
            <tbody>
              {work.shown.map((item) => (
                <tr key={item.jiraIssueId}>
                  <td className="ph-wrap">
                    {item.key ? (
                      <>
                        <span className="ph-mono">{item.key}</span> {item.summary}
                      </>
                    ) : (
                      <Subtle>An issue you cannot see in Jira (id {item.jiraIssueId})</Subtle>
                    )}
                  </td>
                  <td>{item.status ?? '—'}</td>
                  <td className="ph-num">
                    {item.ageDays} {item.ageDays === 1 ? 'day' : 'days'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Section>
  );
}

function Members({ health }: { health: ProjectHealthView }) {
  if (health.members.length < 2) return null;
  return (
    <Section title="How the products count">
      <p className="ph-subtle ph-caption">
        The score is the mean of the products&apos; scores weighted by priority (critical 4, high 3, medium 2,
        low 1); a product without a score is left out.
      </p>
      <table className="ph-table" data-testid="health-members">
        <thead>
          <tr>
            <th>Product</th>
            <th>Priority</th>
            <th className="ph-num">Score</th>
            <th className="ph-num">Share</th>
          </tr>
        </thead>
        <tbody>
          {health.members.map((member) => (
            <tr key={member.productId}>
              <td className="ph-wrap">{member.name}</td>
              <td>
                <PriorityLozenge priority={member.priority} />
              </td>
              <td className="ph-num">{member.score ?? 'no data'}</td>
              <td className="ph-num">{Math.round(member.share * 100)} %</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}

export function NoProductMapped() {
  return (
    <EmptyState title="No product is mapped to this Jira project">
      <p>
        A Jira admin maps products to Jira projects in Jira settings → Apps → Product health. Once this
        project belongs to a product, its health, Sentry and SonarCloud projects show here.
      </p>
    </EmptyState>
  );
}
