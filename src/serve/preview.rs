//! The preview `kbc serve` keeps up to date: the knowledge base in memory
//! (corpus, diagnostics per article, bundle entries) and its site written
//! into a folder with the build's own renderer. After a save only the saved
//! article is re-read, re-parsed, re-linted (its article rules; corpus rules
//! always run) and re-rendered, with the index pages and search index; a
//! change to book.toml, templates, includes, or the set of files rebuilds
//! everything.

use crate::article::vocab::Cloud;
use crate::article::{Article, Corpus};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::format::Files;
use crate::include::Resolver;
use crate::lint::{self, Context, Levels, Rule};
use crate::parse::outline;
use crate::render::bundle::Entry;
use crate::render::clouds::Rewrites;
use crate::render::markdown::{self, Sanitizer};
use crate::render::site::{self, Plan};
use crate::render::templates::Theme;
use crate::render::view::{BundleArticle, SiteView};
use crate::render::{GENERATOR, bundle, data, includes, search};
use anyhow::Result;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub(crate) struct Preview {
    root: PathBuf,
    cloud: Option<Cloud>,
    site_dir: PathBuf,
    config: Config,
    levels: Levels,
    theme: Theme,
    sanitizer: Sanitizer,
    pub corpus: Corpus,
    /// Article-rule findings, by article path.
    own: HashMap<String, Vec<Diagnostic>>,
    /// Every finding, leveled and sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// Corpus indices of the articles this preview publishes.
    published: Vec<usize>,
    plan: Plan,
    /// What index pages and search need of each published article
    /// (aligned with `published`): its entry and its search document.
    pages: Vec<(Entry, Vec<u8>)>,
}

/// What a rebuild did.
pub(crate) enum Rebuilt {
    /// These articles (paths) were rebuilt alone; `affected` are others
    /// whose findings changed with them (a link to a saved article).
    Articles { saved: Vec<String>, affected: Vec<String> },
    /// Everything was reloaded.
    Everything,
    /// Nothing kbc reads changed.
    Nothing,
}

impl Preview {
    /// Reads, checks and renders the whole knowledge base into `site_dir`.
    pub fn load(root: &Path, cloud: Option<Cloud>, site_dir: &Path) -> Result<Preview> {
        let config = Config::load(root)?;
        let levels = Levels::from_config(&config)?;
        let theme = Theme::load(root)?;
        let rewrites = cloud.map(|c| Rewrites::for_cloud(&config, c)).unwrap_or_default();
        let found = crate::discover::discover(root, &config.source_dir());
        let articles: Vec<Article> = found.sources.into_par_iter().map(Article::parse).collect();
        let own = articles.iter().map(|a| (a.path().to_string(), Vec::new())).collect();
        let mut corpus = Corpus::new(articles);
        corpus.unusable = found.unusable;
        let mut preview = Preview {
            root: root.to_path_buf(),
            cloud,
            site_dir: site_dir.to_path_buf(),
            config,
            levels,
            theme,
            sanitizer: Sanitizer::new(rewrites),
            corpus,
            own,
            diagnostics: Vec::new(),
            published: Vec::new(),
            plan: Plan::new(std::iter::empty(), ""),
            pages: Vec::new(),
        };
        let all: Vec<usize> = (0..preview.corpus.len()).collect();
        preview.lint_articles(&all);
        preview.finish_lint();
        preview.render_all()?;
        Ok(preview)
    }

    /// Applies a batch of changed files (absolute paths).
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<Rebuilt> {
        let Some(paths) = self.modified_articles(changed) else {
            *self = Preview::load(&self.root, self.cloud, &self.site_dir)?;
            return Ok(Rebuilt::Everything);
        };
        if paths.is_empty() {
            return Ok(Rebuilt::Nothing);
        }
        let mut articles = std::mem::take(&mut self.corpus.articles);
        let unusable = std::mem::take(&mut self.corpus.unusable);
        let mut indices = Vec::new();
        for rel in &paths {
            let Ok(source) = crate::discover::read(&self.root.join(rel), rel.clone()) else {
                self.corpus = Corpus::new(articles);
                *self = Preview::load(&self.root, self.cloud, &self.site_dir)?;
                return Ok(Rebuilt::Everything);
            };
            let i = articles.iter().position(|a| a.path() == rel).expect("modified articles are known");
            self.own.insert(rel.clone(), Vec::new());
            articles[i] = Article::parse(source);
            indices.push(i);
        }
        // Paths are unchanged, so the sort order and the indices are too.
        let t = std::time::Instant::now();
        self.corpus = Corpus::new(articles);
        self.corpus.unusable = unusable;
        self.lint_articles(&indices);
        let affected = self.relint_readers(&indices);
        let linted = t.elapsed();
        self.finish_lint();
        let finished = t.elapsed();
        self.rerender(&indices)?;
        if std::env::var_os("KBC_SERVE_TIMINGS").is_some() {
            let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
            eprintln!(
                "timings: parse+article rules {:.1} ms, corpus rules+sort {:.1} ms, render {:.1} ms",
                ms(linted),
                ms(finished - linted),
                ms(t.elapsed() - finished)
            );
        }
        Ok(Rebuilt::Articles { saved: paths, affected })
    }

    /// The relative paths of known articles that were modified, or `None`
    /// when the change needs a full reload (config, templates, includes,
    /// files added or removed).
    fn modified_articles(&self, changed: &[PathBuf]) -> Option<Vec<String>> {
        let src = self.config.source_dir();
        let mut out = Vec::new();
        for p in changed {
            let is_md = p.extension().is_some_and(|e| e.eq_ignore_ascii_case("md"));
            if !p.starts_with(&src) || !is_md {
                return None;
            }
            let rel = crate::fs::display_rel(&self.root, p);
            match (p.is_file(), self.corpus.by_path(&rel).is_some()) {
                (true, true) => out.push(rel),
                (false, false) => {}
                _ => return None,
            }
        }
        out.sort();
        out.dedup();
        Some(out)
    }

    fn rules(&self) -> Vec<&'static dyn Rule> {
        lint::enabled(&self.levels)
    }

    /// Runs the article rules over the given articles (whose entries in
    /// `own` are empty).
    fn lint_articles(&mut self, indices: &[usize]) {
        let rules = self.rules();
        for (path, diags) in self.run_article_rules(&rules, indices) {
            self.own.entry(path).or_default().extend(diags);
        }
    }

    /// After a save, the rules that look at other articles (a link's target
    /// and its clouds) again over every article not saved, since the saved
    /// ones may be what those findings are about. Returns the paths whose
    /// findings changed.
    fn relint_readers(&mut self, saved: &[usize]) -> Vec<String> {
        let rules: Vec<_> = self.rules().into_iter().filter(|r| r.reads_other_articles()).collect();
        let codes: Vec<&str> = rules.iter().map(|r| r.meta().code).collect();
        let others: Vec<usize> = (0..self.corpus.len()).filter(|i| !saved.contains(i)).collect();
        let mut affected = Vec::new();
        for (path, fresh) in self.run_article_rules(&rules, &others) {
            let own = self.own.entry(path.clone()).or_default();
            let before: Vec<Diagnostic> = own.iter().filter(|d| codes.contains(&d.code)).cloned().collect();
            if before != fresh {
                own.retain(|d| !codes.contains(&d.code));
                own.extend(fresh);
                affected.push(path);
            }
        }
        affected
    }

    fn run_article_rules(&self, rules: &[&'static dyn Rule], indices: &[usize]) -> Vec<(String, Vec<Diagnostic>)> {
        let cx = Context { corpus: &self.corpus, config: &self.config };
        indices
            .par_iter()
            .map(|&i| {
                let a = &self.corpus.articles[i];
                (a.path().to_string(), lint::check_article(rules, a, &cx))
            })
            .collect()
    }

    /// Corpus rules, then levels and order, over every finding.
    fn finish_lint(&mut self) {
        let mut all: Vec<Diagnostic> = self.own.values().flatten().cloned().collect();
        let cx = Context { corpus: &self.corpus, config: &self.config };
        for rule in self.rules() {
            rule.check_corpus(&cx, &mut all);
        }
        self.diagnostics = lint::finish_in(&self.corpus, all, &self.levels);
    }

    fn publishes(&self, a: &Article) -> bool {
        self.cloud.is_none_or(|c| a.effective_clouds().contains(&c))
    }

    /// Every page, index page, search index and asset, into a clean folder.
    fn render_all(&mut self) -> Result<()> {
        if self.site_dir.exists() {
            std::fs::remove_dir_all(&self.site_dir)?;
        }
        self.published = (0..self.corpus.len()).filter(|&i| self.publishes(&self.corpus.articles[i])).collect();
        let src_prefix = format!("{}/", crate::fs::display_rel(&self.root, &self.config.source_dir()));
        self.plan = Plan::new(self.published.iter().map(|&i| self.corpus.articles[i].path()), &src_prefix);
        self.pages = (0..self.published.len()).into_par_iter().map(|k| self.render_page(k)).collect::<Result<_>>()?;
        self.write_indexes()
    }

    /// Re-renders modified articles; a change in which articles this preview
    /// publishes re-renders everything.
    /// Index pages are rewritten only when a listed field changed, and the
    /// search index only when a search document did.
    fn rerender(&mut self, indices: &[usize]) -> Result<()> {
        let (mut lists, mut search) = (false, false);
        for &i in indices {
            let k = self.published.iter().position(|&p| p == i);
            if k.is_some() != self.publishes(&self.corpus.articles[i]) {
                return self.render_all();
            }
            if let Some(k) = k {
                let new = self.render_page(k)?;
                lists |= new.0 != self.pages[k].0;
                search |= new.1 != self.pages[k].1;
                self.pages[k] = new;
            }
        }
        if lists {
            self.write_list_pages()?;
        }
        if search {
            self.write_search_index()?;
        }
        Ok(())
    }

    fn site_view(&self) -> SiteView<'_> {
        SiteView {
            title: &self.config.book.title,
            description: &self.config.book.description,
            cloud: self.cloud.map(Cloud::as_str),
            generator: GENERATOR,
        }
    }

    /// Renders the `k`th published article's page (with its includes
    /// expanded, as the build does) and returns what the indexes need.
    fn render_page(&self, k: usize) -> Result<(Entry, Vec<u8>)> {
        let a = &self.corpus.articles[self.published[k]];
        let resolver = Resolver { root: &self.config.root, corpus: &self.corpus };
        let expanded = includes::expand(&resolver, a).map(|text| {
            let body = crate::parse::body::parse(&text, a.body.start);
            (text, body)
        });
        let (text, body) = expanded.as_ref().map_or((a.text(), &a.body), |(t, b)| (t.as_str(), b));
        let events = outline::body_events(text, body);
        let full: BundleArticle = bundle::article(a, text, body, outline::extract(&events));
        let link = |target: &str| self.plan.link(k, a.path(), target);
        let html = markdown::render(&events, &link, &self.sanitizer);
        let url = &self.plan.urls[k];
        let data = full.data.as_ref().map(data::view);
        let page = site::article_page(&self.theme, &self.site_view(), &full, url, &html, data)?;
        crate::fs::write(&self.site_dir.join(url), page)?;
        let entry = Entry::new(&full);
        let search = search::doc_json(&full, &entry.title, url)?;
        Ok((entry, search))
    }

    fn write_indexes(&self) -> Result<()> {
        self.write_list_pages()?;
        self.write_search_index()?;
        for (name, bytes) in self.theme.assets() {
            crate::fs::write(&self.site_dir.join("assets").join(name), bytes)?;
        }
        Ok(())
    }

    /// The home page and the pages by service and by type.
    fn write_list_pages(&self) -> Result<()> {
        let items: Vec<(&Entry, &str)> =
            self.pages.iter().zip(&self.plan.urls).map(|(p, u)| (&p.0, u.as_str())).collect();
        for page in site::index_pages(&self.theme, &self.site_view(), &items, &|_, _| false)? {
            if let Some(html) = page.html {
                crate::fs::write(&self.site_dir.join(page.url), html)?;
            }
        }
        Ok(())
    }

    fn write_search_index(&self) -> Result<()> {
        let mut script = Vec::new();
        search::index_script(&mut script, self.pages.iter().map(|p| p.1.as_slice()))?;
        crate::fs::write(&self.site_dir.join("search-index.js"), script)
    }

    /// Page URL to article path, for the overlay.
    pub fn pages(&self) -> HashMap<String, String> {
        let paths = self.published.iter().map(|&i| self.corpus.articles[i].path().to_string());
        self.plan.urls.iter().cloned().zip(paths).collect()
    }

    pub fn files(&self) -> Files<'_> {
        Files::new(self.corpus.articles.iter().map(|a| &a.source))
    }

    /// What to watch: the source folder, templates, includes and book.toml.
    pub fn watched(&self) -> Vec<PathBuf> {
        let mut out = vec![self.config.source_dir()];
        out.extend(["templates", "includes"].map(|d| self.root.join(d)).into_iter().filter(|p| p.is_dir()));
        out
    }
}
