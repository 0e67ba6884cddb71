//! `kbc build`'s back half: a checked corpus to OUT. [`build`] is the list of
//! steps in order: the plan (`crate::publish::plan`: which articles are
//! rendered and which taken as they are, decided before rendering), pages
//! (each article to render parsed once, rendered, and its bundle entry
//! extracted; the others' products come from the memo), the indexes (the
//! main bundle and site and each cloud's, in parallel), the schema, the
//! report and the caches, then the move into OUT (see `crate::publish`,
//! which owns everything about OUT: the plan, the staging folder, the cache
//! manifest, the marker and the commit). Rendering looks at no cache: it
//! renders what the plan gives it and keeps what the plan keeps.
//!
//! Output layout (a contract): `rules.json`, `rules.schema.json`,
//! `build-report.json`, `site/`, `clouds/<cloud>/{rules.json,site/}`.
//! A cloud site's article pages are hard links to the main site's pages
//! unless the cloud's link rewriting changes them, so five clouds do not
//! cost five times one site.

pub(crate) mod bundle;
pub(crate) mod clouds;
pub(crate) mod data;
pub(crate) mod includes;
pub(crate) mod markdown;
pub(crate) mod memo;
pub(crate) mod page;
pub mod report;
pub(crate) mod search;
pub(crate) mod site;
pub(crate) mod spool;
pub(crate) mod templates;
pub(crate) mod view;

use crate::article::vocab::Cloud;
use crate::article::{Article, Corpus};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::include::Resolver;
use crate::publish::cache;
use crate::publish::out::Out;
use crate::publish::plan::{self, Known, Plan};
use crate::publish::staging::{self, Staging};
use anyhow::Result;
use bundle::Entry;
use clouds::Rewrites;
use markdown::Sanitizer;
use rayon::prelude::*;
use report::{BuildReport, Counts, Skipped, Timings};
use spool::{Blob, Spool};
use std::io::Write as _;
use templates::Theme;
use view::SiteView;

pub use crate::publish::GENERATOR;

/// What to build.
pub struct BuildInput<'a> {
    pub config: &'a Config,
    /// Every article read (published or not), for resolving includes. The
    /// build takes it and frees it once the pages are rendered: later steps
    /// need only what the pages step kept (about 77 MB less on the corpus).
    pub corpus: Corpus,
    /// The articles to publish (indices into `corpus.articles`, in path order).
    pub published: Vec<usize>,
    /// Article files found, published or not.
    pub read: usize,
    pub skipped: Vec<Skipped>,
    pub diagnostics: &'a [Diagnostic],
    /// The clouds whose outputs are built.
    pub clouds: Vec<Cloud>,
    /// The output folder as given.
    pub out: std::path::PathBuf,
    /// The build's input key (see `cache`), recorded for the next build.
    pub input_key: String,
}

/// Everything the steps share.
struct Ctx<'a> {
    input: &'a BuildInput<'a>,
    theme: Theme,
    staging: Staging,
    /// Each article's serialized products, from the pages step on.
    spool: Spool,
    plan: site::Plan,
    site: SiteView<'a>,
    sanitizer: Sanitizer,
    /// Built clouds with link rewriting: their pages may differ.
    variants: Vec<(Cloud, Rewrites, Sanitizer)>,
    /// What every page key starts from (see `cache`).
    pages_key: blake3::Hash,
    /// What is rendered and what is kept from OUT.
    publish: Plan,
}

/// One article after the pages step: what later steps need, with its
/// bundle entry and search document already serialized (into the spool).
pub(crate) struct Rendered {
    entry: Entry,
    json: Blob,
    search: Blob,
    /// Clouds whose link rewriting changed this article: its page there was
    /// written separately, with the rewritten bundle entry if that changed.
    variants: Vec<(Cloud, Option<Blob>)>,
    /// The page's cache key.
    page_key: String,
}

impl Rendered {
    fn variant(&self, cloud: Cloud) -> Option<Option<Blob>> {
        self.variants.iter().find(|(c, _)| *c == cloud).map(|(_, json)| *json)
    }
}

/// Builds everything into a staging folder and moves it into OUT (see
/// [`plan::Mode`]). On any error OUT is left untouched.
pub fn build(input: BuildInput<'_>, timings: &mut Timings) -> Result<BuildReport> {
    let out = crate::publish::open(&input.out, &input.config.root, &input.config.source_dir())?;
    let previous = cache::Manifest::read(&out).unwrap_or_default();
    build_over(input, out, previous, timings)
}

/// [`build`] into `out` (opened with [`crate::publish::open`]), given the manifest of
/// the build there (empty if none).
pub(crate) fn build_over(
    mut input: BuildInput<'_>,
    out: Out,
    previous: cache::Manifest,
    timings: &mut Timings,
) -> Result<BuildReport> {
    let corpus = std::mem::take(&mut input.corpus);
    let published: Vec<&Article> = input.published.iter().map(|&i| &corpus.articles[i]).collect();
    let input = &input;
    let paths = published.iter().map(|a| a.path());
    let pages_key = timings.time("cache", || cache::pages_key(input.config, &format!("{:?}", input.clouds), paths))?;
    let (ctx, memos) = timings.time("prepare", || prepare(input, &corpus, &published, out, previous, pages_key))?;
    let rendered = timings.time("pages", || render_articles(&ctx, &corpus, &published, memos))?;
    // Every look outside the corpus has been made (includes, link targets).
    let probes = corpus.probes.snapshot();
    drop(published);
    free(corpus);
    let (per_cloud, indexes) = timings.time("indexes", || write_indexes(&ctx, &rendered))?;
    let counts =
        Counts { clouds: input.clouds.iter().map(|c| c.to_string()).zip(per_cloud).collect(), ..Counts::default() };
    timings.time("schema", || write_schema(&ctx))?;
    // Counted before the caches are written: they are not part of the output.
    let mut report = report(&ctx, counts, timings);
    timings.time("caches", || write_caches(&ctx, &rendered))?;
    report.timings_ms = timings.phases.clone();
    ctx.staging.write(staging::REPORT_FILE, json(&report)?)?;
    write_manifest(&ctx, &rendered, probes, indexes)?;
    // Every article's products are written: freed before the commit, which
    // needs memory of its own (the marker's list of every file).
    drop(rendered);
    let Ctx { staging, .. } = ctx;
    timings.time("commit", || staging.commit())?;
    Ok(report)
}

/// Index page keys, by path in OUT.
type IndexKeys = std::collections::BTreeMap<String, String>;

/// The bundles, index pages, search indexes and assets of the main site and
/// every cloud; returns how many articles each cloud publishes, and every
/// index page's key. The main outputs and each cloud's are independent
/// once the pages and the main site's assets exist: one parallel step
/// keeps both threads busy.
fn write_indexes(ctx: &Ctx<'_>, rendered: &[Rendered]) -> Result<(Vec<usize>, IndexKeys)> {
    let order = bundle_order(rendered);
    write_assets(ctx)?;
    let search = write_search(ctx, rendered, &order)?;
    let search = &search;
    let sites: Vec<Option<Cloud>> = std::iter::once(None).chain(ctx.input.clouds.iter().copied().map(Some)).collect();
    let done = sites.par_iter().map(|&site| match site {
        None => write_main(ctx, rendered, &order, search).map(|keys| (None, keys)),
        Some(c) => write_cloud(ctx, c, rendered, &order, search).map(|(n, keys)| (Some(n), keys)),
    });
    let (counts, keys): (Vec<Option<usize>>, Vec<IndexKeys>) = done.collect::<Result<Vec<_>>>()?.into_iter().unzip();
    Ok((counts.into_iter().flatten().collect(), keys.into_iter().flatten().collect()))
}

/// What the next build starts from: the diagnostics and each article's products.
fn write_caches(ctx: &Ctx<'_>, rendered: &[Rendered]) -> Result<()> {
    let diagnostics = ctx.input.diagnostics;
    ctx.staging.write_with(cache::DIAGNOSTICS_FILE, |out| Ok(crate::diagnostic::store::encode(out, diagnostics)?))?;
    // A shard whose articles are all reused is the previous build's file.
    memo::shards(rendered.len()).into_par_iter().enumerate().try_for_each(|(k, (rel, range))| {
        if ctx.publish.keep_shard(k) {
            return ctx.staging.keep(&rel);
        }
        let urls = &ctx.plan.urls[range.clone()];
        ctx.staging.write_with(&rel, |out| Ok(memo::write(out, urls, &rendered[range], &ctx.spool)?))
    })
}

/// The cache manifest: what the next build may reuse.
fn write_manifest(
    ctx: &Ctx<'_>,
    rendered: &[Rendered],
    probes: std::collections::BTreeMap<String, crate::article::probes::Seen>,
    indexes: IndexKeys,
) -> Result<()> {
    let input = ctx.input;
    let manifest = cache::Manifest {
        generator: GENERATOR.to_string(),
        input_key: input.input_key.clone(),
        probes,
        pages_key: ctx.pages_key.to_hex().to_string(),
        pages: ctx.plan.urls.iter().cloned().zip(rendered.iter().map(|r| r.page_key.clone())).collect(),
        indexes,
    };
    ctx.staging.write_with(cache::CACHE_FILE, |out| manifest.write(out))
}

/// The context of every step, with the plan, and the previous build's
/// products of each article (in page order) when OUT is patched.
fn prepare<'a>(
    input: &'a BuildInput<'a>,
    corpus: &Corpus,
    published: &[&Article],
    out: Out,
    previous: cache::Manifest,
    pages_key: blake3::Hash,
) -> Result<(Ctx<'a>, Vec<Option<Rendered>>)> {
    let mode = plan::Mode::of(&previous, pages_key.to_hex().as_str(), !out.owned.files.is_empty());
    let staging = Staging::create(out, mode.whole())?;
    let spool = Spool::new(staging.scratch()?);
    // The memo is read beside the theme (it is only used if OUT is patched).
    let incremental = mode == plan::Mode::Incremental;
    let read_memo = || incremental.then(|| read_memo(staging.out(), published.len(), &spool));
    let (theme, memo) = rayon::join(|| Theme::load(&input.config.root), read_memo);
    let theme = theme?;
    let src_prefix = crate::fs::display_rel(&input.config.root, &input.config.source_dir());
    let mut site_plan = site::Plan::new(published.iter().map(|a| a.path()), &format!("{src_prefix}/"));
    site_plan.set_nav(published);
    let memos = memos(memo.flatten(), &site_plan.urls);
    let known = match incremental {
        true => known(input, corpus, published, (&site_plan, &pages_key), &memos),
        false => Vec::new(),
    };
    let shards = memo::shards(published.len());
    let inputs = plan::Inputs { mode, previous, articles: &known, shards: &shards, memo_whole: !memos.is_empty() };
    let publish = Plan::new(inputs, published.len(), &|rel| staging.out().ours(rel));
    let site = SiteView {
        title: &input.config.book.title,
        description: &input.config.book.description,
        cloud: None,
        generator: GENERATOR,
    };
    let variants = input
        .clouds
        .iter()
        .map(|&c| (c, input.config.rewrites(c).clone()))
        .filter(|(_, r)| !r.is_empty())
        .map(|(c, r)| (c, r.clone(), Sanitizer::new(r)))
        .collect();
    let sanitizer = Sanitizer::new(Rewrites::default());
    let ctx = Ctx { input, theme, staging, spool, plan: site_plan, site, sanitizer, variants, pages_key, publish };
    Ok((ctx, memos))
}

/// What the plan needs of each article in an incremental build (in
/// parallel: each article's includes are expanded for its page key).
fn known(
    input: &BuildInput<'_>,
    corpus: &Corpus,
    published: &[&Article],
    (site_plan, pages_key): (&site::Plan, &blake3::Hash),
    memos: &[Option<Rendered>],
) -> Vec<Known> {
    published
        .par_iter()
        .enumerate()
        .map(|(i, a)| {
            let url = &site_plan.urls[i];
            let key = page_key(input.config, corpus, (site_plan, pages_key), i, a).0;
            let memo = memos.get(i).and_then(Option::as_ref);
            let (files, pages) = memo.map_or_else(Default::default, |m| page_files(&input.clouds, url, m));
            Known { url: url.clone(), key, memo_key: memo.map(|m| m.page_key.clone()), files, pages }
        })
        .collect()
}

/// The files of OUT an article's pages are, as its memo `m` says, and how
/// many of them are distinct files: its page and its clouds' rewritten
/// pages, then its other clouds' links to its page.
fn page_files(clouds: &[Cloud], url: &str, m: &Rendered) -> (Vec<String>, usize) {
    let mut files: Vec<String> =
        std::iter::once(page_file(None, url)).chain(m.variants.iter().map(|(c, _)| page_file(Some(*c), url))).collect();
    let pages = files.len();
    let linked = clouds.iter().filter(|&&c| m.entry.in_cloud(c) && m.variant(c).is_none());
    files.extend(linked.map(|&c| page_file(Some(c), url)));
    (files, pages)
}

/// The folder of OUT that holds the main site (`cloud` none) or a cloud's.
fn site_dir(cloud: Option<Cloud>) -> String {
    cloud.map_or_else(|| "site".to_string(), |c| format!("clouds/{c}/site"))
}

/// The file of OUT that is the page at `url` of the main site or a cloud's.
fn page_file(cloud: Option<Cloud>, url: &str) -> String {
    format!("{}/{url}", site_dir(cloud))
}

/// Article `i`'s page key, and its text with includes expanded (if it has
/// includes).
fn page_key(
    config: &Config,
    corpus: &Corpus,
    (site_plan, pages_key): (&site::Plan, &blake3::Hash),
    i: usize,
    a: &Article,
) -> (String, Option<String>) {
    let resolver = Resolver::new(&config.root, corpus);
    let expanded = includes::expand(&resolver, a);
    let base = site_plan.page_base(i, pages_key);
    (cache::page_key(&base, &site_plan.urls[i], a.source.hash(), expanded.as_deref()), expanded)
}

/// Every shard of the memo in OUT for `n` articles, read in parallel; `None`
/// if one is missing or malformed, or is not a regular file kbc wrote.
fn read_memo(out: &Out, n: usize, spool: &Spool) -> Option<Vec<memo::Memo>> {
    let ours = |rel: &str| out.ours(rel);
    let read = |rel: &str| std::fs::File::open(out.path(rel)).ok().and_then(|f| memo::read(f, spool));
    let shards: Vec<Vec<memo::Memo>> = memo::shards(n)
        .into_par_iter()
        .map(|(rel, _)| ours(&rel).then(|| read(&rel)).flatten())
        .collect::<Option<_>>()?;
    Some(shards.into_iter().flatten().collect())
}

/// The memo read from OUT, one entry per page URL of `urls`, or none at all
/// when it is missing or was written for other pages.
fn memos(memo: Option<Vec<memo::Memo>>, urls: &[String]) -> Vec<Option<Rendered>> {
    match memo {
        Some(memos) if memos.len() == urls.len() && memos.iter().zip(urls).all(|(m, u)| m.url == *u) => {
            memos.into_iter().map(|m| Some(m.rendered)).collect()
        }
        _ => Vec::new(),
    }
}

/// The pages step, in parallel: each article the plan renders has its
/// Markdown parsed once and used for its bundle entry, its page and any
/// per-cloud rewritten page; each article it reuses takes its products
/// from `memos` and keeps its pages.
fn render_articles(
    ctx: &Ctx<'_>,
    corpus: &Corpus,
    published: &[&Article],
    mut memos: Vec<Option<Rendered>>,
) -> Result<Vec<Rendered>> {
    memos.resize_with(published.len(), || None);
    let each = |(i, (a, m)): (usize, (&&Article, Option<Rendered>))| match (ctx.publish.action(i), m) {
        (plan::Action::Reuse, Some(m)) => reuse(ctx, i, m),
        _ => render_article(ctx, corpus, i, a),
    };
    published.par_iter().zip(memos).enumerate().map(each).collect()
}

/// An article the plan reuses: its products from the memo, its pages (its
/// own and its clouds' rewritten ones) kept from OUT.
fn reuse(ctx: &Ctx<'_>, i: usize, m: Rendered) -> Result<Rendered> {
    let url = &ctx.plan.urls[i];
    ctx.staging.keep(&page_file(None, url))?;
    for (cloud, _) in &m.variants {
        ctx.staging.keep(&page_file(Some(*cloud), url))?;
    }
    Ok(m)
}

/// Frees the corpus on a thread of its own: freeing every article one by
/// one took 2% of a build, which the remaining steps need not wait for.
fn free(corpus: Corpus) {
    std::thread::spawn(move || drop(corpus));
}

fn render_article(ctx: &Ctx<'_>, corpus: &Corpus, i: usize, a: &Article) -> Result<Rendered> {
    let (page_key, expanded) = page_key(ctx.input.config, corpus, (&ctx.plan, &ctx.pages_key), i, a);
    let expanded = page::parse_expanded(a, expanded);
    let mut prepared = page::Prepared::new(a, &expanded);
    let url = &ctx.plan.urls[i];
    prepared.full.url = url.clone();
    let pages = page::Pages { theme: &ctx.theme, site: &ctx.site, plan: &ctx.plan };
    let full = &prepared.full;
    let entry = Entry::new(full);
    let put =
        |rel: String, sanitizer: &Sanitizer| ctx.staging.write(&rel, prepared.page(&pages, i, a.path(), sanitizer)?);
    put(page_file(None, url), &ctx.sanitizer)?;
    let mut variants = Vec::new();
    let text = expanded.as_ref().map_or(a.text(), |(t, _)| t.as_str());
    for (cloud, rewrites, sanitizer) in &ctx.variants {
        if entry.in_cloud(*cloud) && rewrites.touches(text) {
            put(page_file(Some(*cloud), url), sanitizer)?;
            let json = bundle::rewrite(full, rewrites).map(|r| bundle::entry_json(&r)).transpose()?;
            variants.push((*cloud, json.map(|j| ctx.spool.put(&j)).transpose()?));
        }
    }
    let json = bundle::entry_json(full)?;
    let search = ctx.spool.put(&search::doc_terms(&json)?)?;
    let json = ctx.spool.put(&json)?;
    Ok(Rendered { entry, json, search, variants, page_key })
}

/// Indices of the rendered articles in bundle order.
fn bundle_order(rendered: &[Rendered]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..rendered.len()).collect();
    order.sort_by(|&a, &b| bundle::sort_key(&rendered[a].entry).cmp(&bundle::sort_key(&rendered[b].entry)));
    order
}

/// A rules.json of the articles of `cloud` (all when `None`), from the
/// serialized entries, each cloud using its rewritten entry where there is
/// one; returns its length in bytes.
fn write_bundle(ctx: &Ctx<'_>, cloud: Option<Cloud>, rendered: &[Rendered], order: &[usize]) -> Result<u64> {
    let (entries, blobs): (Vec<&Entry>, Vec<Blob>) = order
        .iter()
        .map(|&i| &rendered[i])
        .filter(|r| cloud.is_none_or(|c| r.entry.in_cloud(c)))
        .map(|r| (&r.entry, cloud.and_then(|c| r.variant(c)).flatten().unwrap_or(r.json)))
        .unzip();
    let rel = match cloud {
        Some(c) => format!("clouds/{c}/rules.json"),
        None => "rules.json".to_string(),
    };
    let mut len = 0;
    let mut buf = Vec::new();
    ctx.staging.write_with(&rel, |out| {
        let json = |out: &mut bundle::Counted<'_, _>, k: usize| -> Result<()> {
            ctx.spool.read_into(blobs[k], &mut buf)?;
            Ok(out.write_all(&buf)?)
        };
        bundle::assemble(&mut bundle::Counted::new(out, &mut len), cloud, &entries, json)
    })?;
    Ok(len)
}

/// The main bundle and site; returns its index pages' keys.
fn write_main(ctx: &Ctx<'_>, rendered: &[Rendered], order: &[usize], search: &search::Shared) -> Result<IndexKeys> {
    let len = write_bundle(ctx, None, rendered, order)?;
    let json = |k: usize| Ok(ctx.spool.get(rendered[order[k]].json)?);
    // The search documents hold the weighted terms match.idx needs too.
    let terms = |k: usize| Ok(ctx.spool.get(rendered[order[k]].search)?);
    ctx.staging
        .write_with(crate::matching::store::FILE, |out| bundle::match_index(out, order.len(), json, terms, len))?;
    write_site(ctx, None, rendered, &(0..rendered.len()).collect::<Vec<_>>(), search)
}

/// The search files every site shares, in the main site (cloud sites link
/// to them): one index over all published articles.
fn write_search(ctx: &Ctx<'_>, rendered: &[Rendered], order: &[usize]) -> Result<search::Shared> {
    // Every search document, read back at once (the index needs them all).
    let mut docs = Vec::with_capacity(rendered.iter().map(|r| r.search.len()).sum());
    let mut ends = Vec::with_capacity(rendered.len());
    let mut buf = Vec::new();
    for r in rendered {
        ctx.spool.read_into(r.search, &mut buf)?;
        docs.extend_from_slice(&buf);
        ends.push(docs.len());
    }
    let starts = std::iter::once(0).chain(ends.iter().copied());
    let entries: Vec<(&Entry, &[u8])> =
        rendered.iter().zip(starts.zip(&ends)).map(|(r, (start, &end))| (&r.entry, &docs[start..end])).collect();
    let emit = |rel: &str, bytes: &[u8]| ctx.staging.write(&format!("site/search/{rel}"), bytes);
    site::search_index(&ctx.plan, &entries, order, &emit)
}

/// The theme's assets, in the main site (cloud sites link to them).
fn write_assets(ctx: &Ctx<'_>) -> Result<()> {
    for (name, bytes) in ctx.theme.assets() {
        ctx.staging.write(&format!("site/assets/{name}"), bytes)?;
    }
    Ok(())
}

/// A site's home and index pages, search index and assets, for the
/// `members` (indices in path order) of `cloud`'s site, or the main site;
/// returns its index pages' keys, by path in OUT.
fn write_site(
    ctx: &Ctx<'_>,
    cloud: Option<Cloud>,
    rendered: &[Rendered],
    members: &[usize],
    search: &search::Shared,
) -> Result<IndexKeys> {
    let prefix = site_dir(cloud);
    let site = SiteView { cloud: cloud.map(Cloud::as_str), ..ctx.site.clone() };
    let items: Vec<(&Entry, usize)> = members.iter().map(|&i| (&rendered[i].entry, i)).collect();
    // An index page whose key is the previous build's is left as it is.
    let keep = |url: &str, key: &str| ctx.publish.keep_index(&format!("{prefix}/{url}"), key);
    let emit = |page: site::IndexPage| {
        let rel = format!("{prefix}/{}", page.url);
        match page.html {
            Some(html) => ctx.staging.write(&rel, html),
            None => ctx.staging.keep(&rel),
        }
    };
    let keys = site::index_pages(&ctx.theme, &site, &ctx.plan, &items, &keep, &emit)?;
    let manifest = search::manifest(search, site.cloud, cloud.map(|_| members))?;
    ctx.staging.write(&format!("{prefix}/search/index.js"), manifest)?;
    if cloud.is_some() {
        for (name, _) in ctx.theme.assets() {
            ctx.staging.link(&format!("site/assets/{name}"), &format!("{prefix}/assets/{name}"))?;
        }
        for rel in &search.files {
            ctx.staging.link(&format!("site/search/{rel}"), &format!("{prefix}/search/{rel}"))?;
        }
    }
    Ok(keys.into_iter().map(|(url, key)| (format!("{prefix}/{url}"), key)).collect())
}

/// One cloud's bundle and site; returns how many articles it publishes,
/// and its index pages' keys. Article pages are hard links to the main
/// site's unless rewritten (a reused article's link is OUT's, kept).
fn write_cloud(
    ctx: &Ctx<'_>,
    cloud: Cloud,
    rendered: &[Rendered],
    order: &[usize],
    search: &search::Shared,
) -> Result<(usize, IndexKeys)> {
    let members: Vec<usize> = (0..rendered.len()).filter(|&i| rendered[i].entry.in_cloud(cloud)).collect();
    members.par_iter().filter(|&&i| rendered[i].variant(cloud).is_none()).try_for_each(|&i| {
        let url = &ctx.plan.urls[i];
        let to = page_file(Some(cloud), url);
        match ctx.publish.reused(i) {
            true => ctx.staging.keep_link(&to),
            false => ctx.staging.link(&page_file(None, url), &to),
        }
    })?;
    write_bundle(ctx, Some(cloud), rendered, order)?;
    let keys = write_site(ctx, Some(cloud), rendered, &members, search)?;
    Ok((members.len(), keys))
}

/// rules.schema.json, generated from the bundle's Rust types.
fn write_schema(ctx: &Ctx<'_>) -> Result<()> {
    ctx.staging.write("rules.schema.json", json(&bundle_schema())?)
}

/// The JSON Schema of rules.json. Derived once per process (`serve` and the
/// language server build many times).
pub fn bundle_schema() -> schemars::Schema {
    static SCHEMA: std::sync::OnceLock<schemars::Schema> = std::sync::OnceLock::new();
    let schema = SCHEMA.get_or_init(|| {
        let mut schema = schemars::schema_for!(view::Bundle<'static>).to_value();
        bundle::tighten_schema(&mut schema);
        schemars::Schema::try_from(schema).expect("an object schema stays one")
    });
    schema.clone()
}

fn report(ctx: &Ctx<'_>, mut counts: Counts, timings: &Timings) -> BuildReport {
    counts.read = ctx.input.read;
    counts.published = ctx.input.published.len();
    counts.skipped = ctx.input.skipped.len();
    counts.files = ctx.staging.files_written() + 1;
    counts.linked = ctx.staging.files_linked();
    counts.pages_reused = ctx.publish.reused_pages();
    BuildReport {
        generator: GENERATOR.to_string(),
        counts,
        skipped: ctx.input.skipped.clone(),
        diagnostics: report::by_rule(ctx.input.diagnostics),
        timings_ms: timings.phases.clone(),
    }
}

fn json(value: &impl serde::Serialize) -> Result<Vec<u8>> {
    let mut out = serde_json::to_vec_pretty(value)?;
    out.push(b'\n');
    Ok(out)
}
