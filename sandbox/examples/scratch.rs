fn main() {
    let code = std::env::args().nth(1).unwrap();
    let mut spec = langdock_sandbox::RunSpec::new(code);
    spec.time_limit_seconds = 1.0;
    spec.memory_limit_mb = 32;
    let t = std::time::Instant::now();
    let out = langdock_sandbox::run_blocking(spec);
    println!("{} {:?}", serde_json::to_string(&out).unwrap(), t.elapsed());
}
