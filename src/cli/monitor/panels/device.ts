/**
 * The device panel of the main screen: the shared renderer's panel (full or compact), placed
 * under the time line.
 *
 * @module
 */
import { renderDevicePanel } from '../../render/device-panel.js';
import type { Line, RenderOptions, StatusData } from '../../render/types.js';

/**
 * The device panel's lines (without the time line) at a width, in full or compact form.
 *
 * @example
 * ```ts
 * devicePanelLines(data, 120, true, render).length;
 * ```
 */
export function devicePanelLines(data: StatusData, width: number, compact: boolean, render: Omit<RenderOptions, 'width'>): Line[] {
  return renderDevicePanel(data, { ...render, width }, { compact });
}
