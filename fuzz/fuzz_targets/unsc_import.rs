#![no_main]
mod common;
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let d = common::defaults();
    let countries = [("kyrgyzstan".to_string(), concord_domain::StateCode::from("KG"))].into_iter().collect();
    match concord_exchange::unsc::read(text, &d, &countries) {
        Ok(items) => common::check(items.into_iter().map(Ok)),
        Err(e) => assert!(!e.field.is_empty() && !e.message.is_empty()),
    }
});
