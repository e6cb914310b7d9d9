//! Prints how two names compare: `cargo run -p concord-matcher --example explain -- A B`.
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    for n in &args {
        if let Ok(p) = concord_matcher::PreparedName::new(n) {
            println!("{n}: {}", p.encoded());
        }
    }
    if args.len() == 2 {
        println!("{:?}", concord_matcher::compare(&args[0], &args[1]));
    }
}
