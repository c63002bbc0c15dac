// The `--query` columns are exactly the scalar fields of a real device snapshot (plus `time`), so
// the list cannot drift from DeviceSnapshot.
import { describe, expect, it } from 'vitest';
import { fakeLibraryPath, scenarioPath } from '../helpers/fake-nvml.js';
import { CSV_FIELDS } from '../../src/cli/stream/csv-fields.js';

describe('CSV_FIELDS', () => {
  it('lists every scalar field of a physical GPU snapshot, and nothing else but time', async () => {
    process.env.NVITOP_NVML_LIBRARY = fakeLibraryPath();
    process.env.NVITOP_FAKE_NVML_SCENARIO = scenarioPath('eight-gpu');
    const { Device, isNA } = await import('../../src/core/index.js');
    const snapshot = Device.fromIndex(0).asSnapshot() as unknown as Record<string, unknown>;
    const scalar = Object.keys(snapshot).filter((key) => {
      const value = snapshot[key];
      return isNA(value) || value === null || ['string', 'number', 'boolean'].includes(typeof value);
    });
    expect([...CSV_FIELDS].filter((field) => field !== 'time').sort()).toEqual(scalar.sort());
    expect(new Set(CSV_FIELDS).size).toBe(CSV_FIELDS.length);
  });
});
