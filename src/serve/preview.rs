//! The preview `kbc serve` keeps up to date: the knowledge base held by the
//! engine (`engine::Session`, which re-checks a saved article and the
//! articles whose findings read it), each page's index entry, and the site
//! written into a folder, every page rendered by the build's own renderer
//! (`render::page`). After a save only the saved article is re-read,
//! re-checked and re-rendered, with the index pages and search index when
//! what they show changed; a change to book.toml, templates, includes, or
//! the set of files rebuilds everything.

use crate::article::Article;
use crate::article::vocab::Cloud;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::format::Files;
use crate::engine::{Mode, Session};
use crate::render::bundle::{self, Entry};
use crate::render::markdown::Sanitizer;
use crate::render::page::Pages;
use crate::render::site::{self, Plan};
use crate::render::templates::Theme;
use crate::render::view::SiteView;
use crate::render::{GENERATOR, search};
use anyhow::Result;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub(crate) struct Preview {
    root: PathBuf,
    cloud: Option<Cloud>,
    site_dir: PathBuf,
    theme: Theme,
    sanitizer: Sanitizer,
    pub session: Session,
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
    pub(super) fn load(root: &Path, cloud: Option<Cloud>, site_dir: &Path) -> Result<Preview> {
        let session = Session::load(root, Mode::Incremental)?;
        let theme = Theme::load(root)?;
        let rewrites = cloud.map(|c| session.config().rewrites(c).clone()).unwrap_or_default();
        let mut preview = Preview {
            root: root.to_path_buf(),
            cloud,
            site_dir: site_dir.to_path_buf(),
            theme,
            sanitizer: Sanitizer::new(rewrites),
            session,
            published: Vec::new(),
            plan: Plan::new(std::iter::empty(), ""),
            pages: Vec::new(),
        };
        preview.render_all()?;
        Ok(preview)
    }

    /// Applies a batch of changed files (absolute paths).
    pub(super) fn update(&mut self, changed: &[PathBuf]) -> Result<Rebuilt> {
        let Some(paths) = self.modified_articles(changed) else { return self.reload() };
        if paths.is_empty() {
            return Ok(Rebuilt::Nothing);
        }
        let t = std::time::Instant::now();
        let mut affected = Vec::new();
        let mut indices = Vec::new();
        for rel in &paths {
            affected.extend(self.session.reload(rel).changed);
            // A file that can no longer be read leaves the site: start over.
            let Some(i) = self.session.corpus().position(rel) else { return self.reload() };
            indices.push(i);
        }
        affected.sort();
        affected.dedup();
        affected.retain(|p| !paths.contains(p));
        let checked = t.elapsed();
        self.rerender(&indices)?;
        if std::env::var_os("KBC_SERVE_TIMINGS").is_some() {
            let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
            eprintln!("timings: re-read and check {:.1} ms, render {:.1} ms", ms(checked), ms(t.elapsed() - checked));
        }
        Ok(Rebuilt::Articles { saved: paths, affected })
    }

    fn reload(&mut self) -> Result<Rebuilt> {
        *self = Preview::load(&self.root, self.cloud, &self.site_dir)?;
        Ok(Rebuilt::Everything)
    }

    /// The relative paths of known articles that were modified, or `None`
    /// when the change needs a full reload (config, templates, includes,
    /// files added or removed).
    fn modified_articles(&self, changed: &[PathBuf]) -> Option<Vec<String>> {
        let src = self.session.config().source_dir();
        let mut out = Vec::new();
        for p in changed {
            let is_md = p.extension().is_some_and(|e| e.eq_ignore_ascii_case("md"));
            if !p.starts_with(&src) || !is_md {
                return None;
            }
            let rel = crate::fs::display_rel(&self.root, p);
            match (p.is_file(), self.session.corpus().by_path(&rel).is_some()) {
                (true, true) => out.push(rel),
                (false, false) => {}
                _ => return None,
            }
        }
        out.sort();
        out.dedup();
        Some(out)
    }

    /// Every finding, leveled and sorted.
    pub(super) fn diagnostics(&self) -> &[Diagnostic] {
        self.session.diagnostics()
    }

    fn publishes(&self, a: &Article) -> bool {
        self.cloud.is_none_or(|c| a.effective_clouds().contains(&c))
    }

    /// Every page, index page, search index and asset, into a clean folder.
    fn render_all(&mut self) -> Result<()> {
        if self.site_dir.exists() {
            std::fs::remove_dir_all(&self.site_dir)?;
        }
        let articles = &self.session.corpus().articles;
        self.published = (0..articles.len()).filter(|&i| self.publishes(&articles[i])).collect();
        let src_prefix = format!("{}/", crate::fs::display_rel(&self.root, &self.session.config().source_dir()));
        self.plan = Plan::new(self.published.iter().map(|&i| articles[i].path()), &src_prefix);
        self.plan.set_nav(&self.published.iter().map(|&i| &articles[i]).collect::<Vec<_>>());
        self.pages = (0..self.published.len()).into_par_iter().map(|k| self.render_page(k)).collect::<Result<_>>()?;
        self.write_indexes()
    }

    /// Re-renders modified articles; a change in which articles this preview
    /// publishes re-renders everything.
    /// Index pages are rewritten only when a listed field changed, and the
    /// search index only when a search document did.
    fn rerender(&mut self, indices: &[usize]) -> Result<()> {
        let (mut lists, mut search) = (false, false);
        // Article pages show other articles' titles and topic names: when
        // what any page shows changed, every page is rendered again.
        let articles = &self.session.corpus().articles;
        let published: Vec<&Article> = self.published.iter().map(|&i| &articles[i]).collect();
        if indices.iter().all(|&i| self.published.contains(&i)) && self.plan.set_nav(&published) {
            return self.render_all();
        }
        for &i in indices {
            let k = self.published.iter().position(|&p| p == i);
            if k.is_some() != self.publishes(&self.session.corpus().articles[i]) {
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
        let config = self.session.config();
        SiteView {
            title: &config.book.title,
            description: &config.book.description,
            cloud: self.cloud.map(Cloud::as_str),
            generator: GENERATOR,
        }
    }

    /// Renders the `k`th published article's page, writes it, and returns
    /// what the indexes need.
    fn render_page(&self, k: usize) -> Result<(Entry, Vec<u8>)> {
        let path = self.session.corpus().articles[self.published[k]].path();
        let site = self.site_view();
        let pages = Pages { theme: &self.theme, site: &site, plan: &self.plan };
        let page = self.session.render_page(&pages, k, path, &self.sanitizer)?;
        let url = &self.plan.urls[k];
        crate::fs::write(&self.site_dir.join(url), page.html)?;
        let entry = Entry::new(&page.full);
        let search = search::doc_terms_of(&page.full)?;
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
        let items: Vec<(&Entry, usize)> = self.pages.iter().enumerate().map(|(k, p)| (&p.0, k)).collect();
        let emit = |page: site::IndexPage| match page.html {
            Some(html) => crate::fs::write(&self.site_dir.join(page.url), html),
            None => Ok(()),
        };
        site::index_pages(&self.theme, &self.site_view(), &self.plan, &items, &|_, _| false, &emit).map(|_| ())
    }

    /// The site's search files (see `render::search`), over this preview's articles.
    fn write_search_index(&self) -> Result<()> {
        let entries: Vec<(&Entry, &[u8])> = self.pages.iter().map(|p| (&p.0, p.1.as_slice())).collect();
        let mut order: Vec<usize> = (0..entries.len()).collect();
        order.sort_by(|&a, &b| bundle::sort_key(entries[a].0).cmp(&bundle::sort_key(entries[b].0)));
        let dir = self.site_dir.join("search");
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        let shared =
            site::search_index(&self.plan, &entries, &order, &|rel, bytes| crate::fs::write(&dir.join(rel), bytes))?;
        crate::fs::write(&dir.join("index.js"), search::manifest(&shared, self.cloud.map(Cloud::as_str), None)?)
    }

    /// Page URL to article path, for the overlay.
    pub(super) fn pages(&self) -> HashMap<String, String> {
        let articles = &self.session.corpus().articles;
        let paths = self.published.iter().map(|&i| articles[i].path().to_string());
        self.plan.urls.iter().cloned().zip(paths).collect()
    }

    pub(super) fn files(&self) -> Files<'_> {
        Files::new(self.session.corpus().articles.iter().map(|a| &a.source))
    }

    /// What to watch: the source folder, templates, includes and book.toml.
    pub(super) fn watched(&self) -> Vec<PathBuf> {
        let mut out = vec![self.session.config().source_dir()];
        out.extend(["templates", "includes"].map(|d| self.root.join(d)).into_iter().filter(|p| p.is_dir()));
        out
    }
}
