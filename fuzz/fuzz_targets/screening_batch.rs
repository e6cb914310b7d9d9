#![no_main]
//! A batch file as the HTTP batch endpoint reads it, line by line: no
//! panic, and every line either reads or gets a message.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    for raw in data.split(|b| *b == b'\n') {
        if let Err(message) = concord_exchange::subjects::read_batch_line(raw) {
            assert!(!message.is_empty());
        }
    }
});
