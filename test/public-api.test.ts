/**
 * The package's public names, as `src/index.ts` exports them (values, and `type` for the names
 * that are types only), with the members of the `host` namespace. A change to the API surface
 * changes this list: adding or removing a name is a decision made here, visibly.
 */
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const entry = path.join(root, 'src', 'index.ts');

function exportedNames(): { top: string[]; host: string[] } {
  const program = ts.createProgram([entry], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ['node'],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry) as ts.SourceFile) as ts.Symbol;
  const resolve = (symbol: ts.Symbol): ts.Symbol => (symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol);
  const describe = (symbol: ts.Symbol): string => (resolve(symbol).flags & ts.SymbolFlags.Value ? symbol.name : `type ${symbol.name}`);
  const top = checker.getExportsOfModule(moduleSymbol);
  const hostSymbol = resolve(top.find((symbol) => symbol.name === 'host') as ts.Symbol);
  return { top: top.map(describe).sort(), host: checker.getExportsOfModule(hostSymbol).map(describe).sort() };
}

describe('public API', () => {
  const names = exportedNames();

  it('src/index.ts exports exactly these names', () => {
    expect(names.top).toEqual([
      'AccessDeniedError', 'BackgroundCollection', 'CsvLogger', 'CudaDevice', 'CudaError', 'CudaMigDevice',
      'DEFAULT_DEVICE_FIELDS', 'DEFAULT_POD_RESOURCES_SOCKET', 'Device', 'DeviceLock', 'DeviceWaitTimeoutError', 'GiB', 'GpuProcess',
      'GpuStatsLogger', 'HostProcess', 'HostProcessError', 'INTER_STEP_KEY', 'INTRA_STEP_KEY', 'InvalidInputError',
      'JsonlLogger', 'KiB', 'KubeletPodResources', 'LockDirectoryError', 'MiB', 'MigDevice',
      'MissingDependencyError', 'MultiSink', 'NA', 'NoSuchProcessError', 'NotEnoughDevicesError', 'NvitopError',
      'NvmlArgumentVersionMismatchError', 'NvmlDriverNotLoadedError', 'NvmlError', 'NvmlFunctionNotFoundError',
      'NvmlGpuIsLostError', 'NvmlInsufficientSizeError', 'NvmlInvalidArgumentError', 'NvmlLibRmVersionMismatchError',
      'NvmlLibraryNotFoundError', 'NvmlNoPermissionError', 'NvmlNotFoundError', 'NvmlNotSupportedError',
      'NvmlUninitializedError', 'NvmlUnknownError', 'PhysicalDevice', 'PiB', 'ResourceMetricCollector', 'StateError',
      'SummaryWriter', 'TiB', 'TlsConfigError', 'UnknownOptionError', 'ZombieProcessError', 'addScalarDict',
      'boolify', 'bytes2human', 'checkLockOwner', 'collectInBackground', 'compareNaLast', 'compareRanked',
      'containerScope', 'createExporter', 'createSink', 'decideDevices', 'describeLockHolder', 'deviceLockHolder', 'deviceLockHolders',
      'deviceScope', 'ensureLockDirectory', 'explainShortfall', 'exportableDevices', 'exportedMetricNames',
      'formatMaybe', 'heldDeviceLocks', 'host', 'human2bytes', 'invalidateCudaVisibleDevicesCache', 'isMetricSink',
      'isNA', 'isNvitopError', 'kubeletPodResources', 'loadTlsSettings', 'lockDirectory',
      'normalizeCudaVisibleDevices', 'normalizeSelectOptions', 'orElse', 'orNaN', 'parseCudaVisibleDevices',
      'parseProcCgroup', 'registerProcessMetrics', 'releaseDeviceLocks', 'selectDevices', 'setQueryCacheTtl',
      'startMetricsServer', 'systemClock', 'takeSnapshots', 'timedelta2human', 'toMaybe', 'tryLockDevice',
      'type BackgroundOptions', 'type Bar1MemoryInfo', 'type ByteCounters', 'type CandidateProcess',
      'type CgroupMembership', 'type ClockInfos', 'type ClockSpeedInfos', 'type CollectedMetrics',
      'type CollectorClock', 'type CollectorEvents', 'type ConstraintLabels', 'type ConstraintName',
      'type ContainerDevices', 'type ContainerResources', 'type ContainerRuntime', 'type CsvLoggerOptions', 'type DamagedLibrary', 'type DeviceCandidate',
      'type DeviceCounters', 'type DeviceFieldKey', 'type DeviceIndex', 'type DeviceKind', 'type DeviceLockOptions',
      'type DeviceSnapshot', 'type EccErrorCounts', 'type Exporter', 'type ExporterOptions', 'type ExpositionSource', 'type GpuAllocation',
      'type GpuProcessMap', 'type GpuProcessSnapshot', 'type GpuProcessSnapshotOptions',
      'type GpuProcessType', 'type GpuSpec', 'type GpuStatsLoggerOptions', 'type HostSnapshot', 'type HttpsSettings',
      'type JsonlLoggerOptions', 'type KubeletPodResourcesOptions', 'type LockHolder', 'type LockOptions', 'type LockOwner',
      'type LockRecord', 'type LoggedDevice', 'type Maybe', 'type MemoryInfo', 'type MetricFunction', 'type MetricSink',
      'type MetricValue', 'type Metrics', 'type MetricsServer', 'type MetricsServerOptions', 'type NotApplicable',
      'type NvmlIndex', 'type OnCollect', 'type PodQosClass', 'type PodResources', 'type PodResourcesState', 'type PodResourcesStatus',
      'type ProcessContainer', 'type ProcessMetricsOptions', 'type PromRegistry', 'type RankedCandidate', 'type Rejection', 'type ResourceMetricCollectorOptions',
      'type Sample', 'type ScalarWriter', 'type SelectDevicesOptions', 'type SelectFormat', 'type SelectResult',
      'type SelectionCandidate', 'type SelectionCriteria', 'type SelectionDecision', 'type SinkTarget', 'type SnapshotGroup',
      'type SnapshotOptions', 'type SnapshotResult', 'type SummaryWriterOptions', 'type SwapMemoryInfo', 'type TakeSnapshotsOptions',
      'type TfjsLogs', 'type ThroughputInfo', 'type TlsFiles', 'type UnmetConstraint', 'type UseDevicesOptions',
      'type UsedDevices', 'type UtilizationRates', 'type VirtualMemoryInfo', 'type WaitForDevicesOptions', 'type WaitProgress',
      'unmetConstraints', 'useDevices', 'utilization2string', 'waitForDevices',
    ]);
  });

  it('the host namespace exports exactly these names', () => {
    expect(names.host).toEqual([
      'HostProcess', 'LINUX', 'MACOS', 'POSIX', 'WINDOWS', 'bootTime', 'commandJoin', 'cpuCount', 'cpuPercent', 'cpuTimes',
      'diskIoCounters', 'diskPartitions', 'diskUsage', 'getuser', 'hostname', 'isWsl', 'loadAverage', 'memoryPercent',
      'netIoCounters', 'pids', 'ppidMap', 'reversePpidMap', 'swapMemory', 'swapPercent', 'takeHostSnapshot',
      'type ChildrenOptions', 'type CpuTimes', 'type DiskIoCounters', 'type DiskPartition', 'type DiskUsage',
      'type HostProcessSnapshot', 'type NetIoCounters', 'type ProcessCpuTimes', 'type ProcessIds',
      'type ProcessMemoryInfo', 'type ProcessStatus', 'type QuoteStyle', 'uptime', 'virtualMemory', 'wslDistroName',
    ]);
  });

  it('the module really exports the value names the types declare', async () => {
    const api = (await import('../src/index.js')) as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(names.top.filter((name) => !name.startsWith('type ')));
    expect(Object.keys(api.host as object).sort()).toEqual(names.host.filter((name) => !name.startsWith('type ')));
  });
});
