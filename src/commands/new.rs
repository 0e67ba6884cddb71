//! `kbc new`: writes a scaffolded article (see [`crate::scaffold`]) to a new
//! file and tells the author which fields are still to fill.

use crate::article::vocab::{self, Cloud};
use crate::cli::NewArgs;
use crate::commands::ExitStatus;
use crate::scaffold::{self, Fields};
use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::Path;

pub(crate) fn run(args: &NewArgs) -> Result<ExitStatus> {
    let fields = fields(args)?;
    let scaffold = scaffold::render(&args.self_help_type, &fields)?;
    write_new(&args.path, &scaffold.text)?;
    println!("created {}", args.path.display());
    if !scaffold.to_fill.is_empty() {
        println!("fill in the header fields marked <...>: {}", scaffold.to_fill.join(", "));
    }
    println!("then replace every TODO(author) line, and run `kbc check`");
    Ok(ExitStatus::Success)
}

fn fields(args: &NewArgs) -> Result<Fields> {
    let clouds = args.clouds.iter().map(|c| parse_cloud(c)).collect::<Result<Vec<_>>>()?;
    Ok(Fields {
        title: args.title.clone(),
        description: args.description.clone(),
        service: args.service.clone(),
        resource: args.resource.clone(),
        author: args.author.clone(),
        support_topics: args.support_topics.clone(),
        products: args.products.clone(),
        clouds,
        ownership: args.ownership.clone(),
    })
}

fn parse_cloud(name: &str) -> Result<Cloud> {
    if let Some(c) = Cloud::parse(name) {
        return Ok(c);
    }
    let hint = vocab::did_you_mean(name, Cloud::ALL.iter().map(|c| c.as_str()))
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
    bail!("unknown cloud `{name}`{hint}; expected public, fairfax, mooncake, usnat or ussec")
}

/// Creates the file and its folders; an existing file is never touched.
fn write_new(path: &Path, text: &str) -> Result<()> {
    if path.extension().and_then(|e| e.to_str()) != Some("md") {
        bail!("{} must end in .md", path.display());
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        crate::fs::create_dir_all(parent)?;
    }
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            anyhow::anyhow!("{} already exists; kbc new never overwrites a file", path.display())
        } else {
            anyhow::Error::new(e).context(format!("cannot create {}", path.display()))
        }
    })?;
    file.write_all(text.as_bytes()).with_context(|| format!("cannot write {}", path.display()))
}
