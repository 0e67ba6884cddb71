//! `kbc build`'s back half: a checked corpus to OUT. [`build`] is the list of
//! steps in order: pages (each article parsed once, rendered, and its
//! bundle entry extracted), the bundle, the site's index pages, each cloud's
//! outputs, the schema, the report, then the atomic swap into OUT.
//!
//! Output layout (a contract): `rules.json`, `rules.schema.json`,
//! `build-report.json`, `site/`, `clouds/<cloud>/{rules.json,site/}`.
//! A cloud site's article pages are hard links to the main site's pages
//! unless the cloud's link rewriting changes them, so five clouds do not
//! cost five times one site.

pub(crate) mod bundle;
pub(crate) mod cache;
pub(crate) mod clouds;
pub(crate) mod data;
pub(crate) mod markdown;
pub(crate) mod output;
pub mod report;
pub(crate) mod search;
pub(crate) mod site;
pub(crate) mod templates;
pub mod view;

use crate::article::Article;
use crate::article::vocab::Cloud;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::parse::outline;
use anyhow::Result;
use clouds::Rewrites;
use markdown::Sanitizer;
use output::Staging;
use rayon::prelude::*;
use report::{BuildReport, Counts, Skipped, Timings};
use templates::Theme;
use view::{BundleArticle, SiteView};

/// `kbc <version>`, as written into every output.
pub const GENERATOR: &str = concat!("kbc ", env!("CARGO_PKG_VERSION"));

/// What to build.
pub struct BuildInput<'a> {
    pub config: &'a Config,
    /// The articles to publish, in path order.
    pub published: Vec<&'a Article>,
    /// Article files found, published or not.
    pub read: usize,
    pub skipped: Vec<Skipped>,
    pub diagnostics: &'a [Diagnostic],
    /// The clouds whose outputs are built.
    pub clouds: Vec<Cloud>,
    pub out: std::path::PathBuf,
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
}

/// One article after the pages step.
struct Rendered {
    bundle: BundleArticle,
    /// Clouds for which a rewritten page was written (not shared).
    variants: Vec<Cloud>,
}

/// Builds everything into a staging folder and swaps it in as OUT. On any
/// error OUT is left untouched.
pub fn build(input: &BuildInput<'_>, timings: &mut Timings) -> Result<BuildReport> {
    output::check_out(&input.out, &input.config.root, &input.config.source_dir())?;
    let key = timings.time("cache", || cache::key(input))?;
    if let Some(report) = cache::up_to_date(&input.out, &key) {
        return Ok(report);
    }
    let ctx = timings.time("prepare", || prepare(input))?;
    let rendered = timings.time("pages", || render_articles(&ctx))?;
    timings.time("bundle", || write_bundle(&ctx, &rendered))?;
    timings.time("site", || write_site(&ctx, "site", &ctx.site, &all_items(&ctx, &rendered)))?;
    let mut counts = Counts::default();
    for &cloud in &input.clouds {
        let n = timings.time(&format!("cloud {cloud}"), || write_cloud(&ctx, cloud, &rendered))?;
        counts.clouds.insert(cloud.to_string(), n);
    }
    timings.time("schema", || write_schema(&ctx))?;
    let report = report(&ctx, counts, timings);
    ctx.staging.write(output::REPORT_FILE, json(&report)?)?;
    ctx.staging.write(cache::CACHE_FILE, cache::Manifest::new(key).to_json()?)?;
    ctx.staging.commit()?;
    Ok(report)
}

fn prepare<'a>(input: &'a BuildInput<'a>) -> Result<Ctx<'a>> {
    let theme = Theme::load(&input.config.root)?;
    let src_prefix = crate::fs::display_rel(&input.config.root, &input.config.source_dir());
    let plan = site::Plan::new(input.published.iter().map(|a| a.path()), &format!("{src_prefix}/"));
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
    let staging = Staging::create(&input.out)?;
    Ok(Ctx { input, theme, staging, plan, site, sanitizer: Sanitizer::new(Rewrites::default()), variants })
}

/// The pages step, in parallel: each article's Markdown is parsed once and
/// used for its bundle entry, its page and any per-cloud rewritten page.
fn render_articles(ctx: &Ctx<'_>) -> Result<Vec<Rendered>> {
    ctx.input.published.par_iter().enumerate().map(|(i, a)| render_article(ctx, i, a)).collect()
}

fn render_article(ctx: &Ctx<'_>, i: usize, a: &Article) -> Result<Rendered> {
    let events = outline::body_events(a.text(), &a.body);
    let bundle = bundle::article(a, outline::extract(&events));
    let url = &ctx.plan.urls[i];
    let link = |target: &str| ctx.plan.link(i, a.path(), target);
    let page = |sanitizer: &Sanitizer| {
        let html = markdown::render(&events, &link, sanitizer);
        site::article_page(&ctx.theme, &ctx.site, &bundle, url, &html, bundle.data.as_ref().map(data::view))
    };
    ctx.staging.write(&format!("site/{url}"), page(&ctx.sanitizer)?)?;
    let mut variants = Vec::new();
    for (cloud, rewrites, sanitizer) in &ctx.variants {
        if bundle.clouds.iter().any(|c| c == cloud.as_str()) && rewrites.touches(a.text()) {
            ctx.staging.write(&format!("clouds/{cloud}/site/{url}"), page(sanitizer)?)?;
            variants.push(*cloud);
        }
    }
    Ok(Rendered { bundle, variants })
}

fn all_items<'a>(ctx: &'a Ctx<'_>, rendered: &'a [Rendered]) -> Vec<(&'a BundleArticle, &'a str)> {
    rendered.iter().zip(&ctx.plan.urls).map(|(r, u)| (&r.bundle, u.as_str())).collect()
}

fn write_bundle(ctx: &Ctx<'_>, rendered: &[Rendered]) -> Result<()> {
    let all: Vec<&BundleArticle> = rendered.iter().map(|r| &r.bundle).collect();
    write_bundle_of(ctx, "rules.json", all, None)
}

/// Writes a bundle of `articles` (any order; sorted here).
fn write_bundle_of(ctx: &Ctx<'_>, rel: &str, mut articles: Vec<&BundleArticle>, cloud: Option<Cloud>) -> Result<()> {
    articles.sort_by(|a, b| (a.article_id.as_str(), a.path.as_str()).cmp(&(b.article_id.as_str(), b.path.as_str())));
    ctx.staging.write(rel, bundle::to_json(&bundle::bundle(articles, cloud))?)
}

/// A site's home and index pages, search index and assets under `prefix/`.
fn write_site(ctx: &Ctx<'_>, prefix: &str, site: &SiteView<'_>, items: &[(&BundleArticle, &str)]) -> Result<()> {
    for (url, html) in site::index_pages(&ctx.theme, site, items)? {
        ctx.staging.write(&format!("{prefix}/{url}"), html)?;
    }
    ctx.staging.write(&format!("{prefix}/search-index.js"), search::index_script(items)?)?;
    for (name, bytes) in ctx.theme.assets() {
        let rel = format!("{prefix}/assets/{name}");
        if prefix == "site" {
            ctx.staging.write(&rel, bytes)?;
        } else {
            ctx.staging.link(&format!("site/assets/{name}"), &rel)?;
        }
    }
    Ok(())
}

/// One cloud's bundle and site; returns how many articles it publishes.
fn write_cloud(ctx: &Ctx<'_>, cloud: Cloud, rendered: &[Rendered]) -> Result<usize> {
    let members: Vec<usize> =
        (0..rendered.len()).filter(|&i| rendered[i].bundle.clouds.iter().any(|c| c == cloud.as_str())).collect();
    members.par_iter().filter(|&&i| !rendered[i].variants.contains(&cloud)).try_for_each(|&i| {
        let url = &ctx.plan.urls[i];
        ctx.staging.link(&format!("site/{url}"), &format!("clouds/{cloud}/site/{url}"))
    })?;
    let rewrites = Rewrites::for_cloud(ctx.input.config, cloud);
    let rewritten: Vec<Option<BundleArticle>> =
        members.iter().map(|&i| bundle::rewrite(&rendered[i].bundle, &rewrites)).collect();
    let articles: Vec<&BundleArticle> =
        members.iter().zip(&rewritten).map(|(&i, r)| r.as_ref().unwrap_or(&rendered[i].bundle)).collect();
    write_bundle_of(ctx, &format!("clouds/{cloud}/rules.json"), articles, Some(cloud))?;
    let items: Vec<(&BundleArticle, &str)> =
        members.iter().map(|&i| (&rendered[i].bundle, ctx.plan.urls[i].as_str())).collect();
    let site = SiteView { cloud: Some(cloud.as_str()), ..ctx.site.clone() };
    write_site(ctx, &format!("clouds/{cloud}/site"), &site, &items)?;
    Ok(members.len())
}

/// rules.schema.json, generated from the bundle's Rust types.
fn write_schema(ctx: &Ctx<'_>) -> Result<()> {
    ctx.staging.write("rules.schema.json", json(&bundle_schema())?)
}

/// The JSON Schema of rules.json.
pub fn bundle_schema() -> schemars::Schema {
    schemars::schema_for!(view::Bundle<'static>)
}

fn report(ctx: &Ctx<'_>, mut counts: Counts, timings: &Timings) -> BuildReport {
    counts.read = ctx.input.read;
    counts.published = ctx.input.published.len();
    counts.skipped = ctx.input.skipped.len();
    counts.files = ctx.staging.files_written() + 1;
    counts.linked = ctx.staging.files_linked();
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
