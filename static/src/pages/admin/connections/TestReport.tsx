// What the connection test found: whether the token works, the organization it reaches, how many
// projects it sees, which needed scopes are missing, in words, and what to do.
import type { ConnectionTestReport } from '../../../../../src/domain/connection-settings';
import { InlineMessage } from '../../../shared/components/InlineMessage';

export function TestReport({ report, name }: { report: ConnectionTestReport; name: string }) {
  return (
    <InlineMessage
      appearance={report.ok ? 'success' : 'warning'}
      title={report.ok ? `${name} works` : `${name} needs attention`}
      testId="connection-test-report"
    >
      <p>{report.summary}</p>
      {report.missingScopes.length > 0 ? (
        <p>
          Missing: <strong>{report.missingScopes.join(', ')}</strong>. Give the token these and save it again
          with Rotate token.
        </p>
      ) : null}
      {report.details.length > 0 ? (
        <ul className="ph-report-details">
          {report.details.map((line, index) => (
            <li key={index}>{line}</li>
          ))}
        </ul>
      ) : null}
    </InlineMessage>
  );
}
