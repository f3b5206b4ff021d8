//! A small reader of a crate's module tree: which file is which module
//! (following `mod x;` and `#[path]` from `lib.rs`), which paths each file
//! names (`use` trees, `crate::`/`super::` paths in code; comments and
//! strings skipped), and the import graph between files that follows. Enough
//! Rust to check the architecture, not a parser of the whole language.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Ident(String),
    Str(String),
    PathSep,
    Punct(char),
}

/// Identifiers, `::`, punctuation and string contents; comments, lifetimes,
/// character and number literals are dropped.
fn tokens(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c == '"' {
            let (text, next) = quoted(&chars, i + 1);
            out.push(Token::Str(text));
            i = next;
        } else if (c == 'r' || c == 'b') && raw_string_start(&chars, i).is_some() {
            let (hashes, open) = raw_string_start(&chars, i).unwrap_or((0, i));
            let mut j = open + 1;
            let mut text = String::new();
            loop {
                if j >= chars.len() {
                    break;
                }
                if chars[j] == '"' && (1..=hashes).all(|k| at(j + k) == '#') {
                    j += 1 + hashes;
                    break;
                }
                text.push(chars[j]);
                j += 1;
            }
            out.push(Token::Str(text));
            i = j;
        } else if c == 'b' && at(i + 1) == '"' {
            let (text, next) = quoted(&chars, i + 2);
            out.push(Token::Str(text));
            i = next;
        } else if c == '\'' {
            // A char literal ('a', '\n', '\u{1F600}') or a lifetime ('a).
            if at(i + 1) == '\\' {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                i += 1;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
            }
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            out.push(Token::Ident(word.trim_start_matches("r#").to_string()));
        } else if c.is_ascii_digit() {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
        } else if c == ':' && at(i + 1) == ':' {
            out.push(Token::PathSep);
            i += 2;
        } else {
            if !c.is_whitespace() {
                out.push(Token::Punct(c));
            }
            i += 1;
        }
    }
    out
}

/// The text of a "..." literal starting after its quote, and where it ends.
fn quoted(chars: &[char], mut i: usize) -> (String, usize) {
    let mut text = String::new();
    while i < chars.len() && chars[i] != '"' {
        if chars[i] == '\\' {
            i += 1;
        }
        if let Some(&c) = chars.get(i) {
            text.push(c);
        }
        i += 1;
    }
    (text, i + 1)
}

/// `r"`, `r#"`, `br##"`…: the number of hashes and where the quote is.
fn raw_string_start(chars: &[char], i: usize) -> Option<(usize, usize)> {
    let mut j = i;
    if chars.get(j) == Some(&'b') {
        j += 1;
    }
    if chars.get(j) != Some(&'r') {
        return None;
    }
    // Not the tail of an identifier ("for", "bar").
    if i > 0
        && chars
            .get(i - 1)
            .is_some_and(|c| c.is_alphanumeric() || *c == '_')
    {
        return None;
    }
    j += 1;
    let mut hashes = 0;
    while chars.get(j) == Some(&'#') {
        hashes += 1;
        j += 1;
    }
    (chars.get(j) == Some(&'"')).then_some((hashes, j))
}

/// One source file: its module path and the paths it names, made absolute
/// where they start at `crate`, `self`, `super` or a child module.
#[derive(Debug)]
pub struct SourceFile {
    /// Relative to the `src` directory, with `/`.
    pub relative: String,
    pub module: Vec<String>,
    /// A module only tests build (`#[cfg(test)]`, or inside one).
    pub test: bool,
    /// Every path named, absolute (`crate::…`) or external (`ratatui::…`).
    pub paths: Vec<NamedPath>,
}

pub struct ModuleGraph {
    files: Vec<SourceFile>,
    /// Module path (file or inline module) → index of its file.
    modules: BTreeMap<Vec<String>, usize>,
}

/// A path a file names, and whether it is named by test code only.
#[derive(Debug)]
pub struct NamedPath {
    pub segments: Vec<String>,
    pub in_tests: bool,
}

/// A `mod x;` declaration.
struct Child {
    /// The inline modules it sits in.
    scope: Vec<String>,
    name: String,
    path_attr: Option<String>,
    /// Under `#[cfg(test)]` (itself or an enclosing inline module).
    test: bool,
}

/// A path as written: the inline module it appears in, and whether in test code.
struct RawPath {
    scope: Vec<String>,
    path: Vec<String>,
    in_tests: bool,
}

struct Parsed {
    children: Vec<Child>,
    inline: Vec<Vec<String>>,
    paths: Vec<RawPath>,
}

fn parse(tokens: &[Token]) -> Parsed {
    let mut parsed = Parsed {
        children: Vec::new(),
        inline: Vec::new(),
        paths: Vec::new(),
    };
    // Brace stack: an inline module's name and whether it is test code.
    let mut braces: Vec<Option<(String, bool)>> = Vec::new();
    let mut pending_path: Option<String> = None;
    let mut pending_test = false;
    let scope = |braces: &[Option<(String, bool)>]| -> Vec<String> {
        braces
            .iter()
            .flatten()
            .map(|(name, _)| name.clone())
            .collect()
    };
    let in_tests =
        |braces: &[Option<(String, bool)>]| braces.iter().flatten().any(|(_, test)| *test);
    let ident = |i: usize| match tokens.get(i) {
        Some(Token::Ident(word)) => Some(word.as_str()),
        _ => None,
    };
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            Token::Punct('#') => {
                // #[path = "file.rs"]
                if let (
                    Some(Token::Punct('[')),
                    Some("path"),
                    Some(Token::Punct('=')),
                    Some(Token::Str(file)),
                ) = (
                    tokens.get(i + 1),
                    ident(i + 2),
                    tokens.get(i + 3),
                    tokens.get(i + 4),
                ) {
                    pending_path = Some(file.clone());
                }
                // #[cfg(test)]
                if let (
                    Some(Token::Punct('[')),
                    Some("cfg"),
                    Some(Token::Punct('(')),
                    Some("test"),
                ) = (
                    tokens.get(i + 1),
                    ident(i + 2),
                    tokens.get(i + 3),
                    ident(i + 4),
                ) {
                    pending_test = true;
                }
                i += 1;
            }
            Token::Punct('{') => {
                braces.push(None);
                pending_test = false;
                i += 1;
            }
            Token::Punct(';') => {
                pending_test = false;
                i += 1;
            }
            Token::Punct('}') => {
                braces.pop();
                i += 1;
            }
            Token::Ident(word) if word == "mod" => {
                let Some(name) = ident(i + 1) else {
                    i += 1;
                    continue;
                };
                match tokens.get(i + 2) {
                    Some(Token::Punct(';')) => {
                        parsed.children.push(Child {
                            scope: scope(&braces),
                            name: name.to_string(),
                            path_attr: pending_path.take(),
                            test: pending_test || in_tests(&braces),
                        });
                        pending_test = false;
                        i += 3;
                    }
                    Some(Token::Punct('{')) => {
                        let test = pending_test || name == "tests";
                        braces.push(Some((name.to_string(), test)));
                        parsed.inline.push(scope(&braces));
                        pending_path = None;
                        pending_test = false;
                        i += 3;
                    }
                    _ => i += 1,
                }
            }
            Token::Ident(word) if word == "use" => {
                let end = tokens[i..]
                    .iter()
                    .position(|t| *t == Token::Punct(';'))
                    .map_or(tokens.len(), |p| i + p);
                let mut trees = Vec::new();
                use_tree(&tokens[i + 1..end], &mut Vec::new(), &mut trees);
                let (here, test) = (scope(&braces), in_tests(&braces));
                parsed.paths.extend(trees.into_iter().map(|path| RawPath {
                    scope: here.clone(),
                    path,
                    in_tests: test,
                }));
                i = end + 1;
            }
            Token::Ident(first) if tokens.get(i + 1) == Some(&Token::PathSep) => {
                // A path in code: `a::b::c` (not preceded by `::`).
                let preceded = i > 0 && tokens[i - 1] == Token::PathSep;
                let mut path = vec![first.clone()];
                let mut j = i + 1;
                while tokens.get(j) == Some(&Token::PathSep) {
                    match tokens.get(j + 1) {
                        Some(Token::Ident(next)) => {
                            path.push(next.clone());
                            j += 2;
                        }
                        _ => break,
                    }
                }
                if !preceded {
                    parsed.paths.push(RawPath {
                        scope: scope(&braces),
                        path,
                        in_tests: in_tests(&braces),
                    });
                }
                i = j.max(i + 1);
            }
            _ => i += 1,
        }
    }
    parsed
}

/// Expands a `use` tree (`a::{b, c::{self, d}}`) into its paths.
fn use_tree(tokens: &[Token], prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    let mut i = 0;
    let start_len = prefix.len();
    let mut leaf_pending = false;
    while i < tokens.len() {
        match &tokens[i] {
            Token::Ident(word) if word == "as" => i += 2,
            Token::Ident(word) => {
                if word != "self" {
                    prefix.push(word.clone());
                }
                leaf_pending = true;
                i += 1;
            }
            Token::PathSep => i += 1,
            Token::Punct('*') => {
                leaf_pending = true;
                i += 1;
            }
            Token::Punct('{') => {
                let close = matching_brace(tokens, i);
                use_tree(&tokens[i + 1..close], prefix, out);
                leaf_pending = false;
                i = close + 1;
            }
            Token::Punct(',') => {
                if leaf_pending {
                    out.push(prefix.clone());
                }
                leaf_pending = false;
                prefix.truncate(start_len);
                i += 1;
            }
            _ => i += 1,
        }
    }
    if leaf_pending {
        out.push(prefix.clone());
    }
    prefix.truncate(start_len);
}

fn matching_brace(tokens: &[Token], open: usize) -> usize {
    let mut depth = 0;
    for (offset, token) in tokens[open..].iter().enumerate() {
        match token {
            Token::Punct('{') => depth += 1,
            Token::Punct('}') => {
                depth -= 1;
                if depth == 0 {
                    return open + offset;
                }
            }
            _ => {}
        }
    }
    tokens.len()
}

impl ModuleGraph {
    /// Reads the crate whose root is `src/lib.rs` (else `src/main.rs`).
    pub fn load(src: &Path) -> std::io::Result<ModuleGraph> {
        let root = if src.join("lib.rs").exists() {
            src.join("lib.rs")
        } else {
            src.join("main.rs")
        };
        let mut graph = ModuleGraph {
            files: Vec::new(),
            modules: BTreeMap::new(),
        };
        let mut raw: Vec<Vec<RawPath>> = Vec::new();
        // (file, module path, directory its children live in, test-only)
        let mut queue: Vec<(PathBuf, Vec<String>, PathBuf, bool)> =
            vec![(root, vec!["crate".to_string()], src.to_path_buf(), false)];
        while let Some((path, module, child_dir, test)) = queue.pop() {
            let text = std::fs::read_to_string(&path)?;
            let parsed = parse(&tokens(&text));
            let index = graph.files.len();
            let relative = path
                .strip_prefix(src)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            graph.modules.insert(module.clone(), index);
            for inline in &parsed.inline {
                let mut full = module.clone();
                full.extend(inline.iter().cloned());
                graph.modules.insert(full, index);
            }
            let file_dir = path.parent().unwrap_or(src).to_path_buf();
            for Child {
                scope,
                name,
                path_attr,
                test: child_test,
            } in &parsed.children
            {
                let mut child = module.clone();
                child.extend(scope.iter().cloned());
                child.push(name.clone());
                let mut dir = child_dir.clone();
                dir.extend(scope.iter());
                let (file, grandchildren) = match path_attr {
                    Some(attr) => {
                        let file = file_dir.join(attr);
                        let is_mod_rs = file.file_name().is_some_and(|n| n == "mod.rs");
                        let dir = if is_mod_rs {
                            file.parent().unwrap_or(src).to_path_buf()
                        } else {
                            file.with_extension("")
                        };
                        (file, dir)
                    }
                    None if dir.join(format!("{name}.rs")).exists() => {
                        (dir.join(format!("{name}.rs")), dir.join(name))
                    }
                    None => (dir.join(name).join("mod.rs"), dir.join(name)),
                };
                if file.exists() {
                    queue.push((file, child, grandchildren, test || *child_test));
                }
            }
            raw.push(parsed.paths);
            graph.files.push(SourceFile {
                relative,
                module,
                test,
                paths: Vec::new(),
            });
        }
        // Resolve paths now that every module is known.
        for (index, paths) in raw.into_iter().enumerate() {
            let module = graph.files[index].module.clone();
            let resolved = paths
                .into_iter()
                .filter_map(|raw| {
                    let mut here = module.clone();
                    here.extend(raw.scope);
                    let segments = graph.absolute(&here, raw.path)?;
                    let in_tests = raw.in_tests;
                    Some(NamedPath { segments, in_tests })
                })
                .collect();
            graph.files[index].paths = resolved;
        }
        Ok(graph)
    }

    /// `path` as seen from module `here`: absolute from `crate`, or
    /// external (`ratatui::…`); None for names that are neither.
    fn absolute(&self, here: &[String], path: Vec<String>) -> Option<Vec<String>> {
        let first = path.first()?.as_str();
        let mut base: Vec<String> = match first {
            "crate" => return Some(path),
            "self" => here.to_vec(),
            "super" => {
                let supers = path.iter().take_while(|s| *s == "super").count();
                let mut base = here.to_vec();
                base.truncate(base.len().saturating_sub(supers));
                let mut full = base;
                full.extend(path.into_iter().skip(supers));
                return Some(full);
            }
            _ => {
                let mut child = here.to_vec();
                child.push(first.to_string());
                if self.modules.contains_key(&child) {
                    here.to_vec()
                } else {
                    return Some(path);
                }
            }
        };
        let skip = usize::from(first == "self");
        base.extend(path.into_iter().skip(skip));
        Some(base)
    }

    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    /// The file that defines the longest known module prefix of `path`.
    fn file_of(&self, path: &[String]) -> Option<usize> {
        (1..=path.len())
            .rev()
            .find_map(|len| self.modules.get(&path[..len]).copied())
    }

    /// Edges between files in the code that ships (test code may use
    /// anything), leaving out a module's edges to its own ancestors and
    /// descendants (a module and its submodules are one unit).
    pub fn edges(&self) -> BTreeSet<(usize, usize)> {
        let mut edges = BTreeSet::new();
        for (from, file) in self.files.iter().enumerate().filter(|(_, f)| !f.test) {
            let shipped = file
                .paths
                .iter()
                .filter(|p| !p.in_tests && p.segments[0] == "crate");
            for path in shipped {
                let Some(to) = self.file_of(&path.segments) else {
                    continue;
                };
                let (a, b) = (&file.module, &self.files[to].module);
                if to != from && !a.starts_with(b) && !b.starts_with(a) {
                    edges.insert((from, to));
                }
            }
        }
        edges
    }

    /// Groups of files that import each other round a loop (strongly
    /// connected components of two or more), each sorted, by first file.
    pub fn cycles(&self) -> Vec<Vec<String>> {
        let edges = self.edges();
        let count = self.files.len();
        let mut next: Vec<Vec<usize>> = vec![Vec::new(); count];
        for &(from, to) in &edges {
            next[from].push(to);
        }
        // Tarjan's algorithm, iteratively.
        let mut index = vec![usize::MAX; count];
        let mut low = vec![0; count];
        let mut on_stack = vec![false; count];
        let mut stack = Vec::new();
        let mut counter = 0;
        let mut groups = Vec::new();
        for start in 0..count {
            if index[start] != usize::MAX {
                continue;
            }
            let mut work = vec![(start, 0usize)];
            while let Some(&mut (node, ref mut child)) = work.last_mut() {
                if *child == 0 {
                    index[node] = counter;
                    low[node] = counter;
                    counter += 1;
                    stack.push(node);
                    on_stack[node] = true;
                }
                if let Some(&to) = next[node].get(*child) {
                    *child += 1;
                    if index[to] == usize::MAX {
                        work.push((to, 0));
                    } else if on_stack[to] {
                        low[node] = low[node].min(index[to]);
                    }
                    continue;
                }
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    low[parent] = low[parent].min(low[node]);
                }
                if low[node] == index[node] {
                    let mut group = Vec::new();
                    while let Some(member) = stack.pop() {
                        on_stack[member] = false;
                        group.push(self.files[member].relative.clone());
                        if member == node {
                            break;
                        }
                    }
                    if group.len() > 1 {
                        group.sort();
                        groups.push(group);
                    }
                }
            }
        }
        groups.sort();
        groups
    }
}

/// The house rule: split a file before it passes this many lines.
pub const MAX_FILE_LINES: usize = 500;

/// Every `.rs` file under `dir` with its line count, in path order.
pub fn rust_files(dir: &Path, out: &mut Vec<(PathBuf, usize)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs")
            && let Ok(text) = std::fs::read_to_string(&path)
        {
            out.push((path, text.lines().count()));
        }
    }
}

/// The figures of a checkout at `root`: Rust files and lines per top-level
/// directory, the largest source files, files past 500 lines, the fields of
/// `AppState`, and the import cycles.
pub fn house_report(root: &Path) -> String {
    let mut report = String::new();
    let _ = writeln!(report, "house of {}", root.display());
    let mut all: Vec<(PathBuf, usize)> = Vec::new();
    for dir in ["src", "tests", "benches", "examples"] {
        let mut files = Vec::new();
        rust_files(&root.join(dir), &mut files);
        let lines: usize = files.iter().map(|(_, n)| n).sum();
        let _ = writeln!(
            report,
            "  {dir:<9} {:>4} files {lines:>7} lines",
            files.len()
        );
        if dir == "src" {
            all = files;
        }
    }
    let over: Vec<_> = all.iter().filter(|(_, n)| *n > MAX_FILE_LINES).collect();
    let _ = writeln!(
        report,
        "  src files over {MAX_FILE_LINES} lines: {}",
        over.len()
    );
    all.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let _ = writeln!(report, "  largest src files:");
    for (path, lines) in all.iter().take(10) {
        let shown = path.strip_prefix(root).unwrap_or(path).display();
        let _ = writeln!(report, "    {lines:>5}  {shown}");
    }
    let state_fields = all.iter().find_map(|(path, _)| {
        let text = std::fs::read_to_string(path).ok()?;
        let start = text.find("pub struct AppState {")?;
        let body = &text[start..];
        let end = body.find("\n}")?;
        Some(
            body[..end]
                .lines()
                .filter(|l| l.starts_with("    pub ") && l.contains(':'))
                .count(),
        )
    });
    if let Some(fields) = state_fields {
        let _ = writeln!(report, "  AppState public fields: {fields}");
    }
    match ModuleGraph::load(&root.join("src")) {
        Ok(graph) => {
            let cycles = graph.cycles();
            let _ = writeln!(
                report,
                "  modules {} · import edges {} · cycles {}",
                graph.files().len(),
                graph.edges().len(),
                cycles.len()
            );
            for cycle in cycles {
                let _ = writeln!(report, "    {}", cycle.join(" ↔ "));
            }
        }
        Err(err) => {
            let _ = writeln!(report, "  cannot read the modules: {err}");
        }
    }
    report
}
