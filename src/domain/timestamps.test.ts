import { normalizeTimestamp, timestampMs, toIsoUtc, utcDay } from './timestamps';

describe('normalizeTimestamp', () => {
  it.each([
    ['2020-04-28T13:56:05.903736Z', '2020-04-28T13:56:05.903736Z'],
    ['2018-11-06T21:19:55Z', '2018-11-06T21:19:55.000000Z'],
    ['2018-11-06T21:19:55.146Z', '2018-11-06T21:19:55.146000Z'],
    ['2016-11-18T10:46:28+0100', '2016-11-18T09:46:28.000000Z'],
    ['2021-03-08T18:25:04+0000', '2021-03-08T18:25:04.000000Z'],
    ['2021-03-08T23:25:04.5-05:30', '2021-03-09T04:55:04.500000Z'],
    ['2021-03-08T18:25:04.123456789z', '2021-03-08T18:25:04.123456Z'],
  ])('%s -> %s', (input, expected) => {
    expect(normalizeTimestamp(input)).toBe(expected);
  });

  it.each([
    '',
    'yesterday',
    '2021-03-08',
    '2021-03-08T18:25:04',
    '2021-03-08 18:25:04Z',
    '2021-13-45T99:00:00Z',
  ])('refuses %p', (input) => {
    expect(normalizeTimestamp(input)).toBeNull();
  });

  it('orders normalised values correctly as strings, down to the microsecond', () => {
    const values = ['2020-04-28T13:56:05.903737Z', '2020-04-28T13:56:05.9Z', '2020-04-28T14:56:05+0100'];
    const normalised = values.map((value) => normalizeTimestamp(value) ?? '');
    // 13:56:05.000000 (the +0100 one) < 13:56:05.900000 < 13:56:05.903737
    expect([...normalised].sort()).toEqual([normalised[2], normalised[1], normalised[0]]);
  });
});

describe('toIsoUtc, timestampMs, utcDay', () => {
  it('converts to the storage format', () => {
    expect(toIsoUtc('2016-11-18T10:46:28+0100')).toBe('2016-11-18T09:46:28.000Z');
    expect(toIsoUtc('2020-04-28T13:56:05.903736Z')).toBe('2020-04-28T13:56:05.903Z');
    expect(toIsoUtc('nonsense')).toBeNull();
  });

  it('gives epoch milliseconds or NaN', () => {
    expect(timestampMs('1970-01-01T00:00:01Z')).toBe(1000);
    expect(timestampMs('nonsense')).toBeNaN();
  });

  it('gives the UTC day', () => {
    expect(utcDay(new Date('2024-05-01T23:59:59.999Z'))).toBe('2024-05-01');
    expect(utcDay(new Date('2024-05-01T23:30:00-02:00'))).toBe('2024-05-02');
  });
});
