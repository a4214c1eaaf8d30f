import { useState } from 'react';
import { Connections } from './Connections';
import { LinkSearchScope } from './LinkSearchScope';
import { Portfolio } from './Portfolio';
import { ProductTree } from './ProductTree';
import { SyncLog } from './SyncLog';
import { WebhookUrls } from './WebhookUrls';

/** Jira settings → Apps → Product health (also the app's Configure and Get started page). */
export function AdminPage() {
  // Adding or removing a connection changes the webhook URLs: read them again.
  const [connectionsChanged, setConnectionsChanged] = useState(0);
  return (
    <main className="ph-page">
      <header>
        <h1>Product health</h1>
        <p>
          Connections to Sentry and SonarCloud, their webhook URLs, the product hierarchy, and what sync has
          done.
        </p>
      </header>
      <Connections onListChanged={() => setConnectionsChanged((count) => count + 1)} />
      <WebhookUrls key={connectionsChanged} />
      <LinkSearchScope />
      <ProductTree />
      <Portfolio />
      <SyncLog />
    </main>
  );
}
