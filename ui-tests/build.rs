//! Lists the pass cases, `ui/<macro>/pass/*.rs`, for `tests/pass.rs`: each becomes a module of
//! that one test binary (`<macro>_<case>`), whose `main` the test calls. A case added to a `pass`
//! folder is picked up at the next build.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs, io};

fn main() -> io::Result<()> {
    let root = Path::new(&env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo")).join("ui");
    println!("cargo::rerun-if-changed={}", root.display());
    let mut cases = Vec::new();
    for macro_dir in sorted_entries(&root)? {
        let pass = macro_dir.join("pass");
        if !pass.is_dir() {
            continue;
        }
        let macro_name = file_stem(&macro_dir);
        for case in sorted_entries(&pass)? {
            if case.extension().is_some_and(|ext| ext == "rs") {
                cases.push((format!("{macro_name}_{}", file_stem(&case)), case));
            }
        }
    }
    let mut out = String::new();
    for (name, path) in &cases {
        // The cases declare items to show that they compile, not all of them to be used.
        writeln!(
            out,
            "#[path = {path:?}]\n#[allow(dead_code)]\npub mod {name};"
        )
        .unwrap();
    }
    out.push_str("/// Every pass case: its name and its `main`.\nconst CASES: &[Case] = &[\n");
    for (name, _) in &cases {
        writeln!(out, "    ({name:?}, || run({name}::main)),").unwrap();
    }
    out.push_str("];\n");
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("set by cargo"));
    fs::write(out_dir.join("pass_cases.rs"), out)
}

/// The entries of `dir`, sorted by name.
fn sorted_entries(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut entries = fs::read_dir(dir)?
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<io::Result<Vec<_>>>()?;
    entries.sort();
    Ok(entries)
}

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .expect("a named file")
        .to_string_lossy()
        .into_owned()
}
