/** Repository root. */
export declare const repoRoot: string;
/** Folder of the default fake library (build/fake-nvml). */
export declare const buildDir: string;
/** Path of the default fake library. */
export declare const defaultLibraryPath: string;
/**
 * Build (or reuse) the fake NVML library, optionally with some symbols hidden from the dynamic
 * symbol table (cached per set of names under build/fake-nvml/variants/<hash>/).
 * Returns the absolute path of a libnvidia-ml.so.1.
 */
export declare function buildFakeNvml(options?: { hide?: string[] }): string;
