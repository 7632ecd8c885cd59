//! Links the browser bundle without merging its string constants (`wasm-ld -O0`).
//!
//! The bundle is split by page (`src/pages/lazy.rs`): each constant goes to the module whose
//! code uses it, and what two modules share stays in the main one. Merged strings are one
//! piece of data, so one string the main module uses would keep every page's strings merged
//! with it there: an unrelated change once moved 17 KB gzip of the pages' text into the
//! landing page's download (measured with `scripts/bundle-size.sh`). Only the linking of
//! the WASM changes; the code is optimised as before.

fn main() {
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-cdylib=-O0");
    }
}
