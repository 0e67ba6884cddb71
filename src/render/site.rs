//! The static site: where each page goes, article pages, the home page and
//! the index pages by service and by self-help type. Every URL is relative
//! so the site works from `file://` and any static host.

use super::bundle::Entry;
use super::search;
use super::templates::Theme;
use super::view::{ArticleLink, BundleArticle, DataView, GroupLink, HomeView, ListView, PageView, SiteView};
use crate::syntax::url::{self, Url};
use anyhow::Result;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Site-relative page URLs of the published articles, aligned with them.
pub(crate) struct Plan {
    pub urls: Vec<String>,
    by_path: HashMap<String, usize>,
    /// Each article's first folder under the source folder (empty at its top).
    folders: Vec<String>,
}

impl Plan {
    /// `articles/<path under the source folder, made URL-safe>.html`, made
    /// unique (case-insensitively, for case-insensitive file systems) in path
    /// order. A folder's name never ends in `.html`, so no page is ever also
    /// a folder (`x.md` beside a folder `x.html/`).
    pub(crate) fn new<'a>(paths: impl Iterator<Item = &'a str>, src_prefix: &str) -> Plan {
        let mut seen = HashSet::new();
        let mut urls = Vec::new();
        let mut by_path = HashMap::new();
        let mut folders = Vec::new();
        for (i, path) in paths.enumerate() {
            let rel = path.strip_prefix(src_prefix).unwrap_or(path).trim_start_matches('/');
            folders.push(rel.rsplit_once('/').map_or("", |(dir, _)| dir.split('/').next().unwrap_or("")).to_string());
            let stem = rel.strip_suffix(".md").unwrap_or(rel);
            let mut segments: Vec<String> = stem.split('/').map(slug).collect();
            let file = segments.pop().unwrap_or_default();
            for folder in &mut segments {
                if folder.to_ascii_lowercase().ends_with(".html") {
                    folder.push('_');
                }
            }
            segments.push(file);
            let base = format!("articles/{}", segments.join("/"));
            let mut url = format!("{base}.html");
            let mut n = 2;
            while !seen.insert(url.to_ascii_lowercase()) {
                url = format!("{base}-{n}.html");
                n += 1;
            }
            by_path.insert(path.to_string(), i);
            urls.push(url);
        }
        Plan { urls, by_path, folders }
    }

    /// The group article `i` is listed under: its service, or when it has
    /// none its first folder (the knowledge base's folders name services).
    pub(crate) fn group<'a>(&'a self, i: usize, service: &'a str) -> &'a str {
        if service.is_empty() { &self.folders[i] } else { service }
    }

    /// Where a link written in article `from` (a path relative to ROOT)
    /// should point when it targets another published article's `.md` file:
    /// that article's page, relative to `from`'s page, with the link's query
    /// and fragment. The target is found by the resolver the link rules use
    /// (`syntax::url::resolve`), so a link `kbc check` accepts works here.
    pub(crate) fn link(&self, from: usize, from_path: &str, target: &str) -> Option<String> {
        let url = Url::parse(target);
        if !url::is_local_file(&url) {
            return None;
        }
        let to = *self.by_path.get(&url::resolve(from_path, url.path)?)?;
        let rest = &url.path[url.path.find(['#', '?']).unwrap_or(url.path.len())..];
        Some(format!("{}{}{rest}", root_prefix(&self.urls[from]), self.urls[to]))
    }
}

/// A path segment or name safe in a URL and a file name.
pub(crate) fn slug(s: &str) -> String {
    let s: String = s.chars().map(|c| if c.is_ascii_alphanumeric() || "._-".contains(c) { c } else { '-' }).collect();
    let s = s.trim_matches('.').to_string();
    if s.is_empty() { "_".to_string() } else { s }
}

/// `../` once per folder level of a site-relative URL.
pub(crate) fn root_prefix(url: &str) -> String {
    "../".repeat(url.matches('/').count())
}

/// Services are grouped case-insensitively (`Microsoft.Storage` and
/// `microsoft.storage` are one service), so their page is named after the
/// lowercase name, by [`name_file`]: `Foo Bar`, `Foo/Bar` and `Foo-Bar` get
/// pages of their own.
pub(crate) fn service_url(service: &str) -> String {
    format!("services/{}.html", name_file(&service.to_lowercase()))
}

pub(crate) fn type_url(t: &str) -> String {
    format!("types/{}.html", name_file(t))
}

/// A file name for a group's name, one-to-one: ASCII letters, digits, `-`
/// and `.` (not leading) stay, every other byte is `_` and two hex digits.
/// Readable for the names in use (`microsoft.storage`) and never the same
/// for two names, which a lossy slug would be. The empty name is `_none`
/// (no encoded name has `_` before a non-hex letter).
pub(crate) fn name_file(name: &str) -> String {
    if name.is_empty() {
        return "_none".to_string();
    }
    let mut out = String::with_capacity(name.len());
    for (i, b) in name.bytes().enumerate() {
        if b.is_ascii_alphanumeric() || b == b'-' || (b == b'.' && i > 0) {
            out.push(b as char);
        } else {
            out.push_str(&format!("_{b:02x}"));
        }
    }
    out
}

/// The search files every site shares, over `entries` (path order, each
/// with its search document) whose bundle order is `order`.
pub(crate) fn search_index(plan: &Plan, entries: &[(&Entry, &[u8])], order: &[usize]) -> Result<search::Shared> {
    let mut rank = vec![0; entries.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i] = r;
    }
    let docs: Vec<search::Doc<'_>> = entries
        .iter()
        .enumerate()
        .map(|(i, (e, terms))| search::Doc {
            terms,
            title: &e.title,
            url: &plan.urls[i],
            description: &e.description,
            group: plan.group(i, &e.service),
            self_help_type: e.self_help_type.as_deref(),
            topics: &e.support_topic_ids,
            clouds: &e.clouds,
            rank: rank[i],
        })
        .collect();
    search::shared(&docs)
}

/// A self-help type as readers call it (`tsg_content` is "Troubleshooting
/// guide"); unknown values are shown as written.
pub(crate) fn type_label(t: &str) -> &str {
    match t {
        "generic" => "Article",
        "diagnostics" => "Diagnostic",
        "rca" => "Root cause analysis",
        "resource" => "Resource",
        "tsg_content" => "Troubleshooting guide",
        "tsg_description" => "Troubleshooting guide description",
        "tsg_questions" => "Troubleshooting questions",
        "problemscopingquestions" => "Problem scoping questions",
        "supporttopicdescription" => "Support topic description",
        "advisorrecommendationmetadata" => "Advisor recommendation",
        "servicehealthinsights" => "Service health insight",
        "apollo" => "Apollo solution",
        "diagnoseandsolve" => "Diagnose and solve",
        "tools" => "Tool",
        "health" => "Health",
        "partnercenterquickstart" => "Partner Center quickstart",
        "unknown" | "" => "Unknown type",
        other => other,
    }
}

/// A cloud by its public name (`fairfax` is "Azure Government").
pub(crate) fn cloud_label(c: &str) -> &str {
    match c {
        "public" => "Azure",
        "fairfax" => "Azure Government",
        "mooncake" => "Azure China",
        "usnat" => "Azure US Nat",
        "ussec" => "Azure US Sec",
        other => other,
    }
}

/// One article's page.
pub(crate) fn article_page(
    theme: &Theme,
    site: &SiteView<'_>,
    a: &BundleArticle,
    url: &str,
    html: &str,
    data: Option<DataView>,
) -> Result<String> {
    let root = root_prefix(url);
    let view = PageView {
        site,
        root: &root,
        title: &a.title,
        heading: &a.heading,
        description: &a.description,
        path: &a.path,
        article_id: &a.article_id,
        service: &a.service,
        service_url: service_url(&a.service),
        resource: &a.resource,
        self_help_type: a.self_help_type.as_deref(),
        type_url: a.self_help_type.as_deref().map(type_url),
        support_topic_ids: &a.support_topic_ids,
        product_pes_ids: &a.product_pes_ids,
        clouds: &a.clouds,
        ownership_id: &a.ownership_id,
        author: a.properties.get("ms.author").or_else(|| a.properties.get("authors")).map_or("", String::as_str),
        html,
        data,
    };
    theme.render("article.html", &view)
}

fn link<'a>(a: &'a Entry, url: &'a str) -> ArticleLink<'a> {
    ArticleLink {
        title: &a.title,
        url,
        description: &a.description,
        service: &a.service,
        self_help_type: a.self_help_type.as_deref(),
        clouds: &a.clouds,
    }
}

/// One index page of a site: its URL, a key over everything it shows, and
/// its HTML, unless the caller's `keep` let the page with that key stand.
pub(crate) struct IndexPage {
    pub(crate) url: String,
    pub(crate) key: String,
    pub(crate) html: Option<String>,
}

/// Decides, from an index page's URL and key, that OUT's page can stay.
pub(crate) type Keep<'k> = dyn Fn(&str, &str) -> bool + Sync + 'k;

/// The home page and every index page of one site.
pub(crate) fn index_pages(
    theme: &Theme,
    site: &SiteView<'_>,
    items: &[(&Entry, &str)],
    keep: &Keep<'_>,
) -> Result<Vec<IndexPage>> {
    let mut by_service: Groups<'_> = BTreeMap::new();
    let mut by_type: Groups<'_> = BTreeMap::new();
    for (a, url) in items {
        let service = by_service.entry(a.service.to_lowercase()).or_insert_with(|| (&a.service, Vec::new()));
        service.1.push(link(a, url));
        let t = a.self_help_type.as_deref().unwrap_or("unknown");
        by_type.entry(t.to_string()).or_insert_with(|| (t, Vec::new())).1.push(link(a, url));
    }
    let mut pages = Vec::new();
    let services = groups(theme, site, "Service", by_service, service_url, keep, &mut pages)?;
    let types = groups(theme, site, "Self-help type", by_type, type_url, keep, &mut pages)?;
    let home = HomeView { site, root: "", article_count: items.len(), services, types };
    pages.insert(0, page(theme, "index.html", "index.html".to_string(), &home, keep)?);
    Ok(pages)
}

/// Renders `view` with `template` as the page at `url`, unless `keep` lets
/// the page already there (with the same key) stand.
fn page(
    theme: &Theme,
    template: &str,
    url: String,
    view: &impl serde::Serialize,
    keep: &Keep<'_>,
) -> Result<IndexPage> {
    // Serialized whole, then hashed: blake3 is many times faster on one
    // large buffer than on serde's many small writes.
    let key = blake3::hash(&serde_json::to_vec(view)?).to_hex().to_string();
    let html = if keep(&url, &key) { None } else { Some(theme.render(template, view)?) };
    Ok(IndexPage { url, key, html })
}

/// Articles by group key (lowercase), with the name shown for the group
/// (its first spelling in path order).
type Groups<'a> = BTreeMap<String, (&'a str, Vec<ArticleLink<'a>>)>;

/// Renders one list page per group (in parallel) and returns the groups'
/// links for the home page, in name order.
fn groups<'a>(
    theme: &Theme,
    site: &SiteView<'_>,
    kind: &str,
    groups: Groups<'a>,
    url_of: fn(&str) -> String,
    keep: &Keep<'_>,
    pages: &mut Vec<IndexPage>,
) -> Result<Vec<GroupLink>> {
    let rendered: Vec<(GroupLink, IndexPage)> = groups
        .into_iter()
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|(key, (name, mut articles))| {
            articles.sort_by_cached_key(|a| (a.title.to_lowercase(), a.url));
            let url = url_of(&key);
            let shown = if name.is_empty() { "(no service)" } else { name };
            let view = ListView { site, root: "../", kind, name: shown, articles };
            let link = GroupLink { name: shown.to_string(), url: url.clone(), count: view.articles.len() };
            Ok((link, page(theme, "list.html", url, &view, keep)?))
        })
        .collect::<Result<_>>()?;
    let (links, list_pages): (Vec<_>, Vec<_>) = rendered.into_iter().unzip();
    pages.extend(list_pages);
    Ok(links)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_services_that_differ_only_in_case_on_one_page() {
        let entry = |service: &str, title: &str| Entry {
            article_id: title.into(),
            path: format!("articles/{title}.md"),
            title: title.into(),
            description: String::new(),
            service: service.into(),
            self_help_type: Some("generic".into()),
            clouds: vec!["public".into()],
            support_topic_ids: Vec::new(),
            product_pes_ids: Vec::new(),
        };
        let (a, b) = (entry("Microsoft.Storage", "Alpha"), entry("microsoft.storage", "Beta"));
        let theme = Theme::load(tempfile::tempdir().unwrap().path()).unwrap();
        let site = SiteView { title: "T", description: "", cloud: None, generator: "kbc" };
        let items = [(&a, "articles/a.html"), (&b, "articles/b.html")];
        let pages = index_pages(&theme, &site, &items, &|_, _| false).unwrap();
        let urls: Vec<&str> = pages.iter().map(|p| p.url.as_str()).collect();
        assert_eq!(urls, ["index.html", "services/microsoft.storage.html", "types/generic.html"]);
        let html = pages[1].html.as_deref().unwrap();
        assert!(html.contains(">Alpha</a>") && html.contains(">Beta</a>"), "{html}");
        // A page the caller keeps is not rendered; its key stays the same.
        let kept = index_pages(&theme, &site, &items, &|url, _| url.starts_with("types/")).unwrap();
        assert!(kept[2].html.is_none() && kept[1].html.is_some());
        assert_eq!(kept[2].key, pages[2].key);
        assert_eq!(service_url("Microsoft.Storage"), "services/microsoft.storage.html");
    }

    #[test]
    fn names_group_pages_one_to_one() {
        let names = ["foo bar", "foo/bar", "foo-bar", "foo_bar", "foo_20bar", ".foo", "_2efoo", "", "_none", "é"];
        let files: Vec<String> = names.iter().map(|n| name_file(n)).collect();
        assert_eq!(files[..4], ["foo_20bar", "foo_2fbar", "foo-bar", "foo_5fbar"]);
        assert_eq!(files[7], "_none");
        assert_eq!(files[9], "_c3_a9");
        let distinct: HashSet<&String> = files.iter().collect();
        assert_eq!(distinct.len(), names.len(), "{files:?}");
        assert!(files.iter().all(|f| !f.contains('/') && !f.starts_with('.')));
    }

    #[test]
    fn no_page_is_also_a_folder() {
        let paths = ["articles/x.md", "articles/x.html/y.md", "articles/X.HTML/z.md"];
        let plan = Plan::new(paths.iter().copied(), "articles/");
        assert_eq!(plan.urls, ["articles/x.html", "articles/x.html_/y.html", "articles/X.HTML_/z.html"]);
    }

    #[test]
    fn plans_unique_url_safe_pages_and_maps_article_links() {
        let paths = ["articles/a/One.md", "articles/a/one.md", "articles/b/with space.md"];
        let plan = Plan::new(paths.iter().copied(), "articles/");
        assert_eq!(plan.urls, ["articles/a/One.html", "articles/a/one-2.html", "articles/b/with-space.html"]);
        assert_eq!(
            plan.link(0, paths[0], "../b/with space.md#x").as_deref(),
            Some("../../articles/b/with-space.html#x")
        );
        assert_eq!(plan.link(0, paths[0], "missing.md"), None);
        assert_eq!(plan.link(0, paths[0], "https://x.test/a.md"), None);
        assert_eq!(plan.link(0, paths[0], "../../../etc.md"), None);
        assert_eq!(plan.link(0, paths[0], "//x.test/a.md"), None);
    }

    #[test]
    fn finds_link_targets_as_the_link_rules_do() {
        let paths = ["articles/a/x.md", "articles/b/with space.md", "articles/b/c#d?.md", "articles/b/é.md"];
        let plan = Plan::new(paths.iter().copied(), "articles/");
        let link = |t| plan.link(0, paths[0], t);
        assert_eq!(link("../b/with%20space.md#x").as_deref(), Some("../../articles/b/with-space.html#x"));
        assert_eq!(link("../b/c%23d%3F.md?v=1").as_deref(), Some("../../articles/b/c-d-.html?v=1"));
        assert_eq!(link("../b/%C3%A9.md").as_deref(), Some("../../articles/b/-.html"));
        assert_eq!(link("/articles/b/with space.md").as_deref(), Some("../../articles/b/with-space.html"));
        assert_eq!(link(" ../b/with%20space.md ").as_deref(), Some("../../articles/b/with-space.html"));
    }
}
