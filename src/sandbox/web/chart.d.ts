// Types for the browser module next to this file, so Node tests can check it.
export interface ChartBar { x: number; y: number; w: number; h: number; label: string; value: number }
export type ChartLayout =
  | { width: number; height: number; title: string; horizontal: boolean; bars: ChartBar[]; max: number; error?: undefined }
  | { error: string };
export function chartLayout(spec: unknown): ChartLayout;
export function renderChart(element: unknown): HTMLElement;
