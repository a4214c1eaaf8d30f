// A rule's dry run: which of the current Sentry issues or SonarCloud branches in its scope it would fire
// for now, why, and the Jira issue each would get. Nothing is created by a dry run.
import Lozenge from '@atlaskit/lozenge';
import type { DryRunView } from '../../../../src/domain/project-settings-views';
import { InlineMessage } from '../../shared/components/InlineMessage';
import { formatCount } from '../../shared/format';

export function DryRunPanel({
  result,
  source,
  creates,
}: {
  result: DryRunView;
  source: 'sentry' | 'sonarcloud';
  /** What each created issue would be, in words ("a Bug with priority High, labels sentry"). */
  creates: string;
}) {
  const items = source === 'sentry' ? 'Sentry issues' : 'SonarCloud branches';
  const fresh = result.matches.filter((match) => !match.alreadyFired).length;
  const title =
    result.matchCount === 0
      ? `Would fire for none of the ${formatCount(result.evaluated)} ${items} in scope now`
      : `Would fire for ${formatCount(result.matchCount)} of the ${formatCount(result.evaluated)} ${items} in scope now`;
  return (
    <div className="ph-dry-run" data-testid="dry-run">
      <InlineMessage appearance={result.matchCount === 0 ? 'information' : 'discovery'} title={title}>
        <p>
          Dry run: nothing was created.{' '}
          {result.matchCount > 0
            ? `Switched on, the rule would create ${creates} for each of the ${formatCount(fresh)} below it has not fired for yet, when they next change.`
            : null}
        </p>
        <p>
          {source === 'sentry'
            ? "Each issue also gets the labels sentry, level-<the issue's level> and its product's name, and a link to its Sentry issue."
            : "Each issue also gets the labels sonarcloud and its product's name, and a link to the SonarCloud branch."}
        </p>
        {result.note ? <p>{result.note}</p> : null}
        {result.truncated ? (
          <p>The scope holds more items than a dry run reads; only the first were evaluated.</p>
        ) : null}
      </InlineMessage>
      {result.matches.length > 0 ? (
        <table className="ph-table" data-testid="dry-run-matches">
          <thead>
            <tr>
              <th scope="col">{source === 'sentry' ? 'Sentry issue' : 'SonarCloud branch'}</th>
              <th scope="col">Why it matches</th>
              <th scope="col">Jira issue it would create</th>
            </tr>
          </thead>
          <tbody>
            {result.matches.map((match) => (
              <tr key={match.itemId}>
                <td className="ph-wrap">{match.label}</td>
                <td className="ph-wrap">{match.reason}</td>
                <td className="ph-wrap">
                  {match.alreadyFired ? (
                    <Lozenge appearance="default">Already created: not again</Lozenge>
                  ) : (
                    <>
                      “{match.summary}”<div className="ph-subtle">{creates}</div>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {result.matchCount > result.matches.length ? (
        <p className="ph-subtle">
          Showing the first {formatCount(result.matches.length)} of {formatCount(result.matchCount)} matches.
        </p>
      ) : null}
    </div>
  );
}
