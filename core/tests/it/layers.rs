//! ARCHITECTURE.md's layers, checked against core's sources: a module uses only modules of its
//! own layer or the layers listed above it, and no two of core's modules use each other, directly
//! or around a loop. The list is read from ARCHITECTURE.md, so the map cannot drift from the code.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const CORE: &str = env!("CARGO_MANIFEST_DIR");

/// `## Layers` in ARCHITECTURE.md: numbered lines, each naming its modules in backticks.
fn layers() -> BTreeMap<String, usize> {
    let map = std::fs::read_to_string(Path::new(CORE).join("../ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let section = map
        .split("\n## Layers")
        .nth(1)
        .expect("ARCHITECTURE.md has a `## Layers` section")
        .split("\n## ")
        .next()
        .unwrap_or_default();
    let mut layers = BTreeMap::new();
    for line in section.lines() {
        let Some((number, rest)) = line.split_once(". ") else {
            continue;
        };
        let Ok(level) = number.trim().parse::<usize>() else {
            continue;
        };
        for module in rest.split('`').skip(1).step_by(2) {
            layers.insert(module.trim_end_matches('/').to_string(), level);
        }
    }
    assert!(layers.len() > 5, "`## Layers` lists too few modules: {layers:?}");
    layers
}

/// A source file's module path (`engine::read` for `engine/read.rs`, `engine` for its `mod.rs`).
fn module_of(file: &Path, src: &Path) -> Vec<String> {
    let relative = file.strip_prefix(src).expect("under src").with_extension("");
    let mut path: Vec<String> = relative.iter().map(|s| s.to_string_lossy().into_owned()).collect();
    if path.last().is_some_and(|last| last == "mod" || last == "lib") {
        path.pop();
    }
    path
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read core/src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code a build of core links: comments and test-only items left out (tests may reach
/// anywhere). A `#[cfg(test)] mod tests { .. }` is the last item of its file (clippy's
/// `items_after_test_module`), so the file ends there; any other `#[cfg(test)]` item is one line.
fn linked_code(text: &str) -> String {
    let mut code = vec![];
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "#[cfg(test)]" {
            match lines.next() {
                Some(next) if next.trim_start().starts_with("mod ") && next.trim_end().ends_with('{') => break,
                _ => continue,
            }
        }
        code.push(line.split("//").next().unwrap_or_default());
    }
    code.join("\n")
}

fn identifier(text: &str) -> (&str, &str) {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    text.split_at(end)
}

/// The members of a `{...}` group (its text from after the `{`), split at its own commas.
fn group_members(group: &str) -> Vec<&str> {
    let (mut depth, mut start, mut members) = (0, 0, vec![]);
    for (at, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                members.push(&group[start..at]);
                break;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                members.push(&group[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    members
}

/// Every path that starts at `crate::`, `super::` or `self::`, resolved to segments from the
/// crate root; a `{a, b::c}` group gives one path per member's first segment.
fn referenced_paths(code: &str, module: &[String]) -> Vec<Vec<String>> {
    let mut paths = vec![];
    for start in ["crate::", "super::", "self::"] {
        let mut rest = code;
        while let Some(at) = rest.find(start) {
            let preceded_by_word = rest[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':');
            rest = &rest[at..];
            let mut base: Vec<String> = match start {
                "crate::" => vec![],
                "self::" => module.to_vec(),
                _ => module[..module.len().saturating_sub(1)].to_vec(),
            };
            let mut tail = &rest[start.len()..];
            while let Some(after) = tail.strip_prefix("super::") {
                base.pop();
                tail = after;
            }
            rest = &rest[start.len()..];
            if preceded_by_word {
                continue;
            }
            let mut segments = base;
            loop {
                if let Some(group) = tail.strip_prefix('{') {
                    for member in group_members(group) {
                        // `job::SinkMode`, `format::{self, Format}`: the member's own path.
                        let chain: Vec<String> = member
                            .trim()
                            .split("::")
                            .map(|segment| identifier(segment.trim()).0)
                            .take_while(|name| !name.is_empty() && *name != "self")
                            .map(String::from)
                            .collect();
                        if !chain.is_empty() {
                            paths.push([segments.clone(), chain].concat());
                        }
                    }
                    break;
                }
                let (name, after) = identifier(tail);
                if name.is_empty() {
                    break;
                }
                segments.push(name.to_string());
                match after.strip_prefix("::") {
                    Some(next) => tail = next,
                    None => break,
                }
            }
            paths.push(segments);
        }
    }
    paths
}

/// Core's modules and, for each, the other modules its linked code uses.
fn module_uses() -> Uses {
    let src = Path::new(CORE).join("src");
    let mut files = vec![];
    rust_files(&src, &mut files);
    let sources: BTreeMap<Vec<String>, String> = files
        .iter()
        .filter(|f| !f.ends_with("tests.rs") && !f.ends_with("testing.rs"))
        .map(|f| {
            (
                module_of(f, &src),
                linked_code(&std::fs::read_to_string(f).expect("read")),
            )
        })
        .collect();
    let known: BTreeSet<&Vec<String>> = sources.keys().collect();
    let mut uses = BTreeMap::new();
    for (module, code) in &sources {
        let mut used = BTreeSet::new();
        for path in referenced_paths(code, module) {
            // The longest prefix that is a module of core: `crate::model::job::SinkMode` uses `model::job`.
            let target = (1..=path.len())
                .rev()
                .map(|n| path[..n].to_vec())
                .find(|p| known.contains(p));
            if let Some(target) = target {
                if &target != module {
                    used.insert(target);
                }
            }
        }
        uses.insert(module.clone(), used);
    }
    uses
}

fn top(module: &[String]) -> String {
    module.first().cloned().unwrap_or_else(|| "lib".into())
}

type Uses = BTreeMap<Vec<String>, BTreeSet<Vec<String>>>;

/// Each use of a module from a higher layer, and each top-level module without a layer.
fn layering_violations(uses: &Uses, layers: &BTreeMap<String, usize>) -> Vec<String> {
    let mut wrong = BTreeSet::new();
    for (module, used) in uses {
        if module.is_empty() {
            continue; // lib.rs declares the modules
        }
        let from = top(module);
        let Some(&level) = layers.get(&from) else {
            wrong.insert(format!("`{from}` has no layer in ARCHITECTURE.md"));
            continue;
        };
        for target in used {
            let to = top(target);
            match layers.get(&to) {
                Some(&l) if l > level => {
                    wrong.insert(format!(
                        "{} (layer {level}) uses {} (layer {l})",
                        module.join("::"),
                        target.join("::")
                    ));
                }
                Some(_) => {}
                None => {
                    wrong.insert(format!("`{to}` has no layer in ARCHITECTURE.md"));
                }
            }
        }
    }
    wrong.into_iter().collect()
}

#[test]
fn every_module_of_core_has_a_layer_and_uses_only_its_own_or_lower_layers() {
    let wrong = layering_violations(&module_uses(), &layers());
    assert!(wrong.is_empty(), "layering broken:\n  {}", wrong.join("\n  "));
}

/// Cycles among core's top-level modules, and among the files of each folder (a file's use of
/// the folder it sits in, its parent, is how a folder shares its types and is not a loop).
#[test]
fn core_has_no_import_cycle() {
    let uses = module_uses();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, used) in &uses {
        for target in used {
            let (from, to) = (top(module), top(target));
            if from != to {
                graph.entry(from).or_default().insert(to);
            } else if !module.starts_with(target) && !target.starts_with(module) {
                graph.entry(module.join("::")).or_default().insert(target.join("::"));
            }
        }
    }
    let cycles = strongly_connected(&graph);
    assert!(cycles.is_empty(), "import cycles in core: {cycles:?}");
}

/// Tarjan's strongly connected components with more than one member.
fn strongly_connected(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct Walk<'g> {
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        found: Vec<Vec<String>>,
    }
    impl<'g> Walk<'g> {
        fn visit(&mut self, v: &'g str) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            for w in self.graph.get(v).into_iter().flatten() {
                if !self.index.contains_key(w.as_str()) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w.as_str()]);
                    self.low.insert(v, low);
                } else if self.stack.contains(&w.as_str()) {
                    let low = self.low[v].min(self.index[w.as_str()]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let at = self.stack.iter().rposition(|x| *x == v).expect("on the stack");
                let component: Vec<String> = self.stack.drain(at..).map(String::from).collect();
                if component.len() > 1 {
                    self.found.push(component);
                }
            }
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: vec![],
        found: vec![],
    };
    let nodes: BTreeSet<&String> = graph.keys().chain(graph.values().flatten()).collect();
    for v in nodes {
        if !walk.index.contains_key(v.as_str()) {
            walk.visit(v);
        }
    }
    walk.found
}

#[test]
fn the_checker_sees_a_use_group_and_a_parent_path() {
    let module = vec!["engine".to_string(), "read".to_string()];
    let paths = referenced_paths(
        "use crate::{format::{self, Format}, model::job::SinkMode};\nuse super::Progress;",
        &module,
    );
    assert!(paths.contains(&"model::job::SinkMode".split("::").map(String::from).collect()));
    assert!(paths.contains(&vec!["format".to_string()]));
    assert!(paths.contains(&vec!["engine".to_string(), "Progress".to_string()]));
    let mut graph = BTreeMap::new();
    graph.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    graph.insert("b".to_string(), BTreeSet::from(["a".to_string()]));
    assert_eq!(strongly_connected(&graph).len(), 1);
    let path = |p: &str| p.split("::").map(String::from).collect::<Vec<_>>();
    let uses = Uses::from([(path("model::job"), BTreeSet::from([path("engine::plan")]))]);
    let layers = BTreeMap::from([("model".to_string(), 4), ("engine".to_string(), 8)]);
    assert_eq!(
        layering_violations(&uses, &layers),
        ["model::job (layer 4) uses engine::plan (layer 8)"]
    );
}
