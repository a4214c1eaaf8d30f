// A small message inside a section (Atlaskit section-message): what an action did, what to do next, or
// why it failed. Long unbroken text (a URL, an id) wraps instead of widening the page.
import type { ReactNode } from 'react';
import SectionMessage from '@atlaskit/section-message';

export type InlineMessageAppearance = 'information' | 'success' | 'warning' | 'error' | 'discovery';

export function InlineMessage({
  appearance = 'information',
  title,
  children,
  testId,
}: {
  appearance?: InlineMessageAppearance;
  title?: string;
  children?: ReactNode;
  testId?: string;
}) {
  return (
    <div className="ph-inline-message" data-testid={testId}>
      <SectionMessage appearance={appearance} title={title}>
        <div className="ph-wrap">{children}</div>
      </SectionMessage>
    </div>
  );
}
