//! `make generate`: writes every generated file of the repository from the core's own tables.

mod settings;

fn main() -> std::io::Result<()> {
    // tools/generate → the repository root.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    settings::generate(&root)
}
