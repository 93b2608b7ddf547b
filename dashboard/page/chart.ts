/**
 * Draws the day chart with uPlot. uPlot suits long time series (a day of
 * 1-second readings is 86,400 points per line) because its line renderer keeps
 * the lowest and highest value per pixel column, and it is about 50 KB
 * minified with no dependencies. docs/dashboard.md compares the alternatives.
 *
 * Series: temperature as a line, setpoint as a step line, and humidity on a
 * right-hand axis when any reading has it. The heater state appears only in
 * the legend, because the chart shades heater-on periods behind the lines. The x axis and the hover legend
 * show local time in the server's zone via ticks.ts, not the browser's zone.
 */
import uPlot from "uplot";
import type { ChartColumns } from "./chart-data.ts";
import { enableKeyboardCursor } from "./chart-keys.ts";
import { chooseTickStep, labelTicks, localTimeTicks } from "./ticks.ts";
import { formatExactTime } from "./time-format.ts";

/** Minimum CSS pixels between x-axis ticks. */
const TICK_SPACING_PX = 70;
const HEATER_BAND_COLOR = "rgba(230, 126, 34, 0.22)";

export interface DayChartOptions {
  container: HTMLElement;
  /** Live region that reads out the values under the keyboard cursor. */
  readout: HTMLElement;
  columns: ChartColumns;
  /** IANA zone the axis and legend show times in. */
  zone: string;
  /** The x range: start of the first day and end of the last day, ms since the epoch. */
  rangeStartMs: number;
  rangeEndMs: number;
}

function chartSize(container: HTMLElement): { width: number; height: number } {
  const width = Math.max(280, Math.floor(container.clientWidth));
  return { width, height: Math.round(Math.min(420, Math.max(240, width * 0.5))) };
}

function formatNumber(value: number | null | undefined, suffix: string): string {
  return value === null || value === undefined ? "—" : `${value}${suffix}`;
}

function formatHeater(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  return value === 1 ? "on" : "off";
}

/** Shades heater-on periods behind the series, clipped to the plot area. */
function drawHeaterBands(chart: uPlot, spansSec: ChartColumns["heaterSpansSec"]): void {
  const { left, top, width, height } = chart.bbox;
  const context = chart.ctx;
  context.save();
  context.beginPath();
  context.rect(left, top, width, height);
  context.clip();
  context.fillStyle = HEATER_BAND_COLOR;
  for (const [startSec, endSec] of spansSec) {
    const x0 = chart.valToPos(startSec, "x", true);
    const x1 = chart.valToPos(endSec, "x", true);
    if (x1 < left || x0 > left + width) continue;
    context.fillRect(x0, top, Math.max(1, x1 - x0), height);
  }
  context.restore();
}

/** Builds the uPlot options and data for the columns; exported so tests can check series and axes without a canvas. */
export function buildChartOptions(options: DayChartOptions, size: { width: number; height: number }): { options: uPlot.Options; data: uPlot.AlignedData } {
  const { columns, zone } = options;
  const unitSuffix = ` °${columns.unit}`;
  const series: uPlot.Series[] = [
    { label: "Time", value: (_chart, valueSec) => (valueSec === null ? "—" : formatExactTime(valueSec * 1000, zone)) },
    { label: "Temperature", scale: "temperature", stroke: "#c0392b", width: 2, value: (_chart, value) => formatNumber(value, unitSuffix) },
    {
      label: "Setpoint", scale: "temperature", stroke: "#34495e", width: 1.5, dash: [6, 4],
      paths: uPlot.paths.stepped?.({ align: 1 }), points: { show: false },
      value: (_chart, value) => formatNumber(value, unitSuffix),
    },
    {
      label: "Heater", scale: "heater", stroke: "#e67e22", width: 0, paths: () => null, points: { show: false },
      value: (_chart, value) => formatHeater(value),
    },
  ];
  const axes: uPlot.Axis[] = [
    {
      scale: "x",
      space: TICK_SPACING_PX,
      splits: (chart, _axis, minSec, maxSec) => {
        const maxTicks = Math.max(2, Math.floor(chart.bbox.width / uPlot.pxRatio / TICK_SPACING_PX));
        const stepMs = chooseTickStep((maxSec - minSec) * 1000, maxTicks);
        return localTimeTicks(minSec * 1000, maxSec * 1000, zone, stepMs).map((ms) => ms / 1000);
      },
      values: (chart, splitsSec) => {
        const maxTicks = Math.max(2, Math.floor(chart.bbox.width / uPlot.pxRatio / TICK_SPACING_PX));
        const span = (chart.scales.x?.max ?? 0) - (chart.scales.x?.min ?? 0);
        const labels = labelTicks(splitsSec.map((sec) => sec * 1000), zone, chooseTickStep(span * 1000, maxTicks));
        // The labels are drawn on a canvas; this copy lets tests and assistive checks read them.
        options.container.dataset.xTicks = labels.join("|");
        return labels;
      },
    },
    { scale: "temperature", label: `Temperature (°${columns.unit})`, size: 56 },
  ];
  const data: uPlot.AlignedData = [columns.timesSec, columns.temperature, columns.setpoint, columns.heater];

  if (columns.humidity !== null) {
    series.push({ label: "Humidity", scale: "humidity", stroke: "#2471a3", width: 1.5, value: (_chart, value) => formatNumber(value, " %") });
    axes.push({ scale: "humidity", side: 1, label: "Humidity (%)", grid: { show: false }, size: 50 });
    data.push(columns.humidity);
  }

  const chartOptions: uPlot.Options = {
    ...size,
    series,
    axes,
    scales: {
      x: { time: false, range: (_chart, min, max) => [min, max] },
      heater: { range: [0, 1] },
      humidity: { range: [0, 100] },
    },
    cursor: { drag: { x: true, y: false } },
    legend: { live: true },
    hooks: {
      drawClear: [(chart) => drawHeaterBands(chart, columns.heaterSpansSec)],
      ready: [(chart) => chart.setScale("x", { min: options.rangeStartMs / 1000, max: options.rangeEndMs / 1000 })],
    },
  };
  return { options: chartOptions, data };
}

/** A drawn chart; call destroy() before drawing the next one. */
export interface DayChart {
  plot: uPlot;
  destroy(): void;
}

/** Draws the chart into the container and keeps it sized to the container's width. */
export function drawDayChart(options: DayChartOptions): DayChart {
  const { container } = options;
  container.replaceChildren();
  const built = buildChartOptions(options, chartSize(container));
  const plot = new uPlot(built.options, built.data, container);
  const resize = new ResizeObserver(() => plot.setSize(chartSize(container)));
  resize.observe(container);
  const disableKeys = enableKeyboardCursor({ plot, container, readout: options.readout, columns: options.columns, zone: options.zone });
  return {
    plot,
    destroy() {
      disableKeys();
      resize.disconnect();
      plot.destroy();
    },
  };
}
