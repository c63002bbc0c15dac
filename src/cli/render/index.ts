/**
 * The renderers shared by `nvitop -1`, the monitor and `--json`: pure functions from
 * {@link StatusData} to styled {@link Line}s (or JSON text), free of I/O.
 *
 * @module
 */
export type { ColorName, Line, RenderOptions, Segment, StatusData, StatusDevice, Style } from './types.js';
export { asciiLines, toAscii } from './ascii.js';
export { makeBarChart, styleBar, type BarChartOptions } from './bar-chart.js';
export { borderLine, verticalColumns, type BorderKind } from './box.js';
export { deviceColor, gpuColor, gradientColor, intensityColor, loadIntensity, maxIntensity, memoryColor, type LoadIntensity } from './colors.js';
export { deviceFields, type DeviceFields } from './device-fields.js';
export { barColumns, barWidths, powerUtilization, renderDevicePanel, renderTimeLine, shownClocks, type DevicePanelOptions } from './device-panel.js';
export { formatLoad, loadAverageText, renderHostPanel } from './host-panel.js';
export { JSON_SCHEMA_VERSION, renderJson, toJsonDocument, type JsonDevice, type JsonDocument } from './json.js';
export { lineText, lineWidth, mapLineText, seg, withStyle } from './line.js';
export { UNACCOUNTED_MEMORY_PERCENT, hiddenHostInfoHint, missingFunctionsNote, unaccountedMemory, unaccountedMemoryNote } from './notes.js';
export { ONCE_MAX_DEFAULT_WIDTH, onceWidth, renderOnce } from './once.js';
export {
  commandState,
  cpuPercentText,
  hostInfo,
  memoryPercentText,
  processPanelWidth,
  renderProcessPanel,
  sortNatural,
  timeColumnWidth,
  type CommandState,
  type ProcessPanelOptions,
  type ProcessSelection,
} from './process-panel.js';
export { center, charWidth, cutString, dropColumns, fitColumns, graphemeWidth, graphemes, padEnd, padStart, stringWidth, takeColumns, takeLastColumns } from './text.js';
