//! The static site: where each page goes, article pages, the home page and
//! the index pages by service and by self-help type. Every URL is relative
//! so the site works from `file://` and any static host.

use super::bundle::Entry;
use super::search;
use super::templates::Theme;
use super::view::{
    ArticleLink, BundleArticle, DataView, GroupLink, HomeView, ListView, NavLink, PageLink, PageNav, PageView,
    SiteView, TocEntry, TopicLink,
};
use crate::article::Article;
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
    nav: Nav,
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
        Plan { urls, by_path, folders, nav: Nav::default() }
    }

    /// Works out what each article page shows of the others, from the
    /// published `articles` (aligned with the plan's URLs); returns whether
    /// any page's navigation changed.
    pub(crate) fn set_nav(&mut self, articles: &[&Article]) -> bool {
        let nav = Nav::new(self, articles);
        let changed = nav.pages != self.nav.pages;
        self.nav = nav;
        changed
    }

    /// What article `i`'s page shows of the others.
    pub(crate) fn nav(&self, i: usize) -> &PageNav {
        static NONE: std::sync::LazyLock<PageNav> = std::sync::LazyLock::new(PageNav::default);
        self.nav.pages.get(i).unwrap_or(&NONE)
    }

    /// The start of article `i`'s page key: the pages' shared key and what
    /// the page shows of other articles, so that the page is rendered again
    /// when a related article's title or a topic's name changes.
    pub(crate) fn page_base(&self, i: usize, pages_key: &blake3::Hash) -> blake3::Hash {
        let mut h = blake3::Hasher::new();
        h.update(pages_key.as_bytes());
        h.update(&serde_json::to_vec(self.nav(i)).unwrap_or_default());
        h.finalize()
    }

    /// A support topic's name, if a supportTopicDescription article gives one.
    pub(crate) fn topic_name(&self, id: &str) -> Option<&str> {
        self.nav.topic_names.get(&id.to_lowercase()).map(String::as_str)
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

/// Related articles shown on an article page.
const RELATED: usize = 5;

/// What article pages show of other articles: the article's group, its
/// support topics by name, related articles. Worked out from the published
/// articles' headers before any page is rendered, so that a page's cache
/// key can include what it shows ([`Plan::page_base`]).
#[derive(Default)]
struct Nav {
    /// Per article, in plan order.
    pages: Vec<PageNav>,
    /// Support topic names by lowercase id, from supportTopicDescription
    /// articles' embedded JSON (the first description of an id wins).
    topic_names: BTreeMap<String, String>,
}

/// The header facts navigation needs of one article.
struct Facts {
    title: String,
    group: String,
    topics: Vec<String>,
    clouds: Vec<crate::article::vocab::Cloud>,
}

impl Facts {
    fn of(a: &Article, folder: &str) -> Facts {
        let p = &a.props;
        let title = [p.value("pageTitle").unwrap_or_default(), a.body.h1().map_or("", |h| h.text.as_str()), a.path()]
            .into_iter()
            .find(|s| !s.trim().is_empty())
            .unwrap_or_default()
            .to_string();
        let service = p.value("service").unwrap_or_default().trim();
        let group = if service.is_empty() { folder } else { service }.to_string();
        let topics = p.list(a.text(), "supportTopicIds").iter().map(|i| i.text.to_string()).collect();
        Facts { title, group, topics, clouds: a.effective_clouds() }
    }
}

/// `supportTopics[].id` → `shortDescription` of a supportTopicDescription article.
fn name_topics(a: &Article, names: &mut BTreeMap<String, String>) {
    if a.self_help_type() != Some("supporttopicdescription") {
        return;
    }
    let Some(Ok(json)) = a.embedded_json() else { return };
    for t in json.get("supportTopics").map(|t| t.items()).unwrap_or_default() {
        let id = t.get("id").and_then(|v| v.as_str()).unwrap_or_default().trim().to_lowercase();
        let name = t.get("shortDescription").and_then(|v| v.as_str()).unwrap_or_default().trim();
        if !id.is_empty() && !name.is_empty() {
            names.entry(id).or_insert_with(|| name.to_string());
        }
    }
}

impl Nav {
    fn new(plan: &Plan, articles: &[&Article]) -> Nav {
        let facts: Vec<Facts> = articles.iter().enumerate().map(|(i, a)| Facts::of(a, &plan.folders[i])).collect();
        let mut topic_names = BTreeMap::new();
        for a in articles {
            name_topics(a, &mut topic_names);
        }
        // Articles by group and by topic, each list in plan (path) order.
        let mut by_group: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_topic: HashMap<String, Vec<usize>> = HashMap::new();
        let mut group_names: HashMap<String, &str> = HashMap::new();
        for (i, f) in facts.iter().enumerate() {
            let key = f.group.to_lowercase();
            group_names.entry(key.clone()).or_insert(&f.group);
            by_group.entry(key).or_default().push(i);
            for t in &f.topics {
                let list = by_topic.entry(t.to_lowercase()).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        let pages = (0..facts.len())
            .map(|i| {
                let f = &facts[i];
                let key = f.group.to_lowercase();
                let group = NavLink { name: group_names[&key].to_string(), url: service_url(&key) };
                let topics = f
                    .topics
                    .iter()
                    .map(|t| {
                        let id = t.to_lowercase();
                        TopicLink {
                            id: t.clone(),
                            name: topic_names.get(&id).cloned().unwrap_or_default(),
                            url: topic_url(&id),
                        }
                    })
                    .collect();
                let mut related = Vec::new();
                let lists = f.topics.iter().map(|t| &by_topic[&t.to_lowercase()]).chain([&by_group[&key]]);
                // A page is shared by every cloud site it is in: it links
                // only to articles that are in all of them too.
                let everywhere = |j: usize| f.clouds.iter().all(|c| facts[j].clouds.contains(c));
                for list in lists {
                    neighbours(list, i, &everywhere, &mut related);
                }
                let related = related
                    .into_iter()
                    .map(|j| NavLink { name: facts[j].title.clone(), url: plan.urls[j].clone() })
                    .collect();
                PageNav { group, topics, related }
            })
            .collect();
        Nav { pages, topic_names }
    }
}

/// Adds to `out` (up to [`RELATED`]) the articles after `i` in `list`
/// (sorted), wrapping around: each article's neighbours, so that a large
/// group does not link every page to its first five.
fn neighbours(list: &[usize], i: usize, fits: &dyn Fn(usize) -> bool, out: &mut Vec<usize>) {
    let start = list.binary_search(&i).map_or_else(|p| p, |p| p + 1);
    // At most this many candidates are looked at, so that a long list whose
    // articles mostly do not fit stays linear in the number of articles.
    const SCAN: usize = 256;
    for k in 0..list.len().min(SCAN) {
        if out.len() >= RELATED {
            return;
        }
        let j = list[(start + k) % list.len()];
        if j != i && !out.contains(&j) && fits(j) {
            out.push(j);
        }
    }
}

pub(crate) fn topic_url(id: &str) -> String {
    format!("topics/{}.html", name_file(&id.to_lowercase()))
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
///
/// A name whose encoding is longer than [`MAX_NAME`] bytes keeps its first
/// part and ends in `_z` and a hash of the whole name: file systems refuse
/// names over 255 bytes, and a header's service can be any length (found
/// by fuzzing: the build failed with "File name too long").
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
    if out.len() > MAX_NAME {
        let hash = blake3::hash(name.as_bytes()).to_hex();
        // The encoding is ASCII, so any byte is a character boundary.
        out.truncate(MAX_NAME - 34);
        out.push_str("_z");
        out.push_str(&hash[..32]);
    }
    out
}

/// The longest file name [`name_file`] makes, leaving room for `.html` and
/// the staging's temporary suffixes under the usual 255-byte limit.
const MAX_NAME: usize = 160;

/// The search files every site shares, over `entries` (path order, each
/// with its search document) whose bundle order is `order`, each handed to
/// `emit` as it is made.
pub(crate) fn search_index(
    plan: &Plan,
    entries: &[(&Entry, &[u8])],
    order: &[usize],
    emit: &search::Emit<'_>,
) -> Result<search::Shared> {
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
    search::shared(&docs, emit)
}

/// One article's page: article `k` of `plan`.
pub(crate) fn article_page(
    theme: &Theme,
    site: &SiteView<'_>,
    plan: &Plan,
    k: usize,
    a: &BundleArticle,
    html: &str,
    data: Option<DataView>,
) -> Result<String> {
    let url = &plan.urls[k];
    let root = root_prefix(url);
    let nav = plan.nav(k);
    let view = PageView {
        site,
        root: &root,
        title: &a.title,
        heading: &a.heading,
        description: &a.description,
        path: &a.path,
        article_id: &a.article_id,
        service: &a.service,
        service_url: if nav.group.url.is_empty() { service_url(&a.service) } else { nav.group.url.clone() },
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
        nav,
        toc: toc(html),
    };
    theme.render("article.html", &view)
}

/// Headings shown in a table of contents, when a page has at least this many.
const TOC_MIN: usize = 3;

/// The H2 and H3 headings of an article's sanitised HTML with their ids
/// (the anchors the renderer gave them), if there are [`TOC_MIN`] or more.
fn toc(html: &str) -> Vec<TocEntry> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("<h") {
        rest = &rest[at + 2..];
        let level = match rest.as_bytes().first() {
            Some(b'2') => 2,
            Some(b'3') => 3,
            _ => continue,
        };
        let Some(tail) = rest[1..].strip_prefix(" id=\"") else { continue };
        let Some(id_end) = tail.find('"') else { break };
        let id = &tail[..id_end];
        let Some(open_end) = tail.find('>') else { break };
        let close = format!("</h{level}>");
        let Some(inner_end) = tail[open_end..].find(&close) else { break };
        let text = plain_text(&tail[open_end + 1..open_end + inner_end]);
        out.push(TocEntry { id: unescape(id), text, level });
        rest = &tail[open_end + inner_end..];
    }
    if out.len() < TOC_MIN { Vec::new() } else { out }
}

/// The text of an HTML fragment: tags dropped, the entities ammonia writes decoded.
fn plain_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    unescape(text.trim())
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
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

/// One index page of a site: its URL, and its HTML, unless the caller's
/// `keep` let the page with its key stand.
pub(crate) struct IndexPage {
    pub(crate) url: String,
    pub(crate) html: Option<String>,
}

/// Each index page's URL and key: a hash of everything the page shows.
pub(crate) type Keys = Vec<(String, String)>;

/// Decides, from an index page's URL and key, that OUT's page can stay.
pub(crate) type Keep<'k> = dyn Fn(&str, &str) -> bool + Sync + 'k;

/// Takes each index page as soon as it is rendered (from several threads).
pub(crate) type Emit<'e> = dyn Fn(IndexPage) -> Result<()> + Sync + 'e;

/// The home page and every index page of one site, each handed to `emit`
/// as it is rendered: a site's index pages together are megabytes of HTML,
/// which need not all be held at once. `items` are the site's articles,
/// each with its number in `plan`. Returns every page's key, for the next
/// build's `keep`.
pub(crate) fn index_pages(
    theme: &Theme,
    site: &SiteView<'_>,
    plan: &Plan,
    items: &[(&Entry, usize)],
    keep: &Keep<'_>,
    emit: &Emit<'_>,
) -> Result<Keys> {
    let mut by_service: Groups<'_> = BTreeMap::new();
    let mut by_type: Groups<'_> = BTreeMap::new();
    let mut by_topic: Groups<'_> = BTreeMap::new();
    for &(a, i) in items {
        let url = plan.urls[i].as_str();
        let group = plan.group(i, &a.service);
        by_service.entry(group.to_lowercase()).or_insert_with(|| (group, Vec::new())).1.push(link(a, url));
        let t = a.self_help_type.as_deref().unwrap_or("unknown");
        by_type.entry(t.to_string()).or_insert_with(|| (t, Vec::new())).1.push(link(a, url));
        for topic in &a.support_topic_ids {
            let list = &mut by_topic.entry(topic.to_lowercase()).or_insert_with(|| (topic, Vec::new())).1;
            if list.last().is_none_or(|l| l.url != url) {
                list.push(link(a, url));
            }
        }
    }
    let mut keys = Keys::new();
    let services = groups(theme, site, ("Service", None), by_service, service_url, (keep, emit), &mut keys)?;
    let types = groups(theme, site, ("Self-help type", None), by_type, type_url, (keep, emit), &mut keys)?;
    let topics = groups(theme, site, ("Support topic", Some(plan)), by_topic, topic_url, (keep, emit), &mut keys)?;
    let home = HomeView { site, root: "", article_count: items.len(), services, types, topics };
    keys.push(page(theme, "index.html", "index.html".to_string(), &home, keep, emit)?);
    Ok(keys)
}

/// Renders `view` with `template` as the page at `url`, unless `keep` lets
/// the page already there (with the same key) stand, hands it to `emit`
/// and returns its URL and key.
fn page(
    theme: &Theme,
    template: &str,
    url: String,
    view: &impl serde::Serialize,
    keep: &Keep<'_>,
    emit: &Emit<'_>,
) -> Result<(String, String)> {
    // Serialized whole, then hashed: blake3 is many times faster on one
    // large buffer than on serde's many small writes.
    let key = blake3::hash(&serde_json::to_vec(view)?).to_hex().to_string();
    let html = if keep(&url, &key) { None } else { Some(theme.render(template, view)?) };
    emit(IndexPage { url: url.clone(), html })?;
    Ok((url, key))
}

/// Articles by group key (lowercase), with the name shown for the group
/// (its first spelling in path order).
type Groups<'a> = BTreeMap<String, (&'a str, Vec<ArticleLink<'a>>)>;

/// Articles per list page: a page of 100 is about 60 KB, well under the
/// 200 KB a page may weigh, whatever the list's length.
pub(crate) const PER_PAGE: usize = 100;

/// The URL of page `n` (from 1) of a list whose first page is `first`:
/// `services/x.html`, then `services/x/2.html`, `services/x/3.html`…
fn list_page_url(first: &str, n: usize) -> String {
    match n {
        1 => first.to_string(),
        n => format!("{}/{n}.html", first.strip_suffix(".html").unwrap_or(first)),
    }
}

/// Renders each group's list pages (in parallel; long lists are split into
/// pages of [`PER_PAGE`]) and returns the groups' links for the home page,
/// in key order, adding the pages' keys to `keys`. `kind` is the list's
/// kind and, for support topics, the plan that names them.
fn groups<'a>(
    theme: &Theme,
    site: &SiteView<'_>,
    kind: (&str, Option<&Plan>),
    groups: Groups<'a>,
    url_of: fn(&str) -> String,
    (keep, emit): (&Keep<'_>, &Emit<'_>),
    keys: &mut Keys,
) -> Result<Vec<GroupLink>> {
    let done: Vec<(GroupLink, Keys)> = groups
        .into_iter()
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|(key, (name, mut articles))| {
            articles.sort_by_cached_key(|a| (a.title.to_lowercase(), a.url));
            let first = url_of(&key);
            let (shown, id) = match kind.1 {
                Some(plan) => (plan.topic_name(name).unwrap_or(name), name),
                None if name.is_empty() => ("(no service)", ""),
                None => (name, ""),
            };
            let count = articles.len().div_ceil(PER_PAGE).max(1);
            let mut keys = Keys::with_capacity(count);
            for n in 1..=count {
                let url = list_page_url(&first, n);
                let links =
                    (1..=count).map(|m| PageLink { n: m, url: list_page_url(&first, m), current: m == n }).collect();
                let slice = &articles[(n - 1) * PER_PAGE..(n * PER_PAGE).min(articles.len())];
                let root = root_prefix(&url);
                let view = ListView {
                    site,
                    root: &root,
                    kind: kind.0,
                    name: shown,
                    id,
                    articles: slice,
                    pages: links,
                    total: articles.len(),
                };
                keys.push(page(theme, "list.html", url, &view, keep, emit)?);
            }
            Ok((GroupLink { name: shown.to_string(), url: first, count: articles.len() }, keys))
        })
        .collect::<Result<_>>()?;
    let mut links = Vec::with_capacity(done.len());
    for (link, k) in done {
        links.push(link);
        keys.extend(k);
    }
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
        let plan = Plan::new(["articles/a.md", "articles/b.md"].into_iter(), "articles/");
        let items = [(&a, 0), (&b, 1)];
        let collect = |keep: &Keep<'_>| collect_pages(&theme, &site, &plan, &items, keep);
        let (pages, keys) = collect(&|_, _| false);
        let urls: Vec<&str> = pages.iter().map(|p| p.url.as_str()).collect();
        assert_eq!(urls, ["index.html", "services/microsoft.storage.html", "types/generic.html"]);
        let html = pages[1].html.as_deref().unwrap();
        assert!(html.contains(">Alpha</a>") && html.contains(">Beta</a>"), "{html}");
        // A page the caller keeps is not rendered; its key stays the same.
        let (kept, kept_keys) = collect(&|url, _| url.starts_with("types/"));
        assert!(kept[2].html.is_none() && kept[1].html.is_some());
        assert_eq!(kept_keys, keys);
        assert_eq!(keys.len(), 3);
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
    fn long_group_names_get_short_distinct_file_names() {
        let long = format!("mi{}crosoft.databricks", "\u{7f}".repeat(300));
        let names = [long.clone(), format!("{long}x"), "a".repeat(400), "a".repeat(401), "a".repeat(MAX_NAME)];
        let files: Vec<String> = names.iter().map(|n| name_file(n)).collect();
        assert!(files.iter().all(|f| f.len() <= MAX_NAME), "{files:?}");
        assert!(files[0].starts_with("mi_7f_7f") && files[4] == names[4]);
        let distinct: HashSet<&String> = files.iter().collect();
        assert_eq!(distinct.len(), names.len(), "{files:?}");
    }

    /// Every index page `index_pages` emits, sorted by URL, and the keys
    /// it returns (by URL).
    fn collect_pages(
        theme: &Theme,
        site: &SiteView<'_>,
        plan: &Plan,
        items: &[(&Entry, usize)],
        keep: &Keep<'_>,
    ) -> (Vec<IndexPage>, BTreeMap<String, String>) {
        let pages = std::sync::Mutex::new(Vec::new());
        let emit = |p| {
            pages.lock().unwrap().push(p);
            Ok(())
        };
        let keys = index_pages(theme, site, plan, items, keep, &emit).unwrap();
        let mut pages = pages.into_inner().unwrap();
        pages.sort_by(|a, b| a.url.cmp(&b.url));
        (pages, keys.into_iter().collect())
    }

    fn entry(path: &str, service: &str, topics: &[&str]) -> Entry {
        Entry {
            article_id: path.into(),
            path: path.into(),
            title: format!("Title of {path}"),
            description: "A description of some length, as articles have them.".into(),
            service: service.into(),
            self_help_type: Some("generic".into()),
            clouds: vec!["public".into()],
            support_topic_ids: topics.iter().map(|t| t.to_string()).collect(),
            product_pes_ids: Vec::new(),
        }
    }

    #[test]
    fn splits_long_lists_into_pages_and_groups_articles_without_a_service_by_folder() {
        let paths: Vec<String> = (0..250).map(|i| format!("articles/big/a{i:03}.md")).collect();
        let mut entries: Vec<Entry> = paths.iter().map(|p| entry(p, "Big.Service", &["T1"])).collect();
        entries.push(entry("articles/Some Folder/x.md", "", &[]));
        let all: Vec<&str> = entries.iter().map(|e| e.path.as_str()).collect();
        let plan = Plan::new(all.iter().copied(), "articles/");
        let items: Vec<(&Entry, usize)> = entries.iter().enumerate().map(|(i, e)| (e, i)).collect();
        let theme = Theme::load(tempfile::tempdir().unwrap().path()).unwrap();
        let site = SiteView { title: "T", description: "", cloud: None, generator: "kbc" };
        let (pages, _) = collect_pages(&theme, &site, &plan, &items, &|_, _| false);
        let urls: Vec<&str> = pages.iter().map(|p| p.url.as_str()).collect();
        for url in ["services/big.service.html", "services/big.service/2.html", "services/big.service/3.html"] {
            assert!(urls.contains(&url), "{url} missing from {urls:?}");
        }
        assert!(urls.contains(&"services/some_20folder.html") && urls.contains(&"topics/t1/3.html"), "{urls:?}");
        assert!(!urls.iter().any(|u| u.contains("_none")), "no \"(no service)\" group: {urls:?}");
        let page = |url: &str| pages.iter().find(|p| p.url == url).unwrap().html.as_deref().unwrap();
        let third = page("services/big.service/3.html");
        assert_eq!(third.matches("<li>\n    <a href").count(), 50, "{third}");
        assert!(third.contains("250 articles") && third.contains("<span aria-current=\"page\">3</span>"));
        assert!(third.contains("href=\"..&#x2f;..&#x2f;services&#x2f;big.service.html\">1</a>"), "{third}");
        assert!(page("index.html").contains(">Some Folder</a>"));
        assert!(pages.iter().all(|p| p.html.as_ref().is_none_or(|h| h.len() < 200 * 1024)));
    }

    #[test]
    fn pages_show_related_articles_and_named_topics() {
        let text = |title: &str, service: &str, topics: &str| {
            format!(
                "<properties pageTitle=\"{title}\" service=\"{service}\" supportTopicIds=\"{topics}\" />\n# {title}\n"
            )
        };
        let described = "<properties pageTitle=\"Topics\" selfHelpType=\"supportTopicDescription\" />\n# Topics\n---\n\
            {\"supportTopics\": [{\"id\": \"T1\", \"shortDescription\": \"Disk problems\"}]}\n---\n";
        let sources = [
            ("articles/a/1.md", text("One", "S", "t1")),
            ("articles/a/2.md", text("Two", "s", "")),
            ("articles/b/3.md", text("Three", "Other", "T1")),
            ("articles/c/topics.md", described.to_string()),
        ];
        let articles: Vec<Article> = sources
            .iter()
            .map(|(p, t)| Article::parse(crate::source::SourceFile::new(p.to_string(), t.clone(), false)))
            .collect();
        let refs: Vec<&Article> = articles.iter().collect();
        let mut plan = Plan::new(sources.iter().map(|s| s.0), "articles/");
        assert!(plan.set_nav(&refs));
        let one = plan.nav(0);
        assert_eq!(one.group, NavLink { name: "S".into(), url: "services/s.html".into() });
        assert_eq!(one.topics[0].name, "Disk problems");
        assert_eq!(one.topics[0].url, "topics/t1.html");
        // Same topic first, then same service.
        let related: Vec<&str> = one.related.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(related, ["Three", "Two"]);
        assert_eq!(plan.nav(3).group.name, "c", "no service: the folder");
        let base = plan.page_base(0, &blake3::hash(b"k"));
        assert!(!plan.set_nav(&refs), "nothing changed");
        assert_eq!(plan.page_base(0, &blake3::hash(b"k")), base);
    }

    #[test]
    fn lists_three_or_more_headings_as_contents() {
        let html = "<h2 id=\"a\"><strong>A &amp; B</strong></h2><p>x</p><h3 id=\"b\">B</h3><h4 id=\"c\">C</h4><h2 id=\"d\">D</h2>";
        let toc = toc(html);
        let got: Vec<(&str, &str, u8)> = toc.iter().map(|t| (t.id.as_str(), t.text.as_str(), t.level)).collect();
        assert_eq!(got, [("a", "A & B", 2), ("b", "B", 3), ("d", "D", 2)]);
        assert!(super::toc("<h2 id=\"a\">A</h2><h2 id=\"b\">B</h2>").is_empty());
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
