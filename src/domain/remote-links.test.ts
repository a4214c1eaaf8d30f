import { isOpenableExternalLink, isSentryOrganizationLink, isSonarCloudLink } from './remote-links';

describe('isSentryOrganizationLink', () => {
  it.each([
    'https://acme.sentry.io/issues/1/',
    'https://ACME.sentry.io/issues/1/',
    'https://sentry.io/organizations/acme/issues/1/',
    'https://sentry.io/acme/web/issues/1/',
  ])('keeps %s for organization acme', (link) => {
    expect(isSentryOrganizationLink(link, 'acme')).toBe(true);
  });

  it.each([
    null,
    '',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'http://acme.sentry.io/issues/1/',
    'https://acme.sentry.io:444/issues/1/',
    'https://acme@evil.example/issues/1/',
    'https://user:pass@acme.sentry.io/issues/1/',
    'https://acme.sentry.io.evil.example/',
    'https://evilsentry.io/acme/',
    'https://other.sentry.io/issues/1/',
    'https://de.sentry.io/issues/1/',
    'https://sentry.io/organizations/acme-evil/issues/1/',
    'https://sentry.io/settings/',
    'https://acme.sentry.io/issues/1/\n<script>',
    `https://acme.sentry.io/${'a'.repeat(3000)}`,
  ])('drops %p for organization acme', (link) => {
    expect(isSentryOrganizationLink(link, 'acme')).toBe(false);
  });
});

describe('isSonarCloudLink and isOpenableExternalLink', () => {
  it('opens https pages of Sentry and SonarCloud only', () => {
    expect(isSonarCloudLink('https://sonarcloud.io/dashboard?id=acme_web')).toBe(true);
    expect(isSonarCloudLink('http://sonarcloud.io/dashboard?id=acme_web')).toBe(false);
    expect(isSonarCloudLink('https://sonarcloud.io.evil.example/')).toBe(false);
    expect(isOpenableExternalLink('https://acme.sentry.io/issues/1/')).toBe(true);
    expect(isOpenableExternalLink('https://sentry.io/organizations/acme/issues/1/')).toBe(true);
    expect(isOpenableExternalLink('https://sonarcloud.io/project/overview?id=x')).toBe(true);
    for (const link of [
      'javascript:alert(1)',
      'https://evil.example/',
      'https://sentry.io.evil.example/',
      'http://acme.sentry.io/',
      '//acme.sentry.io/issues/1/',
      '/issues/1/',
      'https://a:b@acme.sentry.io/',
    ]) {
      expect(isOpenableExternalLink(link)).toBe(false);
    }
  });
});
