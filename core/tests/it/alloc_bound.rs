//! A counting global allocator for the test binary, so a property can bound the memory one case
//! takes: a reader that reserves from a size it was told rather than what it read (a footer
//! claiming 2^31 rows, a header claiming 100,000 columns) fails here long before it would abort
//! the page's 4 GB wasm memory.
//!
//! Counts are per thread (the test harness runs tests in parallel threads, each case on its
//! own), kept in const-initialised `Cell`s: a thread-local with no destructor needs no
//! allocation of its own, so the allocator cannot recurse into itself.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    /// Bytes live on this thread: allocated here minus freed here (memory freed on another
    /// thread than it was allocated on skews it, which the readers do not do).
    static LIVE: Cell<isize> = const { Cell::new(0) };
    /// The most `LIVE` has been since the last [`peak_during`] started.
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn record(delta: isize) {
    // `try_with`: during a thread's teardown its locals are gone, and a count lost there is fine.
    let _ = LIVE.try_with(|live| {
        let now = live.get() + delta;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

// SAFETY: every call is forwarded to `System` unchanged; only counters are updated beside it.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            record(layout.size() as isize);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            record(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        record(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            record(new_size as isize - layout.size() as isize);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f` and returns what it returned and the most bytes it held at once on this thread,
/// above what was live when it started.
pub fn peak_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let start = LIVE.with(Cell::get);
    PEAK.with(|peak| peak.set(start));
    let out = f();
    let peak = PEAK.with(Cell::get);
    (out, (peak - start).max(0) as usize)
}

/// The most one reader case may hold: 64 bytes per input byte plus 16 MiB.
///
/// The fixed part covers what a reader reserves before reading a row: `READ_RESERVE_CELLS`
/// (2^20) cells of at most 8 bytes, 8 MiB, plus Arrow's and Parquet's small fixed buffers. The
/// per-byte part covers what a read builds from each byte: a one-byte CSV cell becomes an 8-byte
/// value, a 4-byte offset and a `lines` entry per row, builders grow by doubling, and the
/// finished batch is concatenated once more (see `the_allocation_bound_sees_a_reservation`
/// and the measured peaks in `core/tests/corpus/README.md`).
pub fn bound(input_len: usize) -> usize {
    64 * input_len + (16 << 20)
}

/// Runs one reader case and fails it if it held more than [`bound`] of its input.
pub fn within_bound<T>(what: &str, input_len: usize, f: impl FnOnce() -> T) -> T {
    let (out, peak) = peak_during(f);
    assert!(
        peak <= bound(input_len),
        "{what}: held {peak} bytes at once from {input_len} input bytes (bound {})",
        bound(input_len)
    );
    out
}

#[test]
fn the_allocation_bound_sees_a_reservation() {
    // What a reader sized from a claimed count would do: reserve past the bound and drop it.
    let (_, peak) = peak_during(|| Vec::<u8>::with_capacity(bound(100) + 1).capacity());
    assert!(peak > bound(100), "{peak}");
    let (_, small) = peak_during(|| vec![0u8; 1000].len());
    assert!((1000..2000).contains(&small), "{small}");
    let failed = std::panic::catch_unwind(|| within_bound("reserve", 100, || Vec::<u8>::with_capacity(bound(100) + 1)));
    assert!(failed.is_err());
}
