import { Loading } from '../../shared/components/AsyncView';
import { useRoute } from '../../shared/use-route';
import { CodeQuality } from './CodeQuality';
import { Overview } from './Overview';
import { SentryImpact } from './SentryImpact';
import { Trends } from './Trends';

/** The subpage routes declared under jira:projectPage `pages` in manifest.yml. */
export const PROJECT_PAGE_ROUTES = ['overview', 'sentry', 'quality', 'trends'] as const;
export type ProjectPageRoute = (typeof PROJECT_PAGE_ROUTES)[number];

const titles: Record<ProjectPageRoute, { title: string; intro: string }> = {
  overview: {
    title: 'Overview',
    intro: 'How healthy the products of this Jira project are, why, and what to do about it.',
  },
  sentry: {
    title: 'Sentry impact',
    intro: 'Unresolved Sentry issues of the mapped Sentry projects, most events first.',
  },
  quality: {
    title: 'Code quality',
    intro: 'Quality gate and key measures of the mapped SonarCloud projects.',
  },
  trends: { title: 'Trends', intro: 'Daily figures of the mapped products over the last 30 days.' },
};

export function ProjectPage() {
  const { route, navigate } = useRoute(PROJECT_PAGE_ROUTES, 'overview');
  if (route === null) return <Loading label="Loading…" />;
  const { title, intro } = titles[route];
  return (
    <main className="ph-page">
      <header>
        <h1>{title}</h1>
        <p>{intro}</p>
      </header>
      {route === 'overview' ? <Overview onNavigate={navigate} /> : null}
      {route === 'sentry' ? <SentryImpact /> : null}
      {route === 'quality' ? <CodeQuality /> : null}
      {route === 'trends' ? <Trends /> : null}
    </main>
  );
}
