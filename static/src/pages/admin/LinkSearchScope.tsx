// How widely linking from a Jira issue searches Sentry: the Jira admin's toggle on the global settings page.
import { useState } from 'react';
import type { LinkSearchScope as Scope, LinkSearchSettings } from '../../../../src/domain/link-search';
import { callResolver } from '../../shared/bridge';
import { AsyncView } from '../../shared/components/AsyncView';
import { messageOf, NoticeLine, type Notice } from '../../shared/components/Notice';
import { Section, Subtle, TimeAgo } from '../../shared/components/Text';
import { useResolver } from '../../shared/use-resolver';
import './link-search-scope.css';

/** What getLinkSearchScope / setLinkSearchScope answer (src/entry/resolvers/link-search-settings.ts). */
type LinkSearchSettingsView = LinkSearchSettings & { description: string };

const CHOICES: Array<{ scope: Scope; label: string }> = [
  { scope: 'mapped-projects', label: "Sentry projects mapped to the Jira project's products" },
  { scope: 'organization', label: 'The whole Sentry organization' },
];

function ScopeChoice({ initial }: { initial: LinkSearchSettingsView }) {
  const [settings, setSettings] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<Notice>(null);
  const choose = async (scope: Scope) => {
    if (scope === settings.scope) return;
    setBusy(true);
    setNotice(null);
    try {
      const saved = await callResolver<LinkSearchSettingsView>('setLinkSearchScope', { scope });
      setSettings(saved);
      setNotice({ kind: 'ok', text: `Saved. ${saved.description}` });
    } catch (error) {
      setNotice({ kind: 'error', text: messageOf(error) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <fieldset className="ph-link-scope" disabled={busy} data-testid="link-search-scope">
        <legend>Linking searches</legend>
        {CHOICES.map((choice) => (
          <label key={choice.scope} className="ph-link-scope__choice">
            <input
              type="radio"
              name="link-search-scope"
              value={choice.scope}
              checked={settings.scope === choice.scope}
              onChange={() => void choose(choice.scope)}
            />
            {choice.label}
          </label>
        ))}
      </fieldset>
      <p className="ph-wrap" data-testid="link-search-scope-description">
        {settings.description}{' '}
        {settings.updatedAt ? (
          <Subtle>
            Changed <TimeAgo iso={settings.updatedAt} />.
          </Subtle>
        ) : (
          <Subtle>The default.</Subtle>
        )}
      </p>
      <NoticeLine notice={notice} />
    </>
  );
}

/** The link search scope, for Jira admins (the resolvers check it server-side). */
export function LinkSearchScope() {
  const query = useResolver<LinkSearchSettingsView>('getLinkSearchScope');
  return (
    <Section title="Linking Sentry issues">
      <AsyncView query={query} what="the link search scope">
        {(view) => <ScopeChoice initial={view} />}
      </AsyncView>
    </Section>
  );
}
