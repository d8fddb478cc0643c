//! `make generate`: writes every per-operation surface that is pure plumbing from the core's operation table
//! (`langdock::OperationSpec::ALL`), and the client constructors' arguments and docs from its settings table
//! (`langdock::setting_docs`), one module per output. `--check` writes nothing and fails when a
//! generated file differs from what the table makes (so `make test` fails on a stale or hand-edited one).

mod conformance;
mod node;
mod output;
mod python;
mod settings;

use output::Output;

fn main() {
    let check = std::env::args().any(|arg| arg == "--check");
    let mut out = Output::new(check);
    python::write(&mut out);
    node::write(&mut out);
    conformance::write(&mut out);
    settings::write(&mut out);
    std::process::exit(out.finish());
}

#[cfg(test)]
mod tests {
    /// Every operation of the table has its method in every face and its case in every conformance dispatcher.
    #[test]
    fn every_operation_reaches_every_face() {
        let root = std::env::temp_dir().join(format!("langdock-generate-all-{}", std::process::id()));
        let mut out = crate::output::Output::at(root.clone(), false);
        crate::python::write(&mut out);
        crate::node::write(&mut out);
        crate::conformance::write(&mut out);
        let read = |path: &str| std::fs::read_to_string(root.join(path)).unwrap();
        let js = read("bindings-node/lib/resources.js");
        let ts = read("bindings-node/lib/resources.d.ts");
        let names = read("bindings-node/lib/operations.d.ts") + &read("bindings-python/python/langdock/_operations.py");
        for spec in langdock::OperationSpec::ALL {
            let python = read(&format!("bindings-python/python/langdock/resources/{}.py", spec.resource_name()));
            let method = langdock::camel_case(spec.method_name);
            assert!(python.contains(&format!("    def {}(", spec.method_name)), "{}", spec.name());
            assert!(python.contains(&format!("    async def {}(", spec.method_name)), "{}", spec.name());
            assert!(python.contains(&format!("\"{}\"", spec.name())), "{}", spec.name());
            assert!(js.contains(&format!("  async {method}(")) && js.contains(&format!("'{}'", spec.name())));
            assert!(ts.contains(&format!("  {method}(")), "{}", spec.name());
            assert_eq!(names.matches(&format!("'{}'", spec.name())).count(), 1, "{}", spec.name());
            for dispatcher in [
                "core/tests/conformance/dispatch.rs",
                "bindings-python/tests/conformance_dispatch.py",
                "bindings-node/testlib/conformance-dispatch.cjs",
            ] {
                assert!(read(dispatcher).contains(&spec.qualified_name()), "{} in {dispatcher}", spec.name());
            }
        }
        std::fs::remove_dir_all(root).unwrap();
    }
}
