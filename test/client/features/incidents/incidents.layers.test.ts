import { describe, expect, it } from 'vitest';
import { toIncidentPoints, type IncidentPoints } from '../../../../client/features/incidents/incidents.api.ts';
import { binaryData, cellClasses, DOTS_MAX, heatmapLayers, pointDetail, pointLayers, POINTS_MIN_ZOOM } from '../../../../client/features/incidents/incidents.layers.ts';
import { OKABE_ITO } from '../../../../client/ui/color-scale.ts';


/** A bitmap layer's props (the Layer type does not name them). */
const propsOf = (layer: { props: unknown }) => layer.props as { image: unknown; bounds: unknown };

/** n points on a regular lattice around (17.6, 59.5), spread over about `spanDeg` degrees. */
function lattice(n: number, spanDeg = 0.05): IncidentPoints {
  const side = Math.ceil(Math.sqrt(n));
  const positions: number[] = [];
  for (let i = 0; i < n; i++) positions.push(17.6 + ((i % side) / side) * spanDeg, 59.5 + (Math.floor(i / side) / side) * spanDeg / 2);
  return toIncidentPoints({ format: 'columns', count: n, truncated: false, limit: 250_000, categories: ['stold'], positions, category: new Array(n).fill(0), time: new Array(n).fill(0), snapped: new Array(n).fill(0) });
}

describe('incident point layers', () => {
  const columns = { format: 'columns' as const, count: 3, truncated: false, limit: 10, categories: ['stold', 'hot'], positions: [17.6, 59.5, 17.61, 59.51, 17.62, 59.52], category: [0, 1, 0], time: [1, 2, 3], snapped: [0, 1, 1] };

  it('turns columns into typed arrays for binary attributes', () => {
    const p = toIncidentPoints(columns);
    expect(p.positions).toBeInstanceOf(Float32Array);
    expect(p.positions).toHaveLength(6);
    expect(p.snappedCount).toBe(2);
    const data = binaryData(p);
    expect(data.length).toBe(3);
    expect(data.attributes.getFillColor.value.slice(4, 7)).toEqual(Uint8Array.from(OKABE_ITO[1]));
  });

  it('sums points in cells below the points zoom and draws few points as dots above it', () => {
    const p = toIncidentPoints(columns);
    expect(pointLayers(p, POINTS_MIN_ZOOM - 1, 'v')[0].id).toBe('incidents-bins');
    expect(pointLayers(p, POINTS_MIN_ZOOM, 'v')[0].id).toBe('incidents-points');
    expect(heatmapLayers(p, 'v')[0].id).toBe('incidents-heatmap');
  });

  it('keeps cells when the view holds more points than can be drawn one by one', () => {
    const many = lattice(DOTS_MAX + 500, 0.01);
    const view: [number, number, number, number] = [17.55, 59.45, 17.65, 59.55];
    expect(pointDetail(many, 14, view).mode).toBe('cells');
    expect(pointLayers(many, 14, 'v', view)[0].id).toBe('incidents-bins');
    // A view beside the dense area holds none of them: dots.
    expect(pointDetail(many, 14, [17.7, 59.6, 17.72, 59.61]).mode).toBe('dots');
  });

  it('draws the heatmap as one image over the incidents, rebuilt only when the resting zoom or culled area changes', () => {
    const p = lattice(20_000);
    const layer = heatmapLayers(p, 'v', 11.5)[0];
    const bounds = propsOf(layer).bounds as number[];
    expect(bounds[0]).toBeLessThanOrEqual(17.6);
    expect(bounds[2]).toBeGreaterThanOrEqual(17.65);
    const image = propsOf(layer).image as { width: number; height: number; data: Uint8ClampedArray };
    let coloured = 0;
    for (let i = 3; i < image.data.length; i += 4) if (image.data[i] > 0) coloured++;
    expect(coloured).toBeGreaterThan(image.width * image.height * 0.2);
    expect(propsOf(heatmapLayers(p, 'v', 11.5)[0]).image).toBe(image);
    expect(propsOf(heatmapLayers(p, 'v', 12)[0]).image).not.toBe(image);
  });

  it('draws no layer, rather than an empty image, when there are no incidents or none near the view', () => {
    const none = lattice(0);
    expect(heatmapLayers(none, 'v', 11.5)).toEqual([]);
    expect(pointLayers(none, 11.5, 'v')).toEqual([]);
    const p = lattice(100, 0.001);
    const far: [number, number, number, number] = [12, 56, 12.01, 56.01];
    expect(heatmapLayers(p, 'v', 15, far)).toEqual([]);
    expect(pointLayers(p, 15, 'v', far).map((l) => l.id)).toEqual(['incidents-points']);
  });

  it('reuses the cell image while the detail is unchanged, so deck.gl uploads nothing', () => {
    const p = lattice(1000);
    const at = (z: number) => propsOf(pointLayers(p, z, 'v')[0]).image;
    expect(at(11.6)).toBe(at(11.8));
    expect(at(11.6)).not.toBe(at(12.6));
    expect(pointDetail(p, 11.6).cellM).toBe(200);
    expect(pointDetail(p, 12.6).cellM).toBe(100);
  });

  it('names the count classes of the cells it drew, for the legend', () => {
    const p = lattice(5000, 0.01);
    pointLayers(p, 11.5, 'v');
    const classes = cellClasses(p)!;
    expect(classes.max).toBeGreaterThan(1);
    expect(classes.breaks.every((b) => b < classes.max)).toBe(true);
  });
});
