import { StrictMode, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { view } from '@forge/bridge';
import './styles.css';

/** Starts a page: follows Jira's light or dark theme, then renders into #root. */
export function mountPage(page: ReactNode): void {
  // Theming only changes colours; the page still works in the light fallback if it fails.
  view.theme.enable().catch((error: unknown) => console.warn('Could not enable Jira theming', error));
  const container = document.getElementById('root');
  if (!container) throw new Error('The page has no #root element to render into.');
  createRoot(container).render(<StrictMode>{page}</StrictMode>);
}
