// The pages never pass an unchecked URL to router.open: every external link goes through openExternal
// and ExternalLink, which open (and render as links) only https pages of Sentry and SonarCloud.
import React, { createElement, type ReactElement, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';

jest.mock('@forge/bridge', () => ({
  router: { open: jest.fn(async () => undefined) },
  invoke: jest.fn(),
  view: {},
}));

import { openExternal } from '../../static/src/shared/bridge';
import { router } from '@forge/bridge';

const open = router.open as jest.Mock;
// The tests' SWC transform compiles JSX to React.createElement (the pages' Vite build uses the automatic runtime).
Object.assign(globalThis, { React });

interface TextModule {
  ExternalLink: (props: { href: string; children?: ReactNode }) => ReactElement;
}
// A .tsx page module: the root tsconfig (no JSX) does not type-check the pages, static/tsconfig.json does.
const loadText = (): Promise<TextModule> => import(`../../static/src/shared/components/${'Text'}`);

const HOSTILE = [
  'javascript:alert(document.domain)',
  'data:text/html,<script>alert(1)</script>',
  'http://acme.sentry.io/issues/1/',
  'https://evil.example/issues/1/',
  'https://acme.sentry.io.evil.example/',
  '//evil.example/',
];

beforeEach(() => open.mockClear());

it('opens https pages of Sentry and SonarCloud, and nothing else', () => {
  expect(openExternal('https://acme.sentry.io/issues/1/')).toBe(true);
  expect(openExternal('https://sonarcloud.io/project/overview?id=acme_web')).toBe(true);
  expect(open.mock.calls).toEqual([
    ['https://acme.sentry.io/issues/1/'],
    ['https://sonarcloud.io/project/overview?id=acme_web'],
  ]);
  open.mockClear();
  for (const url of HOSTILE) expect(openExternal(url)).toBe(false);
  expect(open).not.toHaveBeenCalled();
});

it('renders other links as plain text, with no href to follow', async () => {
  const { ExternalLink } = await loadText();
  expect(
    renderToStaticMarkup(createElement(ExternalLink, { href: 'https://acme.sentry.io/issues/1/' }, 'WEB-1')),
  ).toContain('href="https://acme.sentry.io/issues/1/"');
  for (const url of HOSTILE) {
    const html = renderToStaticMarkup(createElement(ExternalLink, { href: url }, 'WEB-1'));
    expect(html).toBe('<span>WEB-1</span>');
  }
});
