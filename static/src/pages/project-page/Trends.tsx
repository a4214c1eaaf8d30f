import type {
  ProjectHealthTrendsView,
  TrendSeriesView,
  TrendUnit,
} from '../../../../src/domain/health/trends';
import { AsyncView, EmptyState } from '../../shared/components/AsyncView';
import { Section, Subtle } from '../../shared/components/Text';
import { useResolver } from '../../shared/use-resolver';
import { NoProductMapped } from './Overview';
import './trends.css';

const decimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

/** A value in its unit, the way a person reads it: "1,240", "61.5 %", "12.5 days", "64 / 100". */
export function formatValue(value: number, unit: TrendUnit): string {
  switch (unit) {
    case 'score':
      return `${whole.format(value)} / 100`;
    case 'percent':
      return `${decimal.format(value)} %`;
    case 'days':
      return `${decimal.format(value)} ${value === 1 ? 'day' : 'days'}`;
    case 'count':
      return whole.format(value);
  }
}

/** A change in its unit, signed: "+1,240", "−2.5 % points", "+3 points". */
export function formatChange(change: number, unit: TrendUnit): string {
  const sign = change > 0 ? '+' : change < 0 ? '−' : '±';
  const size = Math.abs(change);
  switch (unit) {
    case 'score':
      return `${sign}${whole.format(size)} ${size === 1 ? 'point' : 'points'}`;
    case 'percent':
      return `${sign}${decimal.format(size)} % points`;
    case 'days':
      return `${sign}${decimal.format(size)} ${size === 1 ? 'day' : 'days'}`;
    case 'count':
      return `${sign}${whole.format(size)}`;
  }
}

function shortDate(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, {
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });
}

export function Trends() {
  const query = useResolver<ProjectHealthTrendsView>('getTrends');
  return (
    <AsyncView query={query} what="the trends of this project">
      {(view) =>
        view.products.length === 0 ? (
          <NoProductMapped />
        ) : (
          <>
            {view.products.map((product) => (
              <Section key={product.productId} title={product.name}>
                {product.series.length === 0 ? (
                  <EmptyState title="No daily figures stored yet">
                    <p>Sync stores one point a day; the trend fills in over the next days.</p>
                  </EmptyState>
                ) : (
                  <TrendTable days={view.days} series={product.series} />
                )}
              </Section>
            ))}
          </>
        )
      }
    </AsyncView>
  );
}

/** One row per series: its name and meaning, a chart of the window, the latest value and the change. */
function TrendTable({ days, series }: { days: string[]; series: TrendSeriesView[] }) {
  const first = days[0] ?? '';
  const last = days[days.length - 1] ?? '';
  return (
    <table className="ph-table ph-trends" data-testid="trend-table">
      <thead>
        <tr>
          <th>Figure</th>
          <th>
            {shortDate(first)} – {shortDate(last)}
          </th>
          <th className="ph-num">Latest</th>
          <th className="ph-num">Change</th>
        </tr>
      </thead>
      <tbody>
        {series.map((item) => (
          <tr key={item.key} data-testid="trend-row">
            <td className="ph-trend-label">
              <strong>{item.label}</strong>
              <div className="ph-subtle ph-wrap">{item.description}</div>
            </td>
            <td>
              <Chart days={days} series={item} />
            </td>
            <td className="ph-num ph-trend-latest">
              {item.latest === null ? '—' : formatValue(item.latest, item.unit)}
            </td>
            <td className="ph-num">
              <Change series={item} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Change({ series }: { series: TrendSeriesView }) {
  const known = series.values.filter((value): value is number => value !== null);
  if (known.length < 2 || series.first === null || series.latest === null) {
    return <Subtle>one day so far</Subtle>;
  }
  const change = Math.round((series.latest - series.first) * 10) / 10;
  const good = change === 0 ? 'flat' : change > 0 === (series.better === 'higher') ? 'good' : 'bad';
  return <span className={`ph-change ph-change--${good}`}>{formatChange(change, series.unit)}</span>;
}

const WIDTH = 280;
const HEIGHT = 40;

/** A line over the window's days; a day without a value leaves a gap. */
function Chart({ days, series }: { days: string[]; series: TrendSeriesView }) {
  const known = series.values.filter((value): value is number => value !== null);
  if (known.length < 2) {
    return <Subtle>one day so far: the line fills in as sync stores a point a day</Subtle>;
  }
  const min = Math.min(...known);
  const max = Math.max(...known);
  const span = max - min || 1;
  const x = (index: number) => (index / Math.max(1, days.length - 1)) * WIDTH;
  const y = (value: number) => HEIGHT - 3 - ((value - min) / span) * (HEIGHT - 6);
  // Consecutive days with values form one segment.
  const segments: string[][] = [];
  let current: string[] = [];
  series.values.forEach((value, index) => {
    if (value === null) {
      if (current.length > 0) segments.push(current);
      current = [];
      return;
    }
    current.push(`${x(index).toFixed(1)},${y(value).toFixed(1)}`);
  });
  if (current.length > 0) segments.push(current);
  const firstDay = days[series.values.findIndex((value) => value !== null)] ?? '';
  const label =
    `${series.label} from ${formatValue(series.first ?? min, series.unit)} on ${shortDate(firstDay)} ` +
    `to ${formatValue(series.latest ?? max, series.unit)} today; lowest ${formatValue(min, series.unit)}, ` +
    `highest ${formatValue(max, series.unit)}`;
  return (
    <div className="ph-chart">
      <svg width={WIDTH} height={HEIGHT} role="img" aria-label={label} viewBox={`0 0 ${WIDTH} ${HEIGHT}`}>
        {segments.map((points) =>
          points.length === 1 ? (
            <circle
              key={points[0]}
              cx={points[0]?.split(',')[0]}
              cy={points[0]?.split(',')[1]}
              r="2"
              className="ph-chart__dot"
            />
          ) : (
            <polyline key={points.join(' ')} points={points.join(' ')} className="ph-chart__line" />
          ),
        )}
      </svg>
      <div className="ph-chart__range ph-subtle" aria-hidden="true">
        {formatValue(min, series.unit)} – {formatValue(max, series.unit)}
      </div>
    </div>
  );
}
