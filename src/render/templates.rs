//! The site theme: one minijinja `Environment` holding the default templates
//! (embedded from the repository's `templates/` folder) with any file of the
//! knowledge base's own `ROOT/templates/` overriding its namesake, plus the
//! static assets. Templates only ever see `view.rs` structs.

use anyhow::{Context as _, Result, bail};
use minijinja::Environment;
use minijinja::value::Serde;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The default theme's templates, by name.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("article.html", include_str!("../../templates/article.html")),
    ("data.html", include_str!("../../templates/data.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("list.html", include_str!("../../templates/list.html")),
];

/// The default theme's static files, copied to `site/assets/`.
const ASSETS: &[(&str, &[u8])] = &[
    ("style.css", include_bytes!("../../templates/assets/style.css")),
    ("search.js", include_bytes!("../../templates/assets/search.js")),
];

pub(crate) struct Theme {
    env: Environment<'static>,
    /// `(file name, bytes)`, sorted by name.
    assets: Vec<(String, Vec<u8>)>,
}

impl Theme {
    /// The default theme with `ROOT/templates/*.html` and
    /// `ROOT/templates/assets/*` overrides. A template that resolves outside
    /// ROOT (through a symlink) is refused.
    pub(crate) fn load(root: &Path) -> Result<Theme> {
        let mut sources: Vec<(String, String)> = Vec::new();
        let mut assets: Vec<(String, Vec<u8>)> = ASSETS.iter().map(|(n, b)| (n.to_string(), b.to_vec())).collect();
        let dir = root.join("templates");
        for path in files_in(root, &dir, "html")? {
            upsert(&mut sources, file_name(&path), crate::fs::read_to_string(&path)?);
        }
        for path in files_in(root, &dir.join("assets"), "")? {
            let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            upsert(&mut assets, file_name(&path), bytes);
        }
        assets.sort_by(|a, b| a.0.cmp(&b.0));
        let mut env = builtin().clone();
        for (name, source) in sources {
            env.add_template_owned(name.clone(), source)
                .with_context(|| format!("invalid template {}", dir.join(&name).display()))?;
        }
        Ok(Theme { env, assets })
    }

    /// Renders a template with a view struct as its context.
    pub(crate) fn render(&self, name: &str, view: &impl Serialize) -> Result<String> {
        let template = self.env.get_template(name)?;
        template.render(Serde(view)).map_err(|e| anyhow::anyhow!("cannot render template {name}: {}", chain(&e)))
    }

    pub(crate) fn assets(&self) -> &[(String, Vec<u8>)] {
        &self.assets
    }
}

/// The built-in templates, compiled once per process: `serve` and the
/// language server build many times, and compiling them was a tenth of a
/// one-article build. An override replaces its template in a clone.
fn builtin() -> &'static Environment<'static> {
    static ENV: std::sync::OnceLock<Environment<'static>> = std::sync::OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.add_filter("type_label", |t: String| super::view::type_label(&t).to_string());
        env.add_filter("cloud_label", |c: String| super::view::cloud_label(&c).to_string());
        env.add_filter("focusable_code", focusable_code);
        for (name, source) in TEMPLATES {
            env.add_template(name, source).expect("the built-in templates compile (a unit test renders each)");
        }
        env
    })
}

/// Article HTML with every code block focusable (`tabindex="0"`), so that
/// keyboard users can scroll one wider than the page, and a region labelled
/// "Code block N" (landmark labels must be unique on a page).
fn focusable_code(html: minijinja::Value) -> minijinja::Value {
    let html = html.as_str().unwrap_or_default();
    let mut out = String::with_capacity(html.len() + 256);
    for (i, part) in html.split("<pre>").enumerate() {
        if i > 0 {
            out.push_str(&format!("<pre tabindex=\"0\" role=\"region\" aria-label=\"Code block {i}\">"));
        }
        out.push_str(part);
    }
    minijinja::Value::from_safe_string(out)
}

fn upsert<T>(list: &mut Vec<(String, T)>, name: String, value: T) {
    match list.iter_mut().find(|(n, _)| *n == name) {
        Some(entry) => entry.1 = value,
        None => list.push((name, value)),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Files directly in `dir` (with the extension, if one is given), sorted,
/// each checked to resolve inside ROOT.
fn files_in(root: &Path, dir: &Path, ext: &str) -> Result<Vec<PathBuf>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let root = root.canonicalize().with_context(|| format!("cannot resolve {}", root.display()))?;
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let path = entry.with_context(|| format!("cannot read {}", dir.display()))?.path();
        let wanted = ext.is_empty() || path.extension().is_some_and(|e| e == ext);
        if !wanted || !path.is_file() {
            continue;
        }
        let confined = crate::discover::confined(&root, &path);
        if let Err(why) = confined.with_context(|| format!("cannot resolve {}", path.display()))? {
            bail!("template {} not read: {why}", path.display());
        }
        files.push(path);
    }
    files.sort();
    Ok(files)
}

/// A minijinja error with its causes (template name and line included).
fn chain(e: &minijinja::Error) -> String {
    let mut s = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        s.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_template_compiles_once_and_is_shared() {
        for (name, _) in TEMPLATES {
            assert!(builtin().get_template(name).is_ok(), "{name}");
        }
        assert!(std::ptr::eq(builtin(), builtin()));
    }

    #[test]
    fn overrides_a_default_template_from_the_knowledge_base() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        std::fs::write(dir.path().join("templates/list.html"), "custom {{ name }}").unwrap();
        let theme = Theme::load(dir.path()).unwrap();
        let out = theme.render("list.html", &serde_json::json!({"name": "<x>"})).unwrap();
        assert_eq!(out, "custom &lt;x&gt;");
        assert!(theme.assets().iter().any(|(n, _)| n == "search.js"));
        // The override went into this theme's copy, not the shared built-ins.
        assert_ne!(builtin().get_template("list.html").unwrap().source(), "custom {{ name }}");
    }

    #[cfg(unix)]
    #[test]
    fn refuses_a_template_symlinked_outside_root() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("evil.html"), "x").unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("evil.html"), dir.path().join("templates/base.html")).unwrap();
        let err = Theme::load(dir.path()).err().expect("refused").to_string();
        assert!(err.contains("outside the knowledge base"), "{err}");
    }
}
