//! The binary's allocator (main.rs installs it; the library itself stays
//! allocator-neutral): mimalloc for everything but large blocks, which
//! go to the system allocator. glibc maps a large block on its own and grows
//! it in place (`mremap`) and unmaps it when freed; mimalloc copies a block
//! it grows and keeps freed memory a while before returning it. A vector
//! growing by doubling to hundreds of MB (pulldown-cmark's tree of a long
//! paragraph dense in markup) held every smaller copy: a build peaked at
//! 115 times the article's size with mimalloc alone, 60 times with this.
//! Small allocations, nearly all of them, keep mimalloc's speed.

use std::alloc::{GlobalAlloc, Layout, System};

/// Blocks of this size and more are the system allocator's.
const LARGE: usize = 1 << 20;

pub struct Allocator;

fn large(size: usize) -> bool {
    size >= LARGE
}

// SAFETY: every block is freed, grown or shrunk by the allocator that made
// it: which one is decided by the layout's size, which Rust passes unchanged
// to `dealloc` and `realloc` (`realloc`'s new size becomes the block's size).
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe {
            match large(layout.size()) {
                true => System.alloc(layout),
                false => mimalloc::MiMalloc.alloc(layout),
            }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe {
            match large(layout.size()) {
                true => System.alloc_zeroed(layout),
                false => mimalloc::MiMalloc.alloc_zeroed(layout),
            }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from the allocator `layout.size()` picks.
        unsafe {
            match large(layout.size()) {
                true => System.dealloc(ptr, layout),
                false => mimalloc::MiMalloc.dealloc(ptr, layout),
            }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same allocator on both sides: forwarded. Otherwise a new
        // block from the other one (the new layout is valid: the caller
        // guarantees `new_size` rounded to the alignment does not overflow),
        // the bytes both hold copied, the old block freed by its own.
        unsafe {
            match (large(layout.size()), large(new_size)) {
                (true, true) => System.realloc(ptr, layout, new_size),
                (false, false) => mimalloc::MiMalloc.realloc(ptr, layout, new_size),
                _ => {
                    let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
                    let new = self.alloc(new_layout);
                    if !new.is_null() {
                        std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                        self.dealloc(ptr, layout);
                    }
                    new
                }
            }
        }
    }
}
