//! The shape of the code, held by a test. Top-level modules of `src/` in
//! layers, lowest first; a module may use the modules of lower layers and
//! those to its left in its own layer, never one above (test code aside):
//!
//! 1. `error`, `i18n`: errors and exit statuses; messages in both languages
//! 2. `util`, `ui`: clock and atomic writes; terminal text, prompts, output
//! 3. `snapshot`: the serialisable picture of an account: the inventory of what bills
//! 4. `aws`, `catalog`: the only SDK user; instance data, prices, advisor
//! 5. `course`: lessons as data, loaded and validated
//! 6. `checks`: the registry and the pure judges
//! 7. `progress`, `changelog`, `audit`, `spend`, `plan`, `monitor`, `report`:
//!    learner state; the log of changes; what bills and what it costs; what
//!    was really billed (Cost Explorer); changes as data (plans and their
//!    journal); this machine; renderers (of all of them: they compute, the
//!    report renders)
//! 8. `instructor`, `wizard`: a class; the guided course
//! 9. `cli`, `context`: the command line; what the process was started with
//! 10. `commands`: one module per command group
//! 11. `fuzzing`: entry points for the fuzzers (every parser, then its users)
//!
//! `lib.rs` lists the modules and dispatches; only `src/aws/` names the AWS
//! SDK crates.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::visit::Visit;

const LAYERS: &[&[&str]] = &[
    &["error", "i18n"],
    &["util", "ui"],
    &["snapshot"],
    &["aws", "catalog"],
    &["course"],
    &["checks"],
    &["progress", "changelog", "audit", "spend", "plan", "monitor", "report"],
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
const TEST_ONLY: &[&str] = &["hostile", "shape"];

/// One production source file: where it sits among the modules, its text
/// (test items removed) and its syntax tree.
pub(crate) struct Source {
    pub path: PathBuf,
    /// Its module path below the crate root: `["checks", "rules"]` for
    /// src/checks/rules.rs, `[]` for lib.rs and main.rs.
    pub module: Vec<String>,
    pub file: syn::File,
}

/// Every production source file under `src/`, parsed: files that are
/// `#[cfg(test)] mod x;` are left out, and `#[cfg(test)]` items are removed
/// from the rest (attributes, not text: a comment naming it changes nothing).
pub(crate) fn sources() -> Vec<Source> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    let parsed: Vec<(PathBuf, syn::File)> = files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (path, file)
        })
        .collect();
    let mut test_files = BTreeSet::new();
    for (path, file) in &parsed {
        let dir = match path.file_name().and_then(|n| n.to_str()) {
            Some("mod.rs" | "lib.rs" | "main.rs") => path.parent().unwrap().to_path_buf(),
            _ => path.with_extension(""),
        };
        for item in &file.items {
            if let syn::Item::Mod(m) = item
                && m.content.is_none()
                && is_test(&m.attrs)
            {
                test_files.insert(dir.join(format!("{}.rs", m.ident)));
                test_files.insert(dir.join(m.ident.to_string()).join("mod.rs"));
            }
        }
    }
    parsed
        .into_iter()
        .filter(|(path, _)| !test_files.contains(path))
        .map(|(path, mut file)| {
            strip_tests(&mut file.items);
            Source {
                module: module_path(&path),
                path,
                file,
            }
        })
        .collect()
}

/// Every production source file under `src/` as text, for checks that read
/// the code itself (`aws::operations`' policy test): the parsed file without
/// its test items, printed back.
pub(crate) fn production_sources() -> Vec<(PathBuf, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let kept: BTreeSet<PathBuf> = sources().into_iter().map(|s| s.path).collect();
    let mut files = Vec::new();
    walk(&src, &mut files);
    files
        .into_iter()
        .filter(|path| kept.contains(path))
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            (path, strip_test_text(&text))
        })
        .collect()
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

/// `#[cfg(test)]`, alone or inside `all(…)`/`any(…)` with `test`.
fn is_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.parse_args::<syn::Meta>().is_ok_and(|meta| match meta {
                syn::Meta::Path(p) => p.is_ident("test"),
                syn::Meta::List(list) => list.tokens.to_string().split([' ', ',', '(', ')']).any(|t| t == "test"),
                syn::Meta::NameValue(_) => false,
            })
    })
}

fn strip_tests(items: &mut Vec<syn::Item>) {
    items.retain(|item| !is_test(item_attrs(item)));
    for item in items {
        if let syn::Item::Mod(syn::ItemMod {
            content: Some((_, inner)),
            ..
        }) = item
        {
            strip_tests(inner);
        }
    }
}

fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        syn::Item::ExternCrate(i) => &i.attrs,
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Macro(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::Type(i) => &i.attrs,
        syn::Item::Union(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

/// The text of a file without its `#[cfg(test)]` items, cut where the
/// parser says they are (never by matching the text, which a comment could fool).
fn strip_test_text(text: &str) -> String {
    let Ok(file) = syn::parse_file(text) else {
        return text.to_string();
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut cut = vec![false; lines.len()];
    fn mark(items: &[syn::Item], cut: &mut [bool]) {
        for item in items {
            if is_test(item_attrs(item)) {
                let span = syn::spanned::Spanned::span(item);
                let attrs = item_attrs(item);
                let start = attrs
                    .first()
                    .map_or(span.start().line, |a| syn::spanned::Spanned::span(a).start().line);
                for line in start..=span.end().line {
                    if let Some(c) = cut.get_mut(line.saturating_sub(1)) {
                        *c = true;
                    }
                }
            } else if let syn::Item::Mod(syn::ItemMod {
                content: Some((_, inner)),
                ..
            }) = item
            {
                mark(inner, cut);
            }
        }
    }
    mark(&file.items, &mut cut);
    lines
        .iter()
        .zip(cut)
        .filter(|(_, c)| !c)
        .map(|(l, _)| *l)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The module path of a file below `src/`.
fn module_path(path: &Path) -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let rel = path.strip_prefix(&src).unwrap();
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        parts.pop();
    }
    parts
}

/// The top-level module a file belongs to (`lib` for lib.rs and main.rs).
fn module_of(source: &Source) -> String {
    source.module.first().cloned().unwrap_or_else(|| "lib".to_string())
}

/// What one file refers to: every path in `use` trees (groups flattened,
/// renames followed) and in the code, resolved against the file's module
/// (`crate::`, `super::`, `self::`); and the SDK crates it names.
#[derive(Default)]
struct Refs {
    /// Module paths of the files' inline modules, innermost last.
    stack: Vec<Vec<String>>,
    /// Top-level modules referred to.
    modules: BTreeSet<String>,
    /// First segments of every path (to find the SDK crates).
    roots: BTreeSet<String>,
    /// `pub use` / `pub type` items naming an SDK crate: a re-export.
    reexports: Vec<String>,
    /// Calls of `.send()`.
    sends: usize,
}

impl Refs {
    fn of(source: &Source) -> Refs {
        let mut refs = Refs {
            stack: vec![source.module.clone()],
            ..Refs::default()
        };
        refs.visit_file(&source.file);
        refs
    }

    fn here(&self) -> &[String] {
        self.stack.last().map(Vec::as_slice).unwrap_or(&[])
    }

    /// Records a path given as its segments.
    fn path(&mut self, segments: &[String]) {
        let Some(first) = segments.first() else { return };
        self.roots.insert(first.clone());
        let mut base: Vec<String> = self.here().to_vec();
        let mut rest = segments;
        match first.as_str() {
            "crate" => {
                base.clear();
                rest = &segments[1..];
            }
            "self" => rest = &segments[1..],
            "super" => {
                while rest.first().is_some_and(|s| s == "super") {
                    base.pop();
                    rest = &rest[1..];
                }
            }
            // A plain path is a local name, a prelude item or an external
            // crate: only the crate root resolves a module's name this way.
            _ if !base.is_empty() => return,
            _ => {}
        }
        let full: Vec<&String> = base.iter().chain(rest.iter()).collect();
        if let Some(top) = full.first() {
            self.modules.insert((*top).clone());
        }
    }
}

/// Every path a `use` tree names, segments in order.
fn use_paths(tree: &syn::UseTree, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            use_paths(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let mut path = prefix.clone();
            if n.ident != "self" {
                path.push(n.ident.to_string());
            }
            out.push(path);
        }
        syn::UseTree::Rename(r) => {
            let mut path = prefix.clone();
            path.push(r.ident.to_string());
            out.push(path);
        }
        syn::UseTree::Glob(_) => out.push(prefix.clone()),
        syn::UseTree::Group(g) => {
            for tree in &g.items {
                use_paths(tree, prefix, out);
            }
        }
    }
}

fn is_sdk(root: &str) -> bool {
    SDK_CRATES.iter().any(|k| root.starts_with(k))
}

impl<'ast> Visit<'ast> for Refs {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        let mut inner = self.here().to_vec();
        inner.push(m.ident.to_string());
        self.stack.push(inner);
        syn::visit::visit_item_mod(self, m);
        self.stack.pop();
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        let mut paths = Vec::new();
        let mut prefix = Vec::new();
        use_paths(&u.tree, &mut prefix, &mut paths);
        for path in &paths {
            self.path(path);
            let public = !matches!(u.vis, syn::Visibility::Inherited);
            if public && path.first().is_some_and(|r| is_sdk(r)) {
                self.reexports.push(format!("pub use {}", path.join("::")));
            }
        }
    }

    fn visit_item_type(&mut self, t: &'ast syn::ItemType) {
        let mut inner = Refs::default();
        inner.visit_type(&t.ty);
        if !matches!(t.vis, syn::Visibility::Inherited) && inner.roots.iter().any(|r| is_sdk(r)) {
            self.reexports.push(format!("pub type {}", t.ident));
        }
        syn::visit::visit_item_type(self, t);
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        let segments: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        if segments.len() > 1 || segments.first().is_some_and(|s| is_sdk(s)) {
            self.path(&segments);
        }
        syn::visit::visit_path(self, p);
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        if call.method == "send" && call.args.is_empty() {
            self.sends += 1;
        }
        syn::visit::visit_expr_method_call(self, call);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        // Macro bodies are tokens: their paths (`crate::x::y`) are read from
        // the tokens, so a call hidden in a macro still counts.
        let text = mac.tokens.to_string().replace(' ', "");
        for (at, _) in text.match_indices("crate::") {
            let name: String = text[at + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                self.modules.insert(name);
            }
        }
        if text.contains(".send()") {
            self.sends += 1;
        }
        syn::visit::visit_macro(self, mac);
    }
}

/// The top-level modules each top-level module refers to.
fn graph_of(sources: &[Source]) -> BTreeMap<String, BTreeSet<String>> {
    let modules: BTreeSet<&str> = LAYERS.iter().flat_map(|l| l.iter().copied()).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for source in sources {
        let from = module_of(source);
        let entry = graph.entry(from.clone()).or_default();
        for to in Refs::of(source).modules {
            if to != from && modules.contains(to.as_str()) {
                entry.insert(to);
            }
        }
    }
    graph
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    graph_of(&sources())
}

fn rank(module: &str) -> Option<(usize, usize)> {
    LAYERS
        .iter()
        .enumerate()
        .find_map(|(layer, names)| names.iter().position(|n| *n == module).map(|pos| (layer, pos)))
}

/// Edges against the layer order.
fn upward(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let mut wrong = Vec::new();
    for (from, targets) in graph {
        if from == "lib" {
            continue;
        }
        let Some(here) = rank(from) else { continue };
        for to in targets {
            let Some(there) = rank(to) else { continue };
            if there >= here {
                wrong.push(format!("{from} → {to}"));
            }
        }
    }
    wrong
}

/// Files outside `src/aws/` that name an SDK crate or make an SDK call, and
/// SDK items re-exported from inside it.
fn sdk_offences(sources: &[Source]) -> Vec<String> {
    let mut offenders = Vec::new();
    for source in sources {
        let refs = Refs::of(source);
        let inside = source.module.first().is_some_and(|m| m == "aws");
        let name = source.path.display();
        if inside {
            offenders.extend(refs.reexports.iter().map(|r| format!("{name} re-exports the SDK: {r}")));
            continue;
        }
        for root in refs.roots.iter().filter(|r| is_sdk(r)) {
            offenders.push(format!("{name} names {root}"));
        }
        if refs.sends > 0 {
            offenders.push(format!("{name} makes an SDK call (.send())"));
        }
    }
    offenders
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
    let wrong = upward(&graph());
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
    let offenders = sdk_offences(&sources());
    assert!(offenders.is_empty(), "{offenders:?}");
}

/// The checker itself, on sources written to fool a text scanner: each of
/// the evasions the architecture review found (a nested `use` group, `super::`
/// at the crate root, an SDK type re-exported through `crate::aws`, the text
/// `#[cfg(test)]` in a comment) is caught.
#[cfg(test)]
mod evasions {
    use super::*;

    fn source(path: &str, text: &str) -> Source {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let path = src.join(path);
        let mut file = syn::parse_file(text).unwrap();
        strip_tests(&mut file.items);
        Source {
            module: module_path(&path),
            path,
            file,
        }
    }

    fn edges(path: &str, text: &str) -> Vec<String> {
        upward(&graph_of(&[source(path, text)]))
    }

    #[test]
    fn a_nested_use_group_is_read_whole() {
        // The old scanner cut the group at the first `}` and missed `wizard`.
        assert_eq!(
            edges("checks/mod.rs", "use crate::{snapshot::{Snapshot as S2}, wizard};"),
            ["checks → wizard"]
        );
    }

    #[test]
    fn super_at_the_crate_root_is_the_crate() {
        assert_eq!(edges("audit.rs", "use super::wizard::Wizard;"), ["audit → wizard"]);
        // Two levels up from a submodule, in code rather than a `use`.
        assert_eq!(
            edges("checks/rules.rs", "fn f() { super::super::wizard::run(); }"),
            ["checks → wizard"]
        );
        // `super` inside a submodule stays in its module.
        assert!(edges("checks/rules.rs", "use super::Judge;").is_empty());
    }

    #[test]
    fn an_sdk_type_re_exported_through_aws_is_an_offence() {
        let reexport = source("aws/mod.rs", "pub use aws_sdk_sts::Client as StsClient;");
        let alias = source("aws/mod.rs", "pub type Sts = aws_sdk_sts::Client;");
        let private = source("aws/mod.rs", "use aws_sdk_sts::Client;");
        let offences = sdk_offences(&[reexport, alias, private]);
        assert_eq!(offences.len(), 2, "{offences:?}");
        assert!(offences[0].contains("pub use aws_sdk_sts::Client"), "{offences:?}");
        assert!(offences[1].contains("pub type Sts"), "{offences:?}");
        // Naming it outside src/aws/, in a signature or a call.
        let outside = source("commands/meta.rs", "fn x() -> Option<aws_sdk_sts::Client> { None }");
        assert_eq!(sdk_offences(&[outside]).len(), 1);
    }

    #[test]
    fn the_words_cfg_test_in_a_comment_hide_nothing() {
        let text = "// the #[cfg(test)] helpers are below\nuse crate::wizard::Wizard;\n";
        assert_eq!(edges("checks/mod.rs", text), ["checks → wizard"]);
        // A real test module is left out, its `use` with it.
        let text = "#[cfg(test)]\nmod tests {\n    use crate::wizard::Wizard;\n}\n";
        assert!(edges("checks/mod.rs", text).is_empty());
        assert!(!strip_test_text(text).contains("wizard"));
        assert!(strip_test_text("// #[cfg(test)]\nuse crate::wizard::W;\n").contains("wizard"));
    }

    #[test]
    fn the_real_graph_is_read() {
        assert!(graph().get("commands").is_some_and(|t| t.contains("ui")));
    }
}
