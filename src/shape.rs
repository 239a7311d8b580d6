//! The shape of the code, held by a test. Top-level modules of `src/` in
//! layers, lowest first; a module may use the modules of lower layers and
//! those to its left in its own layer, never one above (test code aside):
//!
//! 1. `error`, `i18n`: errors and exit statuses; messages in both languages
//! 2. `util`, `ui`: clock and atomic writes; terminal text, prompts, output
//! 3. `snapshot`: the serialisable picture of an account, and what runs
//! 4. `aws`, `catalog`: the only SDK user; instance data, prices, advisor
//! 5. `course`: lessons as data, loaded and validated
//! 6. `checks`: the registry and the pure judges
//! 7. `progress`, `auditlog`, `report`, `audit`, `spend`, `monitor`: learner
//!    state; the log of changes; renderers; what runs and what it costs; what
//!    was really billed (Cost Explorer); this machine
//! 8. `instructor`, `wizard`: a class; the guided course
//! 9. `cli`, `context`: the command line; what the process was started with
//! 10. `commands`: one module per command group
//! 11. `fuzzing`: entry points for the fuzzers (every parser, then its users)
//!
//! `lib.rs` lists the modules and dispatches; only `src/aws/` names the AWS
//! SDK crates.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const LAYERS: &[&[&str]] = &[
    &["error", "i18n"],
    &["util", "ui"],
    &["snapshot"],
    &["aws", "catalog"],
    &["course"],
    &["checks"],
    &["progress", "auditlog", "report", "audit", "spend", "monitor"],
    &["instructor", "wizard"],
    &["cli", "context"],
    &["commands"],
    &["fuzzing"],
];

/// Crates only `src/aws/` may name.
const SDK_CRATES: &[&str] = &[
    "aws_config",
    "aws_sdk_",
    "aws_smithy_",
    "aws_credential_types",
    "aws_types",
];

/// Modules that exist only for tests.
const TEST_ONLY: &[&str] = &["fuzz", "shape"];

/// Every production source file under `src/`, with test modules removed:
/// `#[cfg(test)] mod x { … }` blocks are cut out and `#[cfg(test)] mod x;`
/// files are skipped.
pub(crate) fn production_sources() -> Vec<(PathBuf, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    let mut test_files = BTreeSet::new();
    let mut out = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let dir = if path.file_name().is_some_and(|n| n == "mod.rs" || n == "lib.rs") {
            path.parent().unwrap().to_path_buf()
        } else {
            path.with_extension("")
        };
        for after in text.split("#[cfg(test)]").skip(1) {
            let after = after.trim_start();
            let Some(rest) = after
                .strip_prefix("mod ")
                .or_else(|| after.strip_prefix("pub(crate) mod "))
            else {
                continue;
            };
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if rest[name.len()..].starts_with(';') {
                test_files.insert(dir.join(format!("{name}.rs")));
                test_files.insert(dir.join(&name).join("mod.rs"));
            }
        }
    }
    for path in files {
        if test_files.contains(&path) {
            continue;
        }
        let text = strip_test_modules(&std::fs::read_to_string(&path).unwrap());
        out.push((path, text));
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
}

/// The text without `#[cfg(test)]` items that have a `{ … }` body.
fn strip_test_modules(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let open = after.find(['{', ';']);
        match open {
            Some(i) if after.as_bytes()[i] == b'{' => {
                let mut depth = 0;
                let mut end = after.len();
                for (j, c) in after[i..].char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = i + j + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                rest = &after[end..];
            }
            Some(i) => rest = &after[i + 1..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    out
}

/// The top-level module a file belongs to (`lib` for lib.rs and main.rs).
fn module_of(path: &Path) -> String {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let rel = path.strip_prefix(&src).unwrap();
    let first = rel.components().next().unwrap().as_os_str().to_string_lossy();
    let name = first.trim_end_matches(".rs").to_string();
    if name == "main" { "lib".to_string() } else { name }
}

/// `crate::x` references, including `use crate::{x, y}` groups.
fn references(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let word = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    for (at, _) in text.match_indices("crate::") {
        let rest = &text[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = &group[..group.find('}').unwrap_or(group.len())];
            for part in inner.split(',') {
                let name = word(part.trim());
                if !name.is_empty() {
                    found.insert(name);
                }
            }
        } else {
            let name = word(rest);
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let modules: BTreeSet<&str> = LAYERS.iter().flat_map(|l| l.iter().copied()).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, text) in production_sources() {
        let from = module_of(&path);
        let entry = graph.entry(from.clone()).or_default();
        for to in references(&text) {
            if to != from && modules.contains(to.as_str()) {
                entry.insert(to);
            }
        }
    }
    graph
}

fn rank(module: &str) -> Option<(usize, usize)> {
    LAYERS
        .iter()
        .enumerate()
        .find_map(|(layer, names)| names.iter().position(|n| *n == module).map(|pos| (layer, pos)))
}

#[test]
fn every_module_has_a_place_in_the_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for entry in std::fs::read_dir(&src).unwrap() {
        let name = entry
            .unwrap()
            .file_name()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if ["lib", "main", "messages.toml"].contains(&name.as_str()) || TEST_ONLY.contains(&name.as_str()) {
            continue;
        }
        assert!(
            rank(&name).is_some(),
            "src/{name} is not in shape.rs's LAYERS: place it"
        );
    }
}

#[test]
fn dependencies_point_down_the_layers_only() {
    let mut wrong = Vec::new();
    for (from, targets) in graph() {
        if from == "lib" {
            continue;
        }
        let Some(here) = rank(&from) else { continue };
        for to in targets {
            let Some(there) = rank(&to) else { continue };
            if there >= here {
                wrong.push(format!("{from} → {to}"));
            }
        }
    }
    assert!(wrong.is_empty(), "dependencies against the layer order: {wrong:?}");
}

#[test]
fn there_is_no_circle_between_top_level_modules() {
    let graph = graph();
    // Depth-first search for a back edge.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut circle = path[start..].to_vec();
            circle.push(node.to_string());
            return Some(circle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(circle) = visit(next, graph, path, done) {
                return Some(circle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        if let Some(circle) = visit(node, &graph, &mut Vec::new(), &mut done) {
            panic!("a circle between modules: {}", circle.join(" → "));
        }
    }
}

#[test]
fn only_src_aws_names_the_sdk() {
    let aws = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/aws");
    let mut offenders = Vec::new();
    for (path, text) in production_sources() {
        if path.starts_with(&aws) {
            continue;
        }
        // Only code counts: a comment may name the SDK.
        let code: Vec<&str> = text.lines().filter(|l| !l.trim_start().starts_with("//")).collect();
        for krate in SDK_CRATES {
            if code.iter().any(|l| l.contains(krate)) {
                offenders.push(format!("{} names {krate}", path.display()));
            }
        }
        if text.contains(".send()") {
            offenders.push(format!("{} makes an SDK call (.send())", path.display()));
        }
    }
    assert!(offenders.is_empty(), "{offenders:?}");
}

#[test]
fn the_checker_sees_what_it_should() {
    // The scanner itself: groups, paths and test modules.
    let refs = references("use crate::{a, b::c};\nlet x = crate::d::e();");
    assert_eq!(refs, ["a", "b", "d"].iter().map(|s| s.to_string()).collect());
    let stripped = strip_test_modules("fn a() {}\n#[cfg(test)]\nmod tests {\n fn b() { crate::x(); }\n}\nfn c() {}");
    assert!(
        !stripped.contains("crate::x") && stripped.contains("fn c()"),
        "{stripped}"
    );
    assert!(graph().get("commands").is_some_and(|t| t.contains("ui")));
}
