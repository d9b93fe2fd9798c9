//! One export, `mac`: HMAC-SHA256 of a buffer, with whichever candidate
//! the features select (compare.mjs builds each). No allocator beyond a
//! bump one: only the hash is measured.
#![no_std]

extern crate alloc;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

struct Bump;
static mut NEXT: usize = 0;

unsafe impl core::alloc::GlobalAlloc for Bump {
    unsafe fn alloc(&self, layout: core::alloc::Layout) -> *mut u8 {
        if NEXT == 0 {
            NEXT = core::arch::wasm32::memory_size(0) * 65536;
        }
        let start = (NEXT + layout.align() - 1) & !(layout.align() - 1);
        let end = start + layout.size();
        let have = core::arch::wasm32::memory_size(0) * 65536;
        if end > have {
            core::arch::wasm32::memory_grow(0, (end - have).div_ceil(65536));
        }
        NEXT = end;
        start as *mut u8
    }
    unsafe fn dealloc(&self, _: *mut u8, _: core::alloc::Layout) {}
}

#[global_allocator]
static ALLOCATOR: Bump = Bump;

static mut MAC: [u8; 32] = [0; 32];

/// Room for `len` bytes, for the caller to fill.
#[no_mangle]
pub unsafe extern "C" fn buffer(len: usize) -> *mut u8 {
    alloc::alloc::alloc(core::alloc::Layout::from_size_align_unchecked(len, 1))
}

/// The HMAC of `data[..len]` keyed by `key[..key_len]`; where the 32 bytes are.
#[no_mangle]
pub unsafe extern "C" fn mac(
    key: *const u8,
    key_len: usize,
    data: *const u8,
    len: usize,
) -> *const u8 {
    let key = core::slice::from_raw_parts(key, key_len);
    let data = core::slice::from_raw_parts(data, len);
    #[cfg(feature = "rustcrypto")]
    {
        use hmac::{KeyInit, Mac};
        let mut m = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
        m.update(data);
        core::ptr::addr_of_mut!(MAC).write(m.finalize().into_bytes().into());
    }
    #[cfg(feature = "jedisct1")]
    {
        core::ptr::addr_of_mut!(MAC).write(hmac_sha256::HMAC::mac(data, key));
    }
    core::ptr::addr_of!(MAC) as *const u8
}
