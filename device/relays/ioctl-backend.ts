/**
 * The system calls the gpio-cdev driver makes, behind an interface so tests
 * can check every call without a real /dev/gpiochip. The real backend calls
 * libc's `ioctl` through `bun:ffi`.
 */
import { closeSync, constants, openSync, readdirSync } from "node:fs";
import { constants as osConstants } from "node:os";

export interface IoctlResult {
  /** The return value: 0 or positive on success, −1 on failure. */
  result: number;
  /** errno after a failure, 0 otherwise. */
  errno: number;
}

export interface IoctlBackend {
  /** Opens a device node read-write; throws the fs error (`EACCES`, `ENOENT`) on failure. */
  open(path: string): number;
  /** Calls ioctl with a buffer the kernel may write into. */
  ioctl(fd: number, request: bigint, buffer: Uint8Array): IoctlResult;
  close(fd: number): void;
  /** Lists a folder's entries. */
  list(dir: string): string[];
}

/** Linux's O_CLOEXEC, missing from node:fs constants: the fd must not leak into `thermo relay off` children. */
const O_CLOEXEC = 0o2000000;

const ERRNO_NAMES = new Map(Object.entries(osConstants.errno).map(([name, value]) => [value, name]));

/** Returns the errno name of a number (`16` → `EBUSY`). */
export function errnoName(errno: number): string {
  return ERRNO_NAMES.get(errno) ?? `errno ${errno}`;
}

type LibcSymbols = {
  ioctl: (fd: number, request: bigint, buffer: unknown) => number;
  __errno_location: () => unknown;
};

let libc: { symbols: LibcSymbols; ptr: (buffer: Uint8Array) => unknown; readI32: (pointer: unknown) => number } | undefined;

/** Opens glibc on first use, so the program runs on machines where the relay is simulated. */
async function loadLibc(): Promise<NonNullable<typeof libc>> {
  if (libc !== undefined) return libc;
  const ffi = await import("bun:ffi");
  // "libc.so" is a linker script on glibc systems, so the versioned name is needed.
  const library = ffi.dlopen("libc.so.6", {
    ioctl: { args: [ffi.FFIType.i32, ffi.FFIType.u64, ffi.FFIType.ptr], returns: ffi.FFIType.i32 },
    __errno_location: { args: [], returns: ffi.FFIType.ptr },
  });
  libc = {
    symbols: library.symbols as unknown as LibcSymbols,
    ptr: (buffer) => ffi.ptr(buffer),
    readI32: (pointer) => ffi.read.i32(pointer as Parameters<typeof ffi.read.i32>[0], 0),
  };
  return libc;
}

/** Returns the real backend: node:fs for open and close, libc for ioctl. */
export async function createLibcIoctlBackend(): Promise<IoctlBackend> {
  const { symbols, ptr, readI32 } = await loadLibc();
  return {
    open: (path) => openSync(path, constants.O_RDWR | O_CLOEXEC),
    ioctl(fd, request, buffer) {
      const result = symbols.ioctl(fd, request, ptr(buffer));
      // errno is thread-local and must be read before anything else can change it.
      const errno = result < 0 ? readI32(symbols.__errno_location()) : 0;
      return { result, errno };
    },
    close: (fd) => closeSync(fd),
    list: (dir) => readdirSync(dir),
  };
}
