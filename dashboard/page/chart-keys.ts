/**
 * Keyboard access to the chart's values: with the chart focused, the arrow
 * keys step the cursor from reading to reading (Page Up and Page Down by a
 * twentieth of the readings, Home and End to the ends). The legend shows the
 * values as on hover, and a live region reads them out.
 */
import type uPlot from "uplot";
import type { ChartColumns } from "./chart-data.ts";
import { formatExactTime } from "./time-format.ts";

/** Describes one row of the columns as a sentence for the live region. */
export function describeRow(columns: ChartColumns, index: number, zone: string): string {
  const timeSec = columns.timesSec[index];
  const temperature = columns.temperature[index];
  if (timeSec === undefined || temperature === null || temperature === undefined) return "";
  const unit = ` °${columns.unit}`;
  const parts = [`${formatExactTime(timeSec * 1000, zone)}: ${temperature}${unit}`, `setpoint ${columns.setpoint[index]}${unit}`, `heater ${columns.heater[index] === 1 ? "on" : "off"}`];
  const humidity = columns.humidity?.[index];
  if (humidity !== null && humidity !== undefined) parts.push(`humidity ${humidity} %`);
  return parts.join(", ");
}

/** Returns the next row at or beyond `from` in `direction` that is a reading rather than a gap marker. */
function nearestReading(columns: ChartColumns, from: number, direction: 1 | -1): number {
  const last = columns.timesSec.length - 1;
  for (let index = Math.max(0, Math.min(last, from)); index >= 0 && index <= last; index += direction) {
    if (columns.temperature[index] !== null) return index;
  }
  return direction === 1 ? nearestReading(columns, last, -1) : nearestReading(columns, 0, 1);
}

/** Makes `container` focusable and moves the chart's cursor with the keyboard. Returns a function that removes the handlers. */
export function enableKeyboardCursor(options: { plot: uPlot; container: HTMLElement; readout: HTMLElement; columns: ChartColumns; zone: string }): () => void {
  const { plot, container, readout, columns, zone } = options;
  const count = columns.timesSec.length;
  const pageStep = Math.max(1, Math.round(count / 20));
  let index = -1;

  const moveTo = (target: number, direction: 1 | -1): void => {
    index = nearestReading(columns, target, direction);
    const timeSec = columns.timesSec[index] as number;
    const min = plot.scales.x?.min ?? timeSec;
    const max = plot.scales.x?.max ?? timeSec;
    if (timeSec < min || timeSec > max) plot.setScale("x", { min: columns.timesSec[0] as number, max: columns.timesSec[count - 1] as number });
    plot.setCursor({ left: plot.valToPos(timeSec, "x"), top: plot.bbox.height / 2 / devicePixelRatio });
    readout.textContent = describeRow(columns, index, zone);
  };

  const onKeyDown = (event: KeyboardEvent): void => {
    const start = index === -1 ? count - 1 : index;
    const moves: Record<string, [number, 1 | -1]> = {
      ArrowLeft: [start - 1, -1], ArrowRight: [start + 1, 1],
      PageUp: [start - pageStep, -1], PageDown: [start + pageStep, 1],
      Home: [0, 1], End: [count - 1, -1],
    };
    const move = moves[event.key];
    if (move === undefined || count === 0) return;
    event.preventDefault();
    moveTo(index === -1 && event.key.startsWith("Arrow") ? count - 1 : move[0], move[1]);
  };

  container.tabIndex = 0;
  container.addEventListener("keydown", onKeyDown);
  return () => {
    container.removeEventListener("keydown", onKeyDown);
    container.removeAttribute("tabindex");
    readout.textContent = "";
  };
}
