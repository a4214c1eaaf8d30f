// Previous / Next through one Sentry project's unresolved issues: pages 1 and 2 are the busiest (with
// their ranks among all unresolved), page 3 and later the others in Sentry issue id order, as many as
// there are (their number is not known ahead: each page says whether another follows).
import Button from '@atlaskit/button/new';
import type { SentryIssuesPageInfo } from '../../../../../src/domain/views';
import { formatCount } from '../../../shared/format';

export function pageInWords(info: SentryIssuesPageInfo, shown: number, unresolvedCount: number): string {
  if (info.order === 'busiest') {
    const first = info.firstRank ?? 1;
    const range = shown === 0 ? 'none' : `${formatCount(first)}–${formatCount(first + shown - 1)}`;
    return `Page ${info.page} · busiest ${range} of ${formatCount(unresolvedCount)} unresolved`;
  }
  return `Page ${info.page} · the others, in Sentry issue id order${info.next ? '' : ' · last page'}`;
}

export function IssuePager({
  projectName,
  info,
  shown,
  unresolvedCount,
  hasPrevious,
  loadingPage,
  onPrevious,
  onNext,
}: {
  projectName: string;
  info: SentryIssuesPageInfo;
  shown: number;
  unresolvedCount: number;
  hasPrevious: boolean;
  /** The page being read, while one is. */
  loadingPage: number | null;
  onPrevious: () => void;
  onNext: () => void;
}) {
  if (!hasPrevious && !info.next) return null;
  const loading = loadingPage !== null;
  return (
    <nav className="ph-si-pager" aria-label={`Pages of ${projectName}'s issues`} data-testid="sentry-pager">
      <Button
        appearance="subtle"
        isDisabled={!hasPrevious || loading}
        isLoading={loading && loadingPage < info.page}
        onClick={onPrevious}
        testId="pager-previous"
      >
        Previous
      </Button>
      <span className="ph-si-pager__label" aria-live="polite" data-testid="pager-label">
        {loading ? `Loading page ${loadingPage}…` : pageInWords(info, shown, unresolvedCount)}
      </span>
      <Button
        isDisabled={!info.next || loading}
        isLoading={loading && loadingPage > info.page}
        onClick={onNext}
        testId="pager-next"
      >
        Next
      </Button>
    </nav>
  );
}
