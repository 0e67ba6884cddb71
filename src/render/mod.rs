//! `kbc build`'s back half: a checked corpus to OUT. [`build`] is the list of
//! steps in order: pages (each article parsed once, rendered, and its
//! bundle entry extracted, or all of that taken from the memo when the
//! article did not change), the indexes (the main bundle and site and each
//! cloud's, in parallel), the schema, the report and the caches, then the
//! move into OUT (see `crate::publish`, which owns everything about OUT:
//! the staging folder, the cache manifest, the marker and the commit).
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
pub(crate) mod templates;
pub(crate) mod view;

use crate::article::vocab::Cloud;
use crate::article::{Article, Corpus};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::include::Resolver;
use crate::publish::cache;
use crate::publish::out::Out;
use crate::publish::staging::{self, Staging};
use anyhow::Result;
use bundle::Entry;
use clouds::Rewrites;
use markdown::Sanitizer;
use rayon::prelude::*;
use report::{BuildReport, Counts, Skipped, Timings};
use templates::Theme;
use view::SiteView;

pub use crate::publish::GENERATOR;

/// What to build.
pub struct BuildInput<'a> {
    pub config: &'a Config,
    /// Every article read (published or not), for resolving includes.
    pub corpus: &'a Corpus,
    /// The articles to publish, in path order.
    pub published: Vec<&'a Article>,
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
    plan: site::Plan,
    site: SiteView<'a>,
    sanitizer: Sanitizer,
    /// Built clouds with link rewriting: their pages may differ.
    variants: Vec<(Cloud, Rewrites, Sanitizer)>,
    /// What every page key starts from (see `cache`).
    pages_key: blake3::Hash,
    /// The previous build's manifest (empty when there is none to trust).
    previous: cache::Manifest,
    /// This build's index page keys, by path in OUT.
    indexes: std::sync::Mutex<std::collections::BTreeMap<String, String>>,
    /// Whether the previous build's memo was read whole: only then are its
    /// shards worth keeping.
    memo_read: bool,
}

/// One article after the pages step: what later steps need, with its
/// bundle entry and search document already serialized.
pub(crate) struct Rendered {
    entry: Entry,
    json: Vec<u8>,
    search: Vec<u8>,
    /// Clouds whose link rewriting changed this article: its page there was
    /// written separately, with the rewritten bundle entry if that changed.
    variants: Vec<(Cloud, Option<Vec<u8>>)>,
    /// The page's cache key.
    page_key: String,
    /// Whether the page key is the previous build's.
    unchanged: bool,
}

impl Rendered {
    fn variant(&self, cloud: Cloud) -> Option<&Option<Vec<u8>>> {
        self.variants.iter().find(|(c, _)| *c == cloud).map(|(_, json)| json)
    }
}

/// Builds everything into a staging folder and moves it into OUT (see
/// [`staging::Mode`]). On any error OUT is left untouched.
pub fn build(input: &BuildInput<'_>, timings: &mut Timings) -> Result<BuildReport> {
    let out = crate::publish::open(&input.out, &input.config.root, &input.config.source_dir())?;
    let previous = cache::Manifest::read(&out).unwrap_or_default();
    build_over(input, out, previous, timings)
}

/// [`build`] into `out` (opened with [`crate::publish::open`]), given the manifest of
/// the build there (empty if none).
pub(crate) fn build_over(
    input: &BuildInput<'_>,
    out: Out,
    previous: cache::Manifest,
    timings: &mut Timings,
) -> Result<BuildReport> {
    let paths = input.published.iter().map(|a| a.path());
    let pages_key = timings.time("cache", || cache::pages_key(input.config, &format!("{:?}", input.clouds), paths))?;
    let (ctx, memos) = timings.time("prepare", || prepare(input, out, previous, pages_key))?;
    let rendered = timings.time("pages", || render_articles(&ctx, memos))?;
    let per_cloud = timings.time("indexes", || write_indexes(&ctx, &rendered))?;
    let counts =
        Counts { clouds: input.clouds.iter().map(|c| c.to_string()).zip(per_cloud).collect(), ..Counts::default() };
    timings.time("schema", || write_schema(&ctx))?;
    // Counted before the caches are written: they are not part of the output.
    let mut report = report(&ctx, counts, timings);
    timings.time("caches", || write_caches(&ctx, &rendered))?;
    report.timings_ms = timings.phases.clone();
    ctx.staging.write(staging::REPORT_FILE, json(&report)?)?;
    write_manifest(&ctx, &rendered, pages_key)?;
    // Every article's products are written: freed before the commit, which
    // needs memory of its own (the marker's list of every file).
    drop(rendered);
    let Ctx { staging, .. } = ctx;
    timings.time("commit", || staging.commit())?;
    Ok(report)
}

/// The bundles, index pages, search indexes and assets of the main site and
/// every cloud; returns how many articles each cloud publishes. The main
/// outputs and each cloud's are independent once the pages and the main
/// site's assets exist: one parallel step keeps both threads busy.
fn write_indexes(ctx: &Ctx<'_>, rendered: &[Rendered]) -> Result<Vec<usize>> {
    let order = bundle_order(rendered);
    write_assets(ctx)?;
    let search = write_search(ctx, rendered, &order)?;
    let search = &search;
    let sites: Vec<Option<Cloud>> = std::iter::once(None).chain(ctx.input.clouds.iter().copied().map(Some)).collect();
    let counts = sites.par_iter().map(|&site| match site {
        None => write_main(ctx, rendered, &order, search).map(|()| None),
        Some(c) => write_cloud(ctx, c, rendered, &order, search).map(Some),
    });
    Ok(counts.collect::<Result<Vec<_>>>()?.into_iter().flatten().collect())
}

/// What the next build starts from: the diagnostics and each article's products.
fn write_caches(ctx: &Ctx<'_>, rendered: &[Rendered]) -> Result<()> {
    let diagnostics = ctx.input.diagnostics;
    ctx.staging.write_with(cache::DIAGNOSTICS_FILE, |out| Ok(crate::diagnostic::store::encode(out, diagnostics)?))?;
    // A shard whose articles are all unchanged is the previous build's file.
    memo::shards(rendered.len()).into_par_iter().try_for_each(|(rel, range)| {
        let same = ctx.memo_read && rendered[range.clone()].iter().all(|r| r.unchanged);
        if same && ctx.staging.keep(&rel) {
            return Ok(());
        }
        ctx.staging.write_with(&rel, |out| Ok(memo::write(out, &ctx.plan.urls[range.clone()], &rendered[range])?))
    })
}

/// The cache manifest: what the next build may reuse.
fn write_manifest(ctx: &Ctx<'_>, rendered: &[Rendered], pages_key: blake3::Hash) -> Result<()> {
    let input = ctx.input;
    let manifest = cache::Manifest {
        generator: GENERATOR.to_string(),
        input_key: input.input_key.clone(),
        probes: input.corpus.probes.snapshot(),
        pages_key: pages_key.to_hex().to_string(),
        pages: ctx.plan.urls.iter().cloned().zip(rendered.iter().map(|r| r.page_key.clone())).collect(),
        indexes: std::mem::take(&mut *ctx.indexes.lock().unwrap_or_else(|e| e.into_inner())),
    };
    ctx.staging.write_with(cache::CACHE_FILE, |out| manifest.write(out))
}

/// The context of every step, and the previous build's products of each
/// article (in page order) when OUT is patched.
fn prepare<'a>(
    input: &'a BuildInput<'a>,
    out: Out,
    previous: cache::Manifest,
    pages_key: blake3::Hash,
) -> Result<(Ctx<'a>, Vec<Option<Rendered>>)> {
    // The memo is read beside the theme (it is only used if OUT is patched).
    let read_memo = || read_memo(&out, input.published.len());
    let (theme, memo) = rayon::join(|| Theme::load(&input.config.root), read_memo);
    let theme = theme?;
    let src_prefix = crate::fs::display_rel(&input.config.root, &input.config.source_dir());
    let mut plan = site::Plan::new(input.published.iter().map(|a| a.path()), &format!("{src_prefix}/"));
    plan.set_nav(&input.published);
    let site = SiteView {
        title: &input.config.book.title,
        description: &input.config.book.description,
        cloud: None,
        generator: GENERATOR,
    };
    let variants = input
        .clouds
        .iter()
        .map(|&c| (c, Rewrites::for_cloud(input.config, c)))
        .filter(|(_, r)| !r.is_empty())
        .map(|(c, r)| (c, r.clone(), Sanitizer::new(r)))
        .collect();
    // The same shared page key means the same URLs and links: only pages of
    // changed articles differ, so OUT is patched rather than replaced.
    let mode = match previous.pages_key == pages_key.to_hex().as_str() {
        true => staging::Mode::Patch,
        false => staging::Mode::Swap,
    };
    let memos = match mode {
        staging::Mode::Patch => memos(memo, &plan.urls),
        staging::Mode::Swap => Vec::new(),
    };
    let staging = Staging::create(out, mode)?;
    let sanitizer = Sanitizer::new(Rewrites::default());
    let (indexes, memo_read) = (Default::default(), !memos.is_empty());
    let ctx = Ctx { input, theme, staging, plan, site, sanitizer, variants, pages_key, previous, indexes, memo_read };
    Ok((ctx, memos))
}

/// Every shard of the memo in OUT for `n` articles, read in parallel; `None`
/// if one is missing or malformed, or is not a regular file kbc wrote.
fn read_memo(out: &Out, n: usize) -> Option<Vec<memo::Memo>> {
    let ours = |rel: &str| out.owned.owns(rel) && out.regular(rel);
    let shards: Vec<Vec<memo::Memo>> = memo::shards(n)
        .into_par_iter()
        .map(|(rel, _)| ours(&rel).then(|| std::fs::File::open(out.path(&rel)).ok().and_then(memo::read)).flatten())
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

/// The pages step, in parallel: each article's Markdown is parsed once and
/// used for its bundle entry, its page and any per-cloud rewritten page.
/// Articles whose page key is the previous build's take their products
/// from `memos` and keep their pages, without being parsed again.
fn render_articles(ctx: &Ctx<'_>, mut memos: Vec<Option<Rendered>>) -> Result<Vec<Rendered>> {
    memos.resize_with(ctx.input.published.len(), || None);
    ctx.input.published.par_iter().zip(memos).enumerate().map(|(i, (a, m))| render_article(ctx, i, a, m)).collect()
}

fn render_article(ctx: &Ctx<'_>, i: usize, a: &Article, memo: Option<Rendered>) -> Result<Rendered> {
    let resolver = Resolver::new(&ctx.input.config.root, ctx.input.corpus);
    let expanded = includes::expand(&resolver, a);
    let url = &ctx.plan.urls[i];
    let page_key = cache::page_key(&ctx.plan.page_base(i, &ctx.pages_key), url, a.source.hash(), expanded.as_deref());
    let unchanged = ctx.previous.pages.get(url) == Some(&page_key);
    if let Some(m) = memo.filter(|m| unchanged && m.page_key == page_key && keep_pages(ctx, url, m)) {
        return Ok(m);
    }
    let expanded = page::parse_expanded(a, expanded);
    let mut prepared = page::Prepared::new(a, &expanded);
    prepared.full.url = url.clone();
    let pages = page::Pages { theme: &ctx.theme, site: &ctx.site, plan: &ctx.plan };
    let full = &prepared.full;
    let entry = Entry::new(full);
    // A page whose key matches the previous build's is that build's file;
    // `put` says whether it was.
    let put = |rel: String, sanitizer: &Sanitizer| -> Result<bool> {
        if unchanged && ctx.staging.reuse(std::slice::from_ref(&rel)) {
            return Ok(true);
        }
        ctx.staging.write(&rel, prepared.page(&pages, i, a.path(), sanitizer)?)?;
        Ok(false)
    };
    let mut kept = put(format!("site/{url}"), &ctx.sanitizer)?;
    let mut variants = Vec::new();
    let text = expanded.as_ref().map_or(a.text(), |(t, _)| t.as_str());
    for (cloud, rewrites, sanitizer) in &ctx.variants {
        if entry.in_cloud(*cloud) && rewrites.touches(text) {
            kept &= put(format!("clouds/{cloud}/site/{url}"), sanitizer)?;
            let json = bundle::rewrite(full, rewrites).map(|r| bundle::entry_json(&r).map(tight)).transpose()?;
            variants.push((*cloud, json));
        }
    }
    let json = tight(bundle::entry_json(full)?);
    let search = tight(search::doc_terms(&json)?);
    // A page written again (OUT had lost it) needs its cloud links made again.
    Ok(Rendered { entry, json, search, variants, page_key, unchanged: unchanged && kept })
}

/// A buffer without spare capacity. Every article's serialized products are
/// held until the bundles and search indexes are written, and a growing
/// buffer ends a quarter empty on average: 16 MB on the corpus.
fn tight(mut bytes: Vec<u8>) -> Vec<u8> {
    bytes.shrink_to_fit();
    bytes
}

/// Keeps an unchanged article's pages (its main page and each rewritten
/// cloud page), when OUT still has every one of them.
fn keep_pages(ctx: &Ctx<'_>, url: &str, m: &Rendered) -> bool {
    let rels: Vec<String> = std::iter::once(format!("site/{url}"))
        .chain(m.variants.iter().map(|(c, _)| format!("clouds/{c}/site/{url}")))
        .collect();
    ctx.staging.reuse(&rels)
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
    let entries: Vec<(&Entry, &[u8])> = order
        .iter()
        .map(|&i| &rendered[i])
        .filter(|r| cloud.is_none_or(|c| r.entry.in_cloud(c)))
        .map(|r| {
            let json = cloud.and_then(|c| r.variant(c)).and_then(Option::as_ref).unwrap_or(&r.json);
            (&r.entry, json.as_slice())
        })
        .collect();
    let rel = match cloud {
        Some(c) => format!("clouds/{c}/rules.json"),
        None => "rules.json".to_string(),
    };
    let mut len = 0;
    ctx.staging.write_with(&rel, |out| bundle::assemble(&mut bundle::Counted::new(out, &mut len), cloud, &entries))?;
    Ok(len)
}

/// The main bundle and site.
fn write_main(ctx: &Ctx<'_>, rendered: &[Rendered], order: &[usize], search: &search::Shared) -> Result<()> {
    let len = write_bundle(ctx, None, rendered, order)?;
    let entries: Vec<&[u8]> = order.iter().map(|&i| rendered[i].json.as_slice()).collect();
    ctx.staging.write_with(crate::matching::store::FILE, |out| bundle::match_index(out, &entries, len))?;
    write_site(ctx, None, rendered, &(0..rendered.len()).collect::<Vec<_>>(), search)
}

/// The search files every site shares, in the main site (cloud sites link
/// to them): one index over all published articles.
fn write_search(ctx: &Ctx<'_>, rendered: &[Rendered], order: &[usize]) -> Result<search::Shared> {
    let entries: Vec<(&Entry, &[u8])> = rendered.iter().map(|r| (&r.entry, r.search.as_slice())).collect();
    let shared = site::search_index(&ctx.plan, &entries, order)?;
    shared.files.par_iter().try_for_each(|(rel, bytes)| ctx.staging.write(&format!("site/search/{rel}"), bytes))?;
    Ok(shared)
}

/// The theme's assets, in the main site (cloud sites link to them).
fn write_assets(ctx: &Ctx<'_>) -> Result<()> {
    for (name, bytes) in ctx.theme.assets() {
        ctx.staging.write(&format!("site/assets/{name}"), bytes)?;
    }
    Ok(())
}

/// A site's home and index pages, search index and assets, for the
/// `members` (indices in path order) of `cloud`'s site, or the main site.
fn write_site(
    ctx: &Ctx<'_>,
    cloud: Option<Cloud>,
    rendered: &[Rendered],
    members: &[usize],
    search: &search::Shared,
) -> Result<()> {
    let prefix = cloud.map_or_else(|| "site".to_string(), |c| format!("clouds/{c}/site"));
    let site = SiteView { cloud: cloud.map(Cloud::as_str), ..ctx.site.clone() };
    let items: Vec<(&Entry, usize)> = members.iter().map(|&i| (&rendered[i].entry, i)).collect();
    // An index page whose key is the previous build's is left as it is.
    let keep = |url: &str, key: &str| {
        let rel = format!("{prefix}/{url}");
        ctx.previous.indexes.get(&rel).is_some_and(|k| k == key) && ctx.staging.keep(&rel)
    };
    let emit = |page: site::IndexPage| {
        let rel = format!("{prefix}/{}", page.url);
        if let Some(html) = page.html {
            ctx.staging.write(&rel, html)?;
        }
        ctx.indexes.lock().unwrap_or_else(|e| e.into_inner()).insert(rel, page.key);
        Ok(())
    };
    site::index_pages(&ctx.theme, &site, &ctx.plan, &items, &keep, &emit)?;
    let manifest = search::manifest(search, site.cloud, cloud.map(|_| members))?;
    ctx.staging.write(&format!("{prefix}/search/index.js"), manifest)?;
    if cloud.is_some() {
        for (name, _) in ctx.theme.assets() {
            ctx.staging.link(&format!("site/assets/{name}"), &format!("{prefix}/assets/{name}"), false)?;
        }
        for (rel, _) in &search.files {
            ctx.staging.link(&format!("site/search/{rel}"), &format!("{prefix}/search/{rel}"), false)?;
        }
    }
    Ok(())
}

/// One cloud's bundle and site; returns how many articles it publishes.
/// Article pages are hard links to the main site's unless rewritten.
fn write_cloud(
    ctx: &Ctx<'_>,
    cloud: Cloud,
    rendered: &[Rendered],
    order: &[usize],
    search: &search::Shared,
) -> Result<usize> {
    let members: Vec<usize> = (0..rendered.len()).filter(|&i| rendered[i].entry.in_cloud(cloud)).collect();
    members.par_iter().filter(|&&i| rendered[i].variant(cloud).is_none()).try_for_each(|&i| {
        let url = &ctx.plan.urls[i];
        ctx.staging.link(&format!("site/{url}"), &format!("clouds/{cloud}/site/{url}"), rendered[i].unchanged)
    })?;
    write_bundle(ctx, Some(cloud), rendered, order)?;
    write_site(ctx, Some(cloud), rendered, &members, search)?;
    Ok(members.len())
}

/// rules.schema.json, generated from the bundle's Rust types.
fn write_schema(ctx: &Ctx<'_>) -> Result<()> {
    ctx.staging.write("rules.schema.json", json(&bundle_schema())?)
}

/// The JSON Schema of rules.json.
pub fn bundle_schema() -> schemars::Schema {
    let mut schema = schemars::schema_for!(view::Bundle<'static>).to_value();
    bundle::tighten_schema(&mut schema);
    schemars::Schema::try_from(schema).expect("an object schema stays one")
}

fn report(ctx: &Ctx<'_>, mut counts: Counts, timings: &Timings) -> BuildReport {
    counts.read = ctx.input.read;
    counts.published = ctx.input.published.len();
    counts.skipped = ctx.input.skipped.len();
    counts.files = ctx.staging.files_written() + 1;
    counts.linked = ctx.staging.files_linked();
    counts.pages_reused = ctx.staging.files_reused();
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
