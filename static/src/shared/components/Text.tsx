import type { MouseEvent, ReactNode } from 'react';
import { isOpenableExternalLink } from '../../../../src/domain/remote-links';
import { openExternal } from '../bridge';
import { formatDateTime, formatRelative } from '../format';

/** A time in words ("2 hours ago") with the exact time on hover. */
export function TimeAgo({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={formatDateTime(iso)}>
      {formatRelative(iso)}
    </time>
  );
}

/**
 * A link to Sentry or SonarCloud; Jira opens it in a new tab after asking the user. Anything else is
 * shown as plain text: no href the browser could follow (middle click, copy link) is rendered.
 */
export function ExternalLink({ href, children }: { href: string; children: ReactNode }) {
  if (!isOpenableExternalLink(href)) return <span>{children}</span>;
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    event.preventDefault();
    openExternal(href);
  };
  return (
    <a href={href} onClick={onClick} target="_blank" rel="noreferrer">
      {children}
    </a>
  );
}

export function Section({
  title,
  actions,
  children,
}: {
  title: string;
  actions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="ph-section">
      <header className="ph-section__header">
        <h2>{title}</h2>
        {actions ? <div className="ph-section__actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}

export function Subtle({ children }: { children: ReactNode }) {
  return <span className="ph-subtle">{children}</span>;
}
