//! `make generate`: writes every per-operation surface that is pure plumbing from the core's operation table
//! (`langdock::Operation::ALL` and its specs), one module per output. `--check` writes nothing and fails when a
//! generated file differs from what the table makes (so `make test` fails on a stale or hand-edited one).

mod conformance;
mod node;
mod output;
mod python;

use output::Output;

fn main() {
    let check = std::env::args().any(|arg| arg == "--check");
    let mut out = Output::new(check);
    python::write(&mut out);
    node::write(&mut out);
    conformance::write(&mut out);
    std::process::exit(out.finish());
}
