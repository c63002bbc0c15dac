/**
 * `nvisel --help` text and the usage line printed with argument errors.
 *
 * @module
 */

/**
 * The usage block (also printed before `nvisel: error: …`).
 *
 * @example
 * ```ts
 * process.stderr.write(`${NVISEL_USAGE}\nnvisel: error: …\n`);
 * ```
 */
export const NVISEL_USAGE = `usage: nvisel [--help] [--version]
              [--inherit [CUDA_VISIBLE_DEVICES]] [--account-as-free [USERNAME ...]]
              [--min-count N] [--max-count N] [--count N]
              [--min-free-memory SIZE] [--min-total-memory SIZE]
              [--max-gpu-utilization RATE] [--max-memory-utilization RATE]
              [--tolerance TOL] [--include-lost]
              [--format FORMAT] [--sep SEP | --newline | --null] [--no-sort]
              [--wait [DURATION]] [--interval DURATION] [--lock [PID]]
              [-- COMMAND [ARG ...]]`;

/**
 * The full `--help` text.
 *
 * @example
 * ```ts
 * process.stdout.write(`${NVISEL_HELP}\n`);
 * ```
 */
export const NVISEL_HELP = `${NVISEL_USAGE}

Select CUDA devices that meet the given constraints and print their identifiers.

options:
  --help, -h            Print this help and exit.
  --version, -V         Print nvisel's version and exit.

constraints:
  --inherit [CUDA_VISIBLE_DEVICES], -i [CUDA_VISIBLE_DEVICES]
                        Choose among the devices CUDA_VISIBLE_DEVICES makes visible: the given
                        value, or the environment's when the value is left out.
  --account-as-free [USERNAME ...]
                        Count GPU memory used by these users' processes as free memory
                        (the current user when no name is given).
  --min-count N, -c N   Fewest devices to select (default: 0). Fewer fitting devices makes
                        nvisel exit with status 4.
  --max-count N, -C N   Most devices to select (default: every device that fits).
  --count N, -n N       Same as --min-count N --max-count N.
  --min-free-memory SIZE, -f SIZE
                        Least free memory a device must have, e.g. 4GiB, 5000M, 1.5GiB.
  --min-total-memory SIZE, -t SIZE
                        Least total memory a device must have, e.g. 10GiB.
  --max-gpu-utilization RATE, -G RATE
                        Highest GPU utilization (percent) a device may have, e.g. 30.
  --max-memory-utilization RATE, -M RATE
                        Highest memory bandwidth utilization (percent) a device may have, e.g. 50.
  --tolerance TOL, --tol TOL
                        Loosen every constraint by TOL percent (default: 0, i.e. strict); devices
                        that need the tolerance rank last. With --tol 20, -f 5GiB accepts 4GiB.
  --include-lost        Also consider lost GPUs (GPU_IS_LOST), which are left out by default
                        (nvitop keeps them and ranks them first).

formatting:
  --format FORMAT, -O FORMAT
                        index or uuid (default: index). A selected MIG device is always
                        printed as its UUID.
  --sep SEP, --separator SEP, -s SEP
                        Separator between identifiers (default: ',').
  --newline             Use a newline as the separator (like --sep=$'\\n').
  --null, -0            Use the NUL character as the separator and terminator (for xargs -0).
  --no-sort, -S         Keep the device order instead of ranking by free memory and utilization.

waiting and locking (nvitop-node additions):
  --wait [DURATION]     Wait until at least max(N, 1) devices fit, looking every --interval:
                        at most DURATION (30s, 10m, 1h30m, or seconds), forever without one.
                        Exits with status 4 if the time runs out.
  --interval DURATION   Time between looks while waiting (default: 1s).
  --lock [PID]          Take an advisory lock per selected GPU in $NVITOP_LOCK_DIR (default
                        <tmpdir>/nvitop-locks) and skip GPUs locked by other live processes.
                        The locks belong to PID (for a shell script: --lock $$) and go when it
                        exits; with a COMMAND they belong to nvisel and go when COMMAND ends.
                        PID must be a process of your own (any, for root) other than PID 1.
  -- COMMAND [ARG ...]  Run COMMAND with CUDA_DEVICE_ORDER=PCI_BUS_ID and CUDA_VISIBLE_DEVICES set
                        to the selection (printed on stderr), and exit with its status.

exit status:
  0 success; 1 NVML library not found; 2 bad arguments or NVML error; 3 CUDA error from
  --inherit; 4 not enough devices (stdout still lists those that fit); 5 the lock folder
  cannot be used (--lock).`;
