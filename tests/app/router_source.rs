//! The app's routes, read from the router source in `src/web` (every `.route(...)` call), so
//! that tests covering "every route" or "every export" need no list kept by hand.

use std::path::Path;

/// A route as registered: its full path (params filled in) and methods.
#[derive(Debug, Clone)]
pub struct Route {
    /// The path with its parameters filled in with placeholder values.
    pub path: String,
    /// The path as registered, parameters in braces (`/catalog/services/{code}/export`).
    pub pattern: String,
    pub methods: Vec<&'static str>,
}

fn url_constants() -> Vec<(String, String)> {
    let src =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web/urls.rs"))
            .expect("urls.rs");
    src.lines()
        .filter_map(|l| {
            let l = l.trim();
            let rest = l.strip_prefix("pub const ")?;
            let (name, value) = rest.split_once(": &str = \"")?;
            Some((name.to_owned(), value.trim_end_matches("\";").to_owned()))
        })
        .collect()
}

fn fill_params(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find('}')
            .map_or(rest.len(), |e| start + e + 1);
        let name = &rest[start + 1..end - 1];
        out.push_str(if name.starts_with('*') {
            "css/app.css"
        } else if name.contains("id") && !name.contains("resource") && !name.contains("order") {
            "00000000-0000-0000-0000-000000000000"
        } else {
            "X0000000001"
        });
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Every `.route(...)` in `src/web`, with `/admin` prefixed for the nested staff router.
pub fn routes() -> Vec<Route> {
    let consts = url_constants();
    let mut out = Vec::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web");
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let text = std::fs::read_to_string(&p).expect("source");
            let in_admin = p.starts_with(root.join("admin"));
            // Path constants defined in this file (`pub const BILLS: &str = "/bills";`).
            let local: Vec<(String, String)> = text
                .lines()
                .filter_map(|l| {
                    let l = l.trim().trim_start_matches("pub ");
                    let rest = l.strip_prefix("const ")?;
                    let (name, value) = rest.split_once(": &str = \"")?;
                    Some((name.to_owned(), value.trim_end_matches("\";").to_owned()))
                })
                .collect();
            let mut from = 0;
            while let Some(i) = text[from..].find(".route(") {
                let start = from + i + ".route(".len();
                let mut depth = 1;
                let mut end = start;
                for (j, c) in text[start..].char_indices() {
                    match c {
                        '(' => depth += 1,
                        ')' => {
                            depth -= 1;
                            if depth == 0 {
                                end = start + j;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                let call = &text[start..end];
                from = end;
                let first = call.split(',').next().unwrap_or_default().trim();
                let path = if let Some(lit) = first.strip_prefix('"') {
                    lit.trim_end_matches('"').to_owned()
                } else {
                    let name = first.strip_prefix("urls::").unwrap_or(first);
                    match consts.iter().chain(&local).find(|(n, _)| n == name) {
                        Some((_, v)) => v.clone(),
                        // A route this scanner cannot read would silently escape every test.
                        None => panic!("{}: cannot resolve the route path {first:?}", p.display()),
                    }
                };
                let path = if in_admin && !path.starts_with("/admin") {
                    format!("/admin{}", if path == "/" { "" } else { &path })
                } else {
                    path
                };
                let methods = ["get", "post", "put", "delete", "patch"]
                    .into_iter()
                    .filter(|m| call.contains(&format!("{m}(")))
                    .collect();
                out.push(Route {
                    path: fill_params(&path),
                    pattern: path,
                    methods,
                });
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}
