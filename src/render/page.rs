//! One article's page, rendered the same way by `kbc build` (into its
//! staging folder) and by `kbc serve` (into its preview): as Zola renders
//! through one path whatever its `BuildMode` (disk, memory or both), only
//! where the bytes go differs. [`Prepared`] is the article parsed once for
//! everything that shows it (its bundle article for the bundle, the index
//! pages and the search index; its events for the page and each cloud's
//! rewritten page); [`render`] does it all for one page.

use super::markdown::{self, Sanitizer};
use super::site::{self, Plan};
use super::templates::Theme;
use super::view::BundleArticle;
use super::view::SiteView;
use super::{bundle, data, includes};
use crate::article::Article;
use crate::include::Resolver;
use crate::parse::body::Body;
use crate::parse::outline;
use anyhow::Result;

/// What every page of one site shares.
pub(crate) struct Pages<'a> {
    pub theme: &'a Theme,
    pub site: &'a SiteView<'a>,
    pub plan: &'a Plan,
}

/// An article's text with its includes expanded and parsed again, when it
/// has includes; `None` when it is the article's own text.
pub(crate) type Expanded = Option<(String, Body)>;

/// [`includes::expand`]'s text parsed (the body starts where the article's does).
pub(crate) fn parse_expanded(a: &Article, expanded: Option<String>) -> Expanded {
    expanded.map(|text| {
        let body = crate::parse::body::parse(&text, a.body.start);
        (text, body)
    })
}

/// One article parsed once for everything that shows it.
pub(crate) struct Prepared<'t> {
    /// The text and body the events come from, parsed again for each page
    /// rather than kept (a list of events weighs 50 times the text).
    text: &'t str,
    body: &'t Body,
    /// The article as the bundle, the indexes and the page show it.
    pub full: BundleArticle,
}

impl<'t> Prepared<'t> {
    /// Article `a`, shown with its includes expanded (`expanded`).
    pub(crate) fn new(a: &'t Article, expanded: &'t Expanded) -> Prepared<'t> {
        let (text, body) = expanded.as_ref().map_or((a.text(), &a.body), |(t, b)| (t.as_str(), b));
        let outline = outline::extract_from(outline::events(text, body).map(|(e, _)| e));
        let full = bundle::article(a, text, body, outline);
        Prepared { text, body, full }
    }

    /// The page of published article `k` (at `path`) of `pages`, its HTML
    /// cleaned by `sanitizer` (the main site's, or a cloud's with rewriting).
    pub(crate) fn page(&self, pages: &Pages<'_>, k: usize, path: &str, sanitizer: &Sanitizer) -> Result<String> {
        let link = |target: &str| pages.plan.link(k, path, target);
        let html = markdown::render(self.text, outline::events(self.text, self.body), &link, sanitizer);
        let data = self.full.data.as_ref().map(data::view);
        site::article_page(pages.theme, pages.site, pages.plan, k, &self.full, &html, data)
    }
}

/// A page and the bundle article it shows.
pub(crate) struct Page {
    pub html: String,
    pub full: BundleArticle,
}

/// Renders published article `k` of `pages` (article `a`, its includes
/// resolved by `resolver`).
pub(crate) fn render(
    resolver: &Resolver<'_>,
    a: &Article,
    pages: &Pages<'_>,
    k: usize,
    sanitizer: &Sanitizer,
) -> Result<Page> {
    let expanded = parse_expanded(a, includes::expand(resolver, a));
    let prepared = Prepared::new(a, &expanded);
    let html = prepared.page(pages, k, a.path(), sanitizer)?;
    Ok(Page { html, full: prepared.full })
}
