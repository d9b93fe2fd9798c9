//! The wasm build's allocator: blocks in power-of-two size classes, a free
//! list per class. Allocating and freeing take constant time whatever was
//! allocated before (a first-fit free list costs time in proportion to its
//! length, and a long list made every allocation of a big input slower, so
//! validation grew quadratically), and its code is small.
//!
//! A block of 2^k bytes is aligned to 2^k, so any alignment up to its size
//! holds. Freed blocks are kept for their class and never merged: memory is
//! bounded by the most ever live in each class, which for a client's calls
//! (many small blocks freed at the end of each call) stays flat; the memory
//! test watches it. Wasm memory never shrinks, so nothing is given back.
//!
//! Natively the same code runs over an arena for the tests (`Pages`).

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::ptr::null_mut;

/// The smallest block: room for the free list's link, and the most common
/// small strings.
const MIN_CLASS: u32 = 4;
/// 2^31 bytes, half of wasm32's address space.
const MAX_CLASS: u32 = 31;
const PAGE: usize = 65_536;

/// Where fresh memory comes from: whole pages, at increasing addresses.
pub trait Pages {
    /// Adds `count` pages (none: only asks where memory ends); the address
    /// where they start, or `None` when there is no more memory.
    fn grow(&mut self, count: usize) -> Option<usize>;
}

struct State<P> {
    pages: P,
    /// The head of each class's free list (an address; 0 when empty). A
    /// free block holds the address of the next one in its first word.
    free: [usize; MAX_CLASS as usize + 1],
    /// Fresh memory not handed out yet: `next..end`.
    next: usize,
    end: usize,
}

pub struct SizeClasses<P> {
    state: UnsafeCell<State<P>>,
}

// SAFETY: used as the global allocator only on wasm32 without the atomics
// feature, which runs one thread; the native tests use one per thread.
unsafe impl<P> Sync for SizeClasses<P> {}

/// The class of a layout: the smallest 2^k holding its size and alignment.
fn class_of(layout: Layout) -> Option<u32> {
    let need = layout.size().max(layout.align()).max(1 << MIN_CLASS);
    let class = usize::BITS - (need - 1).leading_zeros();
    (class <= MAX_CLASS).then_some(class)
}

impl<P: Pages> SizeClasses<P> {
    pub const fn new(pages: P) -> Self {
        SizeClasses {
            state: UnsafeCell::new(State {
                pages,
                free: [0; MAX_CLASS as usize + 1],
                next: 0,
                end: 0,
            }),
        }
    }
}

impl<P: Pages> State<P> {
    /// A fresh block of 2^class bytes, aligned to its size.
    fn carve(&mut self, class: u32) -> Option<usize> {
        let size = 1usize << class;
        if self.end == 0 {
            // The first block: fresh memory starts where memory ends now.
            self.next = self.pages.grow(0)?;
            self.end = self.next;
        }
        // Twice at most: once more if the pages added did not follow ours
        // (only if something else grew the memory).
        for _ in 0..2 {
            let start = self.next.checked_add(size - 1)? & !(size - 1);
            let stop = start.checked_add(size)?;
            if stop <= self.end {
                self.next = stop;
                return Some(start);
            }
            let count = (stop - self.end).div_ceil(PAGE);
            let added = self.pages.grow(count)?;
            if added != self.end {
                self.next = added;
            }
            self.end = added.checked_add(count.checked_mul(PAGE)?)?;
        }
        None
    }
}

unsafe impl<P: Pages> GlobalAlloc for SizeClasses<P> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(class) = class_of(layout) else {
            return null_mut();
        };
        // SAFETY: one thread, and no allocation re-enters the allocator.
        let state = unsafe { &mut *self.state.get() };
        let Some(head) = state.free.get_mut(class as usize) else {
            return null_mut();
        };
        if *head != 0 {
            let block = *head as *mut usize;
            // SAFETY: a free block of this class, its first word the link.
            *head = unsafe { block.read() };
            return block.cast();
        }
        state.carve(class).map_or(null_mut(), |at| at as *mut u8)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let Some(class) = class_of(layout) else {
            return;
        };
        // SAFETY: as in `alloc`.
        let state = unsafe { &mut *self.state.get() };
        if let Some(head) = state.free.get_mut(class as usize) {
            // SAFETY: the block is ours again, at least a word long and
            // aligned to its class.
            unsafe { ptr.cast::<usize>().write(*head) };
            *head = ptr as usize;
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else {
            return null_mut();
        };
        if class_of(layout) == class_of(new_layout) {
            return ptr;
        }
        // SAFETY: the caller's promises, passed on.
        let new = unsafe { self.alloc(new_layout) };
        if !new.is_null() {
            // SAFETY: both blocks are live and at least this long.
            unsafe {
                core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        new
    }
}

/// The pages of wasm's linear memory: `memory.grow`.
#[cfg(target_arch = "wasm32")]
pub struct WasmMemory;

#[cfg(target_arch = "wasm32")]
impl Pages for WasmMemory {
    fn grow(&mut self, count: usize) -> Option<usize> {
        let previous = core::arch::wasm32::memory_grow(0, count);
        (previous != usize::MAX).then(|| previous * PAGE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A native arena standing in for wasm memory: `limit` pages at most.
    struct Arena {
        memory: Vec<u8>,
        used: usize,
        limit: usize,
    }

    impl Arena {
        fn new(limit: usize) -> Arena {
            // One page of slack, so the first page can be aligned to PAGE.
            let memory = vec![0u8; (limit + 1) * PAGE];
            Arena {
                memory,
                used: 0,
                limit,
            }
        }
    }

    impl Pages for Arena {
        fn grow(&mut self, count: usize) -> Option<usize> {
            if self.used + count > self.limit {
                return None;
            }
            let base = (self.memory.as_ptr() as usize).next_multiple_of(PAGE);
            let start = base + self.used * PAGE;
            self.used += count;
            Some(start)
        }
    }

    fn layout(size: usize, align: usize) -> Layout {
        Layout::from_size_align(size, align).unwrap()
    }

    #[test]
    fn classes_are_powers_of_two_holding_size_and_alignment() {
        assert_eq!(class_of(layout(1, 1)), Some(4));
        assert_eq!(class_of(layout(16, 1)), Some(4));
        assert_eq!(class_of(layout(17, 1)), Some(5));
        assert_eq!(class_of(layout(3, 64)), Some(6));
        assert_eq!(class_of(layout(1 << 31, 1)), Some(31));
        assert_eq!(class_of(layout((1 << 31) + 1, 1)), None);
    }

    #[test]
    fn a_freed_block_is_reused_at_once_and_fresh_ones_are_aligned() {
        let heap = SizeClasses::new(Arena::new(64));
        unsafe {
            let a = heap.alloc(layout(100, 8));
            let b = heap.alloc(layout(100, 8));
            assert!(!a.is_null() && !b.is_null() && a != b);
            assert_eq!(a as usize % 128, 0);
            heap.dealloc(a, layout(100, 8));
            assert_eq!(heap.alloc(layout(120, 1)), a, "same class, reused");
            let big = heap.alloc(layout(70_000, 1));
            assert_eq!(big as usize % (1 << 17), 0);
        }
    }

    #[test]
    fn realloc_keeps_the_block_within_its_class_and_the_bytes_across_classes() {
        let heap = SizeClasses::new(Arena::new(64));
        unsafe {
            let a = heap.alloc(layout(20, 1));
            a.copy_from_nonoverlapping(b"0123456789".as_ptr(), 10);
            assert_eq!(heap.realloc(a, layout(20, 1), 32), a);
            let b = heap.realloc(a, layout(32, 1), 1000);
            assert_ne!(b, a);
            assert_eq!(std::slice::from_raw_parts(b, 10), b"0123456789");
        }
    }

    #[test]
    fn out_of_memory_is_null_never_a_panic() {
        let heap = SizeClasses::new(Arena::new(2));
        unsafe {
            assert!(!heap.alloc(layout(PAGE, 1)).is_null());
            assert!(heap.alloc(layout(PAGE * 4, 1)).is_null());
            assert!(heap.alloc(layout(usize::MAX / 2, 1)).is_null());
        }
    }

    proptest! {
        /// Any sequence of allocations and frees: live blocks are aligned,
        /// never overlap, and keep what was written in them.
        #[test]
        fn live_blocks_never_overlap_and_keep_their_bytes(
            steps in prop::collection::vec((any::<bool>(), 1usize..5000, 0u32..7, any::<prop::sample::Index>()), 1..400),
        ) {
            let heap = SizeClasses::new(Arena::new(1024));
            let mut live: Vec<(*mut u8, Layout, u8)> = Vec::new();
            for (i, (allocate, size, align_power, pick)) in steps.into_iter().enumerate() {
                if allocate || live.is_empty() {
                    let l = layout(size, 1 << align_power);
                    let p = unsafe { heap.alloc(l) };
                    prop_assert!(!p.is_null());
                    prop_assert_eq!(p as usize % l.align(), 0);
                    let mark = i as u8;
                    unsafe { p.write_bytes(mark, size) };
                    for (q, ql, _) in &live {
                        let (a, b) = (p as usize, *q as usize);
                        prop_assert!(a + size <= b || b + ql.size() <= a, "overlap");
                    }
                    live.push((p, l, mark));
                } else {
                    let (p, l, mark) = live.swap_remove(pick.index(live.len()));
                    let bytes = unsafe { std::slice::from_raw_parts(p, l.size()) };
                    prop_assert!(bytes.iter().all(|b| *b == mark));
                    unsafe { heap.dealloc(p, l) };
                }
            }
        }
    }
}
