import { useRef, useState } from 'react';
import Button from '@atlaskit/button/new';
import Textfield from '@atlaskit/textfield';
import type { ConnectionWebhookUrlView, WebhookUrlsPageView } from '../../../../src/domain/views';
import { AsyncView, EmptyState } from '../../shared/components/AsyncView';
import { Lozenge } from '../../shared/components/Lozenge';
import { messageOf, NoticeLine, type Notice } from '../../shared/components/Notice';
import { Section, Subtle } from '../../shared/components/Text';
import { useResolver } from '../../shared/use-resolver';

/**
 * Copies with the Clipboard API, else with the selected field and execCommand: a page inside Jira's
 * iframe may be refused clipboard access.
 */
async function copyText(text: string, field: HTMLInputElement | null): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch (clipboardError) {
    field?.select();
    if (field && document.execCommand('copy')) return;
    throw new Error(
      `The browser refused to copy (${messageOf(clipboardError)}): select the URL and press Ctrl+C (⌘C on a Mac).`,
      { cause: clipboardError },
    );
  }
}

/** A field holding a webhook URL, with a Copy button and the line that says whether copying worked. */
export function CopyableUrl({ url, label }: { url: string; label: string }) {
  const field = useRef<HTMLInputElement>(null);
  const [notice, setNotice] = useState<Notice>(null);
  const copy = async () => {
    try {
      await copyText(url, field.current);
      setNotice({ kind: 'ok', text: 'Copied.' });
    } catch (error) {
      setNotice({ kind: 'error', text: messageOf(error) });
    }
  };
  return (
    <>
      <div className="ph-copy-row">
        <Textfield
          ref={field}
          className="ph-mono"
          value={url}
          isReadOnly
          isCompact
          onFocus={(event) => event.currentTarget.select()}
          aria-label={label}
        />
        <Button
          onClick={() => void copy()}
          aria-label={`Copy the ${label.charAt(0).toLowerCase()}${label.slice(1)}`}
        >
          Copy
        </Button>
      </div>
      <NoticeLine notice={notice} />
    </>
  );
}

function WebhookUrl({ item }: { item: ConnectionWebhookUrlView }) {
  const service = item.kind === 'sentry' ? 'Sentry' : 'SonarCloud';
  return (
    <article className="ph-card" data-testid="webhook-url" data-connection-id={item.connectionId}>
      <div className="ph-row">
        <h3 className="ph-wrap">
          {service} · {item.label}
        </h3>
        {item.hasWebhookSecret ? (
          <Lozenge appearance="success">secret set</Lozenge>
        ) : (
          <Lozenge appearance="moved">no webhook secret</Lozenge>
        )}
      </div>
      <CopyableUrl url={item.url} label={`Webhook URL for ${service} ${item.label}`} />
      <p className="ph-wrap">{item.instructions}</p>
      {item.hasWebhookSecret ? null : (
        <Subtle>
          {item.kind === 'sentry'
            ? 'Until the webhook secret is saved, the app refuses Sentry deliveries (it cannot verify them).'
            : 'Until the webhook secret is saved, the app refuses SonarCloud deliveries (it cannot verify them).'}
        </Subtle>
      )}
    </article>
  );
}

/** The URL each connection's webhooks must be sent to, with where to paste it. */
export function WebhookUrls() {
  const query = useResolver<WebhookUrlsPageView>('getWebhookUrls');
  return (
    <Section title="Webhook URLs">
      <AsyncView query={query} what="the webhook URLs">
        {(view) =>
          view.connections.length === 0 ? (
            <EmptyState title="No connection yet">
              <p>Each connection gets its own webhook URL here once it is saved.</p>
            </EmptyState>
          ) : (
            <div className="ph-list">
              {view.connections.map((item) => (
                <WebhookUrl key={item.connectionId} item={item} />
              ))}
            </div>
          )
        }
      </AsyncView>
    </Section>
  );
}
