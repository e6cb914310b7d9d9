#![no_main]
mod common;
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let d = common::defaults();
    common::check(concord_exchange::csv::read(std::io::Cursor::new(data), &d));
});
