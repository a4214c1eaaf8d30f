import type { HistoryPoint } from '../../../../src/domain/model';
import type { ProjectTrendsView } from '../../../../src/domain/views';
import { AsyncView, EmptyState } from '../../shared/components/AsyncView';
import { Section } from '../../shared/components/Text';
import { formatCount } from '../../shared/format';
import { useResolver } from '../../shared/use-resolver';
import { NoProductMapped } from './Overview';

export function Trends() {
  const query = useResolver<ProjectTrendsView>('getTrends');
  return (
    <AsyncView query={query} what="the trends of this project">
      {(view) =>
        view.products.length === 0 ? (
          <NoProductMapped />
        ) : (
          <>
            {view.products.map((product) => (
              <Section key={product.productId} title={product.productName}>
                {product.points.length === 0 ? (
                  <EmptyState title="No daily figures stored yet">
                    <p>Sync stores one point a day; the trend fills in over the next days.</p>
                  </EmptyState>
                ) : (
                  <TrendTable points={product.points} />
                )}
              </Section>
            ))}
          </>
        )
      }
    </AsyncView>
  );
}

/** One row per metric: a sparkline of its daily values and the latest value. */
function TrendTable({ points }: { points: HistoryPoint[] }) {
  const metrics = [...new Set(points.flatMap((point) => Object.keys(point.values)))].sort();
  const first = points[0]?.date ?? '';
  const last = points[points.length - 1]?.date ?? '';
  return (
    <table className="ph-table">
      <thead>
        <tr>
          <th>Metric</th>
          <th>
            {first} – {last}
          </th>
          <th className="ph-num">Latest</th>
        </tr>
      </thead>
      <tbody>
        {metrics.map((metric) => {
          const values = points
            .map((point) => point.values[metric])
            .filter((v): v is number => v !== undefined);
          return (
            <tr key={metric}>
              <td className="ph-mono">{metric}</td>
              <td>
                <Sparkline values={values} label={metric} />
              </td>
              <td className="ph-num">{formatCount(values[values.length - 1] ?? 0)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Sparkline({ values, label }: { values: number[]; label: string }) {
  const width = 240;
  const height = 32;
  if (values.length < 2) return <span className="ph-subtle">one day so far</span>;
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min || 1;
  const coordinates = values
    .map((value, index) => {
      const x = (index / (values.length - 1)) * width;
      const y = height - 2 - ((value - min) / span) * (height - 4);
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
  return (
    <svg width={width} height={height} role="img" aria-label={`${label} from ${min} to ${max}`}>
      <polyline points={coordinates} fill="none" stroke="var(--ds-chart-brand, #1d7afc)" strokeWidth="2" />
    </svg>
  );
}
